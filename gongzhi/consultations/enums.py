"""Choices of consultations (R2.3e, R3.1a–R3.1d): topic states, consultation forms, phases
and their features, participant categories, meetings, decisions and implementation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("征集中")
    ROUTED = "routed", _("转街道牵头")
    ACCEPTED = "accepted", _("已纳入协商")
    DECLINED = "declined", _("不予协商")


class ConsultationForm(models.TextChoices):
    """协商形式 (R2.3e). The two statutory meetings carry the law's quorum and majority."""

    RESIDENTS_MEETING = "residents_meeting", _("居民会议")
    VILLAGERS_MEETING = "villagers_meeting", _("村民会议")
    RESIDENTS_REPRESENTATIVES = "residents_reps", _("居民代表会议")
    VILLAGERS_REPRESENTATIVES = "villagers_reps", _("村民代表会议")
    DELIBERATION = "deliberation", _("议事协商会")
    HEARING = "hearing", _("民主听证会")
    ONLINE = "online", _("线上协商")


MEETING_FORMS = (ConsultationForm.RESIDENTS_MEETING, ConsultationForm.VILLAGERS_MEETING)
REPRESENTATIVE_FORMS = (
    ConsultationForm.RESIDENTS_REPRESENTATIVES,
    ConsultationForm.VILLAGERS_REPRESENTATIVES,
)


class PhaseKey(models.TextChoices):
    """The phases of the blueprint, in order (征集 → 协商 → 决策 → 落实 → 反馈)."""

    COLLECT = "collect", _("征集")
    DELIBERATE = "deliberate", _("协商")
    DECIDE = "decide", _("决策")
    IMPLEMENT = "implement", _("落实")
    REPORT = "report", _("反馈")


class Feature(models.TextChoices):
    """What a phase opens (meinBerlin's feature switches, Decidim's step settings)."""

    PROPOSE = "propose", _("提出方案建议")
    SUPPORT = "support", _("附议支持")
    COMMENT = "comment", _("发表意见")
    REGISTER = "register", _("报名参会")
    DECIDE = "decide", _("表决决定")
    # Residents vote in the polls linked to the consultation (``polls``).
    POLL = "poll", _("参加投票")
    RATE = "rate", _("评价落实")


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("意见")
    SUGGESTION = "suggestion", _("方案建议")


class ParticipantCategory(models.TextChoices):
    """R3.1c: who is invited to a consultation, beside the residents."""

    EXPERT = "expert", _("专家学者")
    VETERAN_CADRE = "veteran_cadre", _("老干部")
    RESIDENT_REPRESENTATIVE = "resident_rep", _("居民代表")
    PARTY_CONGRESS = "party_congress", _("党代表")
    PEOPLES_CONGRESS = "peoples_congress", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    MASS_ORGANISATION = "mass_org", _("群团组织负责人")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    RESIDENT_UNIT = "resident_unit", _("驻区单位代表")
    STAKEHOLDER = "stakeholder", _("利益相关方")
    FOLK_ORGANISER = "folk_organiser", _("民间协商能人")
    OTHER = "other", _("其他")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待召开")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class BaseKind(models.TextChoices):
    """What the presence base counts (OpenSlides' presence base)."""

    ADULT_RESIDENTS = "adults", _("年满十八周岁的居民")
    HOUSEHOLDS = "households", _("户的代表")
    MEMBERS = "members", _("会议组成人员")
    PARTICIPANTS = "participants", _("应到参会人员")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("通过")
    NOT_ADOPTED = "not_adopted", _("未通过")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("待启动")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已完成")
    SUSPENDED = "suspended", _("暂缓")


class MilestoneKind(models.TextChoices):
    """The residents' timeline: 采纳、落实、反馈 (R2.3e)."""

    ACCEPTED = "accepted", _("采纳")
    PHASE = "phase", _("进入新阶段")
    MEETING = "meeting", _("会议安排")
    DECISION = "decision", _("会议决定")
    ITEM = "item", _("落实事项")
    PROGRESS = "progress", _("落实进展")
    REPORTED = "reported", _("结果反馈")
