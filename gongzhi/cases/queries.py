"""Reads of the case engine, always through the reader's jurisdiction (DESIGN rule 2).

Who sees a case (the same as the ``cases.view_case`` rule): its reporter, agent,
assignee and first-asked responsible; members of the organisation it is assigned to;
and staff (grid workers, community/township/county staff, departments) whose
jurisdiction holds either its place (``region_code``) or its unit
(``assigned_region_code``). Everyone else gets 404 (``access_case``).

Inboxes are the unit's work: cases whose ``assigned_region_code`` *equals* the user's
scope (a township's inbox holds the township's cases, not its communities'), cases
assigned to the user, and for department staff the cases dispatched to their
department. Grid workers' 待核查 box holds the cases awaiting verification in their
grids. Each box is one index range: ``(assigned_region_code, status, id)`` or
``(assigned_region_code, due_state, due_at)``; pages go by keyset (``after``).

Every number a resident sees comes from these functions too (``my_cases``,
``case_timeline(for_resident=True)``, ``traffic_light``): there is no second copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role
from gongzhi.cases.enums import (
    LEVEL_CODE_LENGTH,
    OPEN_STATUSES,
    SATISFIED_RATING,
    CaseAction,
    CaseStatus,
    DueState,
    ResponsibleLevel,
)
from gongzhi.cases.models import Case, CaseEvent, Category, Notification
from gongzhi.cases.workflow import available_actions
from gongzhi.core.scoping import NOWHERE, contains, scope_of, within
from gongzhi.organisations.models import Organisation, OrganisationKind

PAGE_SIZE = 50
UNIT_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
STAFF_ROLES = (*UNIT_ROLES, Role.GRID_WORKER, Role.DEPARTMENT_STAFF)
# Timeline steps residents do not see at all: the sweep's marks and extension paperwork.
INTERNAL_ACTIONS = (
    CaseAction.MARK_DUE,
    CaseAction.REQUEST_EXTENSION,
    CaseAction.APPROVE_EXTENSION,
)

__all__ = [
    "BOXES",
    "INDICATOR_FILTERS",
    "PAGE_SIZE",
    "Box",
    "access_case",
    "access_case_by_number",
    "active_categories",
    "available_actions",
    "case_timeline",
    "cases_for",
    "inbox",
    "inbox_counts",
    "indicator_cases",
    "indicators",
    "my_cases",
    "notifications_for",
    "suggested_organisation",
    "traffic_light",
    "unread_count",
]


@dataclass(frozen=True)
class Box:
    key: str
    label: Any


# The staff inboxes, in the order the console shows them.
BOXES = (
    Box("submitted", _("待受理")),
    Box("pending_dispatch", _("待派遣")),
    Box("handling", _("办理中")),
    Box("pending_verification", _("待核查")),
    Box("due_soon", _("即将超期")),
    Box("overdue", _("已超期")),
)
_BOX_KEYS = {box.key for box in BOXES}
_STATUS_BOXES = {
    "submitted": CaseStatus.SUBMITTED,
    "pending_dispatch": CaseStatus.PENDING_DISPATCH,
    "handling": CaseStatus.HANDLING,
    "pending_verification": CaseStatus.PENDING_VERIFICATION,
}
_DUE_BOXES = {"due_soon": DueState.DUE_SOON, "overdue": DueState.OVERDUE}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Seeing cases -------------------------------------------------------------------------


def cases_for(user: Any) -> QuerySet[Case]:
    """Every case ``user`` may see (the ``cases.view_case`` rule as a filter)."""
    if not _active(user):
        return Case.objects.none()
    condition = Q(reporter=user) | Q(agent=user) | Q(assignee=user) | Q(first_responsible=user)
    if user.organisation_id is not None:
        condition |= Q(assigned_organisation_id=user.organisation_id)
    scope = scope_of(user)
    if user.has_role(*STAFF_ROLES) and scope != NOWHERE:
        condition |= within(scope, "region_code") | within(scope, "assigned_region_code")
    return Case.objects.filter(condition)


def access_case(user: Any, pk: Any, *, for_write: bool = False) -> Case:
    """One case the user may see, by id, or 404 (never 403: that would leak existence).

    ``for_write`` is for views about to call an action: the action locks the row itself.
    """
    try:
        return (
            cases_for(user)
            .select_related(
                "category", "community", "grid", "assigned_organisation", "assignee", "reporter"
            )
            .get(pk=int(pk))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_case_by_number(user: Any, number: str) -> Case:
    """One case by its number (办件编号), or 404."""
    pk = cases_for(user).filter(number=(number or "").strip()).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return access_case(user, pk)


def my_cases(user: Any) -> QuerySet[Case]:
    """A resident's own cases (我的办件), newest first; the same rows staff see."""
    if not _active(user):
        return Case.objects.none()
    return (
        Case.objects.filter(reporter=user).select_related("category", "merged_into").order_by("-id")
    )


