"""Writes of the rules store: adding a version (DESIGN rules 1 and 5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core.actions import FieldErrors, require
from gongzhi.core.scoping import scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.policy import registry
from gongzhi.policy.models import PolicyVersion
from gongzhi.policy.registry import Kind, Threshold, Value
from gongzhi.regions.models import Region

SOURCE_MAX_LENGTH = 500


def parse_value(kind: Kind, text: str) -> Value:
    """A value typed by staff: ``1/2`` or ``50%`` with ``>`` or ``>=`` for a threshold,
    a whole number for a count or an interval, 是/否 for a yes-or-no rule. Raises
    ``ValueError`` with a Chinese message."""
    text = text.strip().replace("＞", ">").replace("％", "%").replace("／", "/")
    if kind is Kind.BOOLEAN:
        if text in {"是", "1", "true", "True"}:
            return True
        if text in {"否", "0", "false", "False"}:
            return False
        raise ValueError(_("请填写“是”或“否”"))
    if kind is not Kind.THRESHOLD:
        if not text.isdigit():
            raise ValueError(_("请填写不小于 0 的整数"))
        return int(text)
    strict = not text.startswith(">=")
    if not text.startswith(">"):
        raise ValueError(_("比例须以“>”（超过）或“>=”（以上，含本数）开头，如 >1/2、>=2/3"))
    share = text.lstrip(">=").strip()
    try:
        if share.endswith("%"):
            percent = Decimal(share[:-1])
            fraction = (percent / 100).as_integer_ratio()
        else:
            numerator, denominator = share.split("/")
            fraction = (int(numerator), int(denominator))
        return Threshold(fraction[0], fraction[1], strict=strict)
    except (ValueError, InvalidOperation, ZeroDivisionError):
        raise ValueError(_("比例的写法不对，请写成如 >1/2、>=2/3 或 >=50%")) from None


def _may_cover(actor: Any, region_code: str) -> bool:
    """Staff add versions for their own jurisdiction; league-level staff also enter the
    measures of their province (the first two digits), which the league applies."""
    if actor is None:
        return True
    scope = scope_of(actor)
    if len(region_code) == 2 and len(scope) == 4:
        return region_code == scope[:2]
    return region_code.startswith(scope)


@transaction.atomic
def do_add_policy_version(
    *,
    key: str,
    region_code: str,
    effective_from: date | None,
    value: str | Value,
    source: str,
    actor: Any,
) -> PolicyVersion:
    """新增规则版本 — a new version of a rule for a region from a date, with its source.
    Versions are never edited; a correction is a newer version."""
    require(actor, "policy.add_version")
    errors = FieldErrors()
    try:
        policy = registry.get(key)
    except LookupError:
        errors.add("key", _("没有这条规则"))
        errors.raise_any()
        raise
    region_code = region_code.strip()
    if not region_code:
        errors.add("region_code", _("请填写适用地区；全国适用的版本随法律修订由系统更新"))
    elif len(region_code) != 2 and not Region.objects.filter(region_code=region_code).exists():
        errors.add("region_code", _("没有这个地区编码"))
    elif not _may_cover(actor, region_code):
        errors.add("region_code", _("只能为本辖区设定规则"))
    if effective_from is None:
        errors.add("effective_from", _("请填写施行日期"))
    if isinstance(value, str):
        try:
            value = parse_value(policy.kind, value)
        except ValueError as exc:
            errors.add("value", str(exc))
    else:
        try:
            registry.check_value(policy.kind, value)
        except ValueError:
            errors.add("value", _("取值的类型与规则不符"))
    source = source.strip()
    if not source:
        errors.add("source", _("请注明依据（法规名称和条款，或会议决定文号）"))
    elif len(source) > SOURCE_MAX_LENGTH:
        errors.add("source", _("依据不能超过 %(n)s 个字") % {"n": SOURCE_MAX_LENGTH})
    errors.raise_any()
    assert effective_from is not None and not isinstance(value, str)
    try:
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                key=key,
                region_code=region_code,
                effective_from=effective_from,
                value=registry.to_json(policy.kind, value),
                source=source,
                created_by=actor,
            )
    except IntegrityError:
        errors.add("effective_from", _("该地区在这一天已有一个版本；请另选施行日期"))
        errors.raise_any()
        raise
    record_event(
        EventType.POLICY_VERSION_ADDED,
        actor=actor,
        obj=version,
        region_code=region_code if len(region_code) > 2 else scope_of(actor) if actor else "",
        summary={
            "key": key,
            "region_code": region_code,
            "effective_from": effective_from.isoformat(),
            "value": registry.display(policy.kind, value),
        },
    )
    return version
