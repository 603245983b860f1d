"""Reads for the tag configuration page (标签管理) and the portal-account link.

The tag list shows every tag the viewer may see (inactive ones too, marked); beside each,
how many current residents inside the viewer's jurisdiction carry it — one grouped count
over the resident–tag table, restricted by the residents' region code (an index range)
and, for viewers who may not see minors, by their birth date, as ``residents_for`` is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from gongzhi.accounts.models import User
from gongzhi.core.scoping import scope_of, within
from gongzhi.residents import queries
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import Resident, Tag

TAG_PAGE_SIZE = 50


def tags_for_configuration(user: Any) -> QuerySet[Tag]:
    """Every tag ``user`` may see, active first, then by category and age."""
    if not user.has_perm("residents.manage_tags"):
        return Tag.objects.none()
    return queries.visible_tags(user).order_by("-is_active", "category", "id")


def tag_usage(user: Any, tag_ids: Iterable[int]) -> dict[int, int]:
    """Tag id → number of current residents in ``user``'s jurisdiction carrying it."""
    ids = list(tag_ids)
    if not ids or not queries.can(user, "residents.view_resident"):
        return {}
    rows = Resident.tags.through.objects.filter(
        within(scope_of(user), "resident__region_code"),
        resident__status=ResidentStatus.ACTIVE,
        tag_id__in=ids,
    )
    if not queries.can(user, "residents.view_minor"):
        rows = rows.exclude(resident__birth_date__gt=queries.minor_cutoff())
    counted = rows.values("tag_id").annotate(n=Count("resident_id"))
    return {row["tag_id"]: row["n"] for row in counted}


def access_tag(user: Any, pk: Any) -> Tag:
    """A tag ``user`` may configure, or 404."""
    try:
        return tags_for_configuration(user).get(pk=pk)
    except (Tag.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def account_by_username(user: Any, username: str) -> User | None:
    """An account inside ``user``'s jurisdiction, by its exact username; None otherwise."""
    name = (username or "").strip()
    if not name:
        return None
    found: User | None = User.objects.for_user(user).filter(username=name).first()
    return found
