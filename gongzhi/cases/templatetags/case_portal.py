"""Template helpers of the portal's case pages."""

from __future__ import annotations

from typing import Any

from django import template

from gongzhi.cases import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context: template.Context) -> int:
    """The logged-in user's unread in-app messages (one indexed count), for the header."""
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    return queries.unread_count(user) if user is not None else 0
