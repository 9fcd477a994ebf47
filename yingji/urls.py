"""The project's URLs: the login pages, then every app's URLs as its AppConfig declares them
(``url_prefix``, see yingji.core.hooks), then the admin and the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from yingji.core import hooks
from yingji.core.forms import ThrottledAdminLoginForm, ThrottledPasswordChangeForm

from . import views
from .api import api

admin.site.site_header = "应急管理综合平台 · 系统管理"
admin.site.site_title = "应急管理综合平台"
# The admin login obeys the same lock-out as the platform's (yingji.core.throttle).
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            form_class=ThrottledPasswordChangeForm,
            template_name="registration/password_change.html",
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *hooks.urlpatterns(),
    # the admin's own password change would check the old password unthrottled
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "yingji.core.views.error_403"
handler404 = "yingji.core.views.error_404"
handler500 = "yingji.core.views.error_500"
