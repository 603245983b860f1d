"""Reads of polls, always inside the reader's jurisdiction (DESIGN rule 2).

Staff read the polls whose region lies in their jurisdiction (anything else is 404).
Residents read from their own registry record, never from an id in the request alone:
the polls of their community and of its township, once opened. Results are shown only
when the poll's setting allows it (``staff_may_see_results``, ``residents_may_see_results``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from gongzhi.core.scoping import access
from gongzhi.policy.queries import PolicyValue, policy_value
from gongzhi.polls import policies
from gongzhi.polls.actions import count_ballots, electorate
from gongzhi.polls.enums import Channel, PollStatus
from gongzhi.polls.models import Booth, Poll, PollOption, Turnout
from gongzhi.regions.models import CODE_LENGTH, Level
from gongzhi.residents import portal as registry
from gongzhi.residents.models import Resident
from gongzhi.residents.queries import apply_search

PAGE_SIZE = 20
RESIDENT_POLLS_SHOWN = 30
VISIBLE_TO_RESIDENTS = (PollStatus.OPEN, PollStatus.CLOSED, PollStatus.PUBLISHED)


# --- Staff ----------------------------------------------------------------------------------


def polls_for(user: Any, status: str = "") -> QuerySet[Poll]:
    polls = Poll.objects.for_user(user).select_related("region")
    if status in PollStatus.values:
        polls = polls.filter(status=status)
    return polls.order_by("-id")


def access_poll(user: Any, pk: Any) -> Poll:
    return access(Poll.objects.select_related("region", "consultation__owner"), user, pk=pk)


def access_booth(user: Any, poll: Poll, pk: Any) -> Booth:
    try:
        return poll.booths.get(pk=int(pk))
    except (Booth.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def turnout_list(poll: Poll, channel: str = "") -> QuerySet[Turnout]:
    """投票人名单: who voted, by which channel and when — never what they chose when secret."""
    rows = Turnout.objects.filter(poll=poll).select_related("resident", "booth")
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    return rows.order_by("id")


def access_turnout(poll: Poll, pk: Any) -> Turnout:
    try:
        return Turnout.objects.select_related("booth").get(poll=poll, pk=int(pk))
    except (Turnout.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def electorate_search(poll: Poll, q: str) -> QuerySet[Resident]:
    """Persons entitled to vote matching ``q`` (name, pinyin, ID tail), for marking paper voters."""
    on = timezone.localdate(min(timezone.now(), poll.closes_at))
    return apply_search(electorate(poll, on).select_related("household"), q)


def voted_ids(poll: Poll, residents: list[Resident]) -> dict[int, Turnout]:
    rows = Turnout.objects.filter(poll=poll, resident__in=residents).select_related("booth")
    return {row.resident_id: row for row in rows}


def booths_of(poll: Poll) -> list[Booth]:
    return list(poll.booths.annotate(marked=Count("voters")).order_by("id"))


def staff_may_see_results(poll: Poll) -> bool:
    """Staff see counts after the close (to check them before publishing), or live when the
    poll shows results live; a poll hidden until the close stays hidden from staff too."""
    if poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        return True
    return poll.status == PollStatus.OPEN and poll.results_live


def residents_may_see_results(poll: Poll) -> bool:
    """Residents see the published results, or the running count when the poll is live."""
    if poll.status == PollStatus.PUBLISHED:
        return True
    return poll.results_live and poll.status in (PollStatus.OPEN, PollStatus.CLOSED)


# --- Results --------------------------------------------------------------------------------


@dataclass
class OptionResult:
    option: PollOption
    online: int
    paper: int
    carried: bool = False

    @property
    def total(self) -> int:
        return self.online + self.paper


@dataclass
class Results:
    """The count of a poll with its online/paper breakdown and the rules applied to it."""

    poll: Poll
    options: list[OptionResult]
    online_voters: int
    paper_voters: int
    paper_cast: int
    paper_invalid: int
    eligible: int
    majority: PolicyValue
    turnout_rule: PolicyValue | None = None
    turnout_met: bool | None = None
    booths: list[Booth] = field(default_factory=list)
    final: bool = False

    @property
    def voters(self) -> int:
        return self.online_voters + self.paper_voters

    @property
    def turnout_percent(self) -> float | None:
        return round(100 * self.voters / self.eligible, 1) if self.eligible else None

    @property
    def turnout_minimum(self) -> int | None:
        if self.turnout_rule is None:
            return None
        return self.turnout_rule.value.minimum(self.eligible)  # type: ignore[union-attr]


def results(poll: Poll) -> Results:
    """Counts per option, online (from the stored tally after the close, else from the
    ballots) and on paper (from the booths' counts entered so far)."""
    options = list(poll.options.order_by("position"))
    if poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        online = {o.pk: o.online_votes or 0 for o in options}
    else:
        online = count_ballots(poll)
    paper = dict(
        PollOption.objects.filter(poll=poll)
        .annotate(paper=Sum("booth_counts__votes"))
        .values_list("pk", "paper")
    )
    by_channel = dict(
        Turnout.objects.filter(poll=poll)
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    booths = booths_of(poll)
    counted = [b for b in booths if b.has_results]
    day = timezone.localdate(poll.closed_at or min(timezone.now(), poll.closes_at))
    eligible = (
        poll.eligible_count if poll.eligible_count is not None else electorate(poll, day).count()
    )
    majority = policy_value(policies.DECISION_MAJORITY, poll.region_code, day)
    found = Results(
        poll=poll,
        options=[OptionResult(o, online.get(o.pk, 0), paper.get(o.pk) or 0) for o in options],
        online_voters=by_channel.get(Channel.ONLINE, 0),
        paper_voters=by_channel.get(Channel.PAPER, 0),
        paper_cast=sum(b.ballots_cast or 0 for b in counted),
        paper_invalid=sum(b.invalid_ballots or 0 for b in counted),
        eligible=eligible,
        majority=majority,
        booths=booths,
        final=poll.status == PollStatus.PUBLISHED,
    )
    for item in found.options:
        item.carried = majority.value.met(item.total, found.voters) if found.voters else False  # type: ignore[union-attr]
    if poll.requires_turnout:
        found.turnout_rule = policy_value(policies.VALID_TURNOUT, poll.region_code, day)
        found.turnout_met = (
            poll.is_valid
            if poll.is_valid is not None
            else found.turnout_rule.value.met(found.voters, eligible)  # type: ignore[union-attr]
        )
    return found


# --- Residents ------------------------------------------------------------------------------


def resident_record(user: Any) -> Resident | None:
    return registry.own_record(user)


def _places_above(code: str) -> list[str]:
    """The community and township codes of a place: the regions whose polls reach it."""
    return [
        code[: CODE_LENGTH[level]]
        for level in (Level.TOWNSHIP, Level.COMMUNITY)
        if len(code) >= CODE_LENGTH[level]
    ]


def polls_for_resident(record: Resident | None) -> QuerySet[Poll]:
    """The opened polls of the resident's community and township, open ones first, with
    their consultation's phases (whether its phase opens voting, ``actions.phase_error``)."""
    if record is None:
        return Poll.objects.none()
    return (
        Poll.objects.filter(
            region_code__in=_places_above(record.region_code), status__in=VISIBLE_TO_RESIDENTS
        )
        .select_related("region", "consultation")
        .prefetch_related("consultation__phases")
        .order_by("status", "-closes_at", "-id")
    )


def open_polls_of_consultation(record: Resident | None, consultation: Any) -> list[Poll]:
    """The open polls of a consultation that the resident sees (of their community or
    township), for the consultation's page in the portal."""
    polls = polls_for_resident(record).filter(consultation=consultation, status=PollStatus.OPEN)
    return list(polls)


# --- Consultations --------------------------------------------------------------------------


def polls_of_consultation(consultation: Any) -> list[Poll]:
    """Every poll linked to a consultation, newest first, for its console page. Staff
    may see a poll of a place outside their jurisdiction listed here (a street's poll in a
    consultation their community takes part in), not open it."""
    return list(consultation.polls.select_related("region").order_by("-id"))


def access_poll_for_resident(user: Any, pk: Any) -> tuple[Poll, Resident | None]:
    """A poll the resident may see (of their community or township, opened), else 404."""
    record = resident_record(user)
    try:
        poll = polls_for_resident(record).get(pk=int(pk))
    except (Poll.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return poll, record


def my_turnout(record: Resident | None, polls: list[Poll]) -> dict[int, Turnout]:
    """The resident's own turnout rows for these polls (that they voted, how and when)."""
    if record is None or not polls:
        return {}
    rows = Turnout.objects.filter(resident=record, poll__in=polls).select_related("booth")
    return {row.poll_id: row for row in rows}


def participation_of(record: Resident) -> QuerySet[Turnout]:
    """R3.1f: the polls a person took part in (the participation record), newest first:
    when and how they voted, never what they chose in a secret poll."""
    return (
        Turnout.objects.filter(resident=record)
        .select_related("poll", "poll__region", "poll__consultation", "booth")
        .order_by("-id")
    )


def participation_count(record: Resident | None) -> int:
    """R3.1f: how many polls a person voted in, online or on paper (for staff)."""
    return Turnout.objects.filter(resident=record).count() if record is not None else 0
