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


# --- issue #10: one throttle for every way in ---------------------------------------------

PASSWORD = "Demo@2022"


@pytest.fixture
def throttle_settings(settings):
    """Small limits, and no counters or locks left behind for the other tests."""
    from django.core.cache import cache

    cache.clear()
    settings.YINGJI_LOGIN_MAX_FAILURES = 3
    settings.YINGJI_LOGIN_MAX_FAILURES_PER_ACCOUNT = 20
    settings.YINGJI_LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    yield settings
    cache.clear()


def login(client, username, password, *, admin=False, ip="127.0.0.1"):
    url = "/admin/login/" if admin else reverse("login")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_is_throttled_and_shares_the_lock(client, throttle_settings):
    for _ in range(2):
        assert (
            "用户名或密码错误" in login(client, "city_admin", "wrong", admin=True).content.decode()
        )
    assert "暂时锁定" in login(client, "city_admin", "wrong", admin=True).content.decode()
    # the right password, on the admin form and on the platform's form: refused while locked
    assert "暂时锁定" in login(client, "city_admin", PASSWORD, admin=True).content.decode()
    assert "暂时锁定" in login(client, "city_admin", PASSWORD).content.decode()
    assert not logged_in(client)
    failed = AuditEvent.objects.filter(verb="auth.login_failed", data__username="city_admin")
    assert failed.count() == 3 and {e.data["via"] for e in failed} == {"admin"}
    assert AuditEvent.objects.filter(
        verb="auth.lockout", data__username="city_admin", data__via="admin"
    ).exists()


def test_admin_login_refuses_a_user_locked_out_on_the_main_form(client, throttle_settings):
    for _ in range(3):
        login(client, "city_admin", "wrong")
    response = login(client, "city_admin", PASSWORD, admin=True)
    assert "暂时锁定" in response.content.decode() and not logged_in(client)
    # from another address the pair is not locked: the admin signs in
    assert login(client, "city_admin", PASSWORD, admin=True, ip="10.1.1.1").status_code == 302
    assert logged_in(client)


def test_account_lock_counts_failures_from_every_address(client, throttle_settings):
    throttle_settings.YINGJI_LOGIN_MAX_FAILURES = 10
    throttle_settings.YINGJI_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for n in range(3):
        login(client, "leader", "wrong", ip=f"10.0.0.{n + 1}")
    response = login(client, "leader", PASSWORD, ip="10.0.0.9")
    assert "该账号登录失败次数过多" in response.content.decode() and not logged_in(client)
    assert login(client, "city_admin", PASSWORD, ip="10.0.0.9").status_code == 302


def test_address_lock_counts_failures_for_every_account(client, throttle_settings):
    throttle_settings.YINGJI_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("leader", "city_admin", "nobody"):
        login(client, name, "wrong", ip="10.9.9.9")
    response = login(client, "whk_staff", PASSWORD, ip="10.9.9.9")
    assert "此地址登录失败次数过多" in response.content.decode() and not logged_in(client)
    assert AuditEvent.objects.filter(verb="auth.lockout", data__scope="address").exists()
    assert login(client, "whk_staff", PASSWORD, ip="10.9.9.8").status_code == 302


def test_a_right_password_clears_the_account_counters(client, throttle_settings):
    for _ in range(2):
        login(client, "leader", "wrong")
    assert login(client, "leader", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert "用户名或密码错误" in login(client, "leader", "wrong").content.decode()


def test_failed_api_tokens_lock_the_address(client, throttle_settings, persona, ctx):
    from yingji.core.services import do_create_token

    throttle_settings.YINGJI_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    _token, key = do_create_token(actor=persona("county_a"), name="脚本")

    def me(token, ip="10.2.2.2"):
        return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=ip)

    assert me("yj_guess-1").status_code == 401
    assert me("not-even-a-token").status_code == 401
    locked = me("yj_guess-3")
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    assert "此地址" in locked.json()["message"]
    # a valid token from the locked address is refused too; from another address it works
    assert me(key).status_code == 429
    assert me(key, ip="10.2.2.3").status_code == 200
    # and the address cannot sign in on the web either
    assert "此地址" in login(client, "leader", PASSWORD, ip="10.2.2.2").content.decode()
    failed = AuditEvent.objects.filter(verb="auth.login_failed", data__via="api_token")
    assert failed.count() == 3 and all(e.data["ip"] == "10.2.2.2" for e in failed)


