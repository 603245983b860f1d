"""Consultations (议事协商, R2.3e, R3.1a–R3.1d, R3.1f, R3.1h, R4.3a).

A ``Topic`` (议题) is proposed by a resident of a community (migrants included, R3.1h) or
raised by staff; neighbours support and comment on it; staff take it into a
``Consultation`` (协商) or decline it with a reason the proposer sees. A consultation has
a form (residents' meeting, representatives' meeting, deliberation, hearing, online), an
owner region (the community, or the street/township when it touches two or more
communities, R3.1a), the communities that take part (``ConsultationCommunity``), and
``Phase`` rows copied from a blueprint whose ``features`` switch actions on and off.
``Meeting``\\ s record the agenda, attendance, minutes and a decision checked against the
law's quorum and majority (policy store, DESIGN rule 5), with the minority's opinions
beside the majority's (R3.1d). Adopted decisions become ``ImplementationItem``\\ s with
``ImplementationUpdate``\\ s; ``Milestone``\\ s are what residents are told (采纳、落实、
反馈); residents rate how it was carried out (``OutcomeRating``, the 好差评 scale).

Every row stores ``region_code`` (DESIGN rule 3): the community for a topic, the owner
region for a consultation and everything under it. Columns are written only by
``consultations.actions``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.enums import Rating
from gongzhi.consultations.enums import (
    BaseKind,
    CommentKind,
    ConsultationForm,
    DecisionOutcome,
    Feature,
    ItemStatus,
    MeetingStatus,
    MilestoneKind,
    ParticipantCategory,
    PhaseKey,
    TopicStatus,
)
from gongzhi.core.scoping import ScopedQuerySet

TEXT_MAX_LENGTH = 4000


class Topic(models.Model):
    """议题 — a matter a resident (or staff) puts forward for consultation."""

    community = models.ForeignKey(
        "regions.Region", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    title = models.CharField(_("议题"), max_length=100)
    description = models.TextField(_("议题说明"), max_length=TEXT_MAX_LENGTH)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="consultation_topics",
    )
    proposer_name = models.CharField(_("提出人"), max_length=50)
    raised_by_staff = models.BooleanField(_("工作人员提出"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.PROPOSED
    )
    # Other communities the matter touches (R3.1a), set when staff route or accept it.
    affected_region_codes = models.JSONField(_("涉及的其他社区"), default=list, blank=True)
    decline_reason = models.CharField(_("不予协商的理由"), max_length=500, blank=True)
    route_note = models.CharField(_("转街道说明"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("附议人数"), default=0)
    comment_count = models.PositiveIntegerField(_("意见条数"), default=0)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "status", "id"], name="topic_region_status"),
            models.Index(fields=["region_code", "id"], name="topic_region"),
            models.Index(fields=["proposer", "id"], name="topic_proposer"),
        ]

    def __str__(self) -> str:
        return self.title


class TopicSupport(models.Model):
    """附议 — one resident's support for a topic; one per person."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topic_supports"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    created_at = models.DateTimeField(_("附议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="topic_support_once"),
        ]
        indexes = [models.Index(fields=["user", "id"], name="topic_support_user")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.user_id}"


class Comment(models.Model):
    """意见 / 方案建议 — what a resident says about a topic in an open phase."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(
        _("类别"), max_length=12, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发表人"),
        on_delete=models.PROTECT,
        related_name="consultation_comments",
    )
    author_name = models.CharField(_("发表人"), max_length=50)
    by_staff = models.BooleanField(_("工作人员答复"), default=False)
    body = models.TextField(_("内容"), max_length=2000)
    region_code = models.CharField(_("辖区编码"), max_length=12)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["topic", "id"], name="comment_topic"),
            models.Index(fields=["author", "id"], name="comment_author"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.pk}"


class Consultation(models.Model):
    """协商 — a topic taken into consultation, run through the phases of a blueprint."""

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="consultation")
    title = models.CharField(_("协商事项"), max_length=100)
    form = models.CharField(_("协商形式"), max_length=20, choices=ConsultationForm.choices)
    # The community, or the street/township (county) leading a cross-community matter.
    owner = models.ForeignKey(
        "regions.Region", verbose_name=_("牵头辖区"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    phase = models.CharField(
        _("当前阶段"), max_length=12, choices=PhaseKey.choices, default=PhaseKey.COLLECT
    )
    report = models.TextField(_("结果反馈"), max_length=TEXT_MAX_LENGTH, blank=True)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协商")
        verbose_name_plural = _("协商")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "phase", "id"], name="consult_region_phase"),
            models.Index(fields=["region_code", "id"], name="consult_region"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cross_community(self) -> bool:
        return len(self.region_code) < 12


class ConsultationCommunity(models.Model):
    """A community taking part in a consultation; its residents participate (R3.1a)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="communities"
    )
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)

    class Meta:
        verbose_name = _("参与社区")
        verbose_name_plural = _("参与社区")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "region_code"], name="consult_community_once"
            ),
        ]
        indexes = [models.Index(fields=["region_code", "consultation"], name="consult_comm_code")]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.region_code}"


