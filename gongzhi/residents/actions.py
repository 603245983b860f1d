"""Writes to the residents registry.

Each action is atomic, checks the named permission (``residents.rules``) on every place
it touches, keeps the personal-data columns in step (encrypted value, blind index, mask,
tail indexes — DESIGN rule 4) and records one ledger event as its last write. Ledger
summaries name fields, codes and record ids, never a plaintext ID or phone number.
``actor=None`` is the command line or the demo loader: outside the web's permission
model, still written to the ledger.

Validation errors are ``ValidationError`` keyed by the field they are about, with a
Chinese message (DESIGN rule 7); a duplicate ID number is refused with code
``"duplicate"`` (the API answers it with 409).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role, User
from gongzhi.core import codes
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.core.actions import require as _require
from gongzhi.core.codes import CodeError
from gongzhi.core.idcard import (
    Document,
    DocumentType,
    IdNumberError,
    check_declared,
    document_type_for,
    local_today,
    mask_id,
    parse_document,
)
from gongzhi.core.pii import blind_index, mask_phone, normalise_phone, protect
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import PARTY_KINDS, Organisation
from gongzhi.regions.models import Building, Compound, Grid, Level, Region
from gongzhi.residents.enums import (
    HOUSEHOLDER,
    DepartureKind,
    ResidenceSituation,
    ResidentStatus,
    TagCategory,
)
from gongzhi.residents.models import (
    ID_PURPOSE,
    PHONE_PURPOSE,
    VISIT_SUMMARY_MAX_LENGTH,
    Household,
    IntendedStay,
    Resident,
    Tag,
    Visit,
    VisitKind,
)
from gongzhi.residents.pinyin import pinyin_of

NAME_MAX_LENGTH = 50
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
UNMASKABLE_FIELDS = ("id_number", "phone")
# idcard.IdNumberError.field → the resident's field.
_ID_ERROR_FIELDS = {
    "number": "id_number",
    "doc_type": "doc_type",
    "sex": "sex",
    "birth_date": "birth_date",
}


# --- Field cleaning -----------------------------------------------------------------------


def _clean_name(value: str, errors: _Errors) -> str:
    name = " ".join((value or "").split())
    if not name:
        errors.add("name", _("姓名不能为空"))
    elif len(name) > NAME_MAX_LENGTH:
        errors.add("name", _("姓名不能超过 %(n)d 个字") % {"n": NAME_MAX_LENGTH})
    return name


def _clean_code(table: codes.CodeTable, field: str, value: Any, errors: _Errors) -> str:
    """A code or its Chinese name as the code; ``""`` for an empty optional value."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    try:
        return table.lookup(text)
    except CodeError as exc:
        errors.add(field, exc.message)
        return ""


def _clean_date(value: Any, field: str, errors: _Errors, *, label: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _("%(field)s不是有效日期（格式：2020-01-31）") % {"field": label})
            return None
    if not isinstance(value, date):
        errors.add(field, _("%(field)s不是有效日期（格式：2020-01-31）") % {"field": label})
        return None
    # Read from the clock once a day: this runs for every row of an import.
    if value > local_today():
        errors.add(field, _("%(field)s不能晚于今天") % {"field": label})
        return None
    return value


