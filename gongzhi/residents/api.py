"""Residents and households over the REST API (``/api/v1/residents``, ``/api/v1/households``).

Reads go through ``residents.queries`` (jurisdiction, hidden minors, sensitive tags), so a
record outside the caller's jurisdiction answers 404 exactly like one that does not exist.
Writes go through the same actions as the pages. ID and phone numbers appear only masked
(``id_number_masked``, ``phone_masked``); the plaintext comes only from
``POST /residents/{id}/unmask``, which needs the unmask permission and is a ledger event.
"""

# No ``from __future__ import annotations``: ninja resolves the paginated views'
# ``Query[...]`` parameters at import time and cannot see string annotations there.
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.api.errors import ApiError, django_validation_fields, errors, summarise
from gongzhi.api.pagination import LimitOffsetPagination
from gongzhi.core.scoping import within
from gongzhi.residents import queries
from gongzhi.residents.actions import do_register_resident, do_unmask_resident, do_update_resident
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import Household, Resident, Tag

router = Router(tags=["实有人口"])


# --- Schemas ---------------------------------------------------------------------------------


class CodeLabel(Schema):
    code: str
    label: str


class TagOut(Schema):
    code: str
    name: str


class HouseholdRef(Schema):
    id: int
    number: str = Field(description="户号")


class ResidentRef(Schema):
    id: int
    name: str = Field(description="姓名")


class PlaceOut(Schema):
    code: str = Field(description="统计用区划代码")
    name: str


class ResidentBriefOut(Schema):
    """居民（列表项）"""

    id: int
    name: str = Field(description="姓名")
    sex: CodeLabel | None
    id_number_masked: str = Field(description="证件号码（脱敏）")
    phone_masked: str = Field(description="联系电话（脱敏）")
    relationship: CodeLabel = Field(description="与户主关系（GB/T 4761）")
    household: HouseholdRef
    region_code: str = Field(description="现居住地辖区编码")
    status: CodeLabel = Field(description="登记状态")
    tags: list[TagOut] = Field(description="标签（无权查看的敏感标签不显示）")


class ResidentOut(ResidentBriefOut):
    """居民"""

    doc_type: CodeLabel = Field(description="证件类型")
    birth_date: date | None = Field(description="出生日期")
    is_minor: bool = Field(description="是否未满 14 周岁")
    ethnicity: CodeLabel = Field(description="民族（GB/T 3304）")
    education: CodeLabel | None = Field(description="文化程度（GB/T 4658）")
    marital_status: CodeLabel | None = Field(description="婚姻状况（GB/T 2261.2）")
    political_status: CodeLabel | None = Field(description="政治面貌")
    community: PlaceOut = Field(description="所属社区")
    registered_region_code: str = Field(description="户籍地区划代码")
    residence_situation: CodeLabel = Field(description="居住情况")
    moved_in_on: date | None = Field(description="迁入日期")
    is_local_resident: bool = Field(description="本社区居民（选举用，R2.3d）")
    status_on: date | None = Field(description="状态变更日期")
    created_at: datetime
    updated_at: datetime


class HouseholdBriefOut(Schema):
    """户（列表项）"""

    id: int
    number: str = Field(description="户号")
    region_code: str = Field(description="所在地辖区编码")
    community: PlaceOut = Field(description="所属社区")
    room: str = Field(description="房号")
    address: str = Field(description="地址")


class HouseholdMemberOut(Schema):
    id: int
    name: str
    relationship: CodeLabel
    sex: CodeLabel | None
    id_number_masked: str
    phone_masked: str


class HouseholdOut(HouseholdBriefOut):
    """户"""

    grid: PlaceOut | None = Field(description="网格")
    compound: PlaceOut | None = Field(description="小区")
    building: PlaceOut | None = Field(description="楼栋")
    householder: ResidentRef | None = Field(description="户主（id 与姓名）")
    members: list[HouseholdMemberOut] = Field(description="在册成员，户主在前")
    created_at: datetime
    updated_at: datetime


class ResidentFilters(Schema):
    q: str = Field(
        "",
        max_length=queries.MAX_QUERY_LENGTH,
        description="姓名（汉字）、拼音全拼或首字母、证件号码后 4–6 位、手机号后 4 位，或完整号码",
    )
    status: ResidentStatus | None = Field(None, description="登记状态")
    tag: str = Field("", max_length=40, description="标签代码")
    region: str = Field(
        "", max_length=21, pattern=r"^\d*$", description="辖区编码前缀（在本人辖区内再缩小范围）"
    )


