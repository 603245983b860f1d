"""Template helpers of the page shell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import template

register = template.Library()


@register.filter
def page_window(page_obj: Any) -> Iterator[int | str]:
    """Page numbers around the current page, with “…” for the gaps: 1 … 4 5 6 7 8 … 20.

    Works the same for 3 pages or 30,000 — only a handful of numbers are produced.
    """
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
