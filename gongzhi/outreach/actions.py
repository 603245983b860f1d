"""Writes of outreach: routes, stops and visits of mobile service (R3.2a); needs, offers,
matches and needs turned into cases (R3.2b).

Every action runs in one transaction, checks its named permission (``outreach.rules``)
on each place it touches, validates its input with Chinese messages keyed by field
(nothing is written before validation passes, and a later failure rolls everything
back), and records one ledger event as its last write. Ledger summaries carry ids,
codes, kinds and dates — never a name or a phone number. Messages to residents are
queued with ``transaction.on_commit``. ``actor=None`` is the command line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases import actions as case_actions
from gongzhi.cases.actions import notify
from gongzhi.cases.enums import CaseKind, Channel
from gongzhi.cases.models import Case, Category
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.core.actions import clean_text
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import Organisation
from gongzhi.outreach.enums import NeedStatus, ProviderKind, ServiceKind
from gongzhi.outreach.models import (
    TEXT_MAX_LENGTH,
    Match,
    Need,
    Offer,
    ServiceRoute,
    ServiceStop,
    ServiceVisit,
)
from gongzhi.regions.models import Level, Region
from gongzhi.residents import portal as registry
from gongzhi.residents.models import Resident

NAME_MAX_LENGTH = 100
SHORT_TEXT_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 500
REASON_MIN_LENGTH = 2
MAX_SERVICES = 30
# Categories a need may become (需求转办件): an application or a complaint, not a grid event.
NEED_CASE_KINDS = (CaseKind.SERVICE, CaseKind.COMPLAINT)
# The league's extent, as the case engine checks a point (cases.actions.LEAGUE_BOUNDS).
LEAGUE_BOUNDS = case_actions.LEAGUE_BOUNDS


def _region(
    value: Region | str | None, level: int, field: str, errors: _Errors, message: str
) -> Region | None:
    if value is None or value == "":
        errors.add(field, message)
        return None
    region = (
        value
        if isinstance(value, Region)
        else Region.objects.filter(region_code=str(value).strip()).first()
    )
    if region is None or region.level != level or not region.is_active:
        errors.add(field, message)
        return None
    return region


def display_name(user: User) -> str:
    return (user.full_name or user.get_username())[:50]


# --- Mobile service (R3.2a) ---------------------------------------------------------------


@transaction.atomic
def do_save_route(
    route: ServiceRoute | None = None,
    *,
    name: str,
    township: Region | str | None,
    vehicle: str,
    organisation: Organisation | None = None,
    is_active: bool = True,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ServiceRoute:
    """保存流动服务线路 — create a route or change one (R3.2a). The township must lie in
    the actor's jurisdiction, before and after a change; the responsible organisation,
    when given, must cover the township (a county department, the township office) or
    lie inside it. Locks the route row on change."""
    if route is not None:
        route = ServiceRoute.objects.select_for_update().get(pk=route.pk)
        _require(actor, "outreach.manage_routes", route)
    else:
        _require(actor, "outreach.manage_routes", None)
    errors = _Errors()
    name = clean_text(name, "name", errors, label=_("线路名称"), limit=NAME_MAX_LENGTH)
    vehicle = clean_text(
        vehicle, "vehicle", errors, label=_("服务车辆/代办点"), limit=SHORT_TEXT_MAX_LENGTH
    )
    township_obj = _region(
        township, Level.TOWNSHIP, "township", errors, _("请选择有效的苏木乡镇（街道）")
    )
    if organisation is not None and township_obj is not None:
        org_code = organisation.region_code or ""
        covers = township_obj.region_code.startswith(org_code) or org_code.startswith(
            township_obj.region_code
        )
        if not organisation.is_active or not org_code or not covers:
            errors.add("organisation", _("责任单位须为该苏木乡镇或其上级的有效组织"))
    errors.raise_any()
    assert township_obj is not None
    route = route or ServiceRoute()
    route.name = name
    route.township = township_obj
    route.region_code = township_obj.region_code
    route.vehicle = vehicle
    route.organisation = organisation
    route.is_active = is_active
    _require(actor, "outreach.manage_routes", route)
    created = route.pk is None
    route.save()
    record_event(
        EventType.OUTREACH_ROUTE_SAVED,
        actor=actor,
        obj=route,
        summary={"created": created, "township": route.region_code, "active": is_active},
        request=request,
    )
    return route


def _clean_point(lon: Any, lat: Any, errors: _Errors) -> tuple[float | None, float | None]:
    if lon in (None, "") and lat in (None, ""):
        return None, None
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        errors.add("lon", _("位置须为经度、纬度两个数字"))
        return None, None
    min_lon, min_lat, max_lon, max_lat = LEAGUE_BOUNDS
    if not (math.isfinite(x) and math.isfinite(y)) or not (
        min_lon <= x <= max_lon and min_lat <= y <= max_lat
    ):
        errors.add("lon", _("标出的位置不在本盟范围内"))
        return None, None
    return x, y


@transaction.atomic
def do_save_stop(
    route: ServiceRoute,
    stop: ServiceStop | None = None,
    *,
    community: Region | str | None,
    place_name: str,
    lon: Any = None,
    lat: Any = None,
    is_active: bool = True,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ServiceStop:
    """保存流动服务点 — a stop of the route in one of its township's communities (R3.2a)."""
    route = ServiceRoute.objects.select_for_update().get(pk=route.pk)
    _require(actor, "outreach.manage_routes", route)
    if stop is not None:
        stop = ServiceStop.objects.select_for_update().get(pk=stop.pk)
        if stop.route_id != route.pk:
            raise ValidationError({"route": _("服务点不属于该线路")})
    errors = _Errors()
    place_name = clean_text(
        place_name, "place_name", errors, label=_("地点"), limit=NAME_MAX_LENGTH
    )
    community_obj = _region(
        community, Level.COMMUNITY, "community", errors, _("请选择有效的嘎查村（社区）")
    )
    if community_obj is not None and not contains(route.region_code, community_obj.region_code):
        errors.add(
            "community",
            _("服务点须在线路所属的%(township)s内") % {"township": route.township.name},
        )
    x, y = _clean_point(lon, lat, errors)
    errors.raise_any()
    assert community_obj is not None
    stop = stop or ServiceStop(route=route)
    stop.community = community_obj
    stop.region_code = community_obj.region_code
    stop.place_name = place_name
    stop.lon, stop.lat = x, y
    stop.is_active = is_active
    created = stop.pk is None
    stop.save()
    record_event(
        EventType.OUTREACH_STOP_SAVED,
        actor=actor,
        obj=stop,
        summary={"created": created, "route": route.pk, "community": stop.region_code},
        request=request,
    )
    return stop


