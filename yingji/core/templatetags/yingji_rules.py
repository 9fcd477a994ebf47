"""Template side of the page rules and of the readable values (issue #12).

    {% load yingji_rules %}
    {% if request.user|allows:"workplan.import" %}<a href="…">导入</a>{% endif %}
    {% if request.user|may:object %}…{% endif %}          (restrict(): "change" on the record)
    {{ some_user|person }}     张三(危险化学品安全监督管理科)
    {{ moment|local_time }}    2026年11月30日 14:05
    <a href="?{% query_with query sort='-name' %}">        one sort= only, never piled up

The same named rule guards the view (``@requires``), the navigation (``allowed=``) and, through
this filter, the button: what a user is shown is what they may do."""

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
