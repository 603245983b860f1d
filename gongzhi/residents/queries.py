"""Reads of the residents registry, always inside the reader's jurisdiction.

Three rules apply on top of the code-prefix scope (DESIGN rule 2):

- minors under 14 are left out for anyone without ``residents.view_minor`` (PIPL Art. 31):
  their pages answer 404, as if they did not exist;
- sensitive tags are left out of what readers without ``residents.view_sensitive_tags``
  see (``visible_tags``) and cannot be filtered on;
- lists never decrypt: they show the masked columns.

Search keys (``search_residents``, ``SearchPlan``): Chinese characters search the name
(prefix); letters with a vowel the full pinyin, else the initials (prefix); 4–6 digits (or
digits ending in X) search the tails of ID numbers, and 4 digits also the tail of phone
numbers, through their HMAC tail indexes; a full ID number or phone number is looked up
by its blind index. Only the last 4 characters of an ID number are indexed: a search for
the last 5 or 6 reads the records ending in the last 4 (about 130 in a league of 1.42
million) and keeps those whose decrypted number ends in all of them. The plaintext is
compared and dropped, never shown or returned: the result says no more than a tail index
of 5 or 6 characters would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongzhi.accounts.models import Role
from gongzhi.core.idcard import MINOR_AGE
from gongzhi.core.pagination import CappedPaginator
from gongzhi.core.pii import (
    blind_index,
    decrypt,
    normalise_id_number,
    normalise_phone,
    tail_index,
)
from gongzhi.core.scoping import access, scope_of
from gongzhi.organisations.models import PARTY_KINDS, Organisation
from gongzhi.regions.models import Grid
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import ID_PURPOSE, PHONE_PURPOSE, Household, Resident, Tag, Visit

PAGE_SIZE = 20  # 每页 20 条: a page renders in a few milliseconds whatever the scope
# A search counts its matches up to here, then says "more than 200: narrow the search".
# Each match counted is a table read (the status and minors filters are not in the
# search indexes): a league-wide "王" counted to 1,000 took 130 ms on SQLite.
SEARCH_COUNT_CAP = 200
MAX_QUERY_LENGTH = 40
ID_TAIL_INDEXED = 4
# Records read for a 5- or 6-character ID tail: 1.42 million IDs share about 11,000
# possible last-4 tails (≈ 130 records each); a province of 30 million would read ≈ 2,700.
MAX_TAIL_CANDIDATES = 20_000


def minor_cutoff(today: date | None = None) -> date:
    """Anyone born after this day is under 14 today (a 29 February birthday counts on 1 March)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - MINOR_AGE)
    except ValueError:  # today is 29 February and that year has none
        return date(today.year - MINOR_AGE, 2, 28)


def is_minor(resident: Resident, today: date | None = None) -> bool:
    return resident.birth_date is not None and resident.birth_date > minor_cutoff(today)


def _scope_obj(user: Any) -> Any:
    """An object standing for the user's whole jurisdiction, for the object-level rules."""
    return Household(region_code=scope_of(user))