class HouseholdFilters(Schema):
    number: str = Field("", max_length=32, description="户号（精确）")
    region: str = Field("", max_length=21, pattern=r"^\d*$", description="辖区编码前缀")


class ResidentIn(Schema):
    """登记居民"""

    household: int = Field(description="所在户的 id")
    relationship: str = Field(description="与户主关系：代码或名称（02 或 户主）")
    name: str = Field(max_length=100, description="姓名")
    id_number: str = Field(max_length=40, description="证件号码")
    ethnicity: str = Field(description="民族：代码或名称（02 或 蒙古族）")
    doc_type: str = Field("", description="证件类型（默认居民身份证）")
    sex: str = Field("", description="性别（与证件号码核对）")
    birth_date: date | None = Field(None, description="出生日期（与证件号码核对）")
    phone: str = Field("", max_length=40, description="联系电话")
    education: str = ""
    marital_status: str = ""
    political_status: str = ""
    registered_region_code: str = ""
    residence_situation: str = Field("", description="居住情况（默认人户一致）")
    moved_in_on: date | None = None
    is_local_resident: bool = True
    tags: list[str] = Field([], description="标签代码")


class ResidentPatch(Schema):
    """修改居民信息：只改给出的字段"""

    name: str | None = Field(None, max_length=100)
    doc_type: str | None = None
    id_number: str | None = Field(None, max_length=40)
    sex: str | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    education: str | None = None
    marital_status: str | None = None
    political_status: str | None = None
    phone: str | None = Field(None, max_length=40)
    relationship: str | None = None
    registered_region_code: str | None = None
    residence_situation: str | None = None
    moved_in_on: date | None = None
    is_local_resident: bool | None = None
    tags: list[str] | None = Field(None, description="标签代码（替换可见的标签）")


class UnmaskIn(Schema):
    field: Literal["id_number", "phone"] = Field(description="id_number 或 phone")


class UnmaskOut(Schema):
    value: str = Field(description="完整号码（本次查看已记入审计日志）")


# --- Serialisation ---------------------------------------------------------------------------


def _code(instance: Any, field: str) -> dict[str, str] | None:
    value = getattr(instance, field)
    if not value:
        return None
    return {"code": value, "label": str(getattr(instance, f"get_{field}_display")())}


def _place(obj: Any) -> dict[str, str] | None:
    if obj is None:
        return None
    code = getattr(obj, "code", None) or obj.region_code
    return {"code": code, "name": obj.name}


def _tags(resident: Resident) -> list[dict[str, str]]:
    tags = getattr(resident, "visible_tags", None)
    return [{"code": t.code, "name": t.name} for t in (tags or [])]


def resident_brief(resident: Resident) -> dict[str, Any]:
    return {
        "id": resident.pk,
        "name": resident.name,
        "sex": _code(resident, "sex"),
        "id_number_masked": resident.id_number_masked,
        "phone_masked": resident.phone_masked,
        "relationship": _code(resident, "relationship"),
        "household": {"id": resident.household_id, "number": resident.household.number},
        "region_code": resident.region_code,
        "status": _code(resident, "status"),
        "tags": _tags(resident),
    }


def resident_full(resident: Resident) -> dict[str, Any]:
    return {
        **resident_brief(resident),
        "doc_type": _code(resident, "doc_type"),
        "birth_date": resident.birth_date,
        "is_minor": queries.is_minor(resident),
        "ethnicity": _code(resident, "ethnicity"),
        "education": _code(resident, "education"),
        "marital_status": _code(resident, "marital_status"),
        "political_status": _code(resident, "political_status"),
        "community": _place(resident.community),
        "registered_region_code": resident.registered_region_code,
        "residence_situation": _code(resident, "residence_situation"),
        "moved_in_on": resident.moved_in_on,
        "is_local_resident": resident.is_local_resident,
        "status_on": resident.status_on,
        "created_at": resident.created_at,
        "updated_at": resident.updated_at,
    }


def household_brief(household: Household) -> dict[str, Any]:
    return {
        "id": household.pk,
        "number": household.number,
        "region_code": household.region_code,
        "community": _place(household.community),
        "room": household.room,
        "address": household.address,
    }