def test_password_change_is_throttled(client, throttle_settings, persona):
    user = persona("leader")
    client.force_login(user)
    url = reverse("password_change")
    new = {"new_password1": "Lanzhou#Safe2025", "new_password2": "Lanzhou#Safe2025"}
    for _ in range(2):
        r = client.post(url, {"old_password": "wrong", **new})
        assert r.status_code == 200 and "旧密码不正确" in r.content.decode()
    assert "暂时锁定" in client.post(url, {"old_password": "wrong", **new}).content.decode()
    refused = client.post(url, {"old_password": PASSWORD, **new})
    assert refused.status_code == 200 and "暂时锁定" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(
        verb="auth.lockout", data__username="leader", data__via="password_change"
    ).exists()
    # the admin's password change page leads to the throttled one
    assert client.get("/admin/password_change/")["Location"] == url


# --- issue #10: production checks ---------------------------------------------------------


@pytest.mark.parametrize(
    "key,bad",
    [
        ("a" * 40, True),
        ("a" * 80, True),
        ("ab" * 40, True),
        ("django-insecure-" + "k7#Qz9!mP2@xL5$wR8^tY1&uI4*oE6(aS3)dF0-gH" * 2, True),
        ("insecure-dev-key-change-me", True),
        ("changeme-" + "k7Qz9mP2xL5wR8tY1uI4oE6aS3dF0gH" * 2, True),
        ("k7#Qz9!mP2@xL5$wR8^tY1&uI4*oE6(aS3)dF0-gHjK_lZ+xC=vB", False),
        ("3f9a1c7e5b2d4068" * 4, False),  # hex, 16 distinct characters
    ],
)
def test_secret_key_rules(key, bad):
    from yingji.core.management.commands.yingji_check import secret_key_problem

    assert (secret_key_problem(key) is not None) == bad


