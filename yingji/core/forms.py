from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from . import throttle
from .context import get_actor_context
from .middleware import client_ip


def _request_ip(form) -> str | None:
    request = getattr(form, "request", None)
    if request is not None:
        return client_ip(request)
    ctx = get_actor_context()  # forms built without the request (password change)
    return ctx.ip if ctx else None


class ThrottledLoginMixin:
    """Lock-out for a Django authentication form (yingji.core.throttle): refused while the
    account or the address is locked; a wrong password counts (and is audited); a right one
    clears the account's counters."""

    throttle_via = "web"

    def clean(self):
        username = self.cleaned_data.get("username", "")
        ip = _request_ip(self)
        lock = throttle.locked(username, ip)
        if lock:
            raise ValidationError(lock.message, code="locked")
        cleaned = super().clean()
        throttle.register_success(username, ip)
        return cleaned

    def get_invalid_login_error(self):
        # Django calls this only when the credentials are wrong (not for an inactive or a
        # non-staff account with the right password).
        username = self.cleaned_data.get("username", "")
        lock = throttle.register_failure(username, _request_ip(self), via=self.throttle_via)
        if lock:
            return ValidationError(lock.message, code="locked")
        return super().get_invalid_login_error()


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Django's login form plus lock-out after repeated failures (audited)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
    }


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin login (/admin/login/) under the same lock-out as the platform's login."""

    throttle_via = "admin"
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "用户名或密码错误,或该账号不是系统管理人员。",
        "inactive": "该账号已停用。",
    }


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Changing one's password asks for the old one: a password oracle, so it is throttled
    like a login (a hijacked session cannot guess the password)."""

    def clean_old_password(self):
        username = self.user.get_username()
        ip = _request_ip(self)
        lock = throttle.locked(username, ip)
        if lock:
            raise ValidationError(lock.message, code="locked")
        try:
            value = super().clean_old_password()
        except ValidationError:
            lock = throttle.register_failure(username, ip, via="password_change")
            if lock:
                raise ValidationError(lock.message, code="locked")
            raise
        throttle.register_success(username, ip)
        return value


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length validator, with its message in Chinese on Chinese pages.

    Django 5.2 changed this message's msgid ("at least %d character" instead of
    "%(min_length)d"), and Django's zh-hans catalogue translates only the old one, so the
    message showed in English. The old msgid is asked for here: Django's catalogue has its
    Chinese, and English pages get the same English sentence.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件")
    description = forms.CharField(label="说明", max_length=255, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
