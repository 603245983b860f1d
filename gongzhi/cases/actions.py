"""Writes of the case engine: one function per transition of ``workflow.py``, and the sweep.

Every action

- runs in one transaction (``transaction.atomic``) and locks the case row
  (``select_for_update``) before reading its state, so two people acting on one case at
  once cannot both pass the state check (on SQLite the IMMEDIATE transaction serialises
  writers instead);
- finds its transition in the declared table (``workflow.transition_for``) and checks
  the transition's named permission (``cases.rules``) on the case — a step not declared
  from the current state is a ``ValidationError`` keyed ``status``, a step the actor may
  not take is ``PermissionDenied`` (and a stranger hears nothing about the state);
- validates its input and raises ``ValidationError`` keyed by field with a Chinese
  message (DESIGN rule 7); nothing is written before validation has passed, and any
  later failure rolls the whole step back;
- appends one ``CaseEvent`` to the timeline, updates the deadlines on the working-time
  calendar (``cases.calendar``), queues in-app notifications to be written after commit
  (``transaction.on_commit``), and records one ledger event as its last write. Ledger
  summaries carry the case number, codes and states — never a phone number or a name.

``actor=None`` is the system (the sweep, a command, the demo loader): outside the web's
permission model, still written to the timeline and the ledger. ``now`` exists for tests
and imports; it defaults to the current time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role, User
from gongzhi.cases import lookups
from gongzhi.cases.calendar import WorkCalendar
from gongzhi.cases.enums import (
    LEVEL_ABOVE,
    LEVEL_CODE_LENGTH,
    LEVEL_OF_LENGTH,
    AttributeType,
    CaseAction,
    CaseStatus,
    Channel,
    DueState,
    ExtensionState,
    Rating,
    ResponsibleLevel,
    TimeUnit,
    Urgency,
)
from gongzhi.cases.models import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PHONE_PURPOSE,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Notification,
)
from gongzhi.cases.workflow import SUBMIT_PERMISSION, TRANSITIONS, Transition, transition_for
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.core.actions import require as _require
from gongzhi.core.inserting import insert
from gongzhi.core.pii import mask_phone, normalise_phone, protect
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.geo import locate_point
from gongzhi.regions.models import Grid, Level, Region
from gongzhi.residents.models import Resident

TITLE_MAX_LENGTH = 100
REASON_MIN_LENGTH = 2
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
# The league's extent (兴安盟: 119°28′–123°38′E, 44°14′–47°39′N, 兴安盟行政公署 概况),
# for points that no grid covers yet: inside it the community chosen places the case.
LEAGUE_BOUNDS = (119.46, 44.23, 123.64, 47.65)
# An extension longer than this is a new case, not an extension.
MAX_EXTENSION = {TimeUnit.WORKING_HOURS: 80, TimeUnit.WORKING_DAYS: 60}
# A unit notified of a case: its staff, at most this many accounts.
MAX_UNIT_RECIPIENTS = 50
UNIT_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
SQL_CHUNK = 500

_EVENT_TYPES = {
    CaseAction.SUBMIT: EventType.CASE_SUBMITTED,
    CaseAction.ACCEPT: EventType.CASE_ACCEPTED,
    CaseAction.REFUSE: EventType.CASE_REFUSED,
    CaseAction.DISPATCH: EventType.CASE_DISPATCHED,
    CaseAction.FEEDBACK: EventType.CASE_FEEDBACK,
    CaseAction.VERIFY_CLOSE: EventType.CASE_CLOSED,
    CaseAction.REWORK: EventType.CASE_REWORKED,
    CaseAction.ESCALATE: EventType.CASE_ESCALATED,
    CaseAction.DEFER: EventType.CASE_DEFERRED,
    CaseAction.RESUME: EventType.CASE_RESUMED,
    CaseAction.REQUEST_EXTENSION: EventType.CASE_EXTENSION_REQUESTED,
    CaseAction.APPROVE_EXTENSION: EventType.CASE_EXTENSION_DECIDED,
    CaseAction.MERGE: EventType.CASE_MERGED,
    CaseAction.REOPEN: EventType.CASE_REOPENED,
    CaseAction.RATE: EventType.CASE_RATED,
}


# --- Helpers ------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _lock(case: Case) -> Case:
    """The case re-read under a row lock, with what the actions need beside it."""
    return Case.objects.select_for_update().select_related("category").get(pk=case.pk)


def _step(case: Case, action: str, actor: User | None) -> Transition:
    """The declared transition for ``action`` from the case's state, after the permission."""
    declared = [t for t in TRANSITIONS.get(case.kind, ()) if t.action == action]
    if not declared:
        raise ValidationError(
            {
                "action": _("%(kind)s不能%(action)s")
                % {"kind": case.get_kind_display(), "action": CaseAction(action).label}
            }
        )
    transition = transition_for(case.kind, case.status, action)
    if transition is None:
        # Say "who may not" before "not now": a stranger learns nothing about the state.
        if actor is not None and not any(actor.has_perm(t.permission, case) for t in declared):
            raise PermissionDenied(_("您没有权限执行此操作"))
        raise ValidationError(
            {
                "status": _("办件当前为“%(status)s”，不能%(action)s")
                % {"status": case.get_status_display(), "action": CaseAction(action).label}
            }
        )
    _require(actor, transition.permission, case)
    return transition


def _text(value: str | None, field: str, errors: _Errors, *, label: str, required: bool) -> str:
    text = (value or "").strip()
    if required and len(text) < REASON_MIN_LENGTH:
        errors.add(field, _("请填写%(label)s") % {"label": label})
    elif len(text) > NOTE_MAX_LENGTH:
        errors.add(
            field, _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": NOTE_MAX_LENGTH}
        )
    return text


