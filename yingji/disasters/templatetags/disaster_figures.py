"""The one way a 灾情 figure is printed on a page: ``{{ v|figure }}`` (no trailing .0, at most
two decimals, thousands separators; "—" when not reported). The Word report, the release text
and the check messages use the same ``disaster_stats.figure_text``."""

from django import template

from yingji.standards.disaster_stats import figure_text

register = template.Library()


@register.filter
def figure(value):
    return figure_text(value, grouping=True) or "—"
