"""Journey (T63, 指挥一张图): at night the 带班领导 opens the command map: the city's layers with
their counts and the five panels; the duty officer filters to 西固, switches a layer off,
reads an event's tooltip (a hostile title shows as text) and opens the event from the panel;
a county user is offered only their county; an enterprise user is refused.
Screenshot: docs/screenshots/command-map.png."""

from pathlib import Path

import pytest

from .conftest import login, wait_until

pytestmark = pytest.mark.e2e

SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "command-map.png"
PAYLOAD = "<img src=x onerror=__xss=1>泄漏"
LOADED = "#command-map[data-loaded] canvas"


def _logout(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


def _hostile_event() -> dict:
    import datetime as dt

    from django.utils import timezone

    from yingji.response.tests.helpers import client_for, event_body, post

    received = timezone.localtime() - dt.timedelta(minutes=20)
    body = event_body(
        title=PAYLOAD,
        county="620104",
        received_at=received.isoformat(),
        occurred_at=(received - dt.timedelta(minutes=5)).isoformat(),
    )
    made = post(client_for("duty"), "/api/v1/response/events", body)
    assert made.status_code == 201, made.content
    return made.json()


@pytest.mark.django_db(transaction=True)
def test_command_map_at_night(reference_data, live_server, browser_page):
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1600, "height": 900})

    # the leader: the whole city, every layer counted, the panels filled
    login(page, base, "leader")
    page.click("a.nav-link[href='/command/']")
    page.wait_for_selector(LOADED)
    wait_until(
        page,
        "!Array.from(document.querySelectorAll('.yj-cmd-count')).some(c => c.textContent === '…')",
    )
    counts = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('.yj-cmd-count'))"
        ".map(c => [c.id.slice(6), Number(c.textContent)]))"
    )
    assert counts["events"] >= 1 and counts["enterprises"] > 10 and counts["resources"] >= 1
    assert int(page.get_attribute("#panel-events", "data-count")) >= 1
    assert "带班领导" in page.inner_text("#panel-duty")
    page.wait_for_timeout(600)  # the map's entry animation
    page.screenshot(path=str(SHOT))
    assert not [u for u in page.external_requests if not u.startswith(base)]

    # the duty officer: a hostile title shows as text in the tooltip and the panel
    made = _hostile_event()
    _logout(page, base)
    login(page, base, "duty")
    page.goto(f"{base}/command/")
    page.wait_for_selector(LOADED)
    wait_until(
        page,
        "window.yjCommandMap.chart.getOption().series.some(s => s.name === 'layer:events' && s.data.length)",
    )
    shown = page.evaluate(
        """(id) => {
          const chart = window.yjCommandMap.chart;
          const series = chart.getOption().series;
          const si = series.findIndex(s => s.name === 'layer:events');
          const di = series[si].data.findIndex(d => d.props.id === id);
          chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: di});
          return di;
        }""",
        made["id"],
    )
    assert shown >= 0
    wait_until(
        page,
        "Array.from(document.querySelectorAll('#command-map div')).some(d => d.textContent.includes('onerror'))",
    )
    images = page.evaluate(
        """() => Array.from(document.querySelectorAll('#command-map div'))
          .filter(d => d.textContent.includes('onerror')).pop().querySelectorAll('img').length"""
    )
    assert images == 0 and page.evaluate("typeof window.__xss") == "undefined"
    assert PAYLOAD in page.inner_text("#panel-events")

    # a layer switched off leaves the map; 西固 chosen: the panels follow (htmx) and the URL too
    page.uncheck("#layer-inspections")
    wait_until(
        page,
        "!window.yjCommandMap.chart.getOption().series.some(s => s.name === 'layer:inspections')",
    )
    page.select_option("#c-district", "620104")
    wait_until(page, "location.search.includes('district=620104')")
    wait_until(page, "document.querySelector('#panel-events').textContent.includes('onerror')")
    page.select_option("#c-district", "620102")
    wait_until(page, "!document.querySelector('#panel-events').textContent.includes('onerror')")
    page.select_option("#c-district", "620104")
    wait_until(page, "document.querySelector('#panel-events').textContent.includes('onerror')")
    page.click(f"#panel-events a[href='/response/events/{made['id']}/']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/response/events/{made['id']}/")

    # a county bureau: their county only; an enterprise: refused, and no sidebar entry
    _logout(page, base)
    login(page, base, "xigu_staff")
    page.goto(f"{base}/command/")
    page.wait_for_selector(LOADED)
    options = page.eval_on_selector_all("#c-district option", "os => os.map(o => o.value)")
    assert options == ["620104"]
    _logout(page, base)
    login(page, base, "ent_user")
    assert page.locator("a.nav-link[href='/command/']").count() == 0
    assert page.goto(f"{base}/command/").status == 403
