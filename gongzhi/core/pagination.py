"""Page lists whose total may be huge without counting all of it.

A plain ``Paginator`` runs ``COUNT(*)`` over everything the filter matches — on a county
of 300,000 residents, on every page. ``CappedPaginator`` counts at most ``cap + 1`` rows
(``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), so a page costs the same whatever the
jurisdiction's size; past the cap the page says "more than N" and asks for a narrower
search instead of offering page 4,000.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``cap + 1``; ``capped`` says it did."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a QuerySet here: sliced, then counted in SQL
        return int(rows[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        """More rows match than were counted: show ``cap``+ and ask to narrow the search."""
        return self.count > self.cap