def case_timeline(case: Case, *, for_resident: bool) -> QuerySet[CaseEvent]:
    """The case's steps in order, each with ``shown_note``: for a resident, internal
    notes are blank and the sweep's marks and extension paperwork are left out."""
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    if not for_resident:
        return events.annotate(shown_note=F("note"))
    return events.exclude(action__in=INTERNAL_ACTIONS).annotate(
        shown_note=DbCase(When(is_internal=True, then=Value("")), default=F("note"))
    )


def traffic_light(case: Case, now: datetime | None = None) -> str:
    """红黄绿灯 against the running deadline: ``green``, ``yellow`` (due soon), ``red``
    (overdue) — computed now, so it is right between two sweeps — or ``grey`` when no
    clock runs (finished, merged, deferred)."""
    if case.status not in OPEN_STATUSES or case.due_at is None:
        return "grey"
    now = now or timezone.now()
    if now >= case.due_at:
        return "red"
    if case.warn_at is not None and now >= case.warn_at:
        return "yellow"
    return "green"


# --- Inboxes ------------------------------------------------------------------------------


def _unit_condition(user: Any) -> Q:
    """The cases that are the user's unit's work (see the module docstring)."""
    condition = Q(assignee=user)
    scope = scope_of(user)
    if user.has_role(*UNIT_ROLES) and scope != NOWHERE:
        condition |= Q(assigned_region_code=scope)
    if user.organisation_id is not None and user.has_role(Role.DEPARTMENT_STAFF):
        condition |= Q(assigned_organisation_id=user.organisation_id)
    return condition


def _verification_condition(user: Any) -> Q:
    """Grid workers verify in their grids what someone else handled (GB/T 30428 核查)."""
    scope = scope_of(user)
    if user.has_role(Role.GRID_WORKER) and scope != NOWHERE:
        return within(scope, "region_code") & ~Q(assignee=user)
    return Q(pk__in=[])


def inbox(
    user: Any,
    box: str,
    *,
    after: Any = None,
    limit: int = PAGE_SIZE,
    category: str | None = None,
    channel: str | None = None,
) -> QuerySet[Case]:
    """One page of a staff inbox (``box`` is a key of ``BOXES``).

    Status boxes are newest first (``-id``); pass the last id seen as ``after`` for the
    next page. Due boxes are most urgent first (``due_at``, ``id``); pass the last
    ``(due_at, id)`` seen as ``after``. An unknown box is 404. ``category`` (a code) and
    ``channel`` narrow the box (the console's filters).
    """
    if box not in _BOX_KEYS:
        raise Http404
    if not _active(user) or not user.has_role(*STAFF_ROLES):
        return Case.objects.none()
    cases = Case.objects.select_related(
        "category", "community", "grid", "assignee", "assigned_organisation"
    )
    if category:
        cases = cases.filter(category__code=category)
    if channel:
        cases = cases.filter(channel=channel)
    if box in _STATUS_BOXES:
        condition = _unit_condition(user)
        if box == "pending_verification":
            condition |= _verification_condition(user)
        queryset = cases.filter(condition, status=_STATUS_BOXES[box]).order_by("-id")
        if after is not None:
            queryset = queryset.filter(id__lt=int(after))
        return queryset[:limit]
    queryset = cases.filter(_unit_condition(user), due_state=_DUE_BOXES[box]).order_by(
        "due_at", "id"
    )
    if after is not None:
        due_at, last_id = after
        queryset = queryset.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, id__gt=last_id))
    return queryset[:limit]


