"""Choices of committee elections."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionKind(models.TextChoices):
    REGULAR = "regular", _("换届选举")
    BY_ELECTION = "by_election", _("补选")


class ElectionStatus(models.TextChoices):
    """The steps of an election, in order; ``CANCELLED`` ends it at any step before the vote."""

    SCHEDULED = "scheduled", _("已部署")
    LIST_PUBLISHED = "list_published", _("选民名单已公布")
    CANDIDATES_PUBLISHED = "candidates_published", _("候选人已公布")
    VOTED = "voted", _("已投票，待计票")
    TALLIED = "tallied", _("已计票，待确认")
    CERTIFIED = "certified", _("结果已确认公布")
    HANDED_OVER = "handed_over", _("已完成移交")
    FAILED = "failed", _("选举无效")
    CANCELLED = "cancelled", _("已取消")


ORDER = [
    ElectionStatus.SCHEDULED,
    ElectionStatus.LIST_PUBLISHED,
    ElectionStatus.CANDIDATES_PUBLISHED,
    ElectionStatus.VOTED,
    ElectionStatus.TALLIED,
    ElectionStatus.CERTIFIED,
    ElectionStatus.HANDED_OVER,
]
# Steps after which the voter list no longer changes.
LIST_FROZEN = frozenset(ORDER[ORDER.index(ElectionStatus.VOTED) :]) | {
    ElectionStatus.FAILED,
    ElectionStatus.CANCELLED,
}


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("主任")
    DEPUTY = "deputy", _("副主任")
    MEMBER = "member", _("委员")


class VoterCategory(models.TextChoices):
    """登记类别 (村民委员会组织法 第十三条)."""

    REGISTERED_LIVING = "registered_living", _("户籍在本社区并在本社区居住")
    REGISTERED_AWAY = "registered_away", _("户籍在本社区、不在本社区居住，本人表示参加选举")
    RESIDENT_APPLIED = "resident_applied", _("户籍不在本社区、居住一年以上，本人申请并经会议同意")


class RequestKind(models.TextChoices):
    APPLY = "apply", _("申请登记")
    OBJECT_OMITTED = "object_omitted", _("异议：应登记而未登记")
    OBJECT_INCLUDED = "object_included", _("异议：不应登记而登记")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("成立，已更正名单")
    REJECTED = "rejected", _("不成立")


class CandidatePost(models.TextChoices):
    DIRECTOR = "director", _("主任")
    DEPUTY_DIRECTOR = "deputy_director", _("副主任")
    MEMBER = "member", _("委员")


class CandidateStatus(models.TextChoices):
    NOMINEE = "nominee", _("被提名人")
    CANDIDATE = "candidate", _("正式候选人")
    WITHDRAWN = "withdrawn", _("已退出")


class StationKind(models.TextChoices):
    STATION = "station", _("投票站")
    MOBILE = "mobile", _("流动票箱")
    CENTRAL = "central", _("选举大会会场")


class RecallBasis(models.TextChoices):
    VOTERS = "voters", _("有选举权的选民联名")
    REPRESENTATIVES = "representatives", _("居民（村民）代表联名")


class RecallStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提出，待投票")
    PASSED = "passed", _("罢免通过")
    REJECTED = "rejected", _("罢免未通过")
    INVALID = "invalid", _("投票无效")


class ProxyChannel(models.TextChoices):
    OFFICE = "office", _("到选举委员会办理")
    PORTAL = "portal", _("本人网上办理")


class EntryMode(models.TextChoices):
    """How a station's paper count reaches the platform; a station uses one or the other."""

    SHEET = "sheet", _("录入计票单")
    BALLOTS = "ballots", _("逐张录入选票")


class ElectionMode(models.TextChoices):
    """选举方式 (城市居民委员会组织法 第八条; 村民委员会组织法 第十一条, R2.3d)."""

    DIRECT = "direct", _("选民直接选举")
    HOUSEHOLD = "household", _("户代表选举")
    GROUP_REPRESENTATIVES = "group_representatives", _("居民小组代表选举")
