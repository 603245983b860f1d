"""Lists as ``{"items": [...], "count": N}`` (DESIGN: interfaces that stay stable).

``limit`` (1–200, default 50) and ``offset`` page through a list in its fixed order.
Offsets cost more the deeper they go; lists that grow to league scale (residents,
cases, ledger events) will add keyset cursors — ``after=<last key>`` over the list's
ordering index — beside these parameters, with the same ``items``/``count`` shape.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class LimitOffsetPagination(PaginationBase):
    """Offset pagination with a hard ceiling; use as ``@paginate(LimitOffsetPagination)``."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            description=f"每页条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）",
        )
        offset: int = Field(0, ge=0, description="跳过的条数（从 0 开始）")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="符合条件的总条数")

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        start = pagination.offset
        return {
            "items": list(queryset[start : start + pagination.limit]),
            "count": self._items_count(queryset),
        }