def inbox_counts(user: Any) -> dict[str, int]:
    """The number of cases in each box, in one aggregate query over the unit's open cases."""
    counts = dict.fromkeys(_BOX_KEYS, 0)
    if not _active(user) or not user.has_role(*STAFF_ROLES):
        return counts
    unit = _unit_condition(user)
    verification = _verification_condition(user)
    aggregates = {
        key: Count("id", filter=unit & Q(status=status)) for key, status in _STATUS_BOXES.items()
    }
    aggregates["pending_verification"] = Count(
        "id", filter=(unit | verification) & Q(status=CaseStatus.PENDING_VERIFICATION)
    )
    for key, state in _DUE_BOXES.items():
        aggregates[key] = Count("id", filter=unit & Q(due_state=state))
    row = Case.objects.filter(unit | verification, status__in=OPEN_STATUSES).aggregate(**aggregates)
    counts.update({key: int(value or 0) for key, value in row.items()})
    return counts


# --- Catalogue and dispatch ---------------------------------------------------------------


def active_categories(kind: str | None = None) -> QuerySet[Category]:
    """The catalogue as residents and staff choose from it (and Open311's services)."""
    categories = Category.objects.filter(is_active=True)
    if kind:
        categories = categories.filter(kind=kind)
    return categories.order_by("kind", "order", "code")


def suggested_organisation(case: Case) -> Organisation | None:
    """The functional department the category names (责任部门), for the dispatch form."""
    name = case.category.responsible_department
    if not name:
        return None
    return (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.DEPARTMENT)
        .filter(Q(short_name=name) | Q(name=name))
        .order_by("pk")
        .first()
    )


# --- Notifications ------------------------------------------------------------------------


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's own messages, newest first."""
    if not _active(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).select_related("case").order_by("-id")


def unread_count(user: Any) -> int:
    if not _active(user):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- Indicators (考核指标) -----------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _indicator_row(row: dict[str, Any]) -> dict[str, Any]:
    avg = row.get("avg_handling")
    return {
        "submitted": row["submitted"],
        "decided": row["decided"],
        "filed": row["filed"],
        "closed": row["closed"],
        "closed_on_time": row["closed_on_time"],
        "reworked": row["reworked"],
        "overdue_now": row["overdue_now"],
        "rated": row["rated"],
        "satisfied": row["satisfied"],
        "filing_rate": _ratio(row["filed"], row["decided"]),
        "on_time_rate": _ratio(row["closed_on_time"], row["closed"]),
        "rework_rate": _ratio(row["reworked"], row["closed"]),
        "satisfaction_rate": _ratio(row["satisfied"], row["rated"]),
        "avg_handling_hours": round(avg.total_seconds() / 3600, 2) if avg is not None else None,
    }


# Which cases each count of ``indicators`` counts. ``indicator_cases`` lists them with the
# same conditions, so a drill-down shows exactly the cases behind the number.
INDICATOR_FILTERS: dict[str, Q] = {
    "submitted": Q(),
    # Decided: no longer waiting for acceptance (accepted, refused or merged).
    "decided": ~Q(status=CaseStatus.SUBMITTED),
    "filed": Q(accepted_at__isnull=False),
    "closed": Q(status=CaseStatus.CLOSED),
    "closed_on_time": Q(status=CaseStatus.CLOSED, was_overdue=False),
    "reworked": Q(status=CaseStatus.CLOSED, rework_count__gt=0),
    "overdue_now": Q(due_state=DueState.OVERDUE),
    "rated": Q(rating__isnull=False),
    "satisfied": Q(rating__gte=SATISFIED_RATING),
}

