"""A record's history as people read it (issue #12 B): field names in Chinese, choice labels,
related records by name, one local Chinese time format, people by name and organisation, and
nothing an enterprise may not read of the record."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.presenters import local_datetime, person, readable

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse("core:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def test_values_are_readable():
    import datetime

    moment = datetime.datetime(2026, 11, 30, 6, 5, tzinfo=datetime.UTC)
    assert local_datetime(moment) == "2026年11月30日 14:05"
    assert local_datetime("2026-11-30T06:05:00+00:00") == "2026年11月30日 14:05"
    assert readable({"goal": "消除隐患", "funding": ""}) == "goal:消除隐患"
    assert readable(["甲", "乙"]) == "甲、乙"
    user = get_user_model().objects.get(username="whk_staff")
    assert person(user) == "危化科科员(演示)(危险化学品安全监督管理科)"


def test_hazard_history_shows_labels_names_and_local_time(as_user):
    from yingji.hazards import services
    from yingji.hazards.tests.test_hazards import graded

    hazard = graded()
    assert hazard.state == "graded"
    html = as_user("city_admin").get(history_url(hazard)).content.decode()
    for raw in ("registered", "graded</td>", "is_demo", "xigu_staff", "T0", "+00:00"):
        assert raw not in html, raw
    assert "状态" in html and ">登记</td>" in html and "已定级" in html
    assert "西固区应急局科员(演示)(西固区应急管理局)" in html
    assert "演示数据" not in html  # a field left empty at creation is not a line of history
    assert "隐患类别" in html and "设备设施" in html
    now = timezone.localtime()
    assert f"{now.year}年{now.month}月{now.day}日" in html
    assert services.ACTION_LABELS  # the module the hazard came from


def test_the_enterprise_does_not_read_the_regulators_duplicate_reason(as_user):
    from yingji.enterprises.models import Enterprise
    from yingji.inspections import services
    from yingji.orgs.models import Organisation

    User = get_user_model()
    own = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    day = timezone.localdate() + timedelta(days=400)
    first_actor, first_org, second_actor, second_org = (
        ("xigu_staff", "XGQ-YJJ", "whk_staff", "LZYJJ-WHP")
        if own.tier == "county"
        else ("whk_staff", "LZYJJ-WHP", "xigu_staff", "XGQ-YJJ")
    )

    def schedule(name, agency, when, **kw):
        actor = User.objects.get(username=name)
        with actor_context(actor, source="test"):
            return services.do_schedule_inspection(
                actor=actor,
                enterprise=own,
                inspected_on=when,
                agency=Organisation.objects.get(code=agency),
                participants="甲某、乙某",
                **kw,
            )

    schedule(first_actor, first_org, day)
    try:
        second = schedule(
            second_actor, second_org, day + timedelta(days=5), reason="内部理由:举报线索待核实"
        )
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"the second bureau may not inspect this enterprise: {exc}")
    from yingji.inspections.models import Inspection

    Inspection.objects.filter(pk=second.pk).update(state="completed")  # as once done
    regulator = as_user("city_admin").get(history_url(second)).content.decode()
    assert "内部理由:举报线索待核实" in regulator
    enterprise = as_user("enterprise").get(history_url(second))
    assert enterprise.status_code == 200
    assert "内部理由" not in enterprise.content.decode()
    api = (
        as_user("enterprise")
        .get(f"/api/v1/history/inspections/inspection/{second.pk}")
        .content.decode()
    )
    assert "内部理由" not in api


def test_no_relation_is_shown_by_its_python_name():
    """A relation declared without a Chinese verbose_name is shown by its model's name (a
    督办单's `assignment` showed as "assignment" in its history)."""
    from django.apps import apps

    from yingji.core.presenters import _Fields

    shown = []
    for model in apps.get_models():
        if not model.__module__.startswith("yingji."):
            continue
        fields = _Fields(model)
        for f in model._meta.concrete_fields:
            if f.is_relation:
                shown.append((model._meta.label, f.name, fields.label(f.name)))
    python_names = [s for s in shown if s[2] in (s[1], s[1].replace("_", " "))]
    assert shown and not python_names, python_names


def test_every_derived_search_column_is_left_out_of_history():
    """A column rewritten from the record's other fields on every save (search_text) would be a
    line of tokens in every change: each model that has one names it in history_skipped_fields."""
    from django.apps import apps

    from yingji.core.presenters import field_labels

    with_search = [
        m for m in apps.get_models() if "search_text" in {f.name for f in m._meta.fields}
    ]
    assert with_search, "expected the case library and the briefs to keep a search column"
    for model in with_search:
        assert "search_text" in getattr(model, "history_skipped_fields", ()), model
        assert field_labels(model, ["search_text"]) == "", model
