"""居务公开 (R2.3f, R4.3d, R5.2b): what a community's committee makes public.

A disclosure (公开事项) belongs to one community and stores its ``region_code``
(DESIGN rule 3). It is written as a draft, submitted, reviewed and signed off by
members of the affairs supervision committee (居务监督委员会/村务监督委员会, 村民委员会组织法
第三十二条), then published. A published disclosure never changes: ``save`` and
``delete`` refuse, and its finance lines and sign-offs with it. A mistake is corrected
by a new version (更正) that ``supersedes`` it; both stay public, the old one marked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.disclosures.enums import Category, Direction, Status

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
ITEM_MAX_LENGTH = 100
QUESTION_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 2_000
NOTE_MAX_LENGTH = 500
_CHINESE_QUARTERS = "一二三四"


class ImmutableDisclosure(Exception):
    """Raised when code tries to change a published disclosure (it is corrected by a new
    version instead)."""


def period_label(start: date, end: date) -> str:
    """The period as a notice board names it: 2026年10月, 2026年第三季度, 2026年, or a range."""
    month_end = _month_end(start)
    if start.day == 1 and end == month_end:
        return f"{start.year}年{start.month}月"
    if start.day == 1 and start.month % 3 == 1 and end == _month_end(_add_months(start, 2)):
        return f"{start.year}年第{_CHINESE_QUARTERS[start.month // 3]}季度"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"{start.year}年"
    if start.day == 1 and start.month in (1, 7) and end == _month_end(_add_months(start, 5)):
        half = "上半年" if start.month == 1 else "下半年"
        return f"{start.year}年{half}"
    if start == end:
        return f"{start.year}年{start.month}月{start.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return date.fromordinal(_add_months(day, 1).toordinal() - 1)


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals and thousands separators: 1234567 → 12,345.67."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class DisclosureQuerySet(ScopedQuerySet["Disclosure"]):
    def published(self) -> DisclosureQuerySet:
        return self.filter(status=Status.PUBLISHED)


class Disclosure(models.Model):
    """公开事项 — one matter a community makes public, for one period."""

    community = models.ForeignKey(
        "regions.Region",
        verbose_name=_("社区（村、嘎查）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("辖区编码"), max_length=21)
    category = models.CharField(_("公开类别"), max_length=24, choices=Category.choices)
    period_start = models.DateField(_("公开期间开始"))
    period_end = models.DateField(_("公开期间结束"))
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("正文"), max_length=BODY_MAX_LENGTH, blank=True)
    # 重大事项随时公开: the day the matter was decided starts the clock.
    is_major = models.BooleanField(_("涉及居民利益的重大事项"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # 更正: the published disclosure this version corrects, and why.
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的原公开事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    correction_note = models.CharField(_("更正说明"), max_length=NOTE_MAX_LENGTH, blank=True)
    # Why the supervision committee last returned it (退回意见); shown on the draft.
    return_note = models.CharField(_("退回意见"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["-period_end", "-id"]
        indexes = [
            # The public list of a community and the schedule query: published rows of a
            # place by category, newest period first.
            models.Index(
                fields=["region_code", "status", "category", "period_end"],
                name="disclosure_place_status",
            ),
            models.Index(fields=["status", "region_code", "id"], name="disclosure_status_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="disclosure_period_ordered",
                violation_error_message=_("公开期间的结束日期不能早于开始日期"),
            ),
            models.CheckConstraint(
                condition=Q(is_major=False) | Q(decided_on__isnull=False),
                name="disclosure_major_has_decision_date",
                violation_error_message=_("重大事项须填写决定日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and _is_published(Disclosure, self.pk):
            raise ImmutableDisclosure("已公开的事项不能修改，请发布更正")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk is not None and _is_published(Disclosure, self.pk):
            raise ImmutableDisclosure("已公开的事项不能删除，请发布更正")
        return super().delete(*args, **kwargs)

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_end)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT


def _is_published(model: type[models.Model], pk: Any) -> bool:
    return model._default_manager.filter(pk=pk, status=Status.PUBLISHED).exists()


class FinanceLine(models.Model):
    """财务收支明细 — one line of income or spending; amounts in fen (分), never floats."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开事项"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    item = models.CharField(_("项目"), max_length=ITEM_MAX_LENGTH)
    direction = models.CharField(_("收支"), max_length=8, choices=Direction.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("财务收支明细")
        verbose_name_plural = _("财务收支明细")
        ordering = ["disclosure", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0),
                name="financeline_amount_positive",
                violation_error_message=_("金额须大于零"),
            ),
            models.UniqueConstraint(
                fields=["disclosure", "position"], name="financeline_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {yuan(self.amount_fen)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _is_published(Disclosure, self.disclosure_id):
            raise ImmutableDisclosure("已公开的事项不能修改，请发布更正")
        super().save(*args, **kwargs)

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


class SignOff(models.Model):
    """审核签字 — a supervision committee member's sign-off of a submitted disclosure."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开事项"), on_delete=models.PROTECT, related_name="sign_offs"
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        verbose_name=_("监督委员会成员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字账号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshot: the name and post as signed, unchanged if the membership ends later.
    signer_name = models.CharField(_("签字人"), max_length=50)
    signer_post = models.CharField(_("职务"), max_length=50)
    note = models.CharField(_("审核意见"), max_length=NOTE_MAX_LENGTH, blank=True)
    signed_at = models.DateTimeField(_("签字时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核签字")
        verbose_name_plural = _("审核签字")
        ordering = ["disclosure", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "membership"], name="signoff_unique_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}（{self.signer_post}）"


class QuestionQuerySet(ScopedQuerySet["Question"]):
    pass


class Question(models.Model):
    """居民提问 — a resident's question about a published disclosure, and the answer.

    Shown publicly under the disclosure with the asker's name masked (``asker_display``,
    the surname and 某, taken when asking); the account itself is never shown.
    """

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开事项"), on_delete=models.PROTECT, related_name="questions"
    )
    region_code = models.CharField(_("辖区编码"), max_length=21)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提问人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asker_display = models.CharField(_("提问人（公开显示）"), max_length=20)
    text = models.CharField(_("问题"), max_length=QUESTION_MAX_LENGTH)
    asked_at = models.DateTimeField(_("提问时间"), default=timezone.now)
    answer = models.TextField(_("答复"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民提问")
        verbose_name_plural = _("居民提问")
        ordering = ["disclosure", "asked_at", "pk"]
        indexes = [
            models.Index(fields=["disclosure", "asked_at"], name="question_disclosure_time"),
            models.Index(fields=["region_code", "answered_at"], name="question_place_answered"),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
