"""Public reads of the Open311 interface: services, their definitions, service requests.

Open311 reads need no key, so they show only what may be public (PIPL Art. 6, 28):

- **Which categories.** Open311 is for issues in public space (GeoReport): grid events
  and complaints (``OPEN311_KINDS``). Service applications and record corrections
  (低保, 残疾人补贴, 居住证明 …) concern a person's circumstances; they are applied for
  on the portal by an identified resident and never appear here.
- **Which fields.** Never the reporter's name, phone or account. Events show their
  description, address and point (a public place, like FixMyStreet's reports);
  complaints (``PLACE_PUBLIC_KINDS`` excludes them: a neighbour dispute or unpaid wages
  is about people) show only status, service, dates and the responsible body.

The request list reads one index: newest first by primary key (ids follow submission
order), filtered by the submission window, cut at 1,000 rows — a backward primary-key
scan that stops at the 1,000th match, with no COUNT. The page costs a constant number of
queries: the cases with their category, community and unit (one join), the latest public
timeline note as a correlated subquery on the ``(case, seq)`` unique index, the names of
and the names of the units without a body in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from gongzhi.cases import lookups
from gongzhi.cases.enums import CaseKind, CaseStatus, TimeUnit, Urgency
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.queries import INTERNAL_ACTIONS
from gongzhi.core.scoping import within
from gongzhi.regions.models import Region
from gongzhi.service_requests.georeport import w3c

OPEN311_KINDS = (CaseKind.EVENT, CaseKind.COMPLAINT)
PLACE_PUBLIC_KINDS = (CaseKind.EVENT,)
# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests
# returned, whichever is smallest."
WINDOW_DAYS = 90
MAX_REQUESTS = 1000
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.REFUSED, CaseStatus.MERGED)
OPEN_STATUSES = tuple(s for s in CaseStatus.values if s not in CLOSED_STATUSES)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

# The columns a row needs, read as plain values (no model instances: a 1,000-row page
# would spend most of its time building them).
_REQUEST_FIELDS = (
    "id",
    "number",
    "kind",
    "status",
    "description",
    "address",
    "lat",
    "lon",
    "assigned_region_code",
    "urgency",
    "submitted_at",
    "updated_at",
    "closed_at",
    "due_at",
    "category_id",
    "category__code",
    "category__name",
    "community__name",
    "community__region_code",
    "assigned_organisation__name",
)


def open311_status(status: str) -> str:
    """``closed`` for 已结案, 不予受理 and 已并单; ``open`` for everything else."""
    return "closed" if status in CLOSED_STATUSES else "open"


def statuses_for(open311: str) -> tuple[str, ...]:
    return CLOSED_STATUSES if open311 == "closed" else OPEN_STATUSES


# --- Services -----------------------------------------------------------------------------


def services() -> QuerySet[Category]:
    """The catalogue offered through Open311, in the console's order."""
    return Category.objects.filter(is_active=True, kind__in=OPEN311_KINDS).order_by(
        "kind", "order", "code"
    )


def service(code: str, reference: lookups.Lookups | None = None) -> Category | None:
    """One service of ``services()`` by its code, from the process's copy of the
    catalogue (``cases.lookups``: one statement, no query compilation)."""
    category = (reference or lookups.current()).category(code)
    if category is None or not category.is_active or category.kind not in OPEN311_KINDS:
        return None
    return category


def _or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def service_row(category: Category) -> dict[str, Any]:
    """One ``<service>``: the fields in the specification's order."""
    keywords = ", ".join((category.keywords or "").replace("，", " ").replace(",", " ").split())
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": bool(category.attributes),
        # A request becomes a case at once and its id is returned: realtime.
        "type": "realtime",
        "keywords": keywords or None,
        "group": _or_none(category.group),
    }


def service_definition(category: Category) -> dict[str, Any]:
    """``<service_definition>``: the category's extra fields as Open311 attributes."""
    attributes = []
    for position, spec in enumerate(category.sorted_attributes(), start=1):
        order = spec.get("order")
        attributes.append(
            {
                "variable": bool(spec.get("variable", True)),
                "code": str(spec.get("code", "")),
                "datatype": str(spec.get("datatype") or "string"),
                "required": bool(spec.get("required", False)),
                "datatype_description": _or_none(spec.get("datatype_description")),
                "order": order if isinstance(order, int) and order > 0 else position,
                "description": _or_none(spec.get("description")),
                "values": [
                    {"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
                    for value in spec.get("values") or []
                ],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def _within(unit: str, amount: int) -> str:
    if unit == TimeUnit.WORKING_HOURS:
        return _("%(n)d 个工作小时") % {"n": amount}
    return _("%(n)d 个工作日") % {"n": amount}


def service_notice(
    accept_unit: str, accept_amount: int, resolve_unit: str, resolve_amount: int
) -> str:
    """The service commitment (承诺时限) in words, as ``service_notice``."""
    return _("承诺 %(accept)s内受理，受理后 %(resolve)s内办结") % {
        "accept": _within(accept_unit, accept_amount),
        "resolve": _within(resolve_unit, resolve_amount),
    }


def notice_for(category: Category, urgency: str = Urgency.NORMAL) -> str:
    accept_unit, accept = category.accept_within(urgency)
    resolve_unit, resolve = category.resolve_within(urgency)
    return service_notice(accept_unit, accept, resolve_unit, resolve)


# --- Requests -----------------------------------------------------------------------------


def _public_note() -> Subquery:
    """The latest note a resident would read on the timeline (refusal reasons, feedback)."""
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), is_internal=False)
        .exclude(action__in=INTERNAL_ACTIONS)
        .exclude(note="")
        .order_by("-seq")
        .values("note")[:1]
    )


