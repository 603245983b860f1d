"""Reads of committee elections, always inside the reader's jurisdiction (DESIGN rule 2).

Staff read the elections of their jurisdiction (``elections_for``; ``access_election``
answers 404 outside it). The public reads what the election committee published: the voter
list once published, the candidates once published, the proxies, and the result once
certified (``public_election``) — without logging in, as the law requires them posted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from gongzhi.core.scoping import access
from gongzhi.elections import deadlines
from gongzhi.elections.enums import (
    CandidatePost,
    CandidateStatus,
    ElectionKind,
    ElectionMode,
    ElectionStatus,
    RequestStatus,
)
from gongzhi.elections.models import (
    Candidate,
    Election,
    ListRequest,
    PollingStation,
    Proxy,
    TallyRound,
    Voter,
)
from gongzhi.elections.rulebook import remembered
from gongzhi.organisations.models import COMMITTEE_KINDS, Organisation

PAGE_SIZE = 20
VOTER_PAGE_SIZE = 50
# Steps at which each public part shows.
LIST_PUBLIC = (
    ElectionStatus.LIST_PUBLISHED,
    ElectionStatus.CANDIDATES_PUBLISHED,
    ElectionStatus.VOTED,
    ElectionStatus.TALLIED,
    ElectionStatus.CERTIFIED,
    ElectionStatus.HANDED_OVER,
    ElectionStatus.FAILED,
)
RESULT_PUBLIC = (ElectionStatus.CERTIFIED, ElectionStatus.HANDED_OVER, ElectionStatus.FAILED)


def elections_for(user: Any, status: str = "") -> QuerySet[Election]:
    if not user.has_perm("elections.use_console"):
        return Election.objects.none()
    queryset = Election.objects.for_user(user).select_related("committee", "region")
    if status in ElectionStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-election_day", "region_code", "pk")


def access_election(user: Any, pk: Any) -> Election:
    if not user.has_perm("elections.use_console"):
        raise Http404
    return access(Election.objects.select_related("committee", "region"), user, pk=pk)


def access_in(user: Any, model: Any, election: Election, pk: Any) -> Any:
    """A row of ``election`` (voter, proxy, station, candidate, request) or 404."""
    return access(model.objects.filter(election=election), user, pk=pk)


@dataclass
class OverviewRow:
    election: Election
    deadlines: list[deadlines.Deadline]
    worst: str
    voters: int


def overview(page: list[Election], today: date) -> list[OverviewRow]:
    """Each election of a page with its deadlines; two queries for the page."""
    pks = [e.pk for e in page]
    requests: dict[int, list[ListRequest]] = {}
    for item in ListRequest.objects.filter(election_id__in=pks).select_related("election"):
        requests.setdefault(item.election_id, []).append(item)
    counts = dict(
        Voter.objects.filter(election_id__in=pks, is_listed=True)
        .values_list("election_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    with remembered():
        for election in page:
            found = deadlines.deadlines(election, today, requests.get(election.pk, []))
            rows.append(
                OverviewRow(election, found, deadlines.worst(found), counts.get(election.pk, 0))
            )
    return rows


DUE_WITHIN_DAYS = 180  # a term ending within half a year shows as an election due


def committees_due(user: Any, today: date) -> dict[str, int]:
    """Committees of the jurisdiction whose term ends within ``DUE_WITHIN_DAYS`` (due) or has
    ended (overdue) with no election scheduled or held since the term began."""
    committees = Organisation.objects.for_user(user).filter(
        kind__in=COMMITTEE_KINDS, is_active=True, term_end__isnull=False
    )
    covered = Election.objects.filter(
        committee=OuterRef("pk"), election_day__gte=OuterRef("term_start")
    ).exclude(status__in=(ElectionStatus.CANCELLED, ElectionStatus.FAILED))
    open_terms = committees.exclude(Exists(covered))
    return {
        "due": open_terms.filter(
            term_end__gte=today, term_end__lte=today + timedelta(days=DUE_WITHIN_DAYS)
        ).count(),
        "overdue": open_terms.filter(term_end__lt=today).count(),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def stats(queryset: QuerySet[Election], today: date) -> dict[str, Any]:
    """Across the jurisdiction: elections by status, overdue, turnout, the share of
    committees whose last certified regular election was direct (直接选举覆盖面), and the
    share of women, local residents and smaller ethnic groups among the elected (R2.3d)."""
    by_status = Counter(dict(queryset.values_list("status").annotate(n=Count("pk")).order_by()))
    overdue_list = queryset.filter(status=ElectionStatus.SCHEDULED, election_day__lt=today).count()
    rounds = list(
        TallyRound.objects.filter(election__in=queryset, round=1).values_list(
            "registered", "ballots_cast"
        )
    )
    registered = sum(r for r, _ in rounds)
    cast = sum(c for _, c in rounds)
    elected = Candidate.objects.filter(
        election__in=queryset.filter(status__in=RESULT_PUBLIC), results__elected=True
    ).distinct()
    shares = elected.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(sex="2")),
        local=Count("pk", filter=Q(is_local_resident=True)),
        minority=Count("pk", filter=~Q(ethnicity="01") & ~Q(ethnicity="")),
    )
    certified = queryset.filter(
        kind=ElectionKind.REGULAR,
        status__in=(ElectionStatus.CERTIFIED, ElectionStatus.HANDED_OVER),
    )
    latest = certified.filter(
        committee=OuterRef("committee"), certified_on__gt=OuterRef("certified_on")
    )
    current = certified.exclude(Exists(latest)).values("committee", "mode").distinct()
    modes = Counter(row["mode"] for row in current)
    committees = sum(modes.values())
    return {
        "by_status": {ElectionStatus(k).label: v for k, v in by_status.items()},
        "committees_elected": committees,
        "direct": modes[ElectionMode.DIRECT],
        "direct_share": _share(modes[ElectionMode.DIRECT], committees),
        "modes": [(ElectionMode(m).label, n) for m, n in sorted(modes.items())],
        "total": sum(by_status.values()),
        "tallied": len(rounds),
        "overdue": overdue_list,
        "turnout": round(cast * 100 / registered, 1) if registered else None,
        "elected": shares["total"],
        "women": shares["women"],
        "local": shares["local"],
        "minority": shares["minority"],
        "women_share": _share(shares["women"], shares["total"]),
        "local_share": _share(shares["local"], shares["total"]),
        "minority_share": _share(shares["minority"], shares["total"]),
    }


def voters_of(election: Election, *, grid: Any = None, listed: bool = True) -> QuerySet[Voter]:
    queryset = Voter.objects.filter(election=election, is_listed=listed).select_related(
        "resident", "grid"
    )
    if grid == "none":
        queryset = queryset.filter(grid__isnull=True)
    elif grid:
        queryset = queryset.filter(grid_id=grid)
    return queryset.order_by("grid_id", "resident__name", "pk")


def groups_of(election: Election) -> list[dict[str, Any]]:
    """The residents' groups (grids) of the listed voters, with counts."""
    rows = (
        Voter.objects.filter(election=election, is_listed=True)
        .values("grid_id", "grid__name")
        .annotate(n=Count("pk"))
        .order_by("grid_id")
    )
    return [{"id": r["grid_id"], "name": r["grid__name"], "count": r["n"]} for r in rows]


