"""Polls (社区投票): a question put to the residents of a community or a township, answered
online in the portal or on paper at a booth (R2.3e residents' say in community affairs,
R3.1f participation recorded, R3.1h migrants take part where they live).

One person, one vote across channels
------------------------------------
``Turnout`` (投票人名单) holds one row per registry person who voted, online or on paper,
with a unique constraint on ``(poll, resident)``. The online vote inserts that row in the
same transaction as the ballot; staff marking a paper voter insert it too. Whichever
comes second — a second click, a second browser, the paper booth after the portal —
fails at the database, so two concurrent votes of one person cannot both commit.

Secrecy (无记名投票)
--------------------
For a secret poll nothing in the database links a voter to a choice once the poll is
closed. What a vote writes, and why each piece cannot be joined to the other:

- ``Turnout`` says who voted, when and by which channel. For a secret poll its
  ``open_choices`` stays empty (a check at write time, and the tests assert it).
- ``Ballot`` says what was chosen: the poll and the sorted ids of the chosen options.
  It has no voter, no account, no time column and no sequence: its primary key is a
  random UUID (``uuid4``), so key order says nothing about arrival order.
- While a poll is open, the storage itself still remembers arrival order: a heap
  table's physical order (PostgreSQL ``ctid``, SQLite ``rowid``) follows insertion, and
  on PostgreSQL a ballot row's ``xmin`` is the id of the transaction that also wrote the
  turnout row. Closing the poll therefore *shakes the ballot box*: in the closing
  transaction every ballot of the poll is read, deleted and written again in a random
  order (``secrets.SystemRandom``) with fresh UUIDs, so every ballot then carries the
  closing transaction's ``xmin`` and a position that is random. On PostgreSQL the table
  is vacuumed right after the commit, so the dead row versions with the old order are
  reclaimed; on SQLite the delete runs with ``secure_delete`` on, so freed pages are
  zeroed.
- The ledger event of a secret vote records the poll and the channel, never the
  choice. Option tallies are not updated per vote (a counter that moves at the moment a
  named person votes would tell the choice to anyone watching it): results are counted
  from the ballots, and the final online tally is stored on ``PollOption`` at close.

What this does not cover: someone with access to the database server *while the poll is
open* (the process that records a vote necessarily sees both halves at that moment), and
physical forensics of write-ahead logs or backups taken while it is open. The
application, its tables and its dumps after close hold no link.

For an open ballot (记名投票) the choice is recorded with the voter in
``Turnout.open_choices``, and the turnout list may show it.

Paper (纸质投票)
----------------
A ``Booth`` is a polling station. While the poll is open staff mark on the turnout list
the registry persons who received a ballot there (so that they cannot also vote online,
and the other way round). After the close they enter the booth's count: ballots issued,
ballots cast, invalid ballots and votes per option (``BoothCount``). Results are
published only when every booth's count is in and matches the persons marked there.

Consultations
-------------
A poll may belong to a consultation (``Poll.consultation``, 议事协商): it is then run in
one of the places taking part, and residents vote in it only while the consultation's
current phase opens voting (``Feature.POLL``, ``consultations.linking``). A poll without
a consultation stands alone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.polls.enums import Channel, ChoiceKind, PollStatus, ResultsVisibility

TITLE_MAX_LENGTH = 100
QUESTION_MAX_LENGTH = 2000
OPTION_MAX_LENGTH = 100
BOOTH_NAME_MAX_LENGTH = 50


class Poll(models.Model):
    """投票 — one question put to the residents of a community or a township."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    question = models.TextField(_("投票事项"), max_length=QUESTION_MAX_LENGTH)
    choice_kind = models.CharField(
        _("选择方式"), max_length=10, choices=ChoiceKind.choices, default=ChoiceKind.SINGLE
    )
    max_choices = models.PositiveSmallIntegerField(_("最多可选"), default=1)
    adults_only = models.BooleanField(_("仅限成年居民"), default=True)
    # R3.1h: migrants living in the region take part unless the poll says otherwise.
    include_migrants = models.BooleanField(_("流动人口可参加"), default=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    is_secret = models.BooleanField(_("无记名投票"), default=True)
    results_visibility = models.CharField(
        _("结果显示"),
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    # The result counts only when turnout meets ``polls.valid_turnout`` (policies.py).
    requires_turnout = models.BooleanField(_("须过半数参加方为有效"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    # The consultation the poll belongs to; empty when it stands alone.
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("所属协商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
    )
    # Set at close: the persons entitled to vote then, the base of the turnout rule.
    eligible_count = models.PositiveIntegerField(_("有投票资格人数"), null=True, blank=True)
    # Set at publication when the poll has a turnout rule: whether the turnout met it.
    is_valid = models.BooleanField(_("结果有效"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止操作时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "status", "id"], name="poll_region_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(max_choices__gte=1), name="poll_max_choices"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="poll_time_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_multiple(self) -> bool:
        return self.choice_kind == ChoiceKind.MULTIPLE

    @property
    def results_live(self) -> bool:
        return self.results_visibility == ResultsVisibility.LIVE


class PollOption(models.Model):
    """选项 — one answer of a poll; ``online_votes`` is the online tally, stored at close."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("选项"), max_length=OPTION_MAX_LENGTH)
    online_votes = models.PositiveIntegerField(_("网上得票"), null=True, blank=True)

    class Meta:
        verbose_name = _("投票选项")
        verbose_name_plural = _("投票选项")
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polloption_position"),
        ]

    def __str__(self) -> str:
        return self.label


class Booth(models.Model):
    """投票站 — a polling station of paper ballots, with its count once entered."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="booths")
    name = models.CharField(_("投票站"), max_length=BOOTH_NAME_MAX_LENGTH)
    ballots_issued = models.PositiveIntegerField(_("发出选票"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    invalid_ballots = models.PositiveIntegerField(_("无效票"), null=True, blank=True)
    results_entered_at = models.DateTimeField(_("计票录入时间"), null=True, blank=True)
    results_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投票站")
        verbose_name_plural = _("投票站")
        ordering = ["poll", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "name"], name="booth_poll_name"),
            models.CheckConstraint(
                condition=Q(ballots_cast__lte=F("ballots_issued")), name="booth_cast_issued"
            ),
            models.CheckConstraint(
                condition=Q(invalid_ballots__lte=F("ballots_cast")), name="booth_invalid_cast"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_results(self) -> bool:
        return self.results_entered_at is not None


class BoothCount(models.Model):
    """投票站计票 — the votes of one option counted at one booth."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="counts")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="booth_counts")
    votes = models.PositiveIntegerField(_("得票"))

    class Meta:
        verbose_name = _("投票站计票")
        verbose_name_plural = _("投票站计票")
        constraints = [
            models.UniqueConstraint(fields=["booth", "option"], name="boothcount_option"),
        ]

    def __str__(self) -> str:
        return f"{self.booth_id}/{self.option_id}: {self.votes}"


class Turnout(models.Model):
    """投票人名单 — who voted, when and how (online or at which booth); never, for a secret
    poll, what they chose."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="turnout")
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("投票人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("投票方式"), max_length=10, choices=Channel.choices)
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("投票站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voters",
    )
    voted_at = models.DateTimeField(_("投票时间"), auto_now_add=True)
    # The voter's own account online; the staff member who marked a paper voter.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Open ballots only (记名投票): the ids of the chosen options. Always empty when secret.
    open_choices = models.JSONField(_("所投选项（记名）"), default=list, blank=True)

    class Meta:
        verbose_name = _("投票人名单")
        verbose_name_plural = _("投票人名单")
        ordering = ["poll", "id"]
        indexes = [models.Index(fields=["poll", "channel", "id"], name="turnout_poll_channel")]
        constraints = [
            # One person, one vote across channels: the database refuses the second row.
            models.UniqueConstraint(fields=["poll", "resident"], name="turnout_one_vote"),
            models.CheckConstraint(
                condition=Q(channel=Channel.ONLINE, booth__isnull=True)
                | Q(channel=Channel.PAPER, booth__isnull=False),
                name="turnout_booth_paper_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}/{self.resident_id}"


class Ballot(models.Model):
    """选票 — what one online voter chose. No voter, no time, a random key, no default
    ordering: see the module docstring for why it cannot be joined to the turnout list."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Sorted ids of the chosen options (sorted: the order of ticking is no one's business).
    choices = models.JSONField(_("所选选项"), default=list)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self) -> str:
        return str(self.id)
