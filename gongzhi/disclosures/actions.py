"""Writes of 居务公开 (R2.3f): draft → submit → sign off → publish, corrections,
residents' questions and their answers.

Every action runs in one transaction, locks the disclosure row it changes, checks its
named permission (``disclosures.rules``) on the disclosure, validates its input with
Chinese messages keyed by field, and records one ledger event as its last write. Ledger
summaries carry ids, codes, categories, periods and totals — never a resident's name.
``actor=None`` is the command line (demo data, the benchmark).

A published disclosure is never changed (``models.ImmutableDisclosure``); a mistake is
corrected by ``do_draft_correction``, whose draft goes through the same review and, once
published, is shown beside the original with the original marked 已更正.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core.actions import FieldErrors, clean_text
from gongzhi.core.actions import require as _require
from gongzhi.disclosures import supervision
from gongzhi.disclosures.enums import Category, Direction, Status
from gongzhi.disclosures.models import (
    ANSWER_MAX_LENGTH,
    BODY_MAX_LENGTH,
    ITEM_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Disclosure,
    FinanceLine,
    Question,
    SignOff,
)
from gongzhi.disclosures.policies import SIGN_OFFS_REQUIRED
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.policy.queries import policy_value
from gongzhi.regions.models import Level, Region

MAX_LINES = 200
# 一千亿元: far above any community's accounts, far below a 64-bit overflow.
MAX_AMOUNT_FEN = 10_000_000_000_000
MIN_REASON_LENGTH = 2


@dataclass(frozen=True)
class LineInput:
    """One finance line as typed in: the amount in yuan as text ("1,234.50")."""

    item: str
    direction: str
    amount: str


def parse_amount(text: Any) -> int | None:
    """Yuan as typed ("1,234.5", "１２3", "￥80") to fen; None when it is not an amount
    with at most two decimals."""
    raw = str(text or "").strip().replace(",", "").replace("，", "").replace("￥", "")
    raw = raw.replace("¥", "").replace("元", "")
    raw = raw.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def _clean_lines(
    lines: Iterable[LineInput | Mapping[str, Any]], errors: FieldErrors
) -> list[FinanceLine]:
    cleaned: list[FinanceLine] = []
    for number, raw in enumerate(lines, start=1):
        line = raw if isinstance(raw, LineInput) else LineInput(**dict(raw))
        if not (line.item or "").strip() and not str(line.amount or "").strip():
            continue  # an empty row of the form
        where = _("第 %(n)d 行") % {"n": number}
        item = " ".join((line.item or "").split())
        if not item:
            errors.add("lines", _("%(where)s：请填写项目") % {"where": where})
        elif len(item) > ITEM_MAX_LENGTH:
            errors.add(
                "lines",
                _("%(where)s：项目不能超过 %(n)d 个字") % {"where": where, "n": ITEM_MAX_LENGTH},
            )
        if line.direction not in Direction.values:
            errors.add("lines", _("%(where)s：请选择收入或支出") % {"where": where})
        fen = parse_amount(line.amount)
        if fen is None:
            errors.add(
                "lines",
                _("%(where)s：金额须为数字，最多两位小数（如 1280.50）") % {"where": where},
            )
        elif fen <= 0:
            errors.add("lines", _("%(where)s：金额须大于零") % {"where": where})
        elif fen > MAX_AMOUNT_FEN:
            errors.add("lines", _("%(where)s：金额过大，请核对") % {"where": where})
        else:
            cleaned.append(
                FinanceLine(
                    position=len(cleaned) + 1, item=item, direction=line.direction, amount_fen=fen
                )
            )
    if len(cleaned) > MAX_LINES:
        errors.add("lines", _("收支明细不能超过 %(n)d 行") % {"n": MAX_LINES})
    return cleaned


def _clean_fields(
    *,
    category: str,
    period_start: date | None,
    period_end: date | None,
    title: str,
    body: str,
    is_major: bool,
    decided_on: date | None,
    lines: Iterable[LineInput | Mapping[str, Any]],
    errors: FieldErrors,
) -> dict[str, Any]:
    if category not in Category.values:
        errors.add("category", _("请选择公开类别"))
    if period_start is None:
        errors.add("period_start", _("请填写公开期间的开始日期"))
    if period_end is None:
        errors.add("period_end", _("请填写公开期间的结束日期"))
    if period_start and period_end and period_end < period_start:
        errors.add("period_end", _("公开期间的结束日期不能早于开始日期"))
    if is_major and decided_on is None:
        errors.add("decided_on", _("重大事项须填写决定日期"))
    if decided_on is not None and decided_on > timezone.localdate():
        errors.add("decided_on", _("决定日期不能晚于今天"))
    fields: dict[str, Any] = {
        "category": category,
        "period_start": period_start,
        "period_end": period_end,
        "title": clean_text(title, "title", errors, label=_("标题"), limit=TITLE_MAX_LENGTH),
        "body": clean_text(
            body,
            "body",
            errors,
            label=_("正文"),
            limit=BODY_MAX_LENGTH,
            required=False,
            one_line=False,
        ),
        "is_major": bool(is_major),
        "decided_on": decided_on if is_major else None,
    }
    finance_lines = _clean_lines(lines, errors)
    if finance_lines and category != Category.FINANCES:
        errors.add("lines", _("只有“财务收支”类的公开事项填写收支明细"))
    fields["lines"] = finance_lines
    return fields


def _community(value: Region | str | None, errors: FieldErrors) -> Region | None:
    region = (
        value
        if isinstance(value, Region) or value is None
        else Region.objects.filter(region_code=str(value).strip()).first()
    )
    if region is None or region.level != Level.COMMUNITY or not region.is_active:
        errors.add("community", _("请选择有效的社区（村、嘎查）"))
        return None
    return region


def _lock(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().select_related("community").get(pk=disclosure.pk)


def _refuse_unless(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError({field: message})


def totals(lines: Iterable[FinanceLine]) -> tuple[int, int]:
    """(income, spending) in fen."""
    income = spending = 0
    for line in lines:
        if line.direction == Direction.INCOME:
            income += line.amount_fen
        else:
            spending += line.amount_fen
    return income, spending


@transaction.atomic
def do_draft_disclosure(
    *,
    community: Region | str | None,
    category: str,
    period_start: date | None,
    period_end: date | None,
    title: str,
    body: str = "",
    is_major: bool = False,
    decided_on: date | None = None,
    lines: Iterable[LineInput | Mapping[str, Any]] = (),
    actor: User | None,
    request: HttpRequest | None = None,
) -> Disclosure:
    """起草公开事项 — a new draft of the community's disclosure (R2.3f)."""
    _require(actor, "disclosures.manage_disclosure", None)
    errors = FieldErrors()
    region = _community(community, errors)
    fields = _clean_fields(
        category=category,
        period_start=period_start,
        period_end=period_end,
        title=title,
        body=body,
        is_major=is_major,
        decided_on=decided_on,
        lines=lines,
        errors=errors,
    )
    errors.raise_any()
    assert region is not None
    finance_lines = fields.pop("lines")
    disclosure = Disclosure(
        community=region, region_code=region.region_code, created_by=actor, **fields
    )
    _require(actor, "disclosures.manage_disclosure", disclosure)
    disclosure.save()
    _save_lines(disclosure, finance_lines)
    income, spending = totals(finance_lines)
    record_event(
        EventType.DISCLOSURE_DRAFTED,
        actor=actor,
        obj=disclosure,
        summary={
            "category": disclosure.category,
            "period": [str(disclosure.period_start), str(disclosure.period_end)],
            "lines": len(finance_lines),
            "income_fen": income,
            "spending_fen": spending,
        },
        request=request,
    )
    return disclosure


