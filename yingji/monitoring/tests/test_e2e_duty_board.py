"""Journey (issue #13): the duty officer keeps the alarm board open; a gas detector at a 西固
petrochemical unit reports 60 %LEL and the new red alarm appears on the board without a reload;
the officer acknowledges it, opens the station's chart, marks the alarm handled with a note;
the alarm's history shows each step. Screenshots: docs/screenshots/monitoring-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.e2e import conftest as e2e  # the browser fixture and helpers of the e2e journeys

browser_page = e2e.browser_page
login, wait_until = e2e.login, e2e.wait_until
ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "docs" / "screenshots"
STATION = "DEMO-XG-E05-GAS1"


def _gas_leak():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.monitoring.services import do_ingest_observations

    user = get_user_model().objects.get(username="xigu_staff")
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
    record = {"station": STATION, "element": "gas_lel", "time": t.isoformat(), "value": 60}
    with actor_context(user, source="test"):
        result = do_ingest_observations(actor=user, records=[record], source="test")
    # the board, read just before, may have raised 设备离线 for the station if the session's
    # demo data is older than its offline limit; the returning data clears that alarm too
    from yingji.monitoring.services import OFFLINE_RULE

    (change,) = [c for c in result.alarms if c["rule"] != OFFLINE_RULE]
    assert change["level"] == "red"
    return change["alarm"]


@pytest.mark.django_db(transaction=True)
def test_duty_officer_sees_acknowledges_and_handles_a_new_red_alarm(
    reference_data, live_server, browser_page
):
    from yingji.monitoring.models import Alarm

    base, page = live_server.url, browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "duty")
    page.goto(f"{base}/monitoring/")
    page.wait_for_selector("#alarm-table")
    page.evaluate("() => { window.yjNotReloaded = true; }")
    alarm_id = _gas_leak()
    # the board's htmx polling brings the new alarm in, first (red, newest), without a reload
    wait_until(page, f"document.querySelector('#alarm-table tbody tr')?.id === 'alarm-{alarm_id}'")
    assert page.evaluate("() => window.yjNotReloaded === true")
    row = page.inner_text(f"#alarm-{alarm_id}")
    assert "红色" in row and "未确认" in row and "可燃气体" in row
    page.screenshot(path=str(SHOTS / "monitoring-board-new-red.png"), full_page=False)
    # 确认
    page.click(f"#alarm-{alarm_id} button:has-text('确认')")
    page.wait_for_selector(f"#alarm-{alarm_id}")
    assert "已确认" in page.inner_text(f"#alarm-{alarm_id}")
    # the station's chart
    page.click(f"#alarm-{alarm_id} td:nth-child(2) a")
    page.wait_for_selector(".yj-series[data-loaded] canvas")
    assert int(page.get_attribute(".yj-series", "data-loaded")) >= 2  # the demo's and the leak
    assert STATION in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "monitoring-station-chart.png"), full_page=True)
    # 处置 from the alarm page (the station page lists the alarm)
    page.click(f"a[href='/monitoring/alarms/{alarm_id}/']")
    page.wait_for_selector("#f-note")
    page.fill("#f-note", "已通知企业关闭进料阀、启动排风,现场复测 3 %LEL,恢复正常。")
    page.click("#handle button:has-text('处置')")
    page.wait_for_selector("#tab-history table, #tab-history li, #tab-history tr")
    wait_until(page, "document.querySelector('#tab-history').innerText.includes('处置告警')")
    history = page.inner_text("#tab-history")
    for step in ("红色", "确认告警", "处置告警"):
        assert step in history, (step, history)
    assert "已处置" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "monitoring-alarm-history.png"), full_page=True)
    alarm = Alarm.objects.get(pk=alarm_id)
    assert alarm.state == "handled" and alarm.acknowledged_by.username == "duty"
    assert "排风" in alarm.handling_note
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
