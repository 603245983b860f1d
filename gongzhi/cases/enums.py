"""Choices of the case engine: kinds, states, actions, channels, urgency, deadlines.

The states follow GB/T 30428 (digital city management: 信息采集 → 立案 → 派遣 → 处置 →
反馈 → 核查 → 结案 → 评价) and the 12345 hotline (受理 → 派单 → 办理 → 回访); which
action moves a case from which state to which is declared in ``workflow.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    """办件类别 — the four flows that share the engine (R3.6b 一号申请)."""

    SERVICE = "service", _("服务申请")
    EVENT = "event", _("网格事件")
    COMPLAINT = "complaint", _("诉求")
    CORRECTION = "correction", _("信息更正")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    REFUSED = "refused", _("不予受理")
    PENDING_DISPATCH = "pending_dispatch", _("待派遣")
    HANDLING = "handling", _("办理中")
    PENDING_VERIFICATION = "pending_verification", _("待核查")
    CLOSED = "closed", _("已结案")
    DEFERRED = "deferred", _("挂账")
    MERGED = "merged", _("已并单")


# States in which the case's clock runs (and the sweep looks at it).
OPEN_STATUSES = frozenset(
    {
        CaseStatus.SUBMITTED,
        CaseStatus.PENDING_DISPATCH,
        CaseStatus.HANDLING,
        CaseStatus.PENDING_VERIFICATION,
    }
)
# States a case does not leave by itself (reopen leaves CLOSED within the window).
FINISHED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REFUSED, CaseStatus.MERGED})


class CaseAction(models.TextChoices):
    """The verbs of the workflow; each is one function in ``actions.py``."""

    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("受理")
    REFUSE = "refuse", _("不予受理")
    DISPATCH = "dispatch", _("派遣")
    FEEDBACK = "feedback", _("处置反馈")
    VERIFY_CLOSE = "verify_close", _("核查结案")
    REWORK = "rework", _("返工")
    ESCALATE = "escalate", _("上报")
    DEFER = "defer", _("挂账")
    RESUME = "resume", _("恢复办理")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("审批延期")
    MERGE = "merge", _("并单")
    REOPEN = "reopen", _("重新办理")
    RATE = "rate", _("评价")
    # Written by the sweep, not a transition anyone asks for.
    MARK_DUE = "mark_due", _("期限提醒")


class Channel(models.TextChoices):
    """受理渠道 — how the case came in (R3.2a, R3.2e, R3.6b)."""

    WINDOW = "window", _("窗口")
    PORTAL = "portal", _("网上")
    GRID_PATROL = "grid_patrol", _("网格巡查")
    HOTLINE = "hotline", _("12345/电话")
    OPEN311 = "open311", _("Open311 接口")
    KIOSK = "kiosk", _("自助终端")
    MOBILE_STOP = "mobile_stop", _("流动服务点")


# Channels where a staff member takes the case from the person in front of them:
# that staff member is the first-asked responsible (R3.2e 首问负责).
STAFF_CHANNELS = frozenset(
    {Channel.WINDOW, Channel.HOTLINE, Channel.MOBILE_STOP, Channel.GRID_PATROL}
)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class DueState(models.TextChoices):
    """Where the running clock stands; ``""`` when no clock runs (finished or deferred)."""

    NONE = "", _("不计时")
    NORMAL = "normal", _("正常")
    DUE_SOON = "due_soon", _("即将超期")
    OVERDUE = "overdue", _("已超期")


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "hours", _("工作小时")
    WORKING_DAYS = "days", _("工作日")


class ResponsibleLevel(models.TextChoices):
    """The level of the unit that answers for a category; the value is its code length."""

    COMMUNITY = "community", _("社区（嘎查村）")
    TOWNSHIP = "township", _("街道（苏木乡镇）")
    COUNTY = "county", _("旗县市")


# Jurisdiction code length of each level (DESIGN rule 3).
LEVEL_CODE_LENGTH = {
    ResponsibleLevel.COMMUNITY: 12,
    ResponsibleLevel.TOWNSHIP: 9,
    ResponsibleLevel.COUNTY: 6,
}
LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_CODE_LENGTH.items()}
# Escalation goes one level up: community → township → county (R3.1a, R4.3b).
LEVEL_ABOVE = {
    ResponsibleLevel.COMMUNITY: ResponsibleLevel.TOWNSHIP,
    ResponsibleLevel.TOWNSHIP: ResponsibleLevel.COUNTY,
}


class Rating(models.IntegerChoices):
    """好差评 — the five-level rating of the national government-service evaluation."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# A rating at or above this counts as satisfied (满意率).
SATISFIED_RATING = Rating.SATISFIED


class ExtensionState(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class AttributeType(models.TextChoices):
    """Open311 GeoReport v2 service-definition datatypes."""

    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


class AttachmentKind(models.TextChoices):
    """What an attached image shows: the reporter's photo or the unit's evidence (处置照片)."""

    PHOTO = "photo", _("现场照片")
    EVIDENCE = "evidence", _("处置凭证")