def _save_lines(disclosure: Disclosure, lines: list[FinanceLine]) -> None:
    for line in lines:
        line.disclosure = disclosure
    FinanceLine.objects.bulk_create(lines)


@transaction.atomic
def do_edit_disclosure(
    disclosure: Disclosure,
    *,
    category: str,
    period_start: date | None,
    period_end: date | None,
    title: str,
    body: str = "",
    is_major: bool = False,
    decided_on: date | None = None,
    lines: Iterable[LineInput | Mapping[str, Any]] = (),
    actor: User | None,
    request: HttpRequest | None = None,
) -> Disclosure:
    """修改草稿 — only a draft changes; a published disclosure is corrected instead."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.manage_disclosure", disclosure)
    _refuse_unless(
        disclosure.status == Status.DRAFT,
        "status",
        _("只有草稿可以修改；已公开的事项请发布更正"),
    )
    errors = FieldErrors()
    fields = _clean_fields(
        category=category,
        period_start=period_start,
        period_end=period_end,
        title=title,
        body=body,
        is_major=is_major,
        decided_on=decided_on,
        lines=lines,
        errors=errors,
    )
    if disclosure.supersedes_id is not None and category != disclosure.category:
        errors.add("category", _("更正不能改变公开类别"))
    errors.raise_any()
    finance_lines = fields.pop("lines")
    for name, value in fields.items():
        setattr(disclosure, name, value)
    disclosure.save()
    disclosure.lines.all().delete()
    _save_lines(disclosure, finance_lines)
    income, spending = totals(finance_lines)
    record_event(
        EventType.DISCLOSURE_EDITED,
        actor=actor,
        obj=disclosure,
        summary={"lines": len(finance_lines), "income_fen": income, "spending_fen": spending},
        request=request,
    )
    return disclosure


@transaction.atomic
def do_discard_draft(
    disclosure: Disclosure, *, actor: User | None, request: HttpRequest | None = None
) -> None:
    """删除草稿 — a draft never submitted or returned may be thrown away."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.manage_disclosure", disclosure)
    _refuse_unless(disclosure.status == Status.DRAFT, "status", _("只有草稿可以删除"))
    pk, code = disclosure.pk, disclosure.region_code
    disclosure.sign_offs.all().delete()
    disclosure.lines.all().delete()
    disclosure.delete()
    record_event(
        EventType.DISCLOSURE_DRAFT_DISCARDED,
        actor=actor,
        object_type=Disclosure._meta.label_lower,
        object_id=str(pk),
        region_code=code,
        request=request,
    )