def household_full(user: Any, household: Household) -> dict[str, Any]:
    members = list(queries.members_of(user, household))
    # The householder by name only when the reader may see that record (hidden minors).
    householder = next((m for m in members if m.pk == household.householder_id), None)
    return {
        **household_brief(household),
        "grid": _place(household.grid),
        "compound": _place(household.compound),
        "building": _place(household.building),
        "householder": None
        if householder is None
        else {"id": householder.pk, "name": householder.name},
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "relationship": _code(m, "relationship"),
                "sex": _code(m, "sex"),
                "id_number_masked": m.id_number_masked,
                "phone_masked": m.phone_masked,
            }
            for m in members
        ],
        "created_at": household.created_at,
        "updated_at": household.updated_at,
    }


# --- Helpers ---------------------------------------------------------------------------------


def _reload(user: Any, pk: int) -> Resident:
    return queries.access_resident(user, pk)


def _tags_from_codes(user: Any, codes: list[str], current: Iterable[Tag] = ()) -> list[Tag]:
    """Tags offered to the user, by code; an unknown, hidden or deactivated code is a field
    error, except a deactivated tag the record already carries (``current``)."""
    wanted = {code.strip() for code in codes if code.strip()}
    found = list(queries.offered_tags(user).filter(code__in=wanted))
    found += [tag for tag in current if tag.code in wanted and not tag.is_active]
    unknown = sorted(wanted - {tag.code for tag in found})
    if unknown:
        inactive = set(
            queries.visible_tags(user)
            .filter(code__in=unknown, is_active=False)
            .values_list("code", flat=True)
        )
        reasons = []
        if inactive:
            reasons.append(_("已停用的标签：%(codes)s") % {"codes": "、".join(sorted(inactive))})
        if set(unknown) - inactive:
            reasons.append(
                _("未知的标签：%(codes)s") % {"codes": "、".join(sorted(set(unknown) - inactive))}
            )
        fields = {"tags": "；".join(reasons)}
        raise ApiError(422, "validation_error", summarise(fields), fields=fields)
    return found


def _refuse(exc: DjangoValidationError) -> ApiError:
    """An action's refusal as an API error: 409 for a duplicate person, else 422."""
    fields = django_validation_fields(exc)
    duplicate = hasattr(exc, "error_dict") and any(
        error.code == "duplicate"
        for errors_list in exc.error_dict.values()
        for error in errors_list
    )
    if duplicate:
        return ApiError(409, "conflict", summarise(fields), fields=fields)
    return ApiError(422, "validation_error", summarise(fields), fields=fields)


def _filter_residents(user: Any, filters: ResidentFilters) -> QuerySet[Resident]:
    """The console's search (``queries.apply_search``) and filters, in the search's order."""
    queryset = queries.apply_search(queries.residents_for(user), filters.q)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.tag:
        allowed = queries.visible_tags(user).filter(code=filters.tag).values_list("pk", flat=True)
        tag_pk = allowed.first()
        queryset = queryset.filter(tags=tag_pk) if tag_pk else queryset.none()
    if filters.region:
        queryset = queryset.filter(within(filters.region))
    return queryset.select_related("household")


class _LazyList:
    """A queryset that paginates in the database and serialises only the page it yields."""

    def __init__(self, queryset: QuerySet[Any], serialise: Any) -> None:
        self.queryset = queryset
        self.serialise = serialise

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.serialise(obj) for obj in self.queryset[key]]

    def all(self) -> "_LazyList":
        return self

    def count(self) -> int:
        return self.queryset.count()


# --- Residents -------------------------------------------------------------------------------


@router.get(
    "/residents",
    response={200: list[ResidentBriefOut], **errors(401, 422)},
    summary="居民列表",
    description=(
        "本人辖区内的居民（分页）。`q` 与工作台的查找相同：汉字查姓名，字母查拼音全拼或首字母，"
        "4–6 位数字查证件号码尾号，4 位数字也查手机尾号。证件号码与电话均为脱敏值。"
    ),
)
@paginate(LimitOffsetPagination)
def list_residents(request: HttpRequest, filters: Query[ResidentFilters]) -> list[dict[str, Any]]:
    queryset = _filter_residents(request.user, filters)
    return _LazyList(queryset, resident_brief)  # type: ignore[return-value]


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentOut, **errors(401, 404)},
    summary="查看居民",
    description="辖区外、不存在或无权查看（未满 14 周岁）的记录返回 404。",
)
def get_resident(request: HttpRequest, resident_id: int) -> dict[str, Any]:
    return resident_full(queries.access_resident(request.user, resident_id))


