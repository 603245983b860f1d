"""Template helpers of the case console: the traffic light and the service commitment."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.enums import TimeUnit, Urgency
from gongzhi.cases.models import Category

register = template.Library()

# 红黄绿灯: the colour is never the only cue; the word goes with it.
LIGHT_LABELS = {
    "green": gettext_lazy("正常"),
    "yellow": gettext_lazy("即将超期"),
    "red": gettext_lazy("已超期"),
    "grey": gettext_lazy("不计时"),
}


@register.inclusion_tag("cases/_light.html")
def light(colour: str) -> dict[str, Any]:
    """A coloured dot with its meaning in words (``queries.traffic_light``)."""
    return {"colour": colour, "label": LIGHT_LABELS.get(colour, LIGHT_LABELS["grey"])}


def _span(unit: str, amount: int) -> str:
    return f"{amount} {TimeUnit(unit).label}"


@register.simple_tag
def commitment(category: Category, urgency: str = Urgency.NORMAL) -> str:
    """承诺时限 in words: ``受理 8 工作小时内，办结 5 工作日内``."""
    accept = _span(*category.accept_within(urgency))
    resolve = _span(*category.resolve_within(urgency))
    return _("受理 %(accept)s内，办结 %(resolve)s内") % {"accept": accept, "resolve": resolve}
