"""The case engine's data: categories, cases, their timeline, notifications, the calendar.

One engine serves every "something must be handled" flow (R3.6b 一号申请, R3.2e 一窗受理,
R3.1e grid events): a ``Case`` has a kind, a ``Category`` (the taxonomy that carries the
responsible level, the service commitment and the Open311 service definition), a place,
a channel, a reporter, the first-asked responsible staff member (首问负责), the unit and
person it is assigned to, a status, deadlines and a ``CaseEvent`` timeline.

Columns are written only by ``cases.actions`` and the sweep in ``cases.tasks``.

Two codes place a case (DESIGN rule 3):

- ``region_code`` — where the matter is: the grid's code when the point lies in a grid,
  otherwise the community's. Scopes who may see it.
- ``assigned_region_code`` — the jurisdiction of the unit that answers for it now (a
  community's 12 digits, a township's 9, a county's 6). Escalation shortens it; inboxes
  select on it by equality.

Deadlines: ``accept_by`` is the acceptance commitment; ``due_at`` is the deadline of the
running clock (the acceptance deadline while the case waits to be accepted, then the
resolution deadline) and ``warn_at`` the moment it turns due-soon. ``due_state`` is
``""`` whenever no clock runs. The sweep's indexes on ``(due_state, due_at)`` and
``(due_state, warn_at)`` are partial: they hold only running clocks not yet overdue
(not yet due soon, for the second), so they hold only the open cases that may still change,
and a case marked overdue leaves both.

Indexes cost every write of a case (issue 4: the sweep rewrites 10,000 rows of 1,000,000
per run), so foreign keys that many cases leave empty are indexed only where set.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.enums import (
    AttachmentKind,
    CaseKind,
    CaseStatus,
    Channel,
    DueState,
    ExtensionState,
    Rating,
    ResponsibleLevel,
    TimeUnit,
    Urgency,
)
from gongzhi.core.fields import EncryptedTextField
from gongzhi.core.indexes import PostgresPartialIndex
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.organisations.models import OrganisationKind

PHONE_PURPOSE = "case.reporter_phone"
DESCRIPTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000


class Category(models.Model):
    """办件事项 — a service of the catalogue or a class of event (GB/T 30428).

    Doubles as the Open311 service definition: ``code`` is the ``service_code`` and
    ``attributes`` the list of extra typed fields, each a dict in the Open311 shape
    ``{"code", "datatype", "required", "description", "order", "values": [{"key", "name"}]}``.
    The time limits are the service commitment (承诺时限), per urgency, in working hours
    or working days.
    """

    code = models.SlugField(_("事项编码"), max_length=60, unique=True)
    name = models.CharField(_("事项名称"), max_length=100)
    kind = models.CharField(_("办件类别"), max_length=16, choices=CaseKind.choices)
    group = models.CharField(_("大类"), max_length=50, blank=True)
    description = models.TextField(_("事项说明"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    responsible_level = models.CharField(
        _("责任层级"),
        max_length=16,
        choices=ResponsibleLevel.choices,
        default=ResponsibleLevel.COMMUNITY,
    )
    responsible_kind = models.CharField(
        _("责任单位类别"), max_length=32, choices=OrganisationKind.choices, blank=True
    )
    # A functional department (责任单位) by name or short name, as organisations.seed names it.
    responsible_department = models.CharField(_("责任部门"), max_length=100, blank=True)
    accept_unit = models.CharField(
        _("受理时限单位"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    accept_normal = models.PositiveIntegerField(_("一般件受理时限"), default=8)
    accept_urgent = models.PositiveIntegerField(_("紧急件受理时限"), default=2)
    resolve_unit = models.CharField(
        _("办结时限单位"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    resolve_normal = models.PositiveIntegerField(_("一般件办结时限"), default=5)
    resolve_urgent = models.PositiveIntegerField(_("紧急件办结时限"), default=1)
    # The last part of the period, as a fraction, during which the case shows as due soon.
    due_soon_fraction = models.FloatField(_("临期提醒比例"), default=0.2)
    escalate_after_overdue = models.BooleanField(_("超期自动上报"), default=False)
    reopen_days = models.PositiveSmallIntegerField(_("可重新办理天数"), default=7)
    required_documents = models.JSONField(_("所需材料"), default=list, blank=True)
    attributes = models.JSONField(_("附加信息项"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办件事项")
        verbose_name_plural = _("办件事项")
        ordering = ["kind", "order", "code"]
        indexes = [models.Index(fields=["kind", "is_active", "order"], name="category_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_soon_fraction__gte=0) & Q(due_soon_fraction__lt=1),
                name="category_due_soon_fraction",
                violation_error_message=_("临期提醒比例须在 0 与 1 之间"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def accept_within(self, urgency: str) -> tuple[str, int]:
        """(unit, amount) of the acceptance commitment for ``urgency``."""
        amount = self.accept_urgent if urgency == Urgency.URGENT else self.accept_normal
        return self.accept_unit, amount

    def resolve_within(self, urgency: str) -> tuple[str, int]:
        """(unit, amount) of the resolution commitment for ``urgency``."""
        amount = self.resolve_urgent if urgency == Urgency.URGENT else self.resolve_normal
        return self.resolve_unit, amount

    def sorted_attributes(self) -> list[dict[str, Any]]:
        return sorted(self.attributes or [], key=lambda a: (a.get("order", 0), a.get("code", "")))


class CaseNumberCounter(models.Model):
    """One day of case numbers (``YYYYMMDD`` and a six-digit serial).

    On PostgreSQL the serial is ``nextval('cases_case_number_seq') - sequence_base``:
    ``sequence_base`` is a value of that sequence taken when the day's first case was
    numbered, so a submission takes its number without a row lock held until it commits
    (issue 4: 300 cases/s under concurrent clients). A rolled-back submission leaves a
    gap in the day's serials. ``last`` stays 0 there.

    On SQLite, which serialises writers anyway, ``last`` is the day's last serial, raised
    by an UPDATE whose row lock lasts until the submission commits (no gaps).
    """

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
    sequence_base = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("办件编号计数")
        verbose_name_plural = _("办件编号计数")

    def __str__(self) -> str:
        return f"{self.day} #{self.last}"


class CaseQuerySet(ScopedQuerySet["Case"]):
    pass


class Case(models.Model):
    """办件 — one application, report or complaint, from intake to rating."""

    # Unique by a constraint in Meta, not ``unique=True``: on PostgreSQL that would add a
    # second, ``varchar_pattern_ops`` index for LIKE queries that nothing runs.
    number = models.CharField(_("办件编号"), max_length=20)
    kind = models.CharField(_("办件类别"), max_length=16, choices=CaseKind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("内容"), max_length=DESCRIPTION_MAX_LENGTH)
    # Where the matter is: grid code when the point is in a grid, else community code.
    region_code = models.CharField(_("辖区编码"), max_length=21)
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index below: only cases placed in a grid
    )
    # Other communities the matter touches (R3.1a); their codes, in order.
    affected_region_codes = models.JSONField(_("涉及社区"), default=list, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    channel = models.CharField(_("受理渠道"), max_length=16, choices=Channel.choices)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反映人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
        db_index=False,  # the partial composite index below starts with this column
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), purpose=PHONE_PURPOSE, blank=True)
    reporter_phone_index = models.CharField(max_length=32, blank=True)
    reporter_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("关联居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index below
    )
    # R3.2e 首问负责: the staff member who first took the case stays answerable for it.
    first_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_responsible_cases",
        db_index=False,  # a partial index below
    )
    # 全程代办: the staff member who acts for the reporter through the whole process.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
        db_index=False,  # a partial index below
    )

    assigned_level = models.CharField(
        _("责任层级"), max_length=16, choices=ResponsibleLevel.choices
    )
    assigned_region_code = models.CharField(_("责任单位辖区"), max_length=12)
    assigned_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the partial composite index below starts with this column
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,  # the partial composite index below starts with this column
    )

    status = models.CharField(
        _("状态"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)

    accept_by = models.DateTimeField(_("受理期限"), null=True, blank=True)
    due_at = models.DateTimeField(_("当前期限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("临期时间"), null=True, blank=True)
    due_state = models.CharField(
        _("期限状态"), max_length=10, choices=DueState.choices, default=DueState.NORMAL, blank=True
    )
    # Extension (延期): requested by the unit, approved by the level above.
    extension_state = models.CharField(
        _("延期状态"), max_length=10, choices=ExtensionState.choices, default="", blank=True
    )
    extension_unit = models.CharField(
        _("延期单位"), max_length=8, choices=TimeUnit.choices, blank=True
    )
    extension_amount = models.PositiveIntegerField(_("延期时长"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    # Deferral (挂账): a long-term matter whose clock stops until it is resumed.
    deferred_reason = models.CharField(_("挂账理由"), max_length=500, blank=True)
    deferred_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    escalation_count = models.PositiveSmallIntegerField(_("上报次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    reopened_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    was_overdue = models.BooleanField(_("曾超期"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        db_index=False,  # a partial index below
    )

    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-id"]
        indexes = [
            # Inboxes: the unit's cases in one state, newest first (keyset on id).
            models.Index(fields=["assigned_region_code", "status", "id"], name="case_unit_status"),
            # The due boxes (即将超期, 已超期): only cases marked due soon or overdue.
            PostgresPartialIndex(
                fields=["assigned_region_code", "due_state", "due_at"],
                name="case_unit_due",
                condition=Q(due_state__in=[DueState.DUE_SOON, DueState.OVERDUE]),
            ),
            # Foreign keys that many cases leave empty are indexed only where set
            # (``IS NOT NULL``): an equality lookup still uses the index, and a write of a
            # case without the link touches one index fewer (issue 4: the sweep's UPDATE).
            models.Index(
                fields=["assigned_organisation", "status", "id"],
                name="case_org_status",
                condition=Q(assigned_organisation__isnull=False),
            ),
            models.Index(
                fields=["assignee", "status", "id"],
                name="case_assignee_status",
                condition=Q(assignee__isnull=False),
            ),
            # The sweep: only rows whose clock is about to change. A case the sweep marks
            # overdue leaves both indexes (its new row version is written to neither).
            PostgresPartialIndex(
                fields=["due_state", "due_at"],
                name="case_sweep_due",
                condition=Q(due_state__in=[DueState.NORMAL, DueState.DUE_SOON]),
            ),
            PostgresPartialIndex(
                fields=["due_state", "warn_at"],
                name="case_sweep_warn",
                condition=Q(due_state=DueState.NORMAL),
            ),
            models.Index(
                fields=["reporter", "id"], name="case_reporter", condition=Q(reporter__isnull=False)
            ),
            *(
                models.Index(
                    fields=[link], name=f"case_{link}", condition=Q(**{f"{link}__isnull": False})
                )
                for link in ("grid", "resident", "first_responsible", "agent", "merged_into")
            ),
            models.Index(fields=["region_code", "id"], name="case_region"),
            models.Index(fields=["region_code", "submitted_at"], name="case_region_submitted"),
            models.Index(fields=["status", "submitted_at"], name="case_status_submitted"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="case_rating_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.MERGED) | Q(merged_into__isnull=False),
                name="case_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from gongzhi.cases.enums import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """办件记录 — one step of a case's timeline (a transition, a sweep mark, a note).

    ``is_internal`` notes are for staff; residents see the rest (refusal reasons and
    feedback are written for them).
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # the unique (case, seq) index starts with this column
    )
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=24, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index below: the system's steps have no actor
    )
    note = models.CharField(_("说明"), max_length=NOTE_MAX_LENGTH, blank=True)
    is_internal = models.BooleanField(_("仅内部可见"), default=False)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["case", "seq"]
        indexes = [
            models.Index(
                fields=["actor"], name="caseevent_actor", condition=Q(actor__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="caseevent_case_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class Notification(models.Model):
    """站内消息 — an in-app message about a case, for staff and residents alike."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "id"], name="notification_user_unread"),
            models.Index(fields=["user", "id"], name="notification_user"),
        ]

    def __str__(self) -> str:
        return self.text


def attachment_path(instance: Attachment, filename: str) -> str:
    """``cases/<year>/<month>/<random>.<ext>``: the stored name says nothing about the
    person or the case, and nobody can guess another file's name."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    now = instance.created_at or timezone.now()
    local = timezone.localtime(now)
    return f"cases/{local:%Y}/{local:%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """附件 — an image attached to a case: the reporter's photo or the unit's evidence.

    The file lives under ``MEDIA_ROOT`` (outside the database) and is only ever served
    through ``cases:attachment`` after the case's permission check, never by a public URL.
    Written only by ``cases.attachments.do_attach_files``, which checks the content,
    re-encodes the image without its metadata and records the upload in the ledger.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("办件记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    kind = models.CharField(
        _("附件类别"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=100, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["case", "id"], name="attachment_case")]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class CalendarDay(models.Model):
    """节假日调整 — a local holiday or adjusted working day that the national calendar
    (the ``chinese-calendar`` package) does not know, e.g. a league's 那达慕 holiday.

    ``region_prefix`` limits it to a jurisdiction ("" for everywhere); the longest
    matching prefix wins.
    """

    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    region_prefix = models.CharField(_("适用辖区"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date", "region_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "region_prefix"], name="calendarday_date_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class LookupVersion(models.Model):
    """The version of a reference table that ``cases.lookups`` keeps copies of.

    Written only by the database triggers of migration ``cases/0006_lookup_versions``:
    every write to the table gives it a new version, so a copy read under an older one
    is known to be stale.
    """

    name = models.CharField(max_length=63, primary_key=True)
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