def _clean_phone(value: str, errors: _Errors) -> str:
    phone = normalise_phone(value or "")
    if phone and not (PHONE_MIN_DIGITS <= len(phone) <= PHONE_MAX_DIGITS):
        errors.add(
            "phone",
            _("联系电话须为 %(min)d–%(max)d 位数字")
            % {"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS},
        )
        return ""
    if (value or "").strip() and not phone:
        errors.add("phone", _("联系电话须为数字"))
    return phone


def _clean_region_code(value: str, errors: _Errors) -> str:
    code = (value or "").strip()
    if code and not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
        errors.add("registered_region_code", _("户籍地区划代码须为 2–12 位数字"))
        return ""
    return code


_BIRTH_DATE_LABEL = gettext_lazy("出生日期")


def _identity(
    doc_type: Any,
    id_number: str,
    sex: Any,
    birth_date: Any,
    errors: _Errors,
) -> tuple[str, Document | None, str, date | None]:
    """Document type, parsed document, sex and birth date: derived and cross-checked."""
    kind = DocumentType.CITIZEN_ID.value
    try:
        kind = document_type_for(str(doc_type or DocumentType.CITIZEN_ID.value)).value
    except IdNumberError as exc:
        errors.add("doc_type", exc.message)
        return kind, None, "", None
    sex_code = _clean_code(codes.SEX, "sex", sex, errors)
    declared_birth = _clean_date(birth_date, "birth_date", errors, label=_BIRTH_DATE_LABEL)
    document = None
    try:
        document = parse_document(kind, id_number or "")
        check_declared(document, sex=sex_code or None, birth_date=declared_birth)
    except IdNumberError as exc:
        errors.add(_ID_ERROR_FIELDS.get(exc.field, "id_number"), exc.message)
        return kind, None, sex_code, declared_birth
    sex_code = document.sex or sex_code
    return kind, document, sex_code, document.birth_date or declared_birth


def _check_unique_id(index: str, exclude_pk: int | None, actor: User | None) -> None:
    """Refuse an ID number already registered anywhere in the league.

    Inside the actor's jurisdiction the message names the record; outside it says only
    that the person is registered elsewhere (no place is revealed).
    """
    candidates = Resident.objects.filter(id_number_index=index)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    existing = candidates.first()
    if existing is None:
        return
    if actor is None or contains(scope_of(actor), existing.region_code):
        message = _("此人已登记（%(name)s，记录编号 %(pk)d），请勿重复登记") % {
            "name": existing.name,
            "pk": existing.pk,
        }
    else:
        message = _("此人已在其他辖区登记，请联系其所在社区办理迁入")
    raise ValidationError({"id_number": [ValidationError(message, code="duplicate")]})


def _set_document(resident: Any, document: Document) -> None:
    """Set the ID columns of ``resident`` (a model instance or the importer's plain row)."""
    protected = protect(document.number, purpose=ID_PURPOSE, mask=mask_id, tail_lengths=(4,))
    resident.id_number = protected.sealed
    resident.id_number_index = protected.blind_index
    resident.id_number_masked = protected.masked
    resident.id_tail4 = protected.tails.get(4, "")


def _set_phone(resident: Any, phone: str) -> None:
    """Set the phone columns of ``resident`` (a model instance or the importer's plain row)."""
    protected = protect(phone, purpose=PHONE_PURPOSE, mask=mask_phone, tail_lengths=(4,))
    resident.phone = protected.sealed
    resident.phone_index = protected.blind_index
    resident.phone_masked = protected.masked
    resident.phone_tail4 = protected.tails.get(4, "")


def _check_householder(household: Household, relationship: str, resident: Resident | None) -> None:
    if relationship != HOUSEHOLDER:
        return
    current = household.householder
    if (
        current is not None
        and current.status == ResidentStatus.ACTIVE
        and (resident is None or current.pk != resident.pk)
    ):
        raise ValidationError(
            {"relationship": _("该户已有户主“%(name)s”") % {"name": current.name}}
        )


def _save_checked(resident: Resident, actor: User | None, **kwargs: Any) -> None:
    """Save; a concurrent registration of the same ID loses on the unique constraint."""
    try:
        with transaction.atomic():
            resident.save(**kwargs)
    except IntegrityError:
        _check_unique_id(resident.id_number_index, resident.pk, actor)
        raise


# --- Households ---------------------------------------------------------------------------


def _next_household_number(community: Region) -> str:
    prefix = community.region_code
    count = Household.objects.filter(number__startswith=prefix).count()
    number = count + 1
    while Household.objects.filter(number=f"{prefix}{number:05d}").exists():
        number += 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def do_register_household(
    *,
    community: Region,
    number: str = "",
    grid: Grid | None = None,
    compound: Compound | None = None,
    building: Building | None = None,
    room: str = "",
    address: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> Household:
    """登记户: a household at the most specific place given (building › compound › grid)."""
    _require(actor, "residents.add_household", community)
    errors = _Errors()
    if community.level != Level.COMMUNITY:
        errors.add("community", _("所属社区须为嘎查村社区一级"))
    if building is not None:
        compound = compound or building.compound
        if building.compound_id != compound.pk:
            errors.add("building", _("楼栋不在所选小区内"))
    if compound is not None:
        grid = grid or compound.grid
        if compound.grid_id != grid.pk:
            errors.add("compound", _("小区不在所选网格内"))
    if grid is not None and grid.community_id != community.pk:
        errors.add("grid", _("网格不在所选社区内"))
    number = (number or "").strip()
    if len(number) > 32:
        errors.add("number", _("户号不能超过 32 个字符"))
    elif number and Household.objects.filter(number=number).exists():
        errors.add("number", _("户号“%(number)s”已被使用") % {"number": number})
    room = (room or "").strip()[:20]
    address = (address or "").strip()[:200]
    errors.raise_any()
    place = building or compound or grid or community
    household = Household(
        number=number or _next_household_number(community),
        region_code=place.region_code,
        community=community,
        grid=grid,
        compound=compound,
        building=building,
        room=room,
        address=address,
    )
    _require(actor, "residents.add_household", household)
    household.save()
    record_event(
        EventType.HOUSEHOLD_REGISTERED,
        actor=actor,
        obj=household,
        summary={"number": household.number, "region_code": household.region_code},
        request=request,
    )
    return household


# --- Residents ----------------------------------------------------------------------------


@transaction.atomic
def do_register_resident(
    *,
    household: Household,
    relationship: str,
    name: str,
    id_number: str,
    ethnicity: str,
    doc_type: str = DocumentType.CITIZEN_ID,
    sex: str = "",
    birth_date: date | str | None = None,
    phone: str = "",
    education: str = "",
    marital_status: str = "",
    political_status: str = "",
    registered_region_code: str = "",
    residence_situation: str = ResidenceSituation.CONSISTENT,
    moved_in_on: date | str | None = None,
    is_local_resident: bool = True,
    tags: Iterable[Tag] = (),
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """登记居民 into ``household``; codes may be given as codes or Chinese names."""
    _require(actor, "residents.add_resident", household)
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("householder")
        .get(pk=household.pk)
    )
    errors = _Errors()
    clean_name = _clean_name(name, errors)
    kind, document, sex_code, birth = _identity(doc_type, id_number, sex, birth_date, errors)
    relationship_code = _clean_code(codes.RELATIONSHIP, "relationship", relationship, errors)
    if not relationship_code and "relationship" not in errors.errors:
        errors.add("relationship", _("与户主关系不能为空"))
    ethnicity_code = _clean_code(codes.ETHNICITY, "ethnicity", ethnicity, errors)
    if not ethnicity_code and "ethnicity" not in errors.errors:
        errors.add("ethnicity", _("民族不能为空"))
    resident = Resident(
        name=clean_name,
        doc_type=kind,
        sex=sex_code,
        birth_date=birth,
        ethnicity=ethnicity_code,
        education=_clean_code(codes.EDUCATION, "education", education, errors),
        marital_status=_clean_code(codes.MARITAL_STATUS, "marital_status", marital_status, errors),
        political_status=_clean_code(
            codes.POLITICAL_STATUS, "political_status", political_status, errors
        ),
        household=household,
        relationship=relationship_code,
        region_code=household.region_code,
        community=household.community,
        registered_region_code=_clean_region_code(registered_region_code, errors),
        residence_situation=_clean_situation(residence_situation, errors),
        moved_in_on=_clean_date(moved_in_on, "moved_in_on", errors, label=_("迁入日期")),
        is_local_resident=bool(is_local_resident),
    )
    phone_number = _clean_phone(phone, errors)
    errors.raise_any()
    assert document is not None
    _set_document(resident, document)
    _set_phone(resident, phone_number)
    _check_unique_id(resident.id_number_index, None, actor)
    _check_householder(household, relationship_code, None)
    resident.name_pinyin, resident.name_initials = pinyin_of(clean_name)
    _save_checked(resident, actor)
    resident.tags.set(list(tags))
    if relationship_code == HOUSEHOLDER:
        household.householder = resident
        household.save(update_fields=["householder", "updated_at"])
    record_event(
        EventType.RESIDENT_REGISTERED,
        actor=actor,
        obj=resident,
        summary={"household": household.number, "region_code": resident.region_code},
        request=request,
    )
    return resident


def _clean_situation(value: Any, errors: _Errors) -> str:
    text = str(value or "").strip()
    code = _situations(get_language()).get(text)
    if code is None:
        errors.add("residence_situation", _("居住情况“%(value)s”无效") % {"value": text})
        return ResidenceSituation.CONSISTENT.value
    return code


@lru_cache(maxsize=8)
def _situations(language: str | None) -> dict[str, str]:
    """Residence situations by code, Chinese name and ``language``'s name (import hot path)."""
    index = {choice.value: choice.value for choice in ResidenceSituation}
    with translation.override("zh-hans"):
        index.update({str(choice.label): choice.value for choice in ResidenceSituation})
    index.update({str(choice.label): choice.value for choice in ResidenceSituation})
    return index


# Fields do_update_resident accepts; id_number and phone are plaintext inputs.
UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "doc_type",
        "id_number",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "marital_status",
        "political_status",
        "phone",
        "relationship",
        "registered_region_code",
        "residence_situation",
        "moved_in_on",
        "is_local_resident",
        "tags",
    }
)


