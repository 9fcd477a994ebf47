"""Notes go through one service, need the right to change the record, and nothing redirects
to another host after a POST (issue #10 item 10)."""

import pytest

from yingji.core.models import AuditEvent, Note
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def _note_url(org):
    return f"/records/orgs/organisation/{org.pk}/notes/"


def test_a_note_is_saved_audited_and_redirects_only_within_the_site(as_user):
    org = Organisation.objects.get(name="办公室")
    client = as_user("city_admin")
    response = client.post(
        _note_url(org), {"body": "已电话核实", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302 and response["Location"] == org.get_absolute_url()
    assert Note.objects.filter(object_id=str(org.pk), body="已电话核实").exists()
    assert AuditEvent.objects.filter(verb="core.note.added", object_id=str(org.pk)).exists()
    response = client.post(_note_url(org), {"body": "第二条"}, HTTP_REFERER="//evil.example/x")
    assert response["Location"] == org.get_absolute_url()
    response = client.post(_note_url(org), {"body": "第三条", "next": "/orgs/?kind=section"})
    assert response["Location"] == "/orgs/?kind=section"


def test_the_read_only_leader_cannot_write_notes(as_user):
    org = Organisation.objects.get(name="办公室")
    response = as_user("leader").post(_note_url(org), {"body": "领导批示"})
    assert response.status_code == 404
    assert not Note.objects.filter(body="领导批示").exists()
    page = as_user("leader").get(org.get_absolute_url()).content.decode()
    assert "保存备注" not in page


@pytest.mark.parametrize(
    "body, message", [("a\x00b", "控制字符"), ("x" * 10_001, "不能超过 10000 个字"), ("", "必填")]
)
def test_bad_notes_are_refused_with_a_chinese_field_message(as_user, body, message):
    org = Organisation.objects.get(name="办公室")
    client = as_user("city_admin")
    before = Note.objects.count()
    page = client.post(_note_url(org), {"body": body}, follow=True).content.decode()
    assert message in page and "备注" in page
    assert Note.objects.count() == before


def test_tokens_cannot_be_created_already_expired(as_user):
    client = as_user("county_a")
    response = client.post(
        "/api/v1/tokens",
        {"name": "过期令牌", "expires_at": "2020-01-01T00:00:00+08:00"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "有效期应晚于当前时间" in response.json()["message"]