@transaction.atomic
def do_submit_disclosure(
    disclosure: Disclosure, *, actor: User | None, request: HttpRequest | None = None
) -> Disclosure:
    """提交审核 — the draft goes to the supervision committee."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.manage_disclosure", disclosure)
    _refuse_unless(disclosure.status == Status.DRAFT, "status", _("只有草稿可以提交审核"))
    if disclosure.category == Category.FINANCES:
        _refuse_unless(disclosure.lines.exists(), "lines", _("财务收支公开须至少填写一行收支明细"))
    else:
        _refuse_unless(bool(disclosure.body.strip()), "body", _("请填写正文后再提交审核"))
    disclosure.status = Status.SUBMITTED
    disclosure.submitted_at = timezone.now()
    disclosure.return_note = ""
    disclosure.save()
    record_event(EventType.DISCLOSURE_SUBMITTED, actor=actor, obj=disclosure, request=request)
    return disclosure


def sign_offs_required(disclosure: Disclosure) -> int:
    value = policy_value(SIGN_OFFS_REQUIRED, disclosure.region_code).value
    return max(1, value if isinstance(value, int) else 1)


@transaction.atomic
def do_sign_off_disclosure(
    disclosure: Disclosure,
    *,
    note: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Disclosure:
    """审核签字 — a member of the community's supervision committee signs the submitted
    disclosure (村民委员会组织法 第三十二条). Once the policy's number of members have
    signed it is ready to publish. Refused to anyone who is not a current member, and to
    a member whom the committee bar now applies to (``supervision.bar_reasons``)."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.sign_off", disclosure)
    _refuse_unless(
        disclosure.status == Status.SUBMITTED, "status", _("只有待审核的公开事项可以签字")
    )
    memberships = supervision.memberships_of(actor, disclosure.region_code)
    if not memberships:
        raise PermissionDenied(_("您不是本社区监督委员会的成员，不能签字"))
    membership = memberships[0]
    reasons = supervision.bar_reasons(
        supervision.Candidate(membership.person_name, actor.pk), disclosure.region_code
    )
    if reasons:
        raise PermissionDenied("；".join(reasons))
    _refuse_unless(
        not disclosure.sign_offs.filter(membership__in=memberships).exists(),
        "status",
        _("您已签字，无需重复签字"),
    )
    errors = FieldErrors()
    note = clean_text(
        note, "note", errors, label=_("审核意见"), limit=NOTE_MAX_LENGTH, required=False
    )
    errors.raise_any()
    SignOff.objects.create(
        disclosure=disclosure,
        membership=membership,
        user=actor,
        signer_name=membership.person_name,
        signer_post=membership.post_label,
        note=note,
    )
    count = disclosure.sign_offs.count()
    required = sign_offs_required(disclosure)
    if count >= required:
        disclosure.status = Status.SIGNED_OFF
        disclosure.save()
    record_event(
        EventType.DISCLOSURE_SIGNED_OFF,
        actor=actor,
        obj=disclosure,
        summary={"membership": membership.pk, "signed": count, "required": required},
        request=request,
    )
    return disclosure


