"""Paper ballots entered one by one (逐张录入选票), the alternative to a station's tally sheet.

At a station whose ``entry_mode`` is ``EntryMode.BALLOTS`` the counted paper ballots are
bundled (at most ``BALLOTS_PER_BUNDLE`` a bundle) and two clerks enter every bundle
independently; the tally uses the station only when both entries of each bundle agree.
A clerk types one line per ballot, in the bundle's order:

- the numbers of the marked candidates as the entry page lists them (``1 4 7``);
- ``+`` (or ``他``) once for each vote for a person not on the ballot (另选他人);
- ``0`` (or ``空``) for a valid ballot with no mark (弃权);
- ``x`` (or ``废``) for a ballot the counting found invalid (作废).

A ballot carries no voter identity: only its bundle and its place in the bundle.

The tally of the entered ballots is set-based SQL — one ``GROUP BY`` over the marks of the
first entries and one aggregate over the ballots (``totals``) — so that any round can be
counted again from the entered ballots with the same result.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gongzhi.core.actions import FieldErrors
from gongzhi.elections.enums import CandidatePost, EntryMode
from gongzhi.elections.models import (
    BALLOTS_PER_BUNDLE,
    BallotBundle,
    BallotMark,
    Candidate,
    Election,
    EnteredBallot,
)
from gongzhi.elections.tally import Totals

INVALID_TOKENS = frozenset({"x", "X", "废"})
BLANK_TOKENS = frozenset({"0", "空"})
OTHER_TOKENS = frozenset({"+", "他"})
_SPLIT = re.compile(r"[\s,，、;；]+")
_OTHERS_GLUED = re.compile(r"^[+他]+$")


@dataclass(frozen=True)
class PaperBallot:
    """One ballot as entered: invalid, or the candidates marked and the votes for others."""

    invalid: bool = False
    marks: frozenset[int] = field(default_factory=frozenset)
    others: int = 0

    def key(self) -> tuple[bool, tuple[int, ...], int]:
        return (self.invalid, tuple(sorted(self.marks)), self.others)


def numbered(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The round's candidates in the order of the ballot and the entry page: directors,
    deputies, members; the entry number of each is its place in this list, from 1."""
    order = {post: n for n, post in enumerate(CandidatePost.values)}
    return sorted(candidates, key=lambda c: (order[c.post], c.pk))


def parse_line(line: str, numbers: Mapping[int, Candidate]) -> tuple[PaperBallot | None, str]:
    """One typed line as a ballot, or ``None`` and the reason in Chinese."""
    tokens = [t for t in _SPLIT.split(line.strip()) if t]
    if not tokens:
        return None, _("空行：弃权票请录入 0")
    if any(t in INVALID_TOKENS for t in tokens):
        if len(tokens) > 1:
            return None, _("作废票（x）不应再录入其他内容")
        return PaperBallot(invalid=True), ""
    if any(t in BLANK_TOKENS for t in tokens):
        if len(tokens) > 1:
            return None, _("弃权票（0）不应再录入其他内容")
        return PaperBallot(), ""
    marks: set[int] = set()
    others = 0
    for token in tokens:
        if _OTHERS_GLUED.match(token):
            others += len(token)
            continue
        if not token.isdigit() or int(token) not in numbers:
            return None, _("“%(t)s”不是本页列出的候选人编号") % {"t": token}
        number = int(token)
        if numbers[number].pk in marks:
            return None, _("候选人编号 %(n)d 重复") % {"n": number}
        marks.add(numbers[number].pk)
    return PaperBallot(marks=frozenset(marks), others=others), ""


