"""Cells of the indicators table: every number links to the cases behind it.

A rate reads ``92.3%（120/130）`` — the percentage with one decimal, then the counts it
comes from, each a link to its list — or ``—`` when nothing could be counted (a zero
denominator). No figure is told by colour alone.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _link(row: Any, count: str) -> SafeString:
    value = int(row.figures.get(count) or 0)
    shown = f"{value:,}"
    if not value:
        return format_html("{}", shown)
    return format_html('<a href="{}&amp;count={}">{}</a>', row.drill, count, shown)


@register.simple_tag
def db_count(row: Any, count: str) -> SafeString:
    """A count, linked to its cases when there are any."""
    return _link(row, count)


@register.simple_tag
def db_rate(row: Any, part: str, whole: str) -> SafeString:
    """``part / whole`` as a percentage with one decimal and both counts linked."""
    denominator = int(row.figures.get(whole) or 0)
    if not denominator:
        return format_html('<span class="db-none" title="{}">—</span>', _("没有可计算的办件"))
    numerator = int(row.figures.get(part) or 0)
    percent = f"{numerator * 100 / denominator:.1f}%"
    return format_html(
        '<span class="db-rate">{}</span><span class="db-counts">（{}/{}）</span>',
        percent,
        _link(row, part),
        _link(row, whole),
    )


@register.simple_tag
def db_hours(row: Any) -> SafeString:
    """平均办理时长 in hours with one decimal, linked to the closed cases it averages."""
    hours = row.figures.get("avg_handling_hours")
    if hours is None:
        return format_html('<span class="db-none" title="{}">—</span>', _("没有已结案的办件"))
    value = _("%(hours).1f 小时") % {"hours": hours}
    return format_html('<a href="{}&amp;count=closed">{}</a>', row.drill, value)