class Phase(models.Model):
    """阶段 — one phase of a consultation with its feature switches (as data)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    key = models.CharField(_("阶段"), max_length=12, choices=PhaseKey.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    features = models.JSONField(_("开放的功能"), default=list, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协商阶段")
        verbose_name_plural = _("协商阶段")
        ordering = ["consultation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="phase_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.key}"

    def feature_labels(self) -> list[str]:
        return [str(Feature(f).label) for f in self.features if f in Feature.values]


class Participant(models.Model):
    """协商参与人员 — someone invited by category (R3.1c)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    category = models.CharField(_("类别"), max_length=20, choices=ParticipantCategory.choices)
    name = models.CharField(_("姓名"), max_length=50)
    affiliation = models.CharField(_("单位或身份"), max_length=100, blank=True)
    region_code = models.CharField(_("辖区编码"), max_length=12)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商参与人员")
        verbose_name_plural = _("协商参与人员")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """协商会议 — agenda, attendance, minutes and the decision (R2.3e, R3.1d)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="meetings"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    form = models.CharField(_("会议形式"), max_length=20, choices=ConsultationForm.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    starts_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # Attendance against its base (OpenSlides' presence base).
    base_kind = models.CharField(
        _("应到人数口径"), max_length=12, choices=BaseKind.choices, blank=True
    )
    base_count = models.PositiveIntegerField(_("应到人数"), null=True, blank=True)
    present_count = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), max_length=TEXT_MAX_LENGTH * 2, blank=True)
    # The decision.
    motion = models.CharField(_("表决事项"), max_length=500, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    outcome = models.CharField(
        _("表决结果"), max_length=12, choices=DecisionOutcome.choices, blank=True
    )
    outcome_reason = models.CharField(_("结果说明"), max_length=500, blank=True)
    # The rules applied, as the policy store gave them then, with their sources.
    rules_applied = models.JSONField(_("适用规则"), default=list, blank=True)
    decision_text = models.TextField(_("决定内容"), max_length=TEXT_MAX_LENGTH, blank=True)
    minority_opinion = models.TextField(_("少数意见"), max_length=TEXT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(_("表决时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region_code", "starts_at"], name="meeting_region_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)


class MeetingRegistration(models.Model):
    """报名参会 — a resident signs up for a meeting; staff mark who attended."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_registrations"
    )
    name = models.CharField(_("姓名"), max_length=50)
    region_code = models.CharField(_("辖区编码"), max_length=12)
    attended = models.BooleanField(_("已出席"), default=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议报名")
        verbose_name_plural = _("会议报名")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_registration_once"),
        ]
        indexes = [models.Index(fields=["user", "id"], name="registration_user")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.user_id}"


class ImplementationItem(models.Model):
    """落实事项 — an adopted decision carried out by an owner before a deadline."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="items")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    region_code = models.CharField(_("辖区编码"), max_length=12)
    title = models.CharField(_("落实事项"), max_length=200)
    owner_name = models.CharField(_("责任人或责任单位"), max_length=100)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("完成期限"))
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["region_code", "status", "deadline"], name="item_region_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="item_progress_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status != ItemStatus.DONE and self.deadline < today


class ImplementationUpdate(models.Model):
    """落实进展 — one report on an item: progress, status, evidence."""

    item = models.ForeignKey(ImplementationItem, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices)
    note = models.TextField(_("进展说明"), max_length=2000)
    evidence = models.TextField(_("佐证材料"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("落实进展")
        verbose_name_plural = _("落实进展")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.progress}%"

    def evidence_links(self) -> list[str]:
        return [
            line.strip()
            for line in self.evidence.splitlines()
            if line.strip().startswith(("http://", "https://"))
        ]


class Milestone(models.Model):
    """What residents are told, in order: 采纳、落实、反馈 (R2.3e)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=MilestoneKind.choices)
    text = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进程节点")
        verbose_name_plural = _("进程节点")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class OutcomeRating(models.Model):
    """评价 — a resident's rating of how the outcome was carried out (好差评 scale)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_ratings"
    )
    rating = models.PositiveSmallIntegerField(_("评价"), choices=Rating.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    region_code = models.CharField(_("辖区编码"), max_length=12)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("落实评价")
        verbose_name_plural = _("落实评价")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="outcome_rating_once"),
        ]
        indexes = [models.Index(fields=["user", "id"], name="rating_user")]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.rating}"
