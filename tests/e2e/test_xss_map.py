"""Issue #10, item 1: a hazard description written by an enterprise user reaches the city
administrator's risk map as a tooltip. It must show as text, never as markup, and the page runs
under a Content-Security-Policy that allows no inline script."""

import pytest

from .conftest import ARTIFACTS, login, wait_until

pytestmark = pytest.mark.e2e

PAYLOAD = "<img src=x onerror=__xss=1>"


@pytest.mark.django_db(transaction=True)
def test_a_hostile_hazard_description_shows_as_text_in_the_map_tooltip(
    reference_data, live_server, browser_page
):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.enterprises.models import Enterprise
    from yingji.hazards import services

    ent_user = get_user_model().objects.get(username="ent_user")
    enterprise = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    with actor_context(ent_user, source="test"):
        hazard = services.do_register_hazard(
            actor=ent_user,
            enterprise=enterprise,
            source="self_inspection",
            category="equipment",
            description=PAYLOAD,
            found_on=timezone.localdate(),
        )
    page = browser_page
    console = []
    page.on("console", lambda m: console.append(m.text))
    login(page, live_server.url, "city_admin")
    response = page.goto(f"{live_server.url}/risk/map/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#risk-map[data-loaded] canvas")
    wait_until(
        page,
        "window.yjRiskMap && window.yjRiskMap.chart.getOption().series"
        ".some(s => s.name === 'layer:hazards' && s.data.length)",
    )
    shown = page.evaluate(
        """(id) => {
          const chart = window.yjRiskMap.chart;
          const series = chart.getOption().series;
          const si = series.findIndex(s => s.name === 'layer:hazards');
          const di = series[si].data.findIndex(d => d.props.id === id);
          chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: di});
          return di;
        }""",
        hazard.pk,
    )
    assert shown >= 0
    wait_until(
        page,
        "Array.from(document.querySelectorAll('#risk-map div'))"
        ".some(d => d.textContent.includes('onerror'))",
    )
    tip = page.evaluate(
        """() => {
          const d = Array.from(document.querySelectorAll('#risk-map div'))
            .filter(d => d.textContent.includes('onerror')).pop();
          return {text: d.textContent, images: d.querySelectorAll('img').length};
        }"""
    )
    page.screenshot(path=str(ARTIFACTS / "e2e-xss-tooltip.png"))
    assert PAYLOAD in tip["text"] and tip["images"] == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