def _clean_services(codes: Sequence[str] | None, errors: _Errors) -> list[str]:
    chosen: list[str] = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in chosen:
            chosen.append(code)
    if not chosen:
        errors.add("services", _("请至少选择一项服务事项"))
        return []
    if len(chosen) > MAX_SERVICES:
        errors.add("services", _("服务事项不能超过 %(n)d 项") % {"n": MAX_SERVICES})
        return []
    known = set(
        Category.objects.filter(code__in=chosen, is_active=True).values_list("code", flat=True)
    )
    unknown = [code for code in chosen if code not in known]
    if unknown:
        errors.add(
            "services", _("服务事项不存在或已停用：%(codes)s") % {"codes": "、".join(unknown)}
        )
    return chosen


@transaction.atomic
def do_schedule_visit(
    stop: ServiceStop,
    *,
    date: date | None,
    start_time: time | None,
    end_time: time | None,
    services: Sequence[str],
    note: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> ServiceVisit:
    """排定流动服务 — a new visit of the route at the stop: a day not in the past, a start
    before the end, the services (case categories) taken there (R3.2a)."""
    stop = ServiceStop.objects.select_related("route").get(pk=stop.pk)
    _require(actor, "outreach.manage_routes", stop.route)
    today = today or timezone.localdate()
    errors = _Errors()
    if date is None:
        errors.add("date", _("请填写服务日期"))
    elif date < today:
        errors.add("date", _("服务日期不能早于今天"))
    if start_time is None:
        errors.add("start_time", _("请填写开始时间"))
    if end_time is None:
        errors.add("end_time", _("请填写结束时间"))
    if start_time is not None and end_time is not None and end_time <= start_time:
        errors.add("end_time", _("结束时间须晚于开始时间"))
    chosen = _clean_services(services, errors)
    note = clean_text(note, "note", errors, label=_("说明"), limit=NOTE_MAX_LENGTH, required=False)
    if not stop.is_active or not stop.route.is_active:
        errors.add("stop", _("该服务点或线路已停用，不能排班"))
    errors.raise_any()
    assert date is not None and start_time is not None and end_time is not None
    visit = ServiceVisit.objects.create(
        stop=stop,
        region_code=stop.region_code,
        date=date,
        start_time=start_time,
        end_time=end_time,
        services=chosen,
        note=note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_event(
        EventType.OUTREACH_VISIT_SCHEDULED,
        actor=actor,
        obj=visit,
        summary={
            "route": stop.route_id,
            "stop": stop.pk,
            "date": date.isoformat(),
            "services": chosen,
        },
        request=request,
    )
    return visit


@transaction.atomic
def do_cancel_visit(
    visit: ServiceVisit,
    *,
    reason: str,
    actor: User | None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ServiceVisit:
    """取消流动服务 — with the reason residents read on the portal (R3.2a)."""
    visit = ServiceVisit.objects.select_for_update().select_related("stop__route").get(pk=visit.pk)
    _require(actor, "outreach.manage_routes", visit.stop.route)
    errors = _Errors()
    reason = clean_text(reason, "reason", errors, label=_("取消原因"), limit=NOTE_MAX_LENGTH)
    if reason and len(reason) < REASON_MIN_LENGTH:
        errors.add("reason", _("请写明取消原因"))
    if visit.is_cancelled:
        errors.add("reason", _("该次服务已取消"))
    errors.raise_any()
    visit.is_cancelled = True
    visit.cancel_reason = reason
    visit.cancelled_at = now or timezone.now()
    visit.save(update_fields=["is_cancelled", "cancel_reason", "cancelled_at"])
    record_event(
        EventType.OUTREACH_VISIT_CANCELLED,
        actor=actor,
        obj=visit,
        summary={"stop": visit.stop_id, "date": visit.date.isoformat()},
        request=request,
    )
    return visit


# --- Supply and demand (R3.2b) ------------------------------------------------------------


def _clean_kind(value: str, errors: _Errors) -> str:
    if value not in ServiceKind.values:
        errors.add("kind", _("请选择服务类别"))
    return value


def _own_community(actor: User | None, errors: _Errors) -> tuple[Region | None, Resident | None]:
    """The community of the resident's registry record (their linked 居民档案)."""
    record = registry.own_record(actor)
    if record is None:
        errors.add(
            "community",
            _("您的账号还没有关联居民档案，请联系社区工作人员关联后再发布"),
        )
        return None, None
    return record.community, record


@transaction.atomic
def do_post_need(
    *,
    kind: str,
    title: str,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Need:
    """发布服务需求 — a resident asks for a service in their own community (R3.2b). The
    community comes from the account's registry record, never from the request."""
    _require(actor, "outreach.post_need", None)
    errors = _Errors()
    kind = _clean_kind(kind, errors)
    title = clean_text(title, "title", errors, label=_("标题"), limit=NAME_MAX_LENGTH)
    description = clean_text(
        description,
        "description",
        errors,
        label=_("具体需求"),
        limit=TEXT_MAX_LENGTH,
        one_line=False,
    )
    community, _record = _own_community(actor, errors)
    errors.raise_any()
    assert community is not None
    need = Need.objects.create(
        community=community,
        region_code=community.region_code,
        poster=actor,
        poster_name=display_name(actor),
        kind=kind,
        title=title,
        description=description,
    )
    record_event(
        EventType.SERVICE_NEED_POSTED,
        actor=actor,
        obj=need,
        summary={"kind": kind, "community": need.region_code},
        request=request,
    )
    return need


@transaction.atomic
def do_post_offer(
    *,
    kind: str,
    title: str,
    description: str,
    actor: User,
    provider_kind: str = ProviderKind.RESIDENT,
    organisation: Organisation | None = None,
    provider_name: str = "",
    region: Region | str | None = None,
    capacity: str = "",
    available_times: str = "",
    request: HttpRequest | None = None,
) -> Offer:
    """发布服务供给 (R3.2b, R3.2i).

    A resident offers mutual aid (邻里互助) in their own community; the provider is the
    resident, shown to others with a masked name. Staff record the offer of an
    organisation of the directory, a business or a volunteer, for a community, township
    or county of their jurisdiction.
    """
    _require(actor, "outreach.post_offer", None)
    errors = _Errors()
    title = clean_text(title, "title", errors, label=_("服务名称"), limit=NAME_MAX_LENGTH)
    description = clean_text(
        description,
        "description",
        errors,
        label=_("服务内容"),
        limit=TEXT_MAX_LENGTH,
        one_line=False,
    )
    capacity = clean_text(
        capacity, "capacity", errors, label=_("服务能力"), limit=NAME_MAX_LENGTH, required=False
    )
    available_times = clean_text(
        available_times,
        "available_times",
        errors,
        label=_("可服务时间"),
        limit=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )
    region_obj: Region | None
    if actor is not None and not actor.is_staff_member:
        if kind != ServiceKind.MUTUAL_AID:
            errors.add("kind", _("居民只能发布邻里互助服务"))
        provider_kind = ProviderKind.RESIDENT
        organisation = None
        provider_name = display_name(actor)
        region_obj, _record = _own_community(actor, errors)
    else:
        kind = _clean_kind(kind, errors)
        region_obj = None
        if region in (None, ""):
            errors.add("region", _("请选择服务范围"))
        else:
            region_obj = (
                region
                if isinstance(region, Region)
                else Region.objects.filter(region_code=str(region).strip()).first()
            )
            if region_obj is None or region_obj.level < Level.COUNTY or not region_obj.is_active:
                errors.add("region", _("服务范围须为有效的旗县市、苏木乡镇或嘎查村社区"))
                region_obj = None
        if provider_kind == ProviderKind.ORGANISATION:
            if organisation is None or not organisation.is_active:
                errors.add("organisation", _("请选择提供服务的组织"))
            else:
                provider_name = organisation.name
        elif provider_kind in (ProviderKind.BUSINESS, ProviderKind.VOLUNTEER):
            organisation = None
            provider_name = clean_text(
                provider_name, "provider_name", errors, label=_("提供方名称"), limit=NAME_MAX_LENGTH
            )
        else:
            errors.add("provider_kind", _("请选择提供方类别"))
    errors.raise_any()
    assert region_obj is not None
    offer = Offer(
        region=region_obj,
        region_code=region_obj.region_code,
        provider_kind=provider_kind,
        organisation=organisation,
        provider_name=provider_name[:NAME_MAX_LENGTH],
        poster=actor,
        kind=kind,
        title=title,
        description=description,
        capacity=capacity,
        available_times=available_times,
    )
    _require(actor, "outreach.post_offer", offer)
    offer.save()
    record_event(
        EventType.SERVICE_OFFER_POSTED,
        actor=actor,
        obj=offer,
        summary={"kind": kind, "provider_kind": provider_kind, "region": offer.region_code},
        request=request,
    )
    return offer


def serves(offer: Offer, community_code: str) -> bool:
    """Whether the offer's area contains the community."""
    return contains(offer.region_code, community_code)


@transaction.atomic
def do_match(
    need: Need,
    offer: Offer,
    *,
    actor: User | None,
    appointment_at: datetime | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Match:
    """供需对接 — community staff pair an open need with an active offer that serves the
    need's community, with an optional appointment; the resident who asked and the
    offer's poster get a message (R3.2b). Locks the need row: two staff matching one
    need at once cannot both pass the state check."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    _require(actor, "outreach.match_need", need)
    offer = Offer.objects.select_related("poster").get(pk=offer.pk)
    now = now or timezone.now()
    errors = _Errors()
    if need.status != NeedStatus.OPEN:
        errors.add(
            "need",
            _("该需求当前为“%(status)s”，不能再对接") % {"status": need.get_status_display()},
        )
    if not offer.is_active:
        errors.add("offer", _("该服务已撤回"))
    elif not serves(offer, need.region_code):
        errors.add("offer", _("该服务的服务范围不含需求所在社区"))
    if appointment_at is not None and appointment_at <= now:
        errors.add("appointment_at", _("预约时间须晚于现在"))
    note = clean_text(
        note, "note", errors, label=_("对接说明"), limit=NOTE_MAX_LENGTH, required=False
    )
    errors.raise_any()
    match = Match.objects.create(
        need=need,
        offer=offer,
        region_code=need.region_code,
        appointment_at=appointment_at,
        note=note,
        matched_by=actor if actor is not None and actor.is_authenticated else None,
    )
    need.status = NeedStatus.MATCHED
    need.save(update_fields=["status", "updated_at"])
    when = (
        timezone.localtime(appointment_at).strftime("%Y-%m-%d %H:%M")
        if appointment_at is not None
        else _("待约定")
    )
    notify(
        [need.poster],
        None,
        _("您的需求“%(title)s”已对接“%(offer)s”（%(provider)s），预约时间：%(when)s")
        % {
            "title": need.title,
            "offer": offer.title,
            "provider": provider_label(offer),
            "when": when,
        },
    )
    notify(
        [offer.poster],
        None,
        _("您发布的服务“%(offer)s”已对接%(community)s的一项需求“%(title)s”，预约时间：%(when)s")
        % {
            "offer": offer.title,
            "community": need.community.name,
            "title": need.title,
            "when": when,
        },
    )
    record_event(
        EventType.SERVICE_MATCHED,
        actor=actor,
        obj=match,
        summary={
            "need": need.pk,
            "offer": offer.pk,
            "appointment": appointment_at.isoformat() if appointment_at else None,
        },
        request=request,
    )
    return match


@transaction.atomic
def do_need_to_case(
    need: Need,
    *,
    category: Category | str | None,
    actor: User | None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """需求转办件 — community staff turn an open need into a case of a service or
    complaint category they choose (R3.2b → R3.6b). The resident who posted it is the
    reporter, the staff member the first-asked responsible (首问负责); the channel is
    ``portal``, where the resident asked. The case engine's own action writes the case;
    a refusal there leaves the need untouched."""
    need = Need.objects.select_for_update().select_related("community", "poster").get(pk=need.pk)
    _require(actor, "outreach.match_need", need)
    errors = _Errors()
    if need.status != NeedStatus.OPEN:
        errors.add(
            "need",
            _("该需求当前为“%(status)s”，不能转为办件") % {"status": need.get_status_display()},
        )
    category_obj = (
        category
        if isinstance(category, Category)
        else Category.objects.filter(code=str(category or "").strip()).first()
    )
    if category_obj is None or not category_obj.is_active:
        errors.add("category", _("事项不存在或已停用，请重新选择"))
    elif category_obj.kind not in NEED_CASE_KINDS:
        errors.add("category", _("需求只能转为服务申请或诉求类办件"))
    elif needs_answers(category_obj):
        errors.add("category", _("该事项有必填的附加信息，请通过一窗受理登记"))
    errors.raise_any()
    record = registry.own_record(need.poster)
    if record is not None and record.community_id != need.community_id:
        record = None
    case = case_actions.do_submit_case(
        category=category_obj,  # type: ignore[arg-type]
        title=need.title,
        description=need.description,
        community=need.community,
        channel=Channel.PORTAL,
        reporter=need.poster,
        reporter_name=need.poster_name,
        resident=record,
        actor=actor,
        request=request,
        now=now,
    )
    need.case = case
    need.status = NeedStatus.MATCHED
    need.save(update_fields=["case", "status", "updated_at"])
    record_event(
        EventType.SERVICE_NEED_TO_CASE,
        actor=actor,
        obj=need,
        summary={"case": case.number, "category": case.category.code},
        request=request,
    )
    return case


@transaction.atomic
def do_close_need(
    need: Need,
    *,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Need:
    """关闭服务需求 — the resident no longer needs it, or staff close it when done."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    _require(actor, "outreach.close_need", need)
    errors = _Errors()
    if need.status == NeedStatus.CLOSED:
        errors.add("need", _("该需求已关闭"))
    note = clean_text(
        note, "note", errors, label=_("关闭说明"), limit=NOTE_MAX_LENGTH, required=False
    )
    errors.raise_any()
    from_status = need.status
    need.status = NeedStatus.CLOSED
    need.close_note = note
    need.save(update_fields=["status", "close_note", "updated_at"])
    record_event(
        EventType.SERVICE_NEED_CLOSED,
        actor=actor,
        obj=need,
        summary={"from": from_status},
        request=request,
    )
    return need


@transaction.atomic
def do_withdraw_offer(
    offer: Offer,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Offer:
    """撤回服务供给 — no longer matched with new needs; existing matches stay."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _require(actor, "outreach.withdraw_offer", offer)
    if not offer.is_active:
        raise ValidationError({"offer": _("该服务已撤回")})
    offer.is_active = False
    offer.save(update_fields=["is_active", "updated_at"])
    record_event(EventType.SERVICE_OFFER_WITHDRAWN, actor=actor, obj=offer, request=request)
    return offer


def mask_surname(name: str) -> str:
    """Only the surname, as other residents see a poster: ``乌云其其格`` → ``乌*``."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


def provider_label(offer: Offer) -> str:
    """Who gives the service, as others see it: a resident by surname only."""
    if offer.provider_kind == ProviderKind.RESIDENT:
        return mask_surname(offer.provider_name)
    return offer.provider_name


def needs_answers(category: Category) -> bool:
    """The category has required extra fields, which a need does not carry."""
    return any(spec.get("required") for spec in category.attributes or [])