def test_production_check_refuses_a_weak_key_and_fails_on_deploy_checks(settings, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a" * 40)
    settings.SECRET_KEY = "a" * 40
    settings.YINGJI_TLS = True
    settings.SECURE_HSTS_SECONDS = 0
    settings.SECURE_SSL_REDIRECT = False
    out = io.StringIO()
    with pytest.raises(Exception, match="生产环境配置问题"):
        call_command("yingji_check", "--production", stdout=out)
    text = out.getvalue()
    assert "SECRET_KEY 不安全" in text
    assert "HSTS 未开启" in text  # TLS declared, HSTS off
    assert "[security.W008]" in text and "YINGJI_TLS=1" in text  # Django's check, in Chinese
    assert "Your SECURE_SSL_REDIRECT" not in text


def _check(**env):
    import os
    import subprocess
    import sys

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YINGJI_") and k not in {"SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "yingji.cli", "check", "--production"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_check_end_to_end(tmp_path):
    good = {
        "YINGJI_PRODUCTION": "1",
        "YINGJI_TLS": "1",
        "SECRET_KEY": "k7#Qz9!mP2@xL5$wR8^tY1&uI4*oE6(aS3)dF0-gHjK_lZ+xC=vB",
        "ALLOWED_HOSTS": "yingji.example.gov.cn",
        "DATABASE_URL": "postgres://yingji@127.0.0.1:5432/yingji",
        "YINGJI_VAR_DIR": str(tmp_path),
    }
    ok = _check(**good)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "生产环境配置检查通过" in ok.stdout
    weak = _check(**{**good, "SECRET_KEY": "a" * 40})
    assert weak.returncode == 1 and "SECRET_KEY 不安全" in weak.stdout
    assert "Traceback" not in weak.stderr


# --- issue #10: audit of sign-ins, refusals and request ids --------------------------------


def test_logins_failures_and_logouts_are_audited(client, throttle_settings, persona):
    login(client, "leader", "wrong")
    failed = AuditEvent.objects.get(verb="auth.login_failed", data__username="leader")
    assert failed.data["via"] == "web" and failed.data["ip"] == "127.0.0.1"
    assert not AuditEvent.objects.filter(verb="auth.lockout").exists()  # below the lock-out
    assert login(client, "leader", PASSWORD).status_code == 302
    signed_in = AuditEvent.objects.get(verb="auth.login")
    assert signed_in.actor == persona("leader") and signed_in.ip == "127.0.0.1"
    assert signed_in.source == "web" and signed_in.data["via"] == "web"
    client.post(reverse("logout"))
    signed_out = AuditEvent.objects.get(verb="auth.logout")
    assert signed_out.actor == persona("leader")
    assert login(client, "city_admin", PASSWORD, admin=True).status_code == 302
    assert AuditEvent.objects.get(verb="auth.login", data__via="admin").actor_label == "city_admin"


def test_denied_access_is_audited_and_logged_on_one_line(as_user, caplog):
    import logging

    client = as_user("enterprise")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("workplan:index"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    event = AuditEvent.objects.get(verb="auth.denied")
    assert event.actor_label == "ent_user" and event.data["path"] == reverse("workplan:index")
    assert event.request_id == response["X-Request-ID"]
    (record,) = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert record.exc_info is None and "\n" not in record.getMessage()
    # the API's 403s too
    org = Organisation.objects.get(name="办公室")
    api = as_user("section").post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "综合办", "version": org.version},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert AuditEvent.objects.filter(verb="auth.denied", actor_label="whk_staff").exists()


def test_a_record_outside_the_scope_is_audited_when_it_exists(as_user):
    org = Organisation.objects.get(code="DEMO-ENT-620104-02")  # 西固; county B is 城关
    client = as_user("county_b")
    url = reverse("core:history", args=["orgs", "organisation", org.pk])
    assert client.get(url).status_code == 404
    event = AuditEvent.objects.get(verb="auth.denied")
    assert event.data["status"] == 404 and event.data["pk"] == str(org.pk)
    missing = reverse("core:history", args=["orgs", "organisation", 99999999])
    assert client.get(missing).status_code == 404
    assert AuditEvent.objects.filter(verb="auth.denied").count() == 1


def test_csrf_failure_page_is_chinese_and_audited(persona):
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("city_admin"))
    org = Organisation.objects.get(name="办公室")
    response = client.post(reverse("orgs:rename", args=[org.pk]), {"name": "x", "version": 1})
    page = response.content.decode()
    assert response.status_code == 403 and "安全校验失败" in page
    assert "Forbidden" not in page and "CSRF verification failed" not in page
    assert 'lang="zh-CN"' in page
    event = AuditEvent.objects.get(verb="auth.csrf_failed")
    assert event.actor_label == "city_admin" and event.data["method"] == "POST"
    assert not AuditEvent.objects.filter(verb="auth.denied").exists()  # one event, not two
    org.refresh_from_db()
    assert org.name == "办公室"
    # the session API checks CSRF with the same view: audited the same way
    api = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert api.status_code == 403
    assert AuditEvent.objects.filter(verb="auth.csrf_failed", data__path="/api/v1/tokens").exists()


@pytest.mark.parametrize(
    "sent,kept",
    [
        ("client-abc-123", "client-abc-123"),
        ("x" * 200, "x" * 64),
        ("bad\x01id", ""),
        ("中文编号", ""),
    ],
)
def test_request_id_is_ours_and_the_clients_is_kept_apart(as_user, sent, kept):
    client = as_user("enterprise")
    response = client.get(reverse("workplan:index"), HTTP_X_REQUEST_ID=sent)
    ours = response["X-Request-ID"]
    assert ours != sent and len(ours) == 16
    event = AuditEvent.objects.get(verb="auth.denied")
    assert event.request_id == ours
    assert event.data.get("client_request_id", "") == kept


# --- issue #10: Chinese pages ---------------------------------------------------------------


def test_password_validation_messages_are_chinese(persona):
    import re

    from django.contrib.auth.password_validation import (
        password_validators_help_texts,
        validate_password,
    )
    from django.core.exceptions import ValidationError
    from django.utils import translation

    user = persona("leader")
    with translation.override("zh-hans"):
        messages = list(password_validators_help_texts())
        for password in ["123", "leader", "password", "12345678901"]:
            with pytest.raises(ValidationError) as refused:
                validate_password(password, user)
            messages += refused.value.messages
    assert any("太短" in m for m in messages)
    english = [m for m in messages if re.search(r"[A-Za-z]{3,}", m)]
    assert not english, english
    with translation.override("en"):
        with pytest.raises(ValidationError, match="too short"):
            validate_password("Ab1!", user)


def test_password_change_page_shows_chinese_validation(as_user):
    client = as_user("leader")
    page = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    ).content.decode()
    assert "密码长度太短" in page and "This password" not in page
