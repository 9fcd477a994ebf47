"""Security baseline: Argon2, login throttling with an audited lock-out, CSRF, upload limits,
production checks, secure settings."""

import io

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from yingji.core.errors import ValidationFailed
from yingji.core.models import Attachment, AuditEvent
from yingji.core.uploads import validate_upload
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_passwords_are_argon2(persona):
    assert identify_hasher(persona("leader").password).algorithm == "argon2"


def test_login_works_and_lockout_after_repeated_failures(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.YINGJI_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        r = client.post(reverse("login"), {"username": "leader", "password": "wrong"})
        assert "用户名或密码错误" in r.content.decode()
    r = client.post(reverse("login"), {"username": "leader", "password": "wrong"})
    assert "暂时锁定" in r.content.decode()
    assert AuditEvent.objects.filter(verb="auth.lockout", data__username="leader").exists()
    # even the right password is refused while locked
    r = client.post(reverse("login"), {"username": "leader", "password": "Demo@2022"})
    assert "暂时锁定" in r.content.decode() and "_auth_user_id" not in client.session
    cache.clear()
    r = client.post(reverse("login"), {"username": "leader", "password": "Demo@2022"})
    assert r.status_code == 302 and client.session["_auth_user_id"]


def test_csrf_is_enforced_on_web_and_session_api(persona):
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("city_admin"))
    org = Organisation.objects.get(name="办公室")
    assert (
        client.post(reverse("orgs:rename", args=[org.pk]), {"name": "x", "version": 1}).status_code
        == 403
    )
    api = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert api.status_code in (401, 403)


@pytest.mark.parametrize(
    "name,content,ok",
    [
        ("report.pdf", b"%PDF-1.7 ...", True),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", True),
        ("notes.txt", "中文说明".encode(), True),
        ("evil.exe", b"MZ....", False),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", False),
        ("bin.txt", b"\x00\x01\x02", False),
    ],
)
def test_upload_types(name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        mime, digest = validate_upload(upload)
        assert len(digest) == 64
    else:
        with pytest.raises(ValidationFailed):
            validate_upload(upload)


def test_upload_size_limit(settings):
    settings.YINGJI_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationFailed, match="超过上限"):
        validate_upload(SimpleUploadedFile("a.txt", b"x" * 11))


def test_attachment_upload_through_the_record_page(as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user("county_a")
    org = Organisation.objects.get(code="DEMO-ENT-620104-02")
    url = reverse("core:add_attachment", args=["orgs", "organisation", org.pk])
    client.post(url, {"file": SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4 test"), "next": "/"})
    att = Attachment.objects.get(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=str(org.pk)
    )
    assert att.original_name == "检查记录.pdf" and att.uploaded_by.username == "xigu_staff"
    assert client.get(reverse("core:attachment", args=[att.pk])).status_code == 200
    # county B can neither attach to nor download from a 西固 enterprise
    other = as_user("county_b")
    assert other.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1")}).status_code == 404
    assert other.get(reverse("core:attachment", args=[att.pk])).status_code == 404
    refused = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "不支持的文件类型" in refused.content.decode()


def test_production_check_reports_problems(settings):
    settings.DEBUG = True
    out = io.StringIO()
    with pytest.raises(Exception, match="生产环境配置问题"):
        call_command("yingji_check", "--production", stdout=out)
    assert "DEBUG" in out.getvalue() and "SECRET_KEY" in out.getvalue()


def test_security_headers(as_user):
    response = as_user("county_a").get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