@transaction.atomic
def do_return_disclosure(
    disclosure: Disclosure,
    *,
    reason: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Disclosure:
    """退回 — a supervision committee member sends the submitted disclosure back with the
    reason; the signatures of that submission lapse (the content will change)."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.sign_off", disclosure)
    _refuse_unless(
        disclosure.status in (Status.SUBMITTED, Status.SIGNED_OFF),
        "status",
        _("只有待审核或已审核未公开的事项可以退回"),
    )
    errors = FieldErrors()
    reason = clean_text(reason, "reason", errors, label=_("退回理由"), limit=NOTE_MAX_LENGTH)
    if reason and len(reason) < MIN_REASON_LENGTH:
        errors.add("reason", _("请写明退回理由"))
    errors.raise_any()
    dropped = disclosure.sign_offs.count()
    disclosure.sign_offs.all().delete()
    disclosure.status = Status.DRAFT
    disclosure.return_note = reason
    disclosure.save()
    record_event(
        EventType.DISCLOSURE_RETURNED,
        actor=actor,
        obj=disclosure,
        summary={"sign_offs_dropped": dropped},
        request=request,
    )
    return disclosure


@transaction.atomic
def do_publish_disclosure(
    disclosure: Disclosure, *, actor: User | None, request: HttpRequest | None = None
) -> Disclosure:
    """发布 — the signed-off disclosure becomes public and never changes again. A
    correction is published only while its original is public and not yet corrected."""
    disclosure = _lock(disclosure)
    _require(actor, "disclosures.manage_disclosure", disclosure)
    _refuse_unless(
        disclosure.status == Status.SIGNED_OFF,
        "status",
        _("须经监督委员会审核签字后才能公开"),
    )
    if disclosure.supersedes_id is not None:
        original = Disclosure.objects.select_for_update().get(pk=disclosure.supersedes_id)
        _refuse_unless(original.status == Status.PUBLISHED, "supersedes", _("原公开事项未公开"))
    disclosure.status = Status.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.published_by = actor
    disclosure.save()
    record_event(
        EventType.DISCLOSURE_PUBLISHED,
        actor=actor,
        obj=disclosure,
        summary={
            "category": disclosure.category,
            "period": [str(disclosure.period_start), str(disclosure.period_end)],
            "version": disclosure.version,
            "supersedes": disclosure.supersedes_id,
        },
        request=request,
    )
    return disclosure


@transaction.atomic
def do_draft_correction(
    original: Disclosure,
    *,
    note: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Disclosure:
    """更正 — a new draft version of a published disclosure, with its content copied for
    editing and the reason stated. The original stays public, unchanged; once the
    correction is published both are shown, the original marked 已更正. One correction
    per version: a later mistake is corrected on the correction."""
    original = _lock(original)
    _require(actor, "disclosures.manage_disclosure", original)
    _refuse_unless(original.status == Status.PUBLISHED, "supersedes", _("只有已公开的事项需要更正"))
    existing = Disclosure.objects.filter(supersedes=original).first()
    if existing is not None:
        raise ValidationError(
            {
                "supersedes": _("该事项已有更正（第 %(v)d 版），请在更正上继续")
                % {"v": existing.version}
            }
        )
    errors = FieldErrors()
    note = clean_text(note, "correction_note", errors, label=_("更正说明"), limit=NOTE_MAX_LENGTH)
    errors.raise_any()
    correction = Disclosure(
        community=original.community,
        region_code=original.region_code,
        category=original.category,
        period_start=original.period_start,
        period_end=original.period_end,
        title=original.title,
        body=original.body,
        is_major=original.is_major,
        decided_on=original.decided_on,
        supersedes=original,
        version=original.version + 1,
        correction_note=note,
        created_by=actor,
    )
    correction.save()
    _save_lines(
        correction,
        [
            FinanceLine(
                position=line.position,
                item=line.item,
                direction=line.direction,
                amount_fen=line.amount_fen,
            )
            for line in original.lines.all()
        ],
    )
    record_event(
        EventType.DISCLOSURE_CORRECTION_DRAFTED,
        actor=actor,
        obj=correction,
        summary={"supersedes": original.pk, "version": correction.version},
        request=request,
    )
    return correction


def public_name(user: User) -> str:
    """How an asker appears to everyone: the surname only (``乌云`` → ``乌**``)."""
    name = (user.full_name or "").strip()
    return f"{name[0]}**" if name else _("居民")


@transaction.atomic
def do_ask_question(
    disclosure: Disclosure,
    *,
    text: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Question:
    """居民提问 — a resident of the community asks about a published disclosure."""
    disclosure = Disclosure.objects.select_related("community").get(pk=disclosure.pk)
    _require(actor, "disclosures.ask_question", disclosure)
    _refuse_unless(disclosure.status == Status.PUBLISHED, "disclosure", _("只能对已公开的事项提问"))
    errors = FieldErrors()
    text = clean_text(
        text, "text", errors, label=_("问题"), limit=QUESTION_MAX_LENGTH, one_line=False
    )
    errors.raise_any()
    question = Question.objects.create(
        disclosure=disclosure,
        region_code=disclosure.region_code,
        asker=actor,
        asker_display=public_name(actor),
        text=text,
    )
    record_event(
        EventType.DISCLOSURE_QUESTION_ASKED,
        actor=actor,
        obj=question,
        summary={"disclosure": disclosure.pk},
        request=request,
    )
    return question


@transaction.atomic
def do_answer_question(
    question: Question,
    *,
    answer: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Question:
    """答复 — community staff answer a question; the answer is public under the disclosure.
    A later answer replaces the earlier one (the ledger keeps each)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    _require(actor, "disclosures.answer_question", question)
    errors = FieldErrors()
    answer = clean_text(
        answer, "answer", errors, label=_("答复"), limit=ANSWER_MAX_LENGTH, one_line=False
    )
    errors.raise_any()
    replaced = question.answered_at is not None
    question.answer = answer
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save()
    record_event(
        EventType.DISCLOSURE_QUESTION_ANSWERED,
        actor=actor,
        obj=question,
        summary={"disclosure": question.disclosure_id, "replaced": replaced},
        request=request,
    )
    return question
