"""Small display helpers: numbers with thousands separators, static URLs inside scripts."""

from django import template
from django.templatetags.static import static

register = template.Library()


@register.filter
def intcomma_zh(value):
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.simple_tag
def static_url(path):
    return static(path)
