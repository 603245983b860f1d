"""Writes of the catalogue (事项管理): saving and deactivating a ``Category``.

Categories are league-wide configuration — the service commitments (承诺时限), the
responsible level and department, the documents a resident brings and the Open311
service definition — kept by county and league staff (``cases.manage_categories``).
Each action runs in one transaction, validates every field with a Chinese message keyed
by the field (the extra attributes keyed ``attributes``, each message naming the
attribute), and records one ledger event as its last write (EventType 7040–7049).

A category is never deleted: cases point to it. Deactivating takes it out of the
catalogue residents and staff choose from; its cases keep it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases.enums import AttributeType, CaseKind, ResponsibleLevel, TimeUnit
from gongzhi.cases.models import Category
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import Organisation, OrganisationKind

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTE_CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# The longest commitment a category may carry, per unit; a longer matter is a project,
# not a case (the longest seeded commitment is 低保's 30 working days).
MAX_LIMIT = {TimeUnit.WORKING_HOURS: 200, TimeUnit.WORKING_DAYS: 120}
MAX_REOPEN_DAYS = 365
MAX_ATTRIBUTES = 30
MAX_VALUES = 50
MAX_DOCUMENTS = 30
DOCUMENT_MAX_LENGTH = 100
LIST_TYPES = (AttributeType.SINGLE, AttributeType.MULTI)
ATTRIBUTE_KEYS = frozenset(
    {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
)

__all__ = ["clean_attribute_specs", "do_deactivate_category", "do_save_category"]


def _require(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("cases.manage_categories"):
        raise PermissionDenied(_("您没有权限管理办件事项"))


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _clean_limits(fields: dict[str, Any], errors: _Errors) -> None:
    """Accept and resolve limits: a unit and two positive amounts, urgent ≤ normal."""
    for stage, label in (("accept", _("受理时限")), ("resolve", _("办结时限"))):
        unit = fields[f"{stage}_unit"]
        if unit not in TimeUnit.values:
            errors.add(f"{stage}_unit", _("%(label)s的单位无效") % {"label": label})
            continue
        most = MAX_LIMIT[TimeUnit(unit)]
        amounts = {}
        for urgency, urgency_label in (("normal", _("一般件")), ("urgent", _("紧急件"))):
            name = f"{stage}_{urgency}"
            amount = _integer(fields[name])
            if amount is None or not 1 <= amount <= most:
                errors.add(
                    name,
                    _("%(urgency)s%(label)s须为 1 到 %(n)d 之间的整数")
                    % {"urgency": urgency_label, "label": label, "n": most},
                )
            else:
                amounts[urgency] = amount
                fields[name] = amount
        if len(amounts) == 2 and amounts["urgent"] > amounts["normal"]:
            errors.add(
                f"{stage}_urgent",
                _("紧急件%(label)s不能长于一般件") % {"label": label},
            )


def _clean_documents(value: Any, errors: _Errors) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value or [])
    documents = [" ".join(str(item).split()) for item in items]
    documents = [doc for doc in documents if doc]
    if len(documents) > MAX_DOCUMENTS:
        errors.add("required_documents", _("所需材料最多 %(n)d 项") % {"n": MAX_DOCUMENTS})
    for doc in documents:
        if len(doc) > DOCUMENT_MAX_LENGTH:
            errors.add(
                "required_documents",
                _("材料“%(doc)s…”超过 %(n)d 个字") % {"doc": doc[:10], "n": DOCUMENT_MAX_LENGTH},
            )
    return list(dict.fromkeys(documents))


def clean_attribute_specs(value: Any, errors: _Errors | None = None) -> list[dict[str, Any]]:
    """The extra fields as Open311 attribute definitions, checked strictly.

    ``value`` is the JSON text of the console's editor or an already parsed list. Every
    problem is reported keyed ``attributes`` and names the attribute (its code, or its
    position when it has none).
    """
    import json

    collector = errors or _Errors()
    field = "attributes"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            collector.add(
                field,
                _("附加信息项不是有效的 JSON（第 %(line)d 行第 %(col)d 列）")
                % {"line": exc.lineno, "col": exc.colno},
            )
            if errors is None:
                collector.raise_any()
            return []
    if value is None:
        return []
    if not isinstance(value, list):
        collector.add(field, _("附加信息项须为数组（[ … ]）"))
        if errors is None:
            collector.raise_any()
        return []
    if len(value) > MAX_ATTRIBUTES:
        collector.add(field, _("附加信息项最多 %(n)d 个") % {"n": MAX_ATTRIBUTES})
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, spec in enumerate(value, start=1):
        if not isinstance(spec, dict):
            collector.add(field, _("第 %(n)d 个附加信息项须为对象（{ … }）") % {"n": position})
            continue
        code = spec.get("code")
        name = (
            _("附加信息项“%(code)s”") % {"code": code}
            if isinstance(code, str) and code
            else _("第 %(n)d 个附加信息项") % {"n": position}
        )

        def problem(message: str, name: str = name) -> None:
            collector.add(field, f"{name}：{message}")

        unknown = sorted(set(spec) - ATTRIBUTE_KEYS)
        if unknown:
            problem(_("含有不认识的键 %(keys)s") % {"keys": "、".join(unknown)})
        if not isinstance(code, str) or not ATTRIBUTE_CODE_PATTERN.match(code):
            problem(_("code 须为字母开头的字母、数字或下划线，最多 40 个字符"))
        elif code in seen:
            problem(_("code 重复"))
        else:
            seen.add(code)
        description = spec.get("description")
        if not isinstance(description, str) or not description.strip():
            problem(_("须填写 description（显示给填写人的名称）"))
        elif len(description) > 200:
            problem(_("description 不能超过 200 个字"))
        datatype = spec.get("datatype", AttributeType.STRING)
        if datatype not in AttributeType.values:
            problem(_("datatype 须为 %(types)s 之一") % {"types": "、".join(AttributeType.values)})
        required = spec.get("required", False)
        if not isinstance(required, bool):
            problem(_("required 须为 true 或 false"))
        order = spec.get("order", position)
        if isinstance(order, bool) or not isinstance(order, int) or order < 0:
            problem(_("order 须为非负整数"))
        values = spec.get("values", [])
        cleaned_values: list[dict[str, str]] = []
        if not isinstance(values, list):
            problem(_("values 须为数组"))
        elif datatype in LIST_TYPES:
            if not values:
                problem(_("单选、多选须列出 values（key、name）"))
            if len(values) > MAX_VALUES:
                problem(_("values 最多 %(n)d 项") % {"n": MAX_VALUES})
            keys: set[str] = set()
            for item in values:
                key = item.get("key") if isinstance(item, dict) else None
                label = item.get("name") if isinstance(item, dict) else None
                if (
                    not isinstance(key, str | int)
                    or str(key) == ""
                    or not isinstance(label, str)
                    or not label.strip()
                ):
                    problem(_("values 的每一项须有 key 和 name"))
                    break
                if str(key) in keys:
                    problem(_("values 中的 key“%(key)s”重复") % {"key": key})
                    break
                keys.add(str(key))
                cleaned_values.append({"key": str(key), "name": label.strip()})
        elif values:
            problem(_("只有单选、多选可以列出 values"))
        helptext = spec.get("datatype_description", "")
        if not isinstance(helptext, str):
            problem(_("datatype_description 须为文字"))
            helptext = ""
        cleaned.append(
            {
                "variable": True,
                "code": code,
                "datatype": datatype,
                "required": required,
                "datatype_description": helptext,
                "order": order,
                "description": description.strip() if isinstance(description, str) else "",
                "values": cleaned_values,
            }
        )
    if errors is None:
        collector.raise_any()
    return cleaned


def _department_exists(name: str) -> bool:
    return (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.DEPARTMENT)
        .filter(Q(short_name=name) | Q(name=name))
        .exists()
    )


FIELDS = (
    "name",
    "kind",
    "group",
    "description",
    "keywords",
    "responsible_level",
    "responsible_kind",
    "responsible_department",
    "accept_unit",
    "accept_normal",
    "accept_urgent",
    "resolve_unit",
    "resolve_normal",
    "resolve_urgent",
    "due_soon_fraction",
    "escalate_after_overdue",
    "reopen_days",
    "required_documents",
    "attributes",
    "is_active",
    "order",
)


@transaction.atomic
def do_save_category(
    category: Category | None,
    *,
    actor: User | None,
    code: str = "",
    request: HttpRequest | None = None,
    **values: Any,
) -> Category:
    """Create a category (``category`` is ``None``) or change one; ``code`` is set once.

    ``values`` holds the fields of ``FIELDS`` (a field left out keeps its value, or the
    model default for a new category). The row is locked while it changes.
    """
    _require(actor)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown category fields: {sorted(unknown)}")
    errors = _Errors()
    creating = category is None
    if creating:
        target = Category()
        code = (code or "").strip()
        if not CODE_PATTERN.match(code) or len(code) > 60:
            errors.add("code", _("事项编码须为小写字母、数字和连字符，最多 60 个字符"))
        elif Category.objects.filter(code=code).exists():
            errors.add("code", _("事项编码“%(code)s”已被使用") % {"code": code})
    else:
        assert category is not None
        target = Category.objects.select_for_update().get(pk=category.pk)
        code = target.code
    fields = {name: values.get(name, getattr(target, name)) for name in FIELDS}

    name = " ".join(str(fields["name"] or "").split())
    if not name:
        errors.add("name", _("请填写事项名称"))
    elif len(name) > 100:
        errors.add("name", _("事项名称不能超过 100 个字"))
    fields["name"] = name
    if fields["kind"] not in CaseKind.values:
        errors.add("kind", _("请选择办件类别"))
    for field, limit, label in (
        ("group", 50, _("大类")),
        ("keywords", 200, _("关键词")),
        ("responsible_department", 100, _("责任部门")),
    ):
        fields[field] = " ".join(str(fields[field] or "").split())
        if len(fields[field]) > limit:
            errors.add(field, _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": limit})
    fields["description"] = str(fields["description"] or "").strip()
    if len(fields["description"]) > 2000:
        errors.add("description", _("事项说明不能超过 2000 个字"))
    if fields["responsible_level"] not in ResponsibleLevel.values:
        errors.add("responsible_level", _("请选择责任层级"))
    fields["responsible_kind"] = fields["responsible_kind"] or ""
    if fields["responsible_kind"] and fields["responsible_kind"] not in OrganisationKind.values:
        errors.add("responsible_kind", _("责任单位类别无效"))
    if fields["responsible_department"] and not _department_exists(
        fields["responsible_department"]
    ):
        errors.add(
            "responsible_department",
            _("没有名称或简称为“%(name)s”的在册职能部门")
            % {"name": fields["responsible_department"]},
        )
    _clean_limits(fields, errors)
    try:
        fraction = float(fields["due_soon_fraction"])
    except (TypeError, ValueError):
        fraction = -1.0
    if not 0 <= fraction < 1:
        errors.add("due_soon_fraction", _("临期提醒比例须为 0 到 1 之间的小数（不含 1）"))
    fields["due_soon_fraction"] = fraction
    reopen = _integer(fields["reopen_days"])
    if reopen is None or not 0 <= reopen <= MAX_REOPEN_DAYS:
        errors.add(
            "reopen_days", _("可重新办理天数须为 0 到 %(n)d 之间的整数") % {"n": MAX_REOPEN_DAYS}
        )
    fields["reopen_days"] = reopen
    order = _integer(fields["order"])
    if order is None or order < 0:
        errors.add("order", _("排序须为非负整数"))
    fields["order"] = order
    fields["required_documents"] = _clean_documents(fields["required_documents"], errors)
    fields["attributes"] = clean_attribute_specs(fields["attributes"], errors)
    fields["escalate_after_overdue"] = bool(fields["escalate_after_overdue"])
    fields["is_active"] = bool(fields["is_active"])
    errors.raise_any()

    changed = sorted(name for name in FIELDS if getattr(target, name) != fields[name])
    for field_name, value in fields.items():
        setattr(target, field_name, value)
    if creating:
        target.code = code
    target.save()
    record_event(
        EventType.CASE_CATEGORY_SAVED,
        actor=actor,
        obj=target,
        summary={"code": target.code, "created": creating, "changed": changed},
        request=request,
    )
    return target


@transaction.atomic
def do_deactivate_category(
    category: Category, *, actor: User | None, request: HttpRequest | None = None
) -> Category:
    """停用 — out of the catalogue; existing cases keep their category."""
    _require(actor)
    target = Category.objects.select_for_update().get(pk=category.pk)
    if not target.is_active:
        raise ValidationError({"is_active": _("该事项已停用")})
    target.is_active = False
    target.save(update_fields=["is_active", "updated_at"])
    record_event(
        EventType.CASE_CATEGORY_DEACTIVATED,
        actor=actor,
        obj=target,
        summary={"code": target.code},
        request=request,
    )
    return target
