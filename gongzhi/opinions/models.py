"""Opinion map (意见地图, R3.1d minority opinions, R2.3e consultation), after Pol.is.

A ``Conversation`` of one community or township asks residents of that place to vote
agree, disagree or pass on short ``Statement``\\ s (观点); residents may add their own,
which staff moderate. ``Vote`` holds one vote per participant and statement (a unique
constraint), changeable while the conversation is open. ``OpinionMap`` is the last
computed map (``clustering.compute_map``) as JSON: who is counted, the points, the
opinion groups with their representative statements, and the consensus statements.

A conversation may belong to a consultation (``Conversation.consultation``): residents
then vote and add statements only while the consultation's current phase opens
commenting (``Feature.COMMENT``, ``consultations.linking``).

Every row stores ``region_code`` (DESIGN rule 3): the conversation's place. Columns are
written only by ``opinions.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.opinions.enums import ConversationStatus, StatementStatus, VoteValue

STATEMENT_MAX_LENGTH = 140
TITLE_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 200


class Conversation(models.Model):
    """意见地图 — one question put to the residents of a community or township."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属社区或街道"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    title = models.CharField(_("议题"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("说明"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
    )
    allow_statements = models.BooleanField(_("居民可提出观点"), default=True)
    # Residents' statements go live only once staff accept them (先审后发).
    moderate_first = models.BooleanField(_("居民观点先审后发"), default=True)
    # The consultation the map belongs to (its 协商 phase, R2.3e); empty when it stands alone.
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("所属协商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_maps",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # When a recomputation was last queued automatically (at most one per interval).
    map_queued_at = models.DateTimeField(_("自动重算排队时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见地图")
        verbose_name_plural = _("意见地图")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "status", "id"], name="opinion_conv_region"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN


class Statement(models.Model):
    """观点 — a short statement residents vote on (≤ 140 characters)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    text = models.CharField(_("观点"), max_length=STATEMENT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Seed statements are written by staff when the conversation starts (or later).
    is_seed = models.BooleanField(_("工作人员提出"), default=False)
    status = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=StatementStatus.choices,
        default=StatementStatus.PENDING,
    )
    reject_reason = models.CharField(_("未采用原因"), max_length=REASON_MAX_LENGTH, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("观点")
        verbose_name_plural = _("观点")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "status", "id"], name="opinion_stmt_conv"),
            models.Index(fields=["region_code", "id"], name="opinion_stmt_region"),
        ]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    """表态 — one participant's agree, disagree or pass on one statement."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("表态人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    value = models.SmallIntegerField(_("表态"), choices=VoteValue.choices)
    created_at = models.DateTimeField(_("表态时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("表态")
        verbose_name_plural = _("表态")
        constraints = [
            # One vote per participant per statement; a change updates it.
            models.UniqueConstraint(fields=["statement", "voter"], name="opinion_vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="opinion_vote_value"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "voter"], name="opinion_vote_voter"),
            models.Index(fields=["conversation", "updated_at"], name="opinion_vote_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.voter_id}={self.value}"


class OpinionMap(models.Model):
    """意见地图计算结果 — the last computed map of a conversation (``clustering``)."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="opinion_map"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    computed_at = models.DateTimeField(_("计算时间"))
    participants = models.PositiveIntegerField(_("纳入计算的参与人数"), default=0)
    votes = models.PositiveIntegerField(_("计入的表态数"), default=0)
    # A reason code of ``clustering`` when no groups could be formed, else "".
    problem = models.CharField(_("未能分组的原因"), max_length=40, blank=True)
    data = models.JSONField(_("计算结果"), default=dict)
    seconds = models.FloatField(_("计算耗时（秒）"), default=0.0)

    class Meta:
        verbose_name = _("意见地图计算结果")
        verbose_name_plural = _("意见地图计算结果")

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