@router.post(
    "/residents",
    response={201: ResidentOut, **errors(401, 403, 409, 422)},
    summary="登记居民",
    description=(
        "登记到一个已有的户（`household` 为户的 id）。代码可写代码或中文名称。"
        "证件号码已在全盟登记时返回 409 `conflict`，`fields.id_number` 说明原因。"
    ),
)
def create_resident(request: HttpRequest, payload: ResidentIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    household = queries.households_for(user).filter(pk=payload.household).first()
    if household is None:
        fields = {"household": _("未找到该户（户不存在或不在您的辖区内）")}
        raise ApiError(422, "validation_error", summarise(fields), fields=fields)
    data = payload.dict()
    data.pop("household")
    tags = _tags_from_codes(user, data.pop("tags"))
    optional_defaults = {"doc_type": "居民身份证", "residence_situation": "人户一致"}
    for key, default in optional_defaults.items():
        data[key] = data[key] or default
    try:
        resident = do_register_resident(
            household=household, tags=tags, actor=user, request=request, **data
        )
    except DjangoValidationError as exc:
        raise _refuse(exc) from None
    return Status(201, resident_full(_reload(user, resident.pk)))


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentOut, **errors(401, 403, 404, 409, 422)},
    summary="修改居民信息",
    description="只修改请求中给出的字段；`tags` 替换您能看到的标签，您看不到的敏感标签保持不变。",
)
def update_resident(
    request: HttpRequest, resident_id: int, payload: ResidentPatch
) -> dict[str, Any]:
    user: Any = request.user
    resident = queries.access_resident(user, resident_id)
    changes = payload.dict(exclude_unset=True)
    if "tags" in changes:
        current = list(resident.tags.all())
        chosen = _tags_from_codes(user, changes["tags"] or [], current)
        # Tags the user cannot see (sensitive ones) stay as they are.
        visible = set(queries.visible_tags(user).values_list("pk", flat=True))
        hidden = [tag for tag in current if tag.pk not in visible]
        changes["tags"] = chosen + hidden
    for key, value in list(changes.items()):
        if value is None and key != "birth_date" and key != "moved_in_on":
            changes[key] = False if key == "is_local_resident" else ""
    try:
        do_update_resident(resident, actor=user, request=request, **changes)
    except DjangoValidationError as exc:
        raise _refuse(exc) from None
    return resident_full(_reload(user, resident.pk))


@router.post(
    "/residents/{resident_id}/unmask",
    response={200: UnmaskOut, **errors(401, 403, 404, 422)},
    summary="查看完整号码",
    description=(
        "返回完整的证件号码或联系电话。须有查看未脱敏信息的权限（社区工作者及以上），"
        "每次查看都记入审计日志，居民本人可在门户看到谁查看过。"
    ),
)
def unmask_resident(request: HttpRequest, resident_id: int, payload: UnmaskIn) -> dict[str, str]:
    resident = queries.access_resident(request.user, resident_id)
    value = do_unmask_resident(
        resident,
        field=payload.field,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    return {"value": value}


# --- Households ------------------------------------------------------------------------------


@router.get(
    "/households",
    response={200: list[HouseholdBriefOut], **errors(401, 422)},
    summary="户列表",
    description="本人辖区内的户（分页），可按户号或辖区编码前缀筛选。",
)
@paginate(LimitOffsetPagination)
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> list[dict[str, Any]]:
    queryset = queries.households_for(request.user).select_related("community")
    if filters.number.strip():
        queryset = queryset.filter(number=filters.number.strip())
    if filters.region:
        queryset = queryset.filter(within(filters.region))
    return _LazyList(queryset.order_by("region_code", "id"), household_brief)  # type: ignore[return-value]


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, **errors(401, 404)},
    summary="查看户",
    description="户的信息与在册成员（户主在前，证件号码与电话为脱敏值）；辖区外的户返回 404。",
)
def get_household(request: HttpRequest, household_id: int) -> dict[str, Any]:
    household = queries.access_household(request.user, household_id)
    return household_full(request.user, household)