def public_requests() -> QuerySet[Case, dict[str, Any]]:
    """Every case Open311 may show, newest first, as the values a row needs."""
    return (
        Case.objects.filter(kind__in=OPEN311_KINDS)
        .order_by("-id")
        .values(*_REQUEST_FIELDS, public_note=_public_note())
    )


def find_requests(
    *,
    numbers: Sequence[str] = (),
    category_ids: Sequence[int] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    end_exclusive: bool = False,
    status: str | None = None,
    jurisdiction: str = "",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The ``GET requests`` list. ``numbers`` (service_request_id) overrides every other
    filter, as the specification says; otherwise the submission window, the services
    (``category_ids``), ``open``/``closed`` and the jurisdiction apply."""
    limit = MAX_REQUESTS if limit is None else limit
    cases = public_requests()
    if numbers:
        cases = cases.filter(number__in=list(numbers)[:limit])
    else:
        if category_ids is not None:
            cases = cases.filter(category_id__in=list(category_ids))
        if start is not None:
            cases = cases.filter(submitted_at__gte=start)
        if end is not None:
            cases = (
                cases.filter(submitted_at__lt=end)
                if end_exclusive
                else cases.filter(submitted_at__lte=end)
            )
        if status:
            cases = cases.filter(status__in=statuses_for(status))
        if jurisdiction:
            cases = cases.filter(within(jurisdiction, "region_code"))
    return list(cases[:limit])


def find_request(number: str) -> dict[str, Any] | None:
    return public_requests().filter(number=number).first()


def _unit_names(cases: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Names of the units that answer for cases with no assigned body (one query)."""
    codes = {c["assigned_region_code"] for c in cases if c["assigned_organisation__name"] is None}
    if not codes:
        return {}
    return dict(Region.objects.filter(region_code__in=codes).values_list("region_code", "name"))


def _notices(cases: Sequence[dict[str, Any]]) -> dict[tuple[int, str], str]:
    """The service notice of each (category, urgency) on the page (one query)."""
    wanted = {(c["category_id"], c["urgency"]) for c in cases}
    categories = Category.objects.in_bulk({pk for pk, _urgency in wanted})
    return {
        (pk, urgency): notice_for(categories[pk], urgency)
        for pk, urgency in wanted
        if pk in categories
    }


def request_rows(cases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``<request>`` rows in the specification's field order, without personal data."""
    names = _unit_names(cases)
    notices = _notices(cases)
    rows = []
    for case in cases:
        place_public = case["kind"] in PLACE_PUBLIC_KINDS
        address = " ".join(part for part in (case["address"], case["community__name"]) if part)
        closed = case["status"] == CaseStatus.CLOSED and case["closed_at"] is not None
        rows.append(
            {
                "service_request_id": case["number"],
                "status": open311_status(case["status"]),
                "status_notes": _or_none(case["public_note"]) if place_public else None,
                "service_name": case["category__name"],
                "service_code": case["category__code"],
                "description": case["description"] if place_public else None,
                "agency_responsible": case["assigned_organisation__name"]
                or names.get(case["assigned_region_code"]),
                "service_notice": notices.get((case["category_id"], case["urgency"])),
                "requested_datetime": w3c(case["submitted_at"]),
                "updated_datetime": w3c(case["closed_at"] if closed else case["updated_at"]),
                "expected_datetime": w3c(case["due_at"]),
                "address": address if place_public else None,
                "address_id": case["community__region_code"],
                "zipcode": None,
                "lat": case["lat"] if place_public else None,
                "long": case["lon"] if place_public else None,
                # Case photos are served only after the case's permission check
                # (cases:attachment), never at a public URL: they may show people.
                "media_url": None,
            }
        )
    return rows


def jurisdiction_code(value: str) -> str | None:
    """The jurisdiction (辖区编码) a ``jurisdiction_id`` names: a region's short code or its
    12-digit statistical code; None when there is no such region."""
    value = (value or "").strip()
    if not value.isdigit():
        return None
    return (
        Region.objects.filter(Q(region_code=value) | Q(code=value), is_active=True)
        .values_list("region_code", flat=True)
        .first()
    )
