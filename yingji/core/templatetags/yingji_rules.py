"""Template side of the page rules and of the readable values (issue #12).

    {% load yingji_rules %}
    {% if request.user|allows:"workplan.import" %}<a href="…">导入</a>{% endif %}
    {% if request.user|may:object %}…{% endif %}          (restrict(): "change" on the record)
    {{ some_user|person }}     张三(危险化学品安全监督管理科)
    {{ moment|local_time }}    2026年11月30日 14:05
    <a href="?{% query_with query sort='-name' %}">        one sort= only, never piled up

The same named rule guards the view (``@requires``), the navigation (``allowed=``) and, through
this filter, the button: what a user is shown is what they may do."""

import re

from django import template
from django.http import QueryDict

from yingji.core import permissions, presenters

register = template.Library()


@register.filter
def allows(user, name):
    return permissions.allows(user, name)


@register.filter
def may(user, obj, action="change"):
    return obj is not None and permissions.can(user, obj, action)


@register.filter
def person(user):
    return presenters.person(user)


@register.filter
def local_time(value):
    return presenters.local_datetime(value)


@register.simple_tag
def query_with(query, **changes):
    """The list's query string with the given parameters set (replacing, not adding)."""
    params = QueryDict(query or "", mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return params.urlencode()


# Notes written for the people who keep the standard tables (how sure a value is, what to check
# before going live) belong on the administrators' settings pages, not on a user's page.
_DEVELOPER_NOTE = re.compile(r"可信度|上线前|confidence|\b(?:LOW|MEDIUM|HIGH)\b")
_ASCII_ASIDE = re.compile(r"\s*[（(][A-Z]{2,}[）)]")  # e.g. （ALARP）
_STYLE = re.compile(r"(DB\d+/T\s*[\d.\-]+)\s+style")


def _plain(text: str) -> str:
    return _STYLE.sub(r"参照\1", _ASCII_ASIDE.sub("", text))


@register.filter
def for_users(value):
    """Plain Chinese for a user's page: notes for the table keepers left out (from a list),
    English asides and working labels taken out of a text."""
    if isinstance(value, list | tuple):
        return [_plain(str(v)) for v in value if not _DEVELOPER_NOTE.search(str(v))]
    if value is None:
        return ""
    return _plain(str(value))
