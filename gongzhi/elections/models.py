"""Committee elections (居民委员会/村民委员会/嘎查委员会换届选举, R2.3d).

The platform prepares, records and verifies an election held on paper; it does not replace
the paper ballot. What it holds:

- ``Election``: one election of one committee, scheduled by the street or township, with
  the seats per post and the legal dates (``deadlines.py`` computes every deadline).
- ``ElectionCommitteeMember``: the election committee (选举委员会) it appointed.
- ``Voter``: the voter list (选民名单), built from the residents registry (``voterlist.py``),
  one row per registry person, never the same person in two lists of one round.
- ``ListRequest``: applications to be registered and objections to the list, each with
  its statutory deadline.
- ``Proxy``: written proxies (委托投票), published.
- ``Candidate``: nominees and the formal candidates, with the post they stand for.
- ``PollingStation`` and ``TallySheet``: each station's or mobile box's tally sheet,
  entered twice by two clerks; the tally runs only when both entries of every sheet agree.
- ``BallotBundle``, ``EnteredBallot`` and ``BallotMark``: at a station that enters every
  paper ballot instead of its sheet, each bundle of ballots as one clerk entered it (twice,
  by two clerks), each ballot with its marks — and no voter identity (``ballots.py``).
- ``TallyRound`` and ``CandidateResult``: the result of each round, re-computable from the
  sheets and the entered ballots (``tally.py``, ``ballots.py``).
- ``Recall``: a proposal to recall (罢免) a member of the committee and its vote.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.codes import ethnicity_choices, sex_choices
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.elections.enums import (
    CandidatePost,
    CandidateStatus,
    CommitteeRole,
    ElectionKind,
    ElectionMode,
    ElectionStatus,
    EntryMode,
    ProxyChannel,
    RecallBasis,
    RecallStatus,
    RequestKind,
    RequestStatus,
    StationKind,
    VoterCategory,
)

NAME_MAX_LENGTH = 50
NOTE_MAX_LENGTH = 500


class Election(models.Model):
    """选举 — one election (or by-election) of one self-governing committee."""

    committee = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("委员会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("社区（嘎查村）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    kind = models.CharField(
        _("选举类别"), max_length=16, choices=ElectionKind.choices, default=ElectionKind.REGULAR
    )
    # R2.3d 扩大直接选举覆盖面: how the committee is elected, chosen when scheduling.
    mode = models.CharField(
        _("选举方式"), max_length=24, choices=ElectionMode.choices, default=ElectionMode.DIRECT
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=ElectionStatus.choices, default=ElectionStatus.SCHEDULED
    )
    election_day = models.DateField(_("选举日"))
    seats_director = models.PositiveSmallIntegerField(_("应选主任"), default=1)
    seats_deputy = models.PositiveSmallIntegerField(_("应选副主任"), default=0)
    seats_member = models.PositiveSmallIntegerField(_("应选委员"), default=0)
    list_published_on = models.DateField(_("选民名单公布日"), null=True, blank=True)
    candidates_published_on = models.DateField(_("候选人名单公布日"), null=True, blank=True)
    # The round being voted: 1, or 2 for the further round (另行选举) of empty seats.
    current_round = models.PositiveSmallIntegerField(_("当前轮次"), default=1)
    certified_on = models.DateField(_("结果确认日"), null=True, blank=True)
    handover_on = models.DateField(_("移交完成日"), null=True, blank=True)
    handover_note = models.CharField(_("移交情况"), max_length=NOTE_MAX_LENGTH, blank=True)
    # The composition warnings shown and acknowledged at certification (R2.3d).
    certified_warnings = models.JSONField(_("确认时的构成提示"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("部署人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("部署时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = _("选举")
        ordering = ["-election_day", "region_code", "id"]
        indexes = [
            models.Index(fields=["region_code", "election_day"], name="election_region_day"),
            models.Index(fields=["committee", "election_day"], name="election_committee_day"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.get_kind_display()}（{self.election_day}）"

    @property
    def seats(self) -> int:
        return self.seats_director + self.seats_deputy + self.seats_member

    def seats_for(self, post: str) -> int:
        return {
            CandidatePost.DIRECTOR: self.seats_director,
            CandidatePost.DEPUTY_DIRECTOR: self.seats_deputy,
            CandidatePost.MEMBER: self.seats_member,
        }[CandidatePost(post)]


class ElectionCommitteeMember(models.Model):
    """选举委员会成员 — appointed by the street; leaves when nominated as a candidate."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="committee_members"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    person_name = models.CharField(_("姓名"), max_length=NAME_MAX_LENGTH)
    role = models.CharField(
        _("职务"), max_length=8, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appointed_on = models.DateField(_("推选日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    left_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选举委员会成员")
        verbose_name_plural = _("选举委员会成员")
        ordering = ["election", "role", "id"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_role_display()}）"


class Voter(models.Model):
    """选民 — one registry person on the election's voter list."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="voters"
    )
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+"
    )
    # The person's place when listed: the residents' group (grid) for the printed lists.
    region_code = models.CharField(_("辖区编码"), max_length=21)
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("居民小组（网格）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("登记类别"), max_length=20, choices=VoterCategory.choices)
    # The registry says the household registration lies outside this community.
    registered_elsewhere = models.BooleanField(_("户籍地在外"), default=False)
    is_listed = models.BooleanField(_("在名单上"), default=True)
    removed_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    added_on = models.DateField(_("登记日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选民")
        verbose_name_plural = _("选民")
        ordering = ["election", "grid", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "resident"], name="voter_once_per_election"
            ),
        ]
        indexes = [
            models.Index(fields=["election", "is_listed", "grid"], name="voter_election_group"),
            models.Index(fields=["resident", "election"], name="voter_resident"),
        ]

    def __str__(self) -> str:
        return str(self.resident)


class ListRequest(models.Model):
    """选民登记申请或对选民名单的异议（申诉）."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="list_requests"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind.choices)
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("所涉居民"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.CharField(_("申请人/申诉人"), max_length=NAME_MAX_LENGTH)
    filed_on = models.DateField(_("提出日期"))
    reason = models.CharField(_("理由"), max_length=NOTE_MAX_LENGTH)
    # 居住一年以上的非户籍居民: the date the residents' (villagers') meeting or
    # representatives' meeting agreed to the registration.
    meeting_approved_on = models.DateField(_("会议同意日期"), null=True, blank=True)
    status = models.CharField(
        _("处理结果"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=NOTE_MAX_LENGTH, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单申请与异议")
        verbose_name_plural = _("名单申请与异议")
        ordering = ["election", "filed_on", "id"]
        indexes = [models.Index(fields=["election", "status"], name="listrequest_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.resident}"


class Proxy(models.Model):
    """委托投票 — a voter away on election day authorises a near relative to vote."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="proxies"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    grantor = models.ForeignKey(
        Voter, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="proxies_given"
    )
    holder = models.ForeignKey(
        Voter, verbose_name=_("受委托人"), on_delete=models.PROTECT, related_name="proxies_held"
    )
    relationship = models.CharField(_("亲属关系"), max_length=20)
    filed_on = models.DateField(_("办理日期"))
    channel = models.CharField(
        _("办理方式"), max_length=8, choices=ProxyChannel.choices, default=ProxyChannel.OFFICE
    )
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("委托投票")
        verbose_name_plural = _("委托投票")
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grantor"],
                condition=Q(is_active=True),
                name="proxy_one_per_grantor",
                violation_error_message=_("委托人：已办理委托投票"),
            ),
        ]
        indexes = [models.Index(fields=["holder", "is_active"], name="proxy_holder")]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.holder}"


class Candidate(models.Model):
    """候选人 — nominated directly by voters; the person's attributes are copied from the
    registry when nominated, as the composition rules need them (sex, ethnicity, local)."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="candidates"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    voter = models.ForeignKey(
        Voter, verbose_name=_("选民"), on_delete=models.PROTECT, related_name="candidacies"
    )
    name = models.CharField(_("姓名"), max_length=NAME_MAX_LENGTH)
    sex = models.CharField(_("性别"), max_length=1, choices=sex_choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ethnicity_choices, blank=True)
    is_local_resident = models.BooleanField(_("本社区居民"), default=True)
    post = models.CharField(_("竞选职务"), max_length=16, choices=CandidatePost.choices)
    nominations = models.PositiveIntegerField(_("提名人数"), default=1)
    nominated_on = models.DateField(_("提名日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.NOMINEE
    )
    in_further_round = models.BooleanField(_("另行选举候选人"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["election", "post", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "voter"], name="candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class PollingStation(models.Model):
    """投票站 / 流动票箱 / 选举大会会场."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="stations"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    name = models.CharField(_("名称"), max_length=NAME_MAX_LENGTH)
    kind = models.CharField(
        _("类别"), max_length=10, choices=StationKind.choices, default=StationKind.STATION
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    # The residents' group it serves; empty serves the whole community.
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("服务的居民小组（网格）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry_mode = models.CharField(
        _("录入方式"), max_length=8, choices=EntryMode.choices, default=EntryMode.SHEET
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投票站")
        verbose_name_plural = _("投票站")
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="station_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TallySheet(models.Model):
    """计票单 — one clerk's entry of a station's tally sheet for one round.

    Every sheet is entered twice (``entry`` 1 and 2) by two different clerks; the tally
    uses a station's numbers only when both entries agree.
    """

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="sheets"
    )
    station = models.ForeignKey(
        PollingStation, verbose_name=_("投票站"), on_delete=models.PROTECT, related_name="sheets"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    entry = models.PositiveSmallIntegerField(_("录入次序"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ballots_issued = models.PositiveIntegerField(_("发出选票"))
    ballots_cast = models.PositiveIntegerField(_("收回选票"))
    ballots_invalid = models.PositiveIntegerField(_("无效票"))
    # {candidate id: votes}; ``other_votes`` the votes for people not on the list (另选他人).
    votes = models.JSONField(_("候选人得票"), default=dict)
    other_votes = models.PositiveIntegerField(_("另选他人得票"), default=0)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("计票单")
        verbose_name_plural = _("计票单")
        ordering = ["station", "round", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["station", "round", "entry"], name="sheet_entry_once"),
            models.UniqueConstraint(fields=["station", "round", "clerk"], name="sheet_clerk_once"),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.round}-{self.entry}"

    @property
    def ballots_valid(self) -> int:
        return self.ballots_cast - self.ballots_invalid

    def figures(self) -> tuple[int, int, int, int, tuple[tuple[str, int], ...]]:
        """What two entries must agree on."""
        return (
            self.ballots_issued,
            self.ballots_cast,
            self.ballots_invalid,
            self.other_votes,
            tuple(sorted((str(k), int(v)) for k, v in self.votes.items())),
        )


BALLOTS_PER_BUNDLE = 50  # a bundle a clerk enters in one page


class BallotBundle(models.Model):
    """选票捆 — one clerk's entry of one numbered bundle of a station's paper ballots.

    Every bundle is entered twice (``entry`` 1 and 2) by two different clerks; the tally
    uses a station's ballots only when both entries of every bundle agree. ``signature``
    is the digest of the entered ballots (``ballots.signature``): two entries agree when
    their signatures are equal.
    """

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="bundles"
    )
    station = models.ForeignKey(
        PollingStation, verbose_name=_("投票站"), on_delete=models.PROTECT, related_name="bundles"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    number = models.PositiveSmallIntegerField(_("捆号"))
    entry = models.PositiveSmallIntegerField(_("录入次序"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ballots = models.PositiveSmallIntegerField(_("选票张数"))
    signature = models.CharField(_("录入摘要"), max_length=64)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选票捆")
        verbose_name_plural = _("选票捆")
        ordering = ["station", "round", "number", "entry"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "round", "number", "entry"], name="bundle_entry_once"
            ),
            models.UniqueConstraint(
                fields=["station", "round", "number", "clerk"], name="bundle_clerk_once"
            ),
        ]
        indexes = [models.Index(fields=["election", "round"], name="bundle_election_round")]

    def __str__(self) -> str:
        return f"{self.station} {self.round}-{self.number}-{self.entry}"


class EnteredBallot(models.Model):
    """录入的选票 — one paper ballot as one clerk entered it: valid or invalid (作废), and on
    a valid ballot the votes for people not on it (另选他人). No voter identity: a ballot
    is known only by its bundle and its place in the bundle.

    ``election``, ``round`` and ``entry`` repeat the bundle's, so that the tally counts the
    first entries of a round on one index, without a join.
    """

    bundle = models.ForeignKey(
        BallotBundle, verbose_name=_("选票捆"), on_delete=models.CASCADE, related_name="papers"
    )
    # Covered by the index below, which starts with the election.
    election = models.ForeignKey(
        Election,
        verbose_name=_("选举"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    entry = models.PositiveSmallIntegerField(_("录入次序"))
    position = models.PositiveSmallIntegerField(_("捆内序号"))
    is_invalid = models.BooleanField(_("无效票"), default=False)
    other_votes = models.PositiveSmallIntegerField(_("另选他人"), default=0)

    class Meta:
        verbose_name = _("录入的选票")
        verbose_name_plural = _("录入的选票")
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "position"], name="ballot_position_once"),
        ]
        indexes = [
            models.Index(
                fields=["election", "round", "entry", "is_invalid", "other_votes"],
                name="ballot_tally",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle} #{self.position}"


class BallotMark(models.Model):
    """A mark for a candidate on an entered ballot (one row per marked candidate)."""

    ballot = models.ForeignKey(
        EnteredBallot, verbose_name=_("选票"), on_delete=models.CASCADE, related_name="marks"
    )
    # The tally's index below covers the election; candidates are withdrawn, never deleted.
    election = models.ForeignKey(
        Election,
        verbose_name=_("选举"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    entry = models.PositiveSmallIntegerField(_("录入次序"))
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("候选人"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("选票上的选择")
        verbose_name_plural = _("选票上的选择")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="mark_once"),
        ]
        indexes = [
            models.Index(fields=["election", "round", "entry", "candidate"], name="mark_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} {self.candidate_id}"


class TallyRound(models.Model):
    """The tally of one round: the base, the ballots and whether the round is valid."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="rounds"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    round = models.PositiveSmallIntegerField(_("轮次"))
    registered = models.PositiveIntegerField(_("登记选民"))
    ballots_issued = models.PositiveIntegerField(_("发出选票"))
    ballots_cast = models.PositiveIntegerField(_("收回选票"))
    ballots_invalid = models.PositiveIntegerField(_("无效票"))
    is_valid = models.BooleanField(_("选举有效"))
    # The rules applied, with their sources, as they stood on election day.
    rules = models.JSONField(_("适用规则"), default=dict)
    tallied_at = models.DateTimeField(_("计票时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("计票结果")
        verbose_name_plural = _("计票结果")
        ordering = ["election", "round"]
        constraints = [
            models.UniqueConstraint(fields=["election", "round"], name="tallyround_once"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id} {self.round}"


class CandidateResult(models.Model):
    tally = models.ForeignKey(
        TallyRound, verbose_name=_("计票结果"), on_delete=models.CASCADE, related_name="results"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="results"
    )
    votes = models.PositiveIntegerField(_("得票"))
    elected = models.BooleanField(_("当选"))

    class Meta:
        verbose_name = _("候选人得票")
        verbose_name_plural = _("候选人得票")
        ordering = ["tally", "-votes", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["tally", "candidate"], name="result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self.votes}"


class Recall(models.Model):
    """罢免 — voters or representatives propose to recall a member; the voters decide."""

    committee = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("委员会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        verbose_name=_("被罢免的成员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    member_name = models.CharField(_("被罢免人"), max_length=NAME_MAX_LENGTH)
    basis = models.CharField(_("提议方式"), max_length=16, choices=RecallBasis.choices)
    # Those entitled to co-sign: the voters with the right to vote, or the representatives.
    base = models.PositiveIntegerField(_("有权联名的总人数"))
    signatures = models.PositiveIntegerField(_("联名人数"))
    reason = models.CharField(_("罢免理由"), max_length=NOTE_MAX_LENGTH)
    proposed_on = models.DateField(_("提出日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RecallStatus.choices, default=RecallStatus.PROPOSED
    )
    voted_on = models.DateField(_("投票日期"), null=True, blank=True)
    registered = models.PositiveIntegerField(_("登记选民"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成罢免"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("罢免")
        verbose_name_plural = _("罢免")
        ordering = ["-proposed_on", "id"]
        indexes = [models.Index(fields=["region_code", "proposed_on"], name="recall_region_day")]

    def __str__(self) -> str:
        return f"{self.member_name} {self.get_status_display()}"
