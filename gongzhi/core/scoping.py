"""Jurisdiction by division-code prefix (DESIGN rule 3) — the one mechanism every app uses.

Every row that belongs to a place stores ``region_code``: the short hierarchical code of
the most specific place it belongs to (``1522`` league, ``152201`` county, ``152201001``
township, ``152201001001`` community; grids, compounds and buildings append digits).
A user's jurisdiction is the ``region_code`` of the region their account is bound to;
a row is inside it when its code starts with that prefix.

The prefix test is written as a half-open range ``prefix <= code < next(prefix)``
rather than ``LIKE 'prefix%'``: a range uses the plain B-tree index on SQLite and on
PostgreSQL whatever the column's collation, which ``LIKE`` does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

M = TypeVar("M", bound=models.Model)

# Codes are digits only; a scope that denies everything matches no code.
NOWHERE = "-"


def next_prefix(prefix: str) -> str | None:
    """The smallest string of digits greater than every string starting with ``prefix``.

    ``"152201"`` → ``"152202"``; ``"152209"`` → ``"152210"``; ``"99"`` → ``None`` (no bound).
    """
    if not prefix.isdigit():
        raise ValueError(f"region code prefix must be digits: {prefix!r}")
    stripped = prefix.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def within(prefix: str, field: str = "region_code") -> Q:
    """A filter for rows whose ``field`` starts with ``prefix``, as an index range."""
    if prefix == NOWHERE:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    upper = next_prefix(prefix)
    condition = Q(**{f"{field}__gte": prefix})
    if upper is not None:
        condition &= Q(**{f"{field}__lt": upper})
    return condition


def contains(scope: str, code: str) -> bool:
    """Whether the place ``code`` lies inside the jurisdiction ``scope``."""
    return scope != NOWHERE and code.startswith(scope)


def scope_of(user: User | Any) -> str:
    """The jurisdiction prefix the user acts in now.

    Staff act in their account's region, or in a narrower part of it chosen with the
    jurisdiction switcher (``user.active_scope``, set by ``JurisdictionMiddleware`` and
    checked there to lie inside the account's region). Anyone else sees nothing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    if not user.has_jurisdiction:
        return NOWHERE
    return getattr(user, "active_scope", None) or user.region_code or NOWHERE


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset that knows how to restrict itself to a jurisdiction.

    Models that belong to a place use ``objects = ScopedQuerySet.as_manager()`` and
    name their code column in ``scope_field`` (default ``region_code``).
    """

    def scope_field(self) -> str:
        return getattr(self.model, "scope_field", "region_code")

    def within(self, prefix: str) -> ScopedQuerySet[M]:
        return self.filter(within(prefix, self.scope_field()))

    def for_user(self, user: User | Any) -> ScopedQuerySet[M]:
        return self.within(scope_of(user))


def access(queryset: models.QuerySet[M], user: User | Any, **lookup: Any) -> M:
    """Fetch one object the user may see, or raise 404 — never 403, which would leak existence.

    ``access(Region.objects.all(), user, code="152201001001")``.
    """
    field = getattr(queryset.model, "scope_field", "region_code")
    scoped = queryset.filter(within(scope_of(user), field))
    try:
        return scoped.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