def can(user: Any, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` over their jurisdiction (the list-level question)."""
    return bool(user.has_perm(perm, _scope_obj(user)))


def visible_tags(user: Any) -> QuerySet[Tag]:
    tags = Tag.objects.all()
    if not can(user, "residents.view_sensitive_tags"):
        tags = tags.filter(is_sensitive=False)
    return tags


def offered_tags(user: Any) -> QuerySet[Tag]:
    """The tags a form or an import offers ``user``: visible and active. A deactivated tag
    stays on the records that carry it (``visible_tags`` still shows it) but is not set anew."""
    return visible_tags(user).filter(is_active=True)


def residents_for(user: Any) -> QuerySet[Resident]:
    """Every record ``user`` may see, with ``visible_tags`` prefetched."""
    if not can(user, "residents.view_resident"):
        return Resident.objects.none()
    queryset = Resident.objects.for_user(user)
    if not can(user, "residents.view_minor"):
        queryset = queryset.exclude(birth_date__gt=minor_cutoff())
    return queryset.prefetch_related(
        Prefetch("tags", queryset=visible_tags(user), to_attr="visible_tags")
    )


def households_for(user: Any) -> QuerySet[Household]:
    if not can(user, "residents.view_household"):
        return Household.objects.none()
    return Household.objects.for_user(user)


def access_resident(user: Any, pk: Any) -> Resident:
    """One record, or 404 outside the jurisdiction, for a hidden minor or without access."""
    return access(
        residents_for(user).select_related("household", "community", "merged_into"), user, pk=pk
    )


def access_household(user: Any, pk: Any) -> Household:
    return access(
        households_for(user).select_related(
            "community", "grid", "compound", "building", "householder"
        ),
        user,
        pk=pk,
    )


def household_by_number(user: Any, number: str) -> Household:
    return access(households_for(user), user, number=number.strip())


def members_of(user: Any, household: Household) -> QuerySet[Resident]:
    """The household's current members the user may see, householder first."""
    return (
        residents_for(user)
        .filter(household=household, status=ResidentStatus.ACTIVE)
        .order_by("relationship", "id")
    )


def _prefix(field: str, value: str) -> Q:
    """``field`` starts with ``value`` (lower-case ASCII), as an index range."""
    upper = value[:-1] + chr(ord(value[-1]) + 1)
    return Q(**{f"{field}__gte": value, f"{field}__lt": upper})


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@dataclass(frozen=True)
class SearchPlan:
    """How to find a search text: the condition, and the order that its index gives.

    Results come in the order of the index the condition uses — a name search by name, a
    pinyin search by pinyin — so the database reads the index in order and stops after
    one page, whatever the jurisdiction's size. (Ordered by place instead, it would
    collect every match and sort it: a county's "王" is ten thousand rows.)
    """

    condition: Q
    ordering: tuple[str, ...] = ("region_code", "id")
    # Tried when the plan finds nobody: "alt" may be the initials of 阿拉坦.
    fallback: SearchPlan | None = None
    # A 5- or 6-character ID tail: the condition finds the last 4, this narrows.
    id_suffix: str = ""


VOWELS = frozenset("aeiouv")


def search_plan(q: str) -> SearchPlan | None:
    """The plan for a search text, or ``None`` when it matches nothing searchable."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return None
    if _is_cjk(q):
        # A prefix, as an index range: 张 finds every 张, 巴特 finds 巴特尔. (``contains``
        # would scan the whole jurisdiction: 1.4 million names at league level.)
        return SearchPlan(_prefix("name", q), ("name", "region_code", "id"))
    compact = normalise_id_number(q)
    if compact.isascii() and compact.isalpha():
        letters = compact.lower()
        initials = SearchPlan(
            _prefix("name_initials", letters), ("name_initials", "region_code", "id")
        )
        if VOWELS.isdisjoint(letters):
            return initials  # "zs": no pinyin syllable is written without a vowel
        return SearchPlan(
            _prefix("name_pinyin", letters), ("name_pinyin", "region_code", "id"), initials
        )
    if compact.isascii() and compact.isalnum() and compact[:-1].isdigit():
        if len(compact) in (15, 18):
            return SearchPlan(Q(id_number_index=blind_index(compact, purpose=ID_PURPOSE)))
        if ID_TAIL_INDEXED <= len(compact) <= 6:
            condition = Q(id_tail4=tail_index(compact[-ID_TAIL_INDEXED:], purpose=ID_PURPOSE))
            if len(compact) > ID_TAIL_INDEXED:
                return SearchPlan(condition, id_suffix=compact)
            if compact.isdigit():
                condition |= Q(phone_tail4=tail_index(compact, purpose=PHONE_PURPOSE))
            return SearchPlan(condition)
        phone = normalise_phone(q)
        if phone and phone.isdigit() and len(phone) >= 7:
            return SearchPlan(Q(phone_index=blind_index(phone, purpose=PHONE_PURPOSE)))
    return None


def search_filter(q: str) -> Q | None:
    """The condition of ``search_plan(q)``."""
    plan = search_plan(q)
    return None if plan is None else plan.condition


def search_residents(
    user: Any,
    q: str = "",
    *,
    status: str = "",
    tag: str = "",
    page: Any = 1,
) -> Page[Resident]:
    """A page of records in the user's jurisdiction matching the search and the filters.

    Without a search text the list shows everyone in the jurisdiction, ordered by
    (region_code, id), the order of the scoped index; a search is ordered by its key
    (``SearchPlan``).
    """
    queryset = residents_for(user)
    if status in ResidentStatus.values:
        queryset = queryset.filter(status=status)
    if tag:
        allowed = visible_tags(user).filter(code=tag).values_list("pk", flat=True).first()
        queryset = queryset.filter(tags=allowed) if allowed else queryset.none()
    queryset = queryset.select_related("household")
    cap = SEARCH_COUNT_CAP if q.strip() else None
    return CappedPaginator(apply_search(queryset, q), PAGE_SIZE, cap=cap).get_page(page)


def apply_search(queryset: QuerySet[Resident], q: str) -> QuerySet[Resident]:
    """``queryset`` narrowed to the search text, in the order of its index (``SearchPlan``);
    without a text, all of it by place. Used by the console and the API alike."""
    if not q.strip():
        return queryset.order_by("region_code", "id")
    plan = search_plan(q)
    if plan is None:
        return queryset.none()
    if plan.fallback is not None and not queryset.filter(plan.condition).exists():
        plan = plan.fallback
    found = queryset.filter(plan.condition)
    if plan.id_suffix:
        candidates = found.prefetch_related(None).order_by().values_list("pk", "id_number")
        found = found.filter(
            pk__in=[
                pk
                for pk, sealed in candidates[:MAX_TAIL_CANDIDATES]
                if decrypt(sealed.token, purpose=ID_PURPOSE).endswith(plan.id_suffix)
            ]
        )
    return found.order_by(*plan.ordering)


# --- Grids and visits (走访记录) ------------------------------------------------------------

# R3.1e: grid workers really work their grid; a household not visited for this many days
# is flagged on the grid worker's list.
VISIT_OVERDUE_DAYS = 90
RECENT_VISITS = 20


def grids_for(user: Any) -> QuerySet[Grid]:
    """The grids whose households ``user`` may see on the grid pages.

    A grid worker sees the grids they work in (as a worker or the head); community staff
    and above every grid in their jurisdiction.
    """
    grids = Grid.objects.for_user(user).select_related("community")
    if user.has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF):
        return grids
    if not user.has_role(Role.GRID_WORKER):
        return grids.none()
    return grids.filter(Q(workers=user) | Q(head=user)).distinct()


def access_grid(user: Any, code: str) -> Grid:
    """One grid by its code, or 404 when the user does not work it or it lies outside."""
    grid = access(grids_for(user), user, region_code=code)
    if not user.has_perm("residents.view_grid_households", grid):
        raise Http404
    return grid


def households_of_grid(user: Any, grid: Grid) -> QuerySet[Household]:
    """The grid's households with their current members (householder first, visible tags),
    the householder among them and the last visit date (``last_visited_on``).

    Three queries whatever the number of households: households with the last visit,
    their members, the members' visible tags. The caller checks access to the grid.
    """
    members = (
        residents_for(user).filter(status=ResidentStatus.ACTIVE).order_by("relationship", "id")
    )
    return (
        households_for(user)
        .filter(grid=grid)
        .annotate(last_visited_on=Max("visits__visited_on"))
        .prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))
        .order_by("region_code", "room", "id")
    )


def visit_overdue(last_visited_on: date | None, today: date | None = None) -> bool:
    """Never visited, or not for ``VISIT_OVERDUE_DAYS`` days (R3.1e)."""
    today = today or timezone.localdate()
    return last_visited_on is None or (today - last_visited_on).days > VISIT_OVERDUE_DAYS


def householder_of(household: Household) -> Resident | None:
    """The householder among the prefetched ``current_members``, without a query."""
    for member in getattr(household, "current_members", ()):
        if member.pk == household.householder_id:
            return member
    return None


def visits_of(user: Any, household: Household) -> QuerySet[Visit]:
    """The household's latest visits, newest first (read on the household's page)."""
    if not can(user, "residents.view_household"):
        return Visit.objects.none()
    return (
        Visit.objects.for_user(user)
        .filter(household=household)
        .select_related("worker", "resident")
        .order_by("-visited_on", "-id")[:RECENT_VISITS]
    )


def party_organisations_for(resident: Resident) -> QuerySet[Organisation]:
    """Active party organisations of the resident's community (R2.1a 小三级)."""
    return Organisation.objects.active().filter(
        kind__in=PARTY_KINDS, region_id=resident.community_id
    )


def grids_of_community(resident: Resident) -> QuerySet[Grid]:
    return Grid.objects.filter(community_id=resident.community_id)