_AGGREGATES = {
    **{key: Count("id", filter=condition or None) for key, condition in INDICATOR_FILTERS.items()},
    "avg_handling": Avg(
        ExpressionWrapper(F("closed_at") - F("submitted_at"), output_field=DurationField()),
        filter=INDICATOR_FILTERS["closed"],
    ),
}


def _indicator_region(user: Any, region_code: str | None) -> str:
    """The region the indicators are asked for (default: the user's scope), or
    ``PermissionDenied`` outside the jurisdiction or without ``cases.view_indicators``."""
    scope = scope_of(user)
    code = scope if region_code is None else region_code.strip()
    if scope == NOWHERE or not contains(scope, code) or not code.isdigit():
        raise PermissionDenied(_("该辖区不在您的管辖范围内"))
    if not user.has_perm("cases.view_indicators", Case(region_code=code)):
        raise PermissionDenied(_("您没有查看考核指标的权限"))
    return code


def indicators(
    user: Any,
    *,
    since: datetime,
    until: datetime,
    region_code: str | None = None,
    by: str | None = None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """The digital city management indicators over the cases submitted in
    ``[since, until)`` whose place lies in ``region_code`` (default: the user's scope).

    - 立案率 ``filing_rate`` = accepted / decided (accepted, refused or merged);
    - 按期结案率 ``on_time_rate`` = closed without ever being overdue / closed;
    - 返工率 ``rework_rate`` = closed cases sent back at least once / closed;
    - ``overdue_now`` = cases overdue at this moment;
    - ``avg_handling_hours`` = mean wall-clock hours from submission to closing;
    - 满意率 ``satisfaction_rate`` = rated 满意 or 非常满意 (≥ 4) / rated.

    Computed by aggregate SQL in one query. ``by`` groups the result: ``"community"``,
    ``"township"`` or ``"county"`` by the place's code at that level, or ``"unit"`` by
    the unit that answers now (``assigned_region_code``); each row then carries its
    ``code``. Outside the user's jurisdiction, or without ``cases.view_indicators``, it
    raises ``PermissionDenied``. ``indicator_cases`` lists the cases behind each count.
    """
    code = _indicator_region(user, region_code)
    cases = Case.objects.filter(
        within(code, "region_code"), submitted_at__gte=since, submitted_at__lt=until
    )
    if by is None:
        return _indicator_row(cases.aggregate(**_AGGREGATES))
    if by == "unit":
        grouped = cases.values(group=F("assigned_region_code"))
    elif by in LEVEL_CODE_LENGTH:
        length = LEVEL_CODE_LENGTH[ResponsibleLevel(by)]
        grouped = cases.annotate(group=Substr("region_code", 1, length)).values("group")
    else:
        raise ValueError(f"unknown grouping: {by!r}")
    rows = grouped.annotate(**_AGGREGATES).order_by("group")
    return [{"code": row["group"], **_indicator_row(dict(row))} for row in rows]


def indicator_cases(
    user: Any,
    count: str,
    *,
    since: datetime,
    until: datetime,
    region_code: str | None = None,
    unit_code: str | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> QuerySet[Case]:
    """One page of the cases behind one count of ``indicators`` (a key of
    ``INDICATOR_FILTERS``), newest first; pass the last id seen as ``after``.

    The same cases ``indicators`` counts for ``region_code`` over ``[since, until)`` —
    narrowed to one answering unit by ``unit_code`` (a row of ``by="unit"``) — and, like
    every list, only among the cases the user may see (``cases_for``). The same
    ``PermissionDenied`` as ``indicators``; an unknown count is ``ValueError``.
    """
    if count not in INDICATOR_FILTERS:
        raise ValueError(f"unknown indicator count: {count!r}")
    code = _indicator_region(user, region_code)
    cases = cases_for(user).filter(
        INDICATOR_FILTERS[count],
        within(code, "region_code"),
        submitted_at__gte=since,
        submitted_at__lt=until,
    )
    if unit_code is not None:
        cases = cases.filter(assigned_region_code=unit_code)
    if after is not None:
        cases = cases.filter(id__lt=after)
    return cases.select_related(
        "category", "community", "grid", "assignee", "assigned_organisation"
    ).order_by("-id")[:limit]