def parse_lines(text: str, candidates: Sequence[Candidate]) -> tuple[list[PaperBallot], list[str]]:
    """Every non-empty line as a ballot; the errors name the line (第 n 张)."""
    numbers = dict(enumerate(numbered(candidates), start=1))
    ballots: list[PaperBallot] = []
    errors: list[str] = []
    lines = [line for line in text.splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        ballot, problem = parse_line(line, numbers)
        if ballot is None:
            errors.append(_("第 %(n)d 张：%(p)s") % {"n": n, "p": problem})
        else:
            ballots.append(ballot)
    return ballots, errors


def as_line(ballot: PaperBallot, numbers: Mapping[int, int]) -> str:
    """A ballot written back as the clerk types it; ``numbers`` maps candidate id to number."""
    if ballot.invalid:
        return "x"
    parts = sorted(numbers.get(cid, 0) for cid in ballot.marks)
    text = " ".join(str(n) for n in parts)
    if ballot.others:
        text = f"{text} {'+' * ballot.others}".strip()
    return text or "0"


def check_ballots(
    ballots: Sequence[PaperBallot],
    *,
    candidates: Sequence[Candidate],
    seats: Mapping[str, int],
    errors: FieldErrors,
) -> None:
    """A valid ballot marks at most the seats of each post, and all its votes (marks and
    另选他人) at most the seats of the round; a ballot marking more was found invalid at
    the count and is entered as ``x``."""
    if not ballots:
        errors.add("ballots", _("选票：请至少录入 1 张"))
    if len(ballots) > BALLOTS_PER_BUNDLE:
        errors.add("ballots", _("选票：每捆最多 %(n)d 张，请分捆录入") % {"n": BALLOTS_PER_BUNDLE})
    posts = {c.pk: c.post for c in candidates}
    total_seats = sum(seats.values())
    for n, ballot in enumerate(ballots, start=1):
        if ballot.invalid:
            continue
        per_post: dict[str, int] = {}
        for cid in ballot.marks:
            if cid not in posts:
                errors.add("ballots", _("第 %(n)d 张：所选的人不是本轮候选人") % {"n": n})
                break
            per_post[posts[cid]] = per_post.get(posts[cid], 0) + 1
        for post, count in per_post.items():
            if count > seats.get(post, 0):
                errors.add(
                    "ballots",
                    _("第 %(n)d 张：%(post)s选了 %(c)d 人，多于应选 %(s)d 名，应按作废票录入（x）")
                    % {
                        "n": n,
                        "post": CandidatePost(post).label,
                        "c": count,
                        "s": seats.get(post, 0),
                    },
                )
        if len(ballot.marks) + ballot.others > total_seats:
            errors.add(
                "ballots",
                _("第 %(n)d 张：共选了 %(c)d 人，多于本轮应选 %(s)d 名，应按作废票录入（x）")
                % {"n": n, "c": len(ballot.marks) + ballot.others, "s": total_seats},
            )


def signature(ballots: Sequence[PaperBallot]) -> str:
    """The digest two entries of a bundle must share to agree."""
    canonical = json.dumps([b.key() for b in ballots], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def rows_for(bundle: BallotBundle, ballots: Sequence[PaperBallot]) -> list[EnteredBallot]:
    return [
        EnteredBallot(
            bundle=bundle,
            election_id=bundle.election_id,
            round=bundle.round,
            entry=bundle.entry,
            position=n,
            is_invalid=ballot.invalid,
            other_votes=ballot.others,
        )
        for n, ballot in enumerate(ballots, start=1)
    ]


def marks_for(papers: Sequence[EnteredBallot], ballots: Sequence[PaperBallot]) -> list[BallotMark]:
    """The mark rows of ``papers`` (saved, with their ids) for the ``ballots`` they hold."""
    return [
        BallotMark(
            ballot_id=paper.pk,
            election_id=paper.election_id,
            round=paper.round,
            entry=paper.entry,
            candidate_id=cid,
        )
        for paper, ballot in zip(papers, ballots, strict=True)
        for cid in sorted(ballot.marks)
    ]


def read_bundle(bundle: BallotBundle) -> list[PaperBallot]:
    """A stored bundle's ballots in order (two queries)."""
    marks: dict[int, set[int]] = {}
    for ballot_id, cid in BallotMark.objects.filter(ballot__bundle=bundle).values_list(
        "ballot_id", "candidate_id"
    ):
        marks.setdefault(ballot_id, set()).add(cid)
    return [
        PaperBallot(invalid=inv, marks=frozenset(marks.get(pk, ())), others=others)
        for pk, inv, others in bundle.papers.order_by("position").values_list(
            "pk", "is_invalid", "other_votes"
        )
    ]


@dataclass
class BundleRow:
    number: int
    entries: list[BallotBundle]

    @property
    def agreed(self) -> bool:
        return len(self.entries) == 2 and self.entries[0].signature == self.entries[1].signature

    @property
    def mismatch(self) -> bool:
        return len(self.entries) == 2 and not self.agreed


@dataclass
class Difference:
    position: int
    first: str
    second: str


def differences(
    first: BallotBundle, second: BallotBundle, numbers: Mapping[int, int]
) -> list[Difference]:
    """The ballots where two entries of a bundle differ, as the clerks typed them."""
    a, b = read_bundle(first), read_bundle(second)
    found = []
    for n in range(1, max(len(a), len(b)) + 1):
        left = a[n - 1] if n <= len(a) else None
        right = b[n - 1] if n <= len(b) else None
        if left != right:
            found.append(
                Difference(
                    n,
                    as_line(left, numbers) if left else "—",
                    as_line(right, numbers) if right else "—",
                )
            )
    return found


def bundle_rows(station: Any, round: int) -> list[BundleRow]:
    """A station's bundles of ``round`` with both entries, by bundle number."""
    rows: dict[int, BundleRow] = {}
    for bundle in (
        station.bundles.filter(round=round).select_related("clerk").order_by("number", "entry")
    ):
        rows.setdefault(bundle.number, BundleRow(bundle.number, [])).entries.append(bundle)
    return list(rows.values())


@dataclass
class StationBallots:
    """One ballot-entry station's state for a round: what keeps it from the tally."""

    station: Any
    bundles: int = 0
    ballots: int = 0
    single: list[int] = field(default_factory=list)
    mismatched: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.bundles) and not (self.single or self.mismatched or self.gaps)


def station_states(election: Election) -> list[StationBallots]:
    """Each ballot-entry station of the current round: bundles, single entries, mismatches
    and missing bundle numbers — one grouped query for the whole election."""
    states = {
        s.pk: StationBallots(s)
        for s in election.stations.filter(entry_mode=EntryMode.BALLOTS).order_by("pk")
    }
    grouped = (
        BallotBundle.objects.filter(election=election, round=election.current_round)
        .values("station_id", "number")
        .annotate(
            entries=Count("pk"),
            signatures=Count("signature", distinct=True),
            ballots=Sum("ballots", filter=Q(entry=1)),
        )
        .order_by("station_id", "number")
    )
    for row in grouped:
        state = states.get(row["station_id"])
        if state is None:
            continue
        state.bundles += 1
        state.ballots += row["ballots"] or 0
        if row["entries"] < 2:
            state.single.append(row["number"])
        elif row["signatures"] > 1:
            state.mismatched.append(row["number"])
    numbers: dict[int, list[int]] = {}
    for row in grouped:
        numbers.setdefault(row["station_id"], []).append(row["number"])
    for station_id, taken in numbers.items():
        if station_id in states:
            states[station_id].gaps = sorted(set(range(1, max(taken) + 1)) - set(taken))
    return list(states.values())


def totals(election: Election, round: int) -> Totals:
    """The first entries of ``round``'s ballots, counted in SQL: the ballots, the invalid,
    the votes for others, and each candidate's marks. Ballot-entry stations have no count
    of issued ballots; the ballots entered stand for both issued and cast."""
    papers = EnteredBallot.objects.filter(election=election, round=round, entry=1)
    counted = papers.aggregate(
        cast=Count("pk"),
        invalid=Count("pk", filter=Q(is_invalid=True)),
        other=Sum("other_votes"),
    )
    votes = dict(
        BallotMark.objects.filter(election=election, round=round, entry=1)
        .values_list("candidate_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cast = counted["cast"] or 0
    return Totals(cast, cast, counted["invalid"] or 0, counted["other"] or 0, votes)


def combine(*parts: Totals) -> Totals:
    votes: dict[int, int] = {}
    for part in parts:
        for cid, n in part.votes.items():
            votes[cid] = votes.get(cid, 0) + n
    return Totals(
        sum(p.issued for p in parts),
        sum(p.cast for p in parts),
        sum(p.invalid for p in parts),
        sum(p.other for p in parts),
        votes,
    )
