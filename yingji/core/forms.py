from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import throttle
from .audit import record_event
from .middleware import client_ip


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form plus lock-out after repeated failures (audited)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
        "locked": "登录失败次数过多,该账号在此地址已被暂时锁定,请 %(minutes)d 分钟后再试。",
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        ip = client_ip(self.request) if self.request else None
        if throttle.is_locked(username, ip):
            raise self._locked_error()
        try:
            cleaned = super().clean()
        except ValidationError:
            if throttle.register_failure(username, ip):
                record_event(
                    "auth.lockout",
                    f"账号“{username}”在 {ip} 连续登录失败,已临时锁定",
                    username=username,
                    ip=ip,
                )
                raise self._locked_error()
            raise
        throttle.reset(username, ip)
        return cleaned

    def _locked_error(self):
        from django.conf import settings

        return ValidationError(
            self.error_messages["locked"],
            code="locked",
            params={"minutes": max(1, settings.YINGJI_LOGIN_LOCK_SECONDS // 60)},
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件")
    description = forms.CharField(label="说明", max_length=255, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