def proxies_of(election: Election) -> QuerySet[Proxy]:
    return (
        Proxy.objects.filter(election=election, is_active=True)
        .select_related("grantor__resident", "holder__resident")
        .order_by("pk")
    )


POST_ORDER = {post: n for n, post in enumerate(CandidatePost.values)}


def candidates_of(election: Election) -> list[Candidate]:
    """The standing candidates: directors, then deputies, then members."""
    found = election.candidates.exclude(status=CandidateStatus.WITHDRAWN)
    return sorted(found, key=lambda c: (POST_ORDER[c.post], c.pk))


def requests_of(election: Election) -> QuerySet[ListRequest]:
    return election.list_requests.select_related("resident").order_by("status", "-filed_on", "pk")


def pending_requests(election: Election) -> int:
    return election.list_requests.filter(status=RequestStatus.PENDING).count()


def stations_of(election: Election) -> QuerySet[PollingStation]:
    return election.stations.select_related("grid").order_by("pk")


def rounds_of(election: Election) -> list[TallyRound]:
    return list(election.rounds.prefetch_related("results__candidate").order_by("round"))


def public_election(pk: Any) -> Election:
    """An election whose voter list is published, for the public pages; else 404."""
    try:
        return Election.objects.select_related("committee", "region").get(
            pk=int(pk), status__in=LIST_PUBLIC
        )
    except (Election.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def public_elections(region_code: str) -> QuerySet[Election]:
    return Election.objects.filter(region_code=region_code, status__in=LIST_PUBLIC).order_by(
        "-election_day"
    )


def my_listings(resident_ids: list[int]) -> QuerySet[Voter]:
    """The voter-list entries of these registry records (a resident's own, in the portal)."""
    return (
        Voter.objects.filter(resident_id__in=resident_ids, election__status__in=LIST_PUBLIC)
        .select_related("election__committee", "grid")
        .order_by("-election__election_day")
    )


def station_for(voter: Voter) -> PollingStation | None:
    """Where a voter votes: the station serving their group, else one serving everyone."""
    stations = list(voter.election.stations.all())
    for station in stations:
        if voter.grid_id and station.grid_id == voter.grid_id:
            return station
    return next((s for s in stations if s.grid_id is None), None)
