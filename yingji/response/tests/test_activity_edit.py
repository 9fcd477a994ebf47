"""Editing a 重大活动保障 after it is registered: the page and the API call the same service
with the version (stale refused), county staff edit only what their bureau leads, a cancelled
activity is not edited, bad input changes nothing."""

from __future__ import annotations

import json

import pytest

from yingji.core.models import AuditEvent
from yingji.response.models import Activity

from .helpers import client_for

pytestmark = pytest.mark.django_db

MARATHON = "兰州马拉松应急保障(演示)"


def _body(activity, **extra):
    return {
        "name": activity.name,
        "kind": activity.kind,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "organiser": activity.organiser.code,
        "command_post": "兰州奥体中心现场指挥部(演示)",
        "description": activity.description,
        "version": activity.version,
    } | extra


def _put(who, activity, body):
    return client_for(who).put(
        f"/api/v1/response/activities/{activity.pk}",
        json.dumps(body),
        content_type="application/json",
    )


def test_the_api_edits_with_the_version_and_refuses_a_stale_one():
    activity = Activity.objects.get(name=MARATHON)
    r = _put("duty", activity, _body(activity))
    assert r.status_code == 200 and r.json()["command_post"] == "兰州奥体中心现场指挥部(演示)"
    assert AuditEvent.objects.filter(
        verb="response.activity.saved", object_id=str(activity.pk), message__startswith="修改"
    ).exists()
    r = _put("duty", activity, _body(activity, command_post="旧表单"))  # the old version
    assert r.status_code == 409
    assert Activity.objects.get(pk=activity.pk).command_post == "兰州奥体中心现场指挥部(演示)"


@pytest.mark.parametrize(
    ("who", "api", "page"),
    [
        ("xigu_staff", 403, 404),  # reads every activity, edits only what 西固 leads
        ("leader", 403, 403),  # read-only
        ("ent_user", 404, 403),  # sees no activity
    ],
)
def test_who_may_not_edit_a_bureau_activity(who, api, page):
    activity = Activity.objects.get(name=MARATHON)
    r = _put(who, activity, _body(activity))
    assert r.status_code == api, r.content
    assert Activity.objects.get(pk=activity.pk).version == activity.version
    assert client_for(who).get(f"/response/activities/{activity.pk}/edit/").status_code == page


def test_the_page_edits_and_bad_dates_change_nothing():
    activity = Activity.objects.get(name=MARATHON)
    client = client_for("duty")
    url = f"/response/activities/{activity.pk}/edit/"
    assert 'name="version"' in client.get(url).content.decode()
    bad = _body(activity, ends_on="2000-01-01")
    r = client.post(url, bad, follow=True)
    assert "保障结束日期不能早于开始日期" in r.content.decode()
    assert Activity.objects.get(pk=activity.pk).version == activity.version
    r = client.post(url, _body(activity, command_post="新指挥部(演示)"))
    assert r.status_code == 302
    assert Activity.objects.get(pk=activity.pk).command_post == "新指挥部(演示)"