def _append_event(
    case: Case,
    action: str,
    *,
    from_status: str,
    actor: User | None,
    note: str = "",
    is_internal: bool = False,
    data: dict[str, Any] | None = None,
    seq: int | None = None,
) -> CaseEvent:
    """Append one step to the timeline; the case row is locked, so ``seq`` is safe.
    ``seq`` is given for a case created in the same transaction (its first step is 1)."""
    if seq is None:
        seq = (CaseEvent.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1
    event = CaseEvent(
        case=case,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note[:NOTE_MAX_LENGTH],
        is_internal=is_internal,
        data=data or {},
    )
    insert(event)
    return event


def notify(recipients: Iterable[User | int | None], case: Case | None, text: str) -> None:
    """Queue in-app messages (我的消息), written once the transaction commits (never for a
    rollback). Other apps (outreach, consultations) send theirs through it with no case."""
    ids = sorted({r if isinstance(r, int) else r.pk for r in recipients if r is not None})
    if not ids:
        return
    case_id = case.pk if case is not None else None
    text = text[:300]

    def send() -> None:
        Notification.objects.bulk_create(
            [Notification(user_id=user_id, case_id=case_id, text=text) for user_id in ids]
        )

    transaction.on_commit(send)


def _notify_each(messages: Sequence[tuple[Iterable[User | int | None], Case, str]]) -> None:
    """``notify`` for several messages, written by one INSERT after the commit."""
    rows = [
        Notification(user_id=user_id, case_id=case.pk, text=text[:300])
        for recipients, case, text in messages
        for user_id in sorted(
            {r if isinstance(r, int) else r.pk for r in recipients if r is not None}
        )
    ]
    if rows:
        transaction.on_commit(lambda: Notification.objects.bulk_create(rows))


def _unit_staff_query(region_code: str, organisation_id: int | None) -> QuerySet[User, int]:
    condition = Q(region_code=region_code, role_grants__role__in=UNIT_ROLES)
    if organisation_id is not None:
        condition |= Q(organisation_id=organisation_id)
    return (
        User.objects.filter(condition, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")[:MAX_UNIT_RECIPIENTS]
    )


# ``_unit_staff_query`` compiled once per process, database and form (with or without an
# organisation), with the positions of its two values: every submission asks it, and the
# ORM's compilation cost more than the query (issue 4: creation under 8 clients).
_UNIT_STAFF_SQL: dict[tuple[str, bool], tuple[str, list[Any], int, int | None]] = {}
_CODE_MARK = "\x00unit-region-code\x00"
_ORGANISATION_MARK = -31_415_926


def unit_staff_ids(region_code: str, organisation_id: int | None = None) -> list[int]:
    """Accounts of the unit that answers for ``region_code`` (and of the organisation):
    ``_unit_staff_query``, run from its compiled SQL."""
    form = (connection.vendor, organisation_id is not None)
    compiled = _UNIT_STAFF_SQL.get(form)
    if compiled is None:
        marks = _unit_staff_query(_CODE_MARK, _ORGANISATION_MARK if form[1] else None)
        sql, template = marks.query.get_compiler(connection.alias).as_sql()
        values = list(template)
        at_organisation = values.index(_ORGANISATION_MARK) if form[1] else None
        compiled = (sql, values, values.index(_CODE_MARK), at_organisation)
        _UNIT_STAFF_SQL[form] = compiled
    sql, values, at_code, at_organisation = compiled
    params = list(values)
    params[at_code] = region_code
    if at_organisation is not None:
        params[at_organisation] = organisation_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def units_staff_ids(
    units: Iterable[tuple[str, int | None]],
) -> dict[tuple[str, int | None], list[int]]:
    """``unit_staff_ids`` for many units — ``(region_code, organisation_id)`` pairs — with
    one query per ``SQL_CHUNK`` units instead of one per unit (the sweep's notifications).
    Each unit gets the same accounts, in the same order and number, as ``unit_staff_ids``."""
    wanted = sorted(set(units), key=lambda unit: (unit[0], unit[1] or 0))
    answer: dict[tuple[str, int | None], list[int]] = {unit: [] for unit in wanted}
    for start in range(0, len(wanted), SQL_CHUNK):
        chunk = wanted[start : start + SQL_CHUNK]
        codes = {code for code, _organisation in chunk}
        organisations = {org for _code, org in chunk if org is not None}
        condition = Q(region_code__in=codes, role_grants__role__in=UNIT_ROLES)
        if organisations:
            condition |= Q(organisation_id__in=organisations)
        by_code: dict[str, set[int]] = {}
        by_organisation: dict[int, set[int]] = {}
        rows = (
            User.objects.filter(condition, is_active=True)
            .values_list("pk", "region_code", "organisation_id", "role_grants__role")
            .order_by()
            .distinct()
        )
        for pk, code, organisation_id, role in rows:
            if role in UNIT_ROLES and code in codes:
                by_code.setdefault(code, set()).add(pk)
            if organisation_id in organisations:
                by_organisation.setdefault(organisation_id, set()).add(pk)
        for code, organisation_id in chunk:
            ids = set(by_code.get(code, ()))
            if organisation_id is not None:
                ids |= by_organisation.get(organisation_id, set())
            answer[(code, organisation_id)] = sorted(ids)[:MAX_UNIT_RECIPIENTS]
    return answer


def _unit_recipients(case: Case) -> list[int]:
    if case.assignee_id is not None:
        return [case.assignee_id]
    return unit_staff_ids(case.assigned_region_code, case.assigned_organisation_id)


def _record(
    action: str,
    case: Case,
    actor: User | None,
    request: HttpRequest | None,
    **extra: Any,
) -> None:
    record_event(
        _EVENT_TYPES[CaseAction(action)],
        actor=actor,
        obj=case,
        summary={"number": case.number, "status": case.status, **extra},
        request=request,
    )


# --- Deadlines ----------------------------------------------------------------------------


def _due_state_at(case: Case, now: datetime) -> str:
    if case.due_at is None:
        return DueState.NONE
    if now >= case.due_at:
        return DueState.OVERDUE
    if case.warn_at is not None and now >= case.warn_at:
        return DueState.DUE_SOON
    return DueState.NORMAL


def _start_clock(
    case: Case, start: datetime, unit: str, amount: int, calendar: WorkCalendar
) -> datetime:
    """Run a new clock of ``amount`` ``unit`` from ``start``; returns the new deadline."""
    due = calendar.add(start, unit, amount)
    case.due_at = due
    case.warn_at = calendar.warn_at(start, due, case.category.due_soon_fraction)
    case.due_state = _due_state_at(case, start)
    return due


def _stop_clock(case: Case) -> None:
    """No clock runs (finished, merged or deferred); the deadlines stay as a record."""
    case.due_state = DueState.NONE


def _calendar(case: Case, reference: lookups.Lookups | None = None) -> WorkCalendar:
    return (reference or lookups.current()).calendar(case.region_code)


# --- Submitting ---------------------------------------------------------------------------


# The sequence of migration cases/0003_case_number_sequence, and the day rows' table.
TAKE_SERIAL_SQL = (
    "SELECT nextval('cases_case_number_seq') - sequence_base "
    "FROM cases_casenumbercounter WHERE day = %s"
)
START_DAY_SQL = (
    "INSERT INTO cases_casenumbercounter (day, last, sequence_base) "
    "VALUES (%s, 0, nextval('cases_case_number_seq')) ON CONFLICT (day) DO NOTHING"
)
# A day begun by the counter (numbered before the migration): go on from its last serial.
ADOPT_DAY_SQL = (
    "UPDATE cases_casenumbercounter SET sequence_base = nextval('cases_case_number_seq') - last "
    "WHERE day = %s AND sequence_base IS NULL"
)


def _next_number(now: datetime) -> str:
    """``YYYYMMDD`` and the day's serial in six digits: ``20261129000001``.

    Unique, and increasing within a day in the order numbers are taken. On PostgreSQL
    the serial comes from a sequence (``_serial_from_sequence``): no lock is held until
    the submission commits, so concurrent submissions do not queue behind each other;
    a submission that rolls back leaves a gap in the day's serials. On SQLite, which
    serialises writers anyway, the day's counter row is raised (``_serial_from_counter``).
    """
    day = timezone.localtime(now).date()
    if connection.vendor == "postgresql":
        serial = _serial_from_sequence(day)
    else:
        serial = _serial_from_counter(day)
    return f"{day:%Y%m%d}{serial:06d}"


def _serial_from_sequence(day: date) -> int:
    """``nextval`` minus the day's ``sequence_base``: one statement once the day has a row.

    The day's first submission inserts the row with a base taken from the sequence
    itself; every later ``nextval`` is larger, so serials start at 1 and increase. Two
    first submissions at once: the second's insert waits for the first's row and does
    nothing; both then read the same base. The base row commits or rolls back with the
    submission that inserted it, and no other submission can read it before it commits.
    A day the counter began (before the migration) gets a base that continues its serials.
    """
    with connection.cursor() as cursor:
        cursor.execute(TAKE_SERIAL_SQL, [day])
        row = cursor.fetchone()
        if row is None or row[0] is None:
            cursor.execute(START_DAY_SQL if row is None else ADOPT_DAY_SQL, [day])
            cursor.execute(TAKE_SERIAL_SQL, [day])
            row = cursor.fetchone()
    return int(row[0])


def _serial_from_counter(day: date) -> int:
    """The day's counter row raised by one; its row lock (the UPDATE) serialises numbering
    until the transaction ends. The first case of a day creates the row, and a concurrent
    first loses the insert race on the primary key and takes the update path."""
    if not CaseNumberCounter.objects.filter(day=day).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(day=day, last=1)
        except IntegrityError:
            CaseNumberCounter.objects.filter(day=day).update(last=F("last") + 1)
    return CaseNumberCounter.objects.values_list("last", flat=True).get(day=day)


def _clean_category(
    value: Category | str | None, errors: _Errors, reference: lookups.Lookups
) -> Category | None:
    if isinstance(value, Category):
        category: Category | None = value
    elif value:
        category = reference.category(str(value).strip())
    else:
        category = None
    if category is None or not category.is_active:
        errors.add("category", _("事项不存在或已停用，请重新选择"))
        return None
    return category


def _clean_attribute_value(spec: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """A typed answer to one Open311 attribute, or the reason it is not one."""
    datatype = spec.get("datatype", AttributeType.STRING)
    keys = [str(v.get("key")) for v in spec.get("values") or []]
    if datatype == AttributeType.NUMBER:
        try:
            number = float(str(value).strip())
        except ValueError:
            return None, _("须为数字")
        if not math.isfinite(number):
            return None, _("须为数字")
        return (int(number) if number.is_integer() else number), None
    if datatype == AttributeType.DATETIME:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None, _("须为日期时间（如 2026-11-29T09:30）")
        return moment.isoformat(), None
    if datatype == AttributeType.SINGLE:
        key = str(value).strip()
        if key not in keys:
            return None, _("不是可选的值")
        return key, None
    if datatype == AttributeType.MULTI:
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        chosen = [str(item).strip() for item in items if str(item).strip()]
        if not chosen or any(item not in keys for item in chosen):
            return None, _("含有不可选的值")
        return sorted(set(chosen), key=keys.index), None
    text = str(value).strip()
    limit = 2000 if datatype == AttributeType.TEXT else 200
    if len(text) > limit:
        return None, _("不能超过 %(n)d 个字") % {"n": limit}
    return text, None


def clean_attributes(
    category: Category, answers: dict[str, Any] | None, errors: _Errors | None = None
) -> dict[str, Any]:
    """The answers to the category's extra fields, typed; errors keyed ``attributes.<code>``.

    Unknown codes are dropped; a required field without an answer is an error.
    """
    collector = errors or _Errors()
    answers = answers or {}
    cleaned: dict[str, Any] = {}
    for spec in category.sorted_attributes():
        code = str(spec.get("code", ""))
        label = spec.get("description") or code
        value = answers.get(code)
        if value is None or value == "" or value == []:
            if spec.get("required"):
                collector.add(f"attributes.{code}", _("请填写“%(label)s”") % {"label": label})
            continue
        typed, problem = _clean_attribute_value(spec, value)
        if problem:
            collector.add(f"attributes.{code}", f"“{label}”{problem}")
            continue
        cleaned[code] = typed
    if errors is None:
        collector.raise_any()
    return cleaned


def _clean_community(
    value: Region | str | None, field: str, errors: _Errors, reference: lookups.Lookups
) -> Region | None:
    if value is None or value == "":
        return None
    region = value if isinstance(value, Region) else reference.region(str(value).strip())
    if region is None or region.level != Level.COMMUNITY or not region.is_active:
        errors.add(field, _("请选择有效的社区（嘎查村）"))
        return None
    return region


def _place(
    community: Region | None,
    lon: Any,
    lat: Any,
    errors: _Errors,
) -> tuple[Region | None, Grid | None, float | None, float | None]:
    """Community, grid and point of a case: a point goes into its grid by polygon lookup
    (R3.1e); a point no grid covers must lie in the league and comes with a community."""
    if lon in (None, "") and lat in (None, ""):
        if community is None and "community" not in errors.errors:
            errors.add("community", _("请选择所属社区或在地图上标出位置"))
        return community, None, None, None
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        errors.add("location", _("位置须为经度、纬度两个数字"))
        return community, None, None, None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        errors.add("location", _("位置须为经度、纬度两个数字"))
        return community, None, None, None
    grid = locate_point(x, y)
    if grid is not None:
        if community is not None and grid.community_id != community.pk:
            errors.add("community", _("标出的位置不在所选社区内"))
        return grid.community, grid, x, y
    min_lon, min_lat, max_lon, max_lat = LEAGUE_BOUNDS
    if not (min_lon <= x <= max_lon and min_lat <= y <= max_lat):
        errors.add("location", _("标出的位置不在本盟范围内"))
        return community, None, None, None
    if community is None and "community" not in errors.errors:
        errors.add("community", _("该位置尚未划入网格，请选择所属社区"))
    return community, None, x, y


def _clean_phone(value: str, errors: _Errors) -> str:
    phone = normalise_phone(value or "")
    if (value or "").strip() and not (
        phone.isdigit() and PHONE_MIN_DIGITS <= len(phone) <= PHONE_MAX_DIGITS
    ):
        errors.add(
            "reporter_phone",
            _("联系电话须为 %(min)d–%(max)d 位数字")
            % {"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS},
        )
        return ""
    return phone


def _routing_level(category: Category, codes: Sequence[str]) -> str:
    """The level that answers: the category's, raised to the common unit of every community
    the matter touches — two communities of one township go to the township (R3.1a), of
    two townships to the county. (Across counties the first community's county answers.)"""
    length = LEVEL_CODE_LENGTH[ResponsibleLevel(category.responsible_level)]
    while length > LEVEL_CODE_LENGTH[ResponsibleLevel.COUNTY] and (
        len({code[:length] for code in codes}) > 1
    ):
        length = LEVEL_CODE_LENGTH[LEVEL_ABOVE[LEVEL_OF_LENGTH[length]]]
    return str(LEVEL_OF_LENGTH[length])


def unit_body(region_code: str, reference: lookups.Lookups | None = None) -> Organisation | None:
    """The body that answers for a unit jurisdiction: the community's committee, the
    township's office; a county has none in the directory (its departments are chosen
    on dispatch). From the process's copy of the directory (``cases.lookups``)."""
    return (reference or lookups.current()).unit_body(region_code)


@transaction.atomic
def do_submit_case(
    *,
    category: Category | str,
    description: str,
    actor: User | None,
    channel: str = Channel.PORTAL,
    title: str = "",
    community: Region | str | None = None,
    lon: float | str | None = None,
    lat: float | str | None = None,
    address: str = "",
    urgency: str = Urgency.NORMAL,
    attributes: dict[str, Any] | None = None,
    affected_communities: Sequence[Region | str] = (),
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    resident: Resident | None = None,
    agent: User | None = None,
    origin: dict[str, str] | None = None,
    check: Callable[[Case], None] | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """提交办件 — a resident applies or reports, staff register at the window or the
    phone (R3.2e 一窗受理), a grid worker reports from patrol (R3.1e).

    The place is a point (placed in its grid and community by polygon lookup) or a
    community. The category's level and the communities the matter touches route it to a
    unit (R3.1a: two communities → their township). A resident is the reporter of their
    own case; staff who register it become its first-asked responsible (首问负责, R3.2e)
    and may name an agent (代办员, 全程代办). The acceptance clock starts now.

    ``origin`` names the outside system a case came through when no account submits it
    (e.g. ``{"open311_key": prefix}``); it goes into the timeline step and the ledger
    summary, so it must not hold personal data. ``check`` is the caller's own condition
    on the placed case (e.g. an Open311 key's jurisdiction): it is called with the
    unsaved case after validation and before anything is written, and may raise
    ``ValidationError``.
    """
    now = _now(now)
    # Who may submit at all, before looking at the input; where, once the place is known.
    _require(actor, SUBMIT_PERMISSION, None)
    errors = _Errors()
    reference = lookups.current()
    category_obj = _clean_category(category, errors, reference)
    description = (description or "").strip()
    if not description:
        errors.add("description", _("请填写具体内容"))
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors.add("description", _("内容不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX_LENGTH})
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX_LENGTH:
        errors.add("title", _("标题不能超过 %(n)d 个字") % {"n": TITLE_MAX_LENGTH})
    if channel not in Channel.values:
        errors.add("channel", _("受理渠道无效"))
    if urgency not in Urgency.values:
        errors.add("urgency", _("紧急程度无效"))
    community_obj = _clean_community(community, "community", errors, reference)
    community_obj, grid, x, y = _place(community_obj, lon, lat, errors)
    affected: list[str] = []
    for item in affected_communities:
        other = _clean_community(item, "affected_communities", errors, reference)
        if other is not None and other.region_code not in affected:
            affected.append(other.region_code)
    answers = clean_attributes(category_obj, attributes, errors) if category_obj else {}
    phone = _clean_phone(reporter_phone, errors)
    reporter_name = " ".join((reporter_name or "").split())[:50]
    address = (address or "").strip()[:200]

    is_resident_actor = actor is not None and not actor.is_staff_member
    if is_resident_actor:
        if reporter is not None and reporter.pk != actor.pk:  # type: ignore[union-attr]
            errors.add("reporter", _("只能以本人名义提交"))
        reporter = actor
        if agent is not None:
            errors.add("agent", _("代办员由受理的工作人员指定"))
    elif reporter is None and channel == Channel.GRID_PATROL:
        reporter = actor
    if reporter is not None and not reporter_name:
        reporter_name = reporter.full_name or reporter.get_username()
    if agent is not None and not (
        agent.is_active
        and agent.is_staff_member
        and community_obj is not None
        and contains(agent.region_code or "-", community_obj.region_code)
    ):
        errors.add("agent", _("代办员须为该社区的在岗工作人员"))
    if resident is not None and actor is not None:
        mine = resident.user_id == actor.pk
        if not mine and not (
            actor.is_staff_member and contains(scope_of(actor), resident.region_code)
        ):
            errors.add("resident", _("关联的居民不在您的辖区内"))
    errors.raise_any()
    assert category_obj is not None and community_obj is not None

    codes = [community_obj.region_code, *[c for c in affected if c != community_obj.region_code]]
    level = _routing_level(category_obj, codes)
    assigned_code = community_obj.region_code[: LEVEL_CODE_LENGTH[ResponsibleLevel(level)]]
    case = Case(
        kind=category_obj.kind,
        category=category_obj,
        title=title or category_obj.name,
        description=description,
        region_code=grid.region_code if grid is not None else community_obj.region_code,
        community=community_obj,
        grid=grid,
        affected_region_codes=codes[1:],
        lon=x,
        lat=y,
        address=address,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name,
        resident=resident,
        agent=agent,
        first_responsible=actor if actor is not None and actor.is_staff_member else None,
        assigned_level=level,
        assigned_region_code=assigned_code,
        urgency=urgency,
        attributes=answers,
        submitted_at=now,
        status=CaseStatus.SUBMITTED,
    )
    _require(actor, SUBMIT_PERMISSION, case)
    if check is not None:
        check(case)
    protected = protect(phone, purpose=PHONE_PURPOSE, mask=mask_phone)
    case.reporter_phone = protected.sealed
    case.reporter_phone_index = protected.blind_index
    case.reporter_phone_masked = protected.masked
    case.assigned_organisation = unit_body(assigned_code, reference)
    calendar = _calendar(case, reference)
    unit, amount = category_obj.accept_within(urgency)
    _start_clock(case, now, unit, amount, calendar)
    case.accept_by = case.due_at
    case.number = _next_number(now)
    insert(case)
    _append_event(
        case,
        CaseAction.SUBMIT,
        from_status="",
        actor=actor,
        data={"channel": channel, "assigned_region_code": assigned_code, **(origin or {})},
        seq=1,
    )
    _notify_each(
        [
            (
                [case.reporter_id],
                case,
                _("您的办件“%(title)s”已提交，编号 %(number)s")
                % {"title": case.title, "number": case.number},
            ),
            (
                unit_staff_ids(assigned_code, case.assigned_organisation_id),
                case,
                _("新办件待受理：%(number)s %(title)s")
                % {"number": case.number, "title": case.title},
            ),
        ]
    )
    _record(
        CaseAction.SUBMIT,
        case,
        actor,
        request,
        category=category_obj.code,
        channel=channel,
        assigned_region_code=assigned_code,
        **(origin or {}),
    )
    return case


# --- Acceptance ---------------------------------------------------------------------------


@transaction.atomic
def do_accept_case(
    case: Case,
    *,
    actor: User | None,
    note: str = "",
    urgency: str | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """受理（立案）— the unit takes the case on; the resolution clock starts (per urgency,
    which the accepting staff may correct). The accepting staff member becomes the
    first-asked responsible when nobody registered the case in person (首接首办)."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.ACCEPT, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("受理意见"), required=False)
    if urgency is not None and urgency not in Urgency.values:
        errors.add("urgency", _("紧急程度无效"))
    errors.raise_any()
    from_status = case.status
    if urgency is not None:
        case.urgency = urgency
    case.status = CaseStatus.PENDING_DISPATCH
    case.accepted_at = now
    if case.first_responsible_id is None and actor is not None and actor.is_staff_member:
        case.first_responsible = actor
    unit, amount = case.category.resolve_within(case.urgency)
    due = _start_clock(case, now, unit, amount, _calendar(case))
    case.save()
    _append_event(case, CaseAction.ACCEPT, from_status=from_status, actor=actor, note=note)
    notify(
        [case.reporter],
        case,
        _("您的办件 %(number)s 已受理，承诺办结时间 %(due)s")
        % {
            "number": case.number,
            "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        },
    )
    _record(CaseAction.ACCEPT, case, actor, request, due_at=due.isoformat())
    return case


@transaction.atomic
def do_refuse_case(
    case: Case,
    *,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """不予受理 — with the reason, which the reporter reads on the timeline."""
    case = _lock(case)
    _step(case, CaseAction.REFUSE, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("不予受理的理由"), required=True)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.REFUSED
    case.refusal_reason = reason[:500]
    _stop_clock(case)
    case.save()
    _append_event(case, CaseAction.REFUSE, from_status=from_status, actor=actor, note=reason)
    notify(
        [case.reporter],
        case,
        _("您的办件 %(number)s 不予受理：%(reason)s") % {"number": case.number, "reason": reason},
    )
    _record(CaseAction.REFUSE, case, actor, request)
    return case


# --- Dispatch and handling ----------------------------------------------------------------


@transaction.atomic
def do_dispatch_case(
    case: Case,
    *,
    actor: User | None,
    region_code: str | None = None,
    organisation: Organisation | None = None,
    assignee: User | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """派遣（派单、转派）— to a unit (a community, township or county jurisdiction that
    contains the case's place), a responsible organisation (a functional department of
    any level, or a body inside the actor's jurisdiction) and/or a person.

    The note is the dispatch instruction, for staff only.
    """
    case = _lock(case)
    _step(case, CaseAction.DISPATCH, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("派遣意见"), required=False)
    if region_code is None and organisation is None and assignee is None:
        errors.add("region_code", _("请选择派遣的单位或承办人"))
    scope = scope_of(actor) if actor is not None else ""
    target_code = case.assigned_region_code
    if organisation is not None:
        if not organisation.is_active:
            errors.add("organisation", _("责任单位已撤销"))
        elif organisation.kind != OrganisationKind.DEPARTMENT:
            if not contains(scope, organisation.region_code) or not case.region_code.startswith(
                organisation.region_code
            ):
                errors.add("organisation", _("责任单位须在办件所在地且在您的辖区内"))
            elif region_code is None and len(organisation.region_code) in LEVEL_OF_LENGTH:
                target_code = organisation.region_code
    if region_code is not None:
        region_code = region_code.strip()
        if (
            len(region_code) not in LEVEL_OF_LENGTH
            or not case.region_code.startswith(region_code)
            or not contains(scope, region_code)
        ):
            errors.add(
                "region_code", _("派遣单位须为办件所在地的社区、街道或旗县市，且在您的辖区内")
            )
        else:
            target_code = region_code
    if assignee is not None:
        in_unit = organisation is not None and assignee.organisation_id == organisation.pk
        if not (
            assignee.is_active
            and assignee.is_staff_member
            and (in_unit or contains(scope, assignee.region_code or "-"))
        ):
            errors.add("assignee", _("承办人须为您辖区内或责任单位的在岗工作人员"))
    errors.raise_any()
    from_status = case.status
    case.assigned_region_code = target_code
    case.assigned_level = LEVEL_OF_LENGTH[len(target_code)]
    if organisation is not None:
        case.assigned_organisation = organisation
    elif region_code is not None:
        case.assigned_organisation = unit_body(target_code)
    case.assignee = assignee
    case.status = CaseStatus.HANDLING
    case.save()
    unit_name = case.assigned_organisation.name if case.assigned_organisation else target_code
    _append_event(
        case,
        CaseAction.DISPATCH,
        from_status=from_status,
        actor=actor,
        note=note,
        is_internal=True,
        data={
            "region_code": target_code,
            "organisation": case.assigned_organisation_id,
            "organisation_name": unit_name,
            "assignee": assignee.pk if assignee else None,
        },
    )
    notify(
        _unit_recipients(case),
        case,
        _("办件 %(number)s 已派遣给您（%(unit)s）") % {"number": case.number, "unit": unit_name},
    )
    _record(
        CaseAction.DISPATCH,
        case,
        actor,
        request,
        assigned_region_code=target_code,
        organisation=case.assigned_organisation_id,
        assignee=assignee.pk if assignee else None,
    )
    return case


@transaction.atomic
def do_feedback_case(
    case: Case,
    *,
    actor: User | None,
    note: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """处置反馈 — the unit reports what it did (the evidence note, which the reporter
    reads); the case waits for verification (待核查)."""
    case = _lock(case)
    _step(case, CaseAction.FEEDBACK, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("处置情况"), required=True)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.PENDING_VERIFICATION
    case.save()
    _append_event(case, CaseAction.FEEDBACK, from_status=from_status, actor=actor, note=note)
    notify(
        [case.first_responsible_id] if case.first_responsible_id else [],
        case,
        _("办件 %(number)s 已处置反馈，请核查") % {"number": case.number},
    )
    _record(CaseAction.FEEDBACK, case, actor, request)
    return case


@transaction.atomic
def do_verify_close_case(
    case: Case,
    *,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """核查结案 — someone other than the handler confirms the result; the case closes and
    the reporter is asked for a rating. Closing after the deadline marks it overdue for
    the indicators (按期结案率)."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.VERIFY_CLOSE, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("核查意见"), required=False)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    if case.due_at is not None and now > case.due_at:
        case.was_overdue = True
    _stop_clock(case)
    case.save()
    _append_event(case, CaseAction.VERIFY_CLOSE, from_status=from_status, actor=actor, note=note)
    notify(
        [case.reporter],
        case,
        _("您的办件 %(number)s 已办结，请对办理结果进行评价") % {"number": case.number},
    )
    _record(CaseAction.VERIFY_CLOSE, case, actor, request, was_overdue=case.was_overdue)
    return case


@transaction.atomic
def do_rework_case(
    case: Case,
    *,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """返工 — verification found the matter not resolved; back to the unit. The clock
    keeps running against the same deadline."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.REWORK, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("返工理由"), required=True)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.HANDLING
    case.rework_count += 1
    case.save()
    _append_event(case, CaseAction.REWORK, from_status=from_status, actor=actor, note=reason)
    notify(
        _unit_recipients(case),
        case,
        _("办件 %(number)s 核查未通过，须返工：%(reason)s")
        % {"number": case.number, "reason": reason},
    )
    _record(CaseAction.REWORK, case, actor, request, rework_count=case.rework_count)
    return case


# --- Escalation, deferral, extension ------------------------------------------------------


def escalate_locked(
    case: Case, transition: Transition, *, actor: User | None, reason: str, now: datetime
) -> str:
    """Move the case one level up and restart its clock there; returns the new unit code.

    The caller holds the case's row lock and has checked the transition and the
    permission (``do_escalate_case``, or the sweep as the system). Writes the timeline
    step and queues the notification; the ledger event is the caller's.
    """
    level = ResponsibleLevel(case.assigned_level)
    above = LEVEL_ABOVE[level]
    new_code = case.assigned_region_code[: LEVEL_CODE_LENGTH[above]]
    from_status = case.status
    case.assigned_level = above
    case.assigned_region_code = new_code
    case.assigned_organisation = unit_body(new_code)
    case.assignee = None
    case.status = transition.to_status
    case.escalation_count += 1
    within = (
        case.category.accept_within(case.urgency)
        if case.status == CaseStatus.SUBMITTED
        else case.category.resolve_within(case.urgency)
    )
    _start_clock(case, now, within[0], within[1], _calendar(case))
    if case.status == CaseStatus.SUBMITTED:
        case.accept_by = case.due_at
    case.save()
    _append_event(
        case,
        CaseAction.ESCALATE,
        from_status=from_status,
        actor=actor,
        note=reason,
        data={"from_level": level, "to_level": above, "assigned_region_code": new_code},
    )
    notify(
        unit_staff_ids(new_code, case.assigned_organisation_id),
        case,
        _("办件 %(number)s 已上报至本级：%(reason)s") % {"number": case.number, "reason": reason},
    )
    return new_code


def _check_can_escalate(case: Case) -> None:
    if ResponsibleLevel(case.assigned_level) not in LEVEL_ABOVE:
        raise ValidationError({"status": _("办件已在旗县市一级办理，不能再上报")})


@transaction.atomic
def do_escalate_case(
    case: Case,
    *,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """上报 — community → township → county (R4.3b): the unit code shortens to the level
    above (12 → 9 → 6 digits), which accepts or dispatches the case again on a new clock."""
    now = _now(now)
    case = _lock(case)
    transition = _step(case, CaseAction.ESCALATE, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("上报理由"), required=True)
    errors.raise_any()
    _check_can_escalate(case)
    new_code = escalate_locked(case, transition, actor=actor, reason=reason, now=now)
    _record(CaseAction.ESCALATE, case, actor, request, assigned_region_code=new_code)
    return case


@transaction.atomic
def do_defer_case(
    case: Case,
    *,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """挂账 — a long-term matter (a dispute waiting for a court, works waiting for a
    budget) stops its clock; township or county staff decide it, with a reason."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.DEFER, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("挂账理由"), required=True)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.DEFERRED
    case.deferred_reason = reason[:500]
    case.deferred_at = now
    _stop_clock(case)
    case.save()
    _append_event(case, CaseAction.DEFER, from_status=from_status, actor=actor, note=reason)
    notify(
        [case.reporter],
        case,
        _("您的办件 %(number)s 需长期办理，已挂账：%(reason)s")
        % {"number": case.number, "reason": reason},
    )
    _record(CaseAction.DEFER, case, actor, request)
    return case


@transaction.atomic
def do_resume_case(
    case: Case,
    *,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """恢复办理 — a deferred case goes back to handling with a new resolution clock."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.RESUME, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("说明"), required=False)
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.HANDLING
    unit, amount = case.category.resolve_within(case.urgency)
    _start_clock(case, now, unit, amount, _calendar(case))
    case.save()
    _append_event(case, CaseAction.RESUME, from_status=from_status, actor=actor, note=note)
    notify(_unit_recipients(case), case, _("办件 %(number)s 恢复办理") % {"number": case.number})
    _record(CaseAction.RESUME, case, actor, request)
    return case


@transaction.atomic
def do_request_extension(
    case: Case,
    *,
    actor: User | None,
    amount: int,
    reason: str,
    unit: str | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """申请延期 — the unit asks the level above for more time; one request at a time."""
    case = _lock(case)
    _step(case, CaseAction.REQUEST_EXTENSION, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("延期理由"), required=True)
    unit = unit or case.category.resolve_unit
    if unit not in TimeUnit.values:
        errors.add("unit", _("延期单位无效"))
    elif not isinstance(amount, int) or not 1 <= amount <= MAX_EXTENSION[TimeUnit(unit)]:
        errors.add(
            "amount",
            _("延期时长须为 1 到 %(n)d 之间的整数") % {"n": MAX_EXTENSION[TimeUnit(unit)]},
        )
    if case.extension_state == ExtensionState.REQUESTED:
        errors.add("amount", _("已有待审批的延期申请"))
    if ResponsibleLevel(case.assigned_level) not in LEVEL_ABOVE:
        errors.add("amount", _("旗县市一级的办件延期请线下报批"))
    errors.raise_any()
    case.extension_state = ExtensionState.REQUESTED
    case.extension_unit = unit
    case.extension_amount = amount
    case.extension_reason = reason[:500]
    case.save()
    _append_event(
        case,
        CaseAction.REQUEST_EXTENSION,
        from_status=case.status,
        actor=actor,
        note=reason,
        is_internal=True,
        data={"unit": unit, "amount": amount},
    )
    above = LEVEL_ABOVE[ResponsibleLevel(case.assigned_level)]
    notify(
        unit_staff_ids(case.assigned_region_code[: LEVEL_CODE_LENGTH[above]]),
        case,
        _("办件 %(number)s 申请延期，待您审批") % {"number": case.number},
    )
    _record(CaseAction.REQUEST_EXTENSION, case, actor, request, unit=unit, amount=amount)
    return case


@transaction.atomic
def do_approve_extension(
    case: Case,
    *,
    actor: User | None,
    approve: bool = True,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """审批延期 — the level above approves (the deadline moves by the requested working
    time) or rejects the pending request."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.APPROVE_EXTENSION, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("审批意见"), required=not approve)
    if case.extension_state != ExtensionState.REQUESTED:
        errors.add("status", _("没有待审批的延期申请"))
    errors.raise_any()
    old_due = case.due_at
    if approve and case.due_at is not None:
        calendar = _calendar(case)
        base = max(case.due_at, now)
        case.due_at = calendar.add(base, case.extension_unit, case.extension_amount)
        case.warn_at = calendar.warn_at(now, case.due_at, case.category.due_soon_fraction)
        case.due_state = _due_state_at(case, now)
    case.extension_state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    case.save()
    _append_event(
        case,
        CaseAction.APPROVE_EXTENSION,
        from_status=case.status,
        actor=actor,
        note=note,
        is_internal=True,
        data={
            "approved": approve,
            "old_due_at": old_due.isoformat() if old_due else None,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    )
    notify(
        _unit_recipients(case),
        case,
        (_("办件 %(number)s 延期已批准") if approve else _("办件 %(number)s 延期未获批准"))
        % {"number": case.number},
    )
    _record(CaseAction.APPROVE_EXTENSION, case, actor, request, approved=approve)
    return case


# --- Merging ------------------------------------------------------------------------------


@transaction.atomic
def do_merge_case(
    case: Case,
    *,
    into: Case,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """并单 — a duplicate report joins the case that handles the matter; its reporter
    follows that case from then on. Both rows are locked in id order (no deadlock)."""
    first, second = sorted([case.pk, into.pk])
    locked = {
        c.pk: c
        for c in Case.objects.select_for_update()
        .select_related("category")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    case = locked[case.pk]
    _step(case, CaseAction.MERGE, actor)
    errors = _Errors()
    note = _text(note, "note", errors, label=_("并单说明"), required=False)
    target = locked.get(into.pk)
    if target is None or target.pk == case.pk:
        errors.add("into", _("不能并入本办件"))
    elif actor is not None and not actor.has_perm("cases.view_case", target):
        errors.add("into", _("目标办件不存在"))
    elif target.kind != case.kind:
        errors.add("into", _("只能并入同类办件"))
    elif target.status in (CaseStatus.MERGED, CaseStatus.REFUSED):
        errors.add("into", _("目标办件已并单或不予受理，不能并入"))
    errors.raise_any()
    assert target is not None
    from_status = case.status
    case.status = CaseStatus.MERGED
    case.merged_into = target
    _stop_clock(case)
    case.save()
    _append_event(
        case,
        CaseAction.MERGE,
        from_status=from_status,
        actor=actor,
        note=note or _("已并入办件 %(number)s") % {"number": target.number},
        data={"into": target.pk, "into_number": target.number},
    )
    _append_event(
        target,
        CaseAction.MERGE,
        from_status=target.status,
        actor=actor,
        note=_("办件 %(number)s 已并入本件") % {"number": case.number},
        is_internal=True,
        data={"merged": case.pk, "merged_number": case.number},
    )
    notify(
        [case.reporter],
        case,
        _("您的办件 %(number)s 与办件 %(into)s 为同一事项，已并单办理")
        % {"number": case.number, "into": target.number},
    )
    _record(CaseAction.MERGE, case, actor, request, into=target.number)
    return case


# --- After closing: reopen and rate -------------------------------------------------------


@transaction.atomic
def do_reopen_case(
    case: Case,
    *,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """重新办理 — the reporter (or their agent) says the matter is not really solved,
    within the category's ``reopen_days`` after closing; back to the unit on a new clock."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.REOPEN, actor)
    errors = _Errors()
    reason = _text(reason, "reason", errors, label=_("重新办理的理由"), required=True)
    days = case.category.reopen_days
    if case.closed_at is None or now > case.closed_at + timedelta(days=days):
        errors.add("status", _("已超过结案后 %(days)d 天的重新办理期限") % {"days": days})
    errors.raise_any()
    from_status = case.status
    case.status = CaseStatus.HANDLING
    case.reopened_count += 1
    case.closed_at = None
    unit, amount = case.category.resolve_within(case.urgency)
    _start_clock(case, now, unit, amount, _calendar(case))
    case.save()
    _append_event(case, CaseAction.REOPEN, from_status=from_status, actor=actor, note=reason)
    notify(
        _unit_recipients(case),
        case,
        _("办件 %(number)s 被申请重新办理：%(reason)s") % {"number": case.number, "reason": reason},
    )
    _record(CaseAction.REOPEN, case, actor, request, reopened_count=case.reopened_count)
    return case


@transaction.atomic
def do_rate_case(
    case: Case,
    *,
    actor: User | None,
    rating: int,
    comment: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """评价 — the reporter rates a closed case once on the 5-level 好差评 scale
    (非常满意 5 … 非常不满意 1); ratings feed the satisfaction rate and evaluations."""
    now = _now(now)
    case = _lock(case)
    _step(case, CaseAction.RATE, actor)
    errors = _Errors()
    comment = _text(comment, "comment", errors, label=_("评价意见"), required=False)
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in Rating.values:
        errors.add("rating", _("请选择评价等级（非常满意至非常不满意）"))
    if case.rating is not None:
        errors.add("rating", _("该办件已评价，不能重复评价"))
    errors.raise_any()
    case.rating = rating
    case.rating_comment = comment[:500]
    case.rated_at = now
    case.save()
    _append_event(
        case,
        CaseAction.RATE,
        from_status=case.status,
        actor=actor,
        note=comment,
        data={"rating": rating},
    )
    notify(
        [case.first_responsible_id, case.assignee_id],
        case,
        _("办件 %(number)s 收到评价：%(label)s")
        % {"number": case.number, "label": Rating(rating).label},
    )
    _record(CaseAction.RATE, case, actor, request, rating=rating)
    return case


# --- Notifications ------------------------------------------------------------------------


def do_mark_notifications_read(
    *, actor: User, ids: Sequence[int] | None = None, now: datetime | None = None
) -> int:
    """Mark the actor's own messages read (all unread ones without ``ids``).

    No ledger event: reading one's own inbox changes nothing anyone answers for.
    """
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=_now(now))


# --- Personal data ------------------------------------------------------------------------


def do_unmask_reporter_phone(
    case: Case, *, actor: User | None, request: HttpRequest | None = None
) -> str:
    """显示完整号码 — the reporter's phone number in plain text, for staff who hold
    ``cases.unmask_reporter``; every unmasking is a ``PII_UNMASKED`` ledger event
    (DESIGN rule 4). The summary names the case, never the number."""
    _require(actor, "cases.unmask_reporter", case)
    record_event(
        EventType.PII_UNMASKED,
        actor=actor,
        obj=case,
        summary={"field": "reporter_phone", "number": case.number},
        request=request,
    )
    return str(case.reporter_phone.reveal()) if case.reporter_phone else ""