@transaction.atomic
def do_update_resident(
    resident: Resident,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Resident:
    """修改居民信息: only the fields given change; the ledger names them, not their values."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"do_update_resident cannot change {sorted(unknown)}")
    _require(actor, "residents.change_resident", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(_("该记录已%(status)s，不能修改") % {"status": _status(resident)})
    errors = _Errors()
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        if getattr(resident, field) != value:
            setattr(resident, field, value)
            changed.append(field)

    if "name" in changes:
        put("name", _clean_name(changes["name"], errors))
    identity_keys = {"doc_type", "id_number", "sex", "birth_date"}
    if identity_keys & set(changes):
        new_number = changes.get("id_number")
        number = new_number if new_number else resident.id_number.reveal()
        # The stored sex and birth date came from the old number: a new number is checked
        # only against values declared with it.
        kind, document, sex_code, birth = _identity(
            changes.get("doc_type", resident.doc_type),
            number,
            changes.get("sex") if new_number else changes.get("sex", resident.sex),
            changes.get("birth_date")
            if new_number
            else changes.get("birth_date", resident.birth_date),
            errors,
        )
        if document is not None:
            put("doc_type", kind)
            put("sex", sex_code)
            put("birth_date", birth)
            if new_number:
                old_index = resident.id_number_index
                _set_document(resident, document)
                if resident.id_number_index != old_index:
                    _check_unique_id(resident.id_number_index, resident.pk, actor)
                    changed.append("id_number")
    for field, table in (
        ("ethnicity", codes.ETHNICITY),
        ("education", codes.EDUCATION),
        ("marital_status", codes.MARITAL_STATUS),
        ("political_status", codes.POLITICAL_STATUS),
        ("relationship", codes.RELATIONSHIP),
    ):
        if field in changes:
            code = _clean_code(table, field, changes[field], errors)
            if not code and field in ("ethnicity", "relationship") and field not in errors.errors:
                errors.add(field, _("%(field)s不能为空") % {"field": table.field})
            put(field, code)
    if "registered_region_code" in changes:
        put("registered_region_code", _clean_region_code(changes["registered_region_code"], errors))
    if "residence_situation" in changes:
        put("residence_situation", _clean_situation(changes["residence_situation"], errors))
    if "moved_in_on" in changes:
        put(
            "moved_in_on",
            _clean_date(changes["moved_in_on"], "moved_in_on", errors, label=_("迁入日期")),
        )
    if "is_local_resident" in changes:
        put("is_local_resident", bool(changes["is_local_resident"]))
    if "phone" in changes:
        phone = _clean_phone(changes["phone"], errors)
        if (
            "phone" not in errors.errors
            and blind_index(phone, purpose=PHONE_PURPOSE) != resident.phone_index
        ):
            _set_phone(resident, phone)
            changed.append("phone")
    errors.raise_any()
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("householder")
        .get(pk=resident.household_id)
    )
    if "relationship" in changed:
        _check_householder(household, resident.relationship, resident)
    if "name" in changed:
        resident.name_pinyin, resident.name_initials = pinyin_of(resident.name)
    _save_checked(resident, actor)
    if "tags" in changes:
        new_tags = {tag.pk for tag in changes["tags"]}
        if new_tags != set(resident.tags.values_list("pk", flat=True)):
            resident.tags.set(list(changes["tags"]))
            changed.append("tags")
    if "relationship" in changed:
        if resident.relationship == HOUSEHOLDER:
            household.householder = resident
            household.save(update_fields=["householder", "updated_at"])
        elif household.householder_id == resident.pk:
            household.householder = None
            household.save(update_fields=["householder", "updated_at"])
    record_event(
        EventType.RESIDENT_UPDATED,
        actor=actor,
        obj=resident,
        summary={"fields": sorted(changed)},
        request=request,
    )
    return resident


def _status(resident: Resident) -> str:
    return str(ResidentStatus(resident.status).label)


def _leave_household(resident: Resident) -> None:
    household = Household.objects.select_for_update().get(pk=resident.household_id)
    if household.householder_id == resident.pk:
        household.householder = None
        household.save(update_fields=["householder", "updated_at"])


@transaction.atomic
def do_move_resident(
    resident: Resident,
    *,
    household: Household,
    relationship: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """迁移: to another household, building or community, in one action.

    The actor needs the change permission at both ends; the record's ``region_code``
    becomes the destination's, so both jurisdictions see the right records afterwards.
    The ledger event holds both codes.
    """
    _require(actor, "residents.change_resident", resident)
    _require(actor, "residents.change_resident", household)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(_("该记录已%(status)s，不能迁移") % {"status": _status(resident)})
    errors = _Errors()
    relationship_code = _clean_code(codes.RELATIONSHIP, "relationship", relationship, errors)
    if not relationship_code and "relationship" not in errors.errors:
        errors.add("relationship", _("与户主关系不能为空"))
    if household.pk == resident.household_id and relationship_code == resident.relationship:
        errors.add("household", _("目的户与现住户相同"))
    errors.raise_any()
    destination = (
        Household.objects.select_for_update(of=("self",))
        .select_related("householder")
        .get(pk=household.pk)
    )
    _check_householder(destination, relationship_code, resident)
    source_code, source_number = resident.region_code, resident.household.number
    if destination.pk != resident.household_id:
        _leave_household(resident)
    resident.household = destination
    resident.relationship = relationship_code
    resident.region_code = destination.region_code
    resident.community = destination.community
    resident.save()
    if relationship_code == HOUSEHOLDER:
        destination.householder = resident
        destination.save(update_fields=["householder", "updated_at"])
    elif destination.householder_id == resident.pk:
        destination.householder = None
        destination.save(update_fields=["householder", "updated_at"])
    record_event(
        EventType.RESIDENT_MOVED,
        actor=actor,
        obj=resident,
        summary={
            "from_region_code": source_code,
            "to_region_code": destination.region_code,
            "from_household": source_number,
            "to_household": destination.number,
        },
        request=request,
    )
    return resident


@transaction.atomic
def do_record_departure(
    resident: Resident,
    *,
    kind: str,
    on: date | str | None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """登记迁出或死亡: the record stays, as history, with its new status and date."""
    _require(actor, "residents.change_resident", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    errors = _Errors()
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(_("该记录已%(status)s") % {"status": _status(resident)})
    if kind not in DepartureKind.values:
        errors.add("kind", _("请选择迁出或死亡"))
    day = _clean_date(on, "on", errors, label=_("日期"))
    if day is None and "on" not in errors.errors:
        errors.add("on", _("日期不能为空"))
    errors.raise_any()
    resident.status = ResidentStatus(kind)
    resident.status_on = day
    resident.save(update_fields=["status", "status_on", "updated_at"])
    _leave_household(resident)
    record_event(
        EventType.RESIDENT_DEPARTED,
        actor=actor,
        obj=resident,
        summary={"status": resident.status, "on": day.isoformat() if day else ""},
        request=request,
    )
    return resident


# Fields a merge copies from the duplicate when the kept record has none.
MERGE_FILLS = (
    "education",
    "marital_status",
    "political_status",
    "registered_region_code",
    "moved_in_on",
    "user",
)


@transaction.atomic
def do_merge_residents(
    keep: Resident,
    duplicate: Resident,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """合并: two records of one person. The duplicate stays, marked 已合并 and pointing
    to the kept record; what the kept record lacks is taken from the duplicate."""
    _require(actor, "residents.change_resident", keep)
    _require(actor, "residents.change_resident", duplicate)
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("不能与自身合并")})
    locked = {
        r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.status != ResidentStatus.ACTIVE:
        raise ValidationError({"keep": _("保留的记录须为在册状态")})
    if duplicate.status != ResidentStatus.ACTIVE:
        raise ValidationError(
            {"duplicate": _("重复记录已%(status)s，不能再合并") % {"status": _status(duplicate)}}
        )
    filled: list[str] = []
    for field in MERGE_FILLS:
        attname = Resident._meta.get_field(field).attname  # type: ignore[union-attr]
        if not getattr(keep, attname) and getattr(duplicate, attname):
            setattr(keep, attname, getattr(duplicate, attname))
            filled.append(field)
    if not keep.phone_index and duplicate.phone_index:
        keep.phone = duplicate.phone
        keep.phone_index = duplicate.phone_index
        keep.phone_masked = duplicate.phone_masked
        keep.phone_tail4 = duplicate.phone_tail4
        filled.append("phone")
    keep.save()
    missing_tags = set(duplicate.tags.values_list("pk", flat=True)) - set(
        keep.tags.values_list("pk", flat=True)
    )
    if missing_tags:
        keep.tags.add(*missing_tags)
        filled.append("tags")
    was_householder = Household.objects.filter(
        pk=duplicate.household_id, householder_id=duplicate.pk
    ).exists()
    duplicate.status = ResidentStatus.MERGED
    duplicate.status_on = timezone.localdate()
    duplicate.merged_into = keep
    duplicate.save(update_fields=["status", "status_on", "merged_into", "updated_at"])
    _leave_household(duplicate)
    if was_householder and keep.household_id == duplicate.household_id:
        Household.objects.filter(pk=keep.household_id, householder__isnull=True).update(
            householder=keep
        )
    record_event(
        EventType.RESIDENTS_MERGED,
        actor=actor,
        obj=keep,
        summary={"duplicate": duplicate.pk, "filled": filled},
        request=request,
    )
    return keep


@transaction.atomic
def do_unmask_resident(
    resident: Resident,
    *,
    field: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> str:
    """显示完整号码: the plaintext of ``id_number`` or ``phone``, ledgered (PII_UNMASKED)."""
    if field not in UNMASKABLE_FIELDS:
        raise ValueError(f"cannot unmask {field!r}")
    _require(actor, "residents.unmask_resident", resident)
    record_event(
        EventType.PII_UNMASKED,
        actor=actor,
        obj=resident,
        summary={"field": field, "resident": resident.pk},
        request=request,
    )
    value: str = getattr(resident, field).reveal()
    return value


# --- Visits, migrants and party members -----------------------------------------------------
# The grid workers' pages (R3.1e), migrants (R3.1h) and party members (R2.1a).

FOLLOW_UP_NOTE_MAX_LENGTH = 200
# A visit's free text must not carry ID or mobile numbers (DESIGN rule 4, PIPL Art. 6):
# they have their protected columns. 15/18-character IDs and 11-digit mobiles are refused.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15}|1[3-9][0-9]{9})(?![0-9])")
ORIGIN_PLACE_MAX_LENGTH = 100
# Political status codes (GB/T 4762) of party members: 01 中共党员, 02 中共预备党员.
PARTY_MEMBER_STATUSES = frozenset({"01", "02"})


@transaction.atomic
def do_record_visit(
    household: Household,
    *,
    visited_on: date | str | None,
    kind: str,
    summary: str,
    resident: Resident | None = None,
    follow_up_needed: bool = False,
    follow_up_note: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Visit:
    """记录走访: the grid worker (the actor) visited ``household`` on ``visited_on``.

    The visit takes the household's place as its ``region_code``; the summary is free text
    and the ledger keeps only its length, not its content.
    """
    _require(actor, "residents.record_visit", household)
    errors = _Errors()
    day = _clean_date(visited_on, "visited_on", errors, label=_("走访日期"))
    if day is None and "visited_on" not in errors.errors:
        errors.add("visited_on", _("走访日期不能为空"))
    if kind not in VisitKind.values:
        errors.add("kind", _("请选择走访方式"))
    text = (summary or "").strip()
    if not text:
        errors.add("summary", _("走访情况不能为空"))
    elif len(text) > VISIT_SUMMARY_MAX_LENGTH:
        errors.add("summary", _("走访情况不能超过 %(n)d 个字") % {"n": VISIT_SUMMARY_MAX_LENGTH})
    note = (follow_up_note or "").strip()
    for field, value in (("summary", text), ("follow_up_note", note)):
        if _PERSONAL_NUMBER.search(value):
            errors.add(field, _("请勿填写证件号码或手机号码，它们已在居民信息中受保护地登记"))
    if len(note) > FOLLOW_UP_NOTE_MAX_LENGTH:
        errors.add(
            "follow_up_note", _("跟进事项不能超过 %(n)d 个字") % {"n": FOLLOW_UP_NOTE_MAX_LENGTH}
        )
    if follow_up_needed and not note:
        errors.add("follow_up_note", _("需要跟进时请填写跟进事项"))
    if resident is not None and (
        resident.household_id != household.pk or resident.status != ResidentStatus.ACTIVE
    ):
        errors.add("resident", _("走访对象须为本户在册成员"))
    errors.raise_any()
    assert day is not None
    visit = Visit.objects.create(
        household=household,
        resident=resident,
        worker=actor,
        visited_on=day,
        kind=kind,
        summary=text,
        follow_up_needed=bool(follow_up_needed),
        follow_up_note=note if follow_up_needed else "",
        region_code=household.region_code,
    )
    record_event(
        EventType.VISIT_RECORDED,
        actor=actor,
        obj=visit,
        summary={
            "household": household.number,
            "region_code": visit.region_code,
            "visited_on": visit.visited_on.isoformat(),
            "kind": visit.kind,
            "follow_up_needed": visit.follow_up_needed,
        },
        request=request,
    )
    return visit


def _clean_origin(value: str, errors: _Errors) -> str:
    text = " ".join((value or "").split())
    if len(text) > ORIGIN_PLACE_MAX_LENGTH:
        errors.add("origin_place", _("来源地不能超过 %(n)d 个字") % {"n": ORIGIN_PLACE_MAX_LENGTH})
        return ""
    if text.isascii() and text.isdigit() and not 2 <= len(text) <= 12:
        errors.add("origin_place", _("来源地区划代码须为 2–12 位数字"))
        return ""
    return text


@transaction.atomic
def do_update_migrant_details(
    resident: Resident,
    *,
    origin_place: str = "",
    arrived_on: date | str | None = None,
    has_residence_permit: bool | None = None,
    intended_stay: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """流动人口信息 (R3.1h): origin, arrival date, residence permit held, intended stay.

    Only for records whose 居住情况 is 流动人口. No permit number is taken (PIPL Art. 6).
    """
    _require(actor, "residents.change_resident", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(_("该记录已%(status)s，不能修改") % {"status": _status(resident)})
    if resident.residence_situation != ResidenceSituation.MIGRANT:
        raise ValidationError(
            {"residence_situation": _("居住情况不是流动人口，不能填写流动人口信息")}
        )
    errors = _Errors()
    values: dict[str, Any] = {
        "origin_place": _clean_origin(origin_place, errors),
        "arrived_on": _clean_date(arrived_on, "arrived_on", errors, label=_("来本地日期")),
        "has_residence_permit": (
            None if has_residence_permit is None else bool(has_residence_permit)
        ),
        "intended_stay": (intended_stay or "").strip(),
    }
    if values["intended_stay"] and values["intended_stay"] not in IntendedStay.values:
        errors.add("intended_stay", _("请选择拟居住期限"))
    if (
        values["arrived_on"] is not None
        and resident.birth_date is not None
        and values["arrived_on"] < resident.birth_date
    ):
        errors.add("arrived_on", _("来本地日期不能早于出生日期"))
    errors.raise_any()
    changed = [field for field, value in values.items() if getattr(resident, field) != value]
    for field in changed:
        setattr(resident, field, values[field])
    resident.save(update_fields=[*changed, "updated_at"])
    record_event(
        EventType.MIGRANT_DETAILS_UPDATED,
        actor=actor,
        obj=resident,
        summary={"fields": sorted(changed)},
        request=request,
    )
    return resident


@transaction.atomic
def do_set_party_membership(
    resident: Resident,
    *,
    party_organisation: Organisation | None,
    serving_grid: Grid | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """党员信息 (R2.1a): the party organisation of the member's community and the grid
    they serve in. Only for 中共党员 and 中共预备党员; ``None`` clears a link."""
    _require(actor, "residents.change_resident", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(_("该记录已%(status)s，不能修改") % {"status": _status(resident)})
    if resident.political_status not in PARTY_MEMBER_STATUSES:
        raise ValidationError(
            {"political_status": _("政治面貌不是中共党员或预备党员，不能填写党员信息")}
        )
    errors = _Errors()
    if party_organisation is not None:
        if party_organisation.kind not in PARTY_KINDS:
            errors.add("party_organisation", _("所在党组织须为社区党组织、党支部或党小组"))
        elif party_organisation.region_id != resident.community_id:
            errors.add("party_organisation", _("所在党组织须在居民所属社区内"))
        elif not party_organisation.is_active:
            errors.add("party_organisation", _("所在党组织已撤销"))
    if serving_grid is not None and serving_grid.community_id != resident.community_id:
        errors.add("serving_grid", _("服务网格须在居民所属社区内"))
    errors.raise_any()
    changed = []
    if resident.party_organisation_id != (party_organisation.pk if party_organisation else None):
        resident.party_organisation = party_organisation
        changed.append("party_organisation")
    if resident.serving_grid_id != (serving_grid.pk if serving_grid else None):
        resident.serving_grid = serving_grid
        changed.append("serving_grid")
    resident.save(update_fields=[*changed, "updated_at"])
    record_event(
        EventType.PARTY_MEMBERSHIP_SET,
        actor=actor,
        obj=resident,
        summary={
            "fields": changed,
            "party_organisation": party_organisation.pk if party_organisation else None,
            "serving_grid": serving_grid.region_code if serving_grid else None,
        },
        request=request,
    )
    return resident


# --- Tags (标签管理) and portal accounts (门户账号) -------------------------------------------
# Tags are league-wide configuration (rules.py: ``residents.manage_tags``); a tag in use
# is deactivated, never deleted, so the records that carry it keep their history. A
# resident's portal account is linked to their record by staff who have the record in
# their jurisdiction (``residents.link_account``); the portal reads the record through
# that link only (portal.own_record).

TAG_CODE_MAX_LENGTH = 40
TAG_NAME_MAX_LENGTH = 50
_TAG_CODE = re.compile(r"^[a-z0-9_-]+$")


def _clean_tag(code: str, name: str, category: str, errors: _Errors) -> tuple[str, str, str]:
    """Code (lower case slug), name (spaces collapsed) and category, each checked."""
    clean_code = (code or "").strip().lower()
    if not clean_code:
        errors.add("code", _("代码不能为空"))
    elif len(clean_code) > TAG_CODE_MAX_LENGTH:
        errors.add("code", _("代码不能超过 %(n)d 个字符") % {"n": TAG_CODE_MAX_LENGTH})
    elif not _TAG_CODE.match(clean_code):
        errors.add("code", _("代码只能包含小写英文字母、数字、下划线和连字符"))
    clean_name = " ".join((name or "").split())
    if not clean_name:
        errors.add("name", _("名称不能为空"))
    elif len(clean_name) > TAG_NAME_MAX_LENGTH:
        errors.add("name", _("名称不能超过 %(n)d 个字") % {"n": TAG_NAME_MAX_LENGTH})
    clean_category = str(category or "").strip()
    if clean_category not in TagCategory.values:
        errors.add("category", _("类别“%(value)s”无效") % {"value": clean_category[:20]})
    return clean_code, clean_name, clean_category


def _check_tag_unique(tag: Tag, errors: _Errors) -> None:
    others = Tag.objects.exclude(pk=tag.pk) if tag.pk else Tag.objects.all()
    same_code = others.filter(code=tag.code).first() if tag.code else None
    if same_code is not None:
        errors.add(
            "code",
            _("代码“%(code)s”已被标签“%(name)s”使用") % {"code": tag.code, "name": same_code.name},
        )
    if tag.name and others.filter(name=tag.name).exists():
        errors.add("name", _("名称“%(name)s”已被其他标签使用") % {"name": tag.name})


@transaction.atomic
def do_save_tag(
    tag: Tag | None,
    *,
    code: str,
    name: str,
    category: str,
    is_sensitive: bool,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Tag:
    """Create a tag (``tag=None``) or change one; locks the tag row while changing it.

    The code is the tag's identifier in import files and the API, so it is fixed once the
    tag exists. Only league-level staff change whether an existing tag is sensitive
    (``residents.change_tag_sensitivity``): that flag decides who sees the tag everywhere.
    A concurrent save of the same code or name loses on the unique constraints.
    """
    _require(actor, "residents.manage_tags", None)
    errors = _Errors()
    clean_code, clean_name, clean_category = _clean_tag(code, name, category, errors)
    created = tag is None
    if tag is None:
        tag = Tag(code=clean_code)
        before: dict[str, Any] = {}
    else:
        tag = Tag.objects.select_for_update().get(pk=tag.pk)
        before = {"name": tag.name, "category": tag.category, "is_sensitive": tag.is_sensitive}
        if clean_code and clean_code != tag.code:
            errors.add("code", _("代码创建后不能修改"))
        if bool(is_sensitive) != tag.is_sensitive:
            _require(actor, "residents.change_tag_sensitivity", None)
    tag.name = clean_name
    tag.category = clean_category
    tag.is_sensitive = bool(is_sensitive)
    _check_tag_unique(tag, errors)
    errors.raise_any()
    changed = [field for field, value in before.items() if getattr(tag, field) != value]
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        _check_tag_unique(tag, errors)
        errors.raise_any()
        raise
    record_event(
        EventType.TAG_SAVED,
        actor=actor,
        obj=tag,
        summary={
            "created": created,
            "code": tag.code,
            "name": tag.name,
            "category": tag.category,
            "is_sensitive": tag.is_sensitive,
            "changed": sorted(changed),
        },
        request=request,
    )
    return tag


def _set_tag_active(
    tag: Tag, active: bool, *, actor: User | None, request: HttpRequest | None
) -> Tag:
    _require(actor, "residents.manage_tags", None)
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    if tag.is_active == active:
        message = _("标签“%(name)s”已启用") if active else _("标签“%(name)s”已停用")
        raise ValidationError({"is_active": message % {"name": tag.name}})
    tag.is_active = active
    tag.save(update_fields=["is_active"])
    through = Resident.tags.through
    record_event(
        EventType.TAG_ACTIVATED if active else EventType.TAG_DEACTIVATED,
        actor=actor,
        obj=tag,
        summary={"code": tag.code, "carried_by": through.objects.filter(tag_id=tag.pk).count()},
        request=request,
    )
    return tag


@transaction.atomic
def do_deactivate_tag(tag: Tag, *, actor: User | None, request: HttpRequest | None = None) -> Tag:
    """停用标签: no longer offered in forms and imports; the records that carry it keep it.
    Locks the tag row."""
    return _set_tag_active(tag, False, actor=actor, request=request)


@transaction.atomic
def do_activate_tag(tag: Tag, *, actor: User | None, request: HttpRequest | None = None) -> Tag:
    """重新启用标签: offered again. Locks the tag row."""
    return _set_tag_active(tag, True, actor=actor, request=request)


def account_not_found_message(username: str) -> str:
    """The refusal for an account that does not exist or lies outside the jurisdiction:
    one message for both, so that the form does not reveal accounts elsewhere."""
    return _("在您的辖区内没有用户名为“%(name)s”的账号") % {"name": username[:50]}


@transaction.atomic
def do_link_resident_account(
    resident: Resident,
    account: User,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """关联门户账号: the resident-role ``account`` will see ``resident``'s household in the portal.

    Locks the account row, then the record, so that two staff linking the same account to
    two records at once cannot both pass the "not linked yet" check. Refused when the
    account is not an active resident account inside the actor's jurisdiction, is already
    linked to a record, or the record is not current or already has an account. The
    ledger names the account by its id (a username may be a phone number).
    """
    _require(actor, "residents.link_account", resident)
    if actor is not None and not contains(scope_of(actor), account.region_code or "-"):
        raise ValidationError({"username": account_not_found_message(account.username)})
    account = User.objects.select_for_update().get(pk=account.pk)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError(
            _("该记录的登记状态为“%(status)s”，不能关联账号") % {"status": _status(resident)}
        )
    if not account.is_active:
        raise ValidationError({"username": _("账号“%(name)s”已停用") % {"name": account.username}})
    if not account.has_role(Role.RESIDENT):
        raise ValidationError(
            {"username": _("账号“%(name)s”不是居民账号") % {"name": account.username}}
        )
    if resident.user_id == account.pk:
        raise ValidationError(
            {"username": _("该记录已关联账号“%(name)s”") % {"name": account.username}}
        )
    if resident.user_id is not None:
        raise ValidationError({"username": _("该记录已关联其他账号，请先解除关联")})
    if Resident.objects.filter(user=account).exists():
        raise ValidationError(
            {"username": _("账号“%(name)s”已关联其他居民记录") % {"name": account.username}}
        )
    resident.user = account
    resident.save(update_fields=["user", "updated_at"])
    record_event(
        EventType.RESIDENT_ACCOUNT_LINKED,
        actor=actor,
        obj=resident,
        summary={"account": account.pk, "resident": resident.pk},
        request=request,
    )
    return resident


@transaction.atomic
def do_unlink_resident_account(
    resident: Resident,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Resident:
    """解除门户账号关联: the account no longer sees the record. Locks the record row.
    Allowed on history records too, so that the account can be linked to a current one."""
    _require(actor, "residents.link_account", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.user_id is None:
        raise ValidationError({"username": _("该记录未关联门户账号")})
    account_id = resident.user_id
    resident.user = None
    resident.save(update_fields=["user", "updated_at"])
    record_event(
        EventType.RESIDENT_ACCOUNT_UNLINKED,
        actor=actor,
        obj=resident,
        summary={"account": account_id, "resident": resident.pk},
        request=request,
    )
    return resident
