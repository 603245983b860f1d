"""Who may be on an election's voter list, read from the residents registry (R2.3d).

Registration categories (村民委员会组织法 第十三条; urban committees apply them likewise):

- registered and living in the community (人户一致): listed when the list is built;
- registered here, living elsewhere (户在人不在): listed when they say they take part
  (an application, ``RequestKind.APPLY``);
- living here a year or more without registration here (人在户不在, 流动人口): listed on
  their application with the consent of the residents' (villagers') meeting or the
  representatives' meeting;

in each case 18 or older on election day (``election.voter_age``). Nobody is on two lists
of one round: a person on the list of another election held the same year (neither
cancelled nor declared failed) is left out and named in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from gongzhi.core.bulkload import insert_objects
from gongzhi.core.scoping import within
from gongzhi.elections import policies
from gongzhi.elections.enums import ElectionStatus, VoterCategory
from gongzhi.elections.models import Election, Voter
from gongzhi.elections.rulebook import age_cutoff, integer
from gongzhi.residents.enums import ResidenceSituation, ResidentStatus
from gongzhi.residents.models import Resident

# Elections whose lists do not count against another: they never reached the vote.
NOT_COUNTING = (ElectionStatus.CANCELLED, ElectionStatus.FAILED)
REPORT_NAMES = 50  # the names a build report lists per heading; the counts are complete


def cutoff(election: Election) -> date:
    return age_cutoff(election.election_day, integer(election, policies.VOTER_AGE))


def same_round_lists(election: Election) -> QuerySet[Voter]:
    """Listed voters of the other elections of the same round (the same year)."""
    return (
        Voter.objects.filter(
            is_listed=True, election__election_day__year=election.election_day.year
        )
        .exclude(election__status__in=NOT_COUNTING)
        .exclude(election=election)
    )


def on_other_list(election: Election, resident: Resident) -> Voter | None:
    return same_round_lists(election).filter(resident=resident).select_related("election").first()


def living_here(election: Election) -> QuerySet[Resident]:
    """Active registry persons whose residence lies in the election's community."""
    return Resident.objects.within(election.region_code).filter(status=ResidentStatus.ACTIVE)


def registered_elsewhere(resident: Resident, community_code: str) -> bool:
    """The registry's household registration place lies outside the community."""
    code = resident.registered_region_code
    return bool(code) and not (code.startswith(community_code) or community_code.startswith(code))


def category_for(resident: Resident) -> str:
    if resident.residence_situation == ResidenceSituation.CONSISTENT:
        return VoterCategory.REGISTERED_LIVING
    if resident.residence_situation == ResidenceSituation.LIVING_ELSEWHERE:
        return VoterCategory.REGISTERED_AWAY
    return VoterCategory.RESIDENT_APPLIED


def year_before(day: date) -> date:
    return age_cutoff(day, 1)


@dataclass
class BuildReport:
    added: int = 0
    already: int = 0
    on_other_list: int = 0
    on_other_list_names: list[str] = field(default_factory=list)
    registered_elsewhere_flagged: int = 0
    may_apply_away: int = 0
    may_apply_resident: int = 0
    no_birth_date: int = 0

    def as_summary(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "already": self.already,
            "on_other_list": self.on_other_list,
            "registered_elsewhere_flagged": self.registered_elsewhere_flagged,
            "may_apply_away": self.may_apply_away,
            "may_apply_resident": self.may_apply_resident,
            "no_birth_date": self.no_birth_date,
        }


def build(election: Election, today: date) -> BuildReport:
    """Add every registered-and-living adult not yet listed; report the others.

    One query reads the registry's adults, two the lists (this one and the others of the
    round), and one prepared insert writes (``core.bulkload.insert_objects``: ``bulk_create``
    splits it into 111-row statements on SQLite); nothing is decrypted.
    The caller holds the election row locked.
    """
    report = BuildReport()
    born_by = cutoff(election)
    here = living_here(election)
    community = election.region_code
    listed_ids = set(Voter.objects.filter(election=election).values_list("resident_id", flat=True))
    elsewhere_ids = set(
        same_round_lists(election)
        .filter(within(community, "resident__region_code"))
        .values_list("resident_id", flat=True)
    )
    adults = here.filter(birth_date__lte=born_by)
    rows = (
        adults.filter(residence_situation=ResidenceSituation.CONSISTENT)
        .values_list("pk", "name", "region_code", "household__grid_id", "registered_region_code")
        .order_by()
    )
    category = VoterCategory.REGISTERED_LIVING.value
    new: list[SimpleNamespace] = []
    for pk, name, code, grid_id, registered in rows.iterator(chunk_size=5000):
        if pk in listed_ids:
            report.already += 1
            continue
        if pk in elsewhere_ids:
            report.on_other_list += 1
            if len(report.on_other_list_names) < REPORT_NAMES:
                report.on_other_list_names.append(name)
            continue
        flagged = bool(registered) and not (
            registered.startswith(community) or community.startswith(registered)
        )
        report.registered_elsewhere_flagged += flagged
        new.append(
            SimpleNamespace(
                election_id=election.pk,
                resident_id=pk,
                region_code=code,
                grid_id=grid_id,
                category=category,
                registered_elsewhere=flagged,
                is_listed=True,
                removed_reason="",
                added_on=today,
            )
        )
    insert_objects(Voter, new)
    report.added = len(new)
    listed = Voter.objects.filter(election=election, resident=OuterRef("pk"))
    others = adults.exclude(residence_situation=ResidenceSituation.CONSISTENT).exclude(
        Exists(listed)
    )
    report.may_apply_away = others.filter(
        residence_situation=ResidenceSituation.LIVING_ELSEWHERE
    ).count()
    year = year_before(election.election_day)
    report.may_apply_resident = (
        others.exclude(residence_situation=ResidenceSituation.LIVING_ELSEWHERE)
        .filter(Q(moved_in_on__lte=year) | Q(arrived_on__lte=year))
        .count()
    )
    report.no_birth_date = here.filter(birth_date__isnull=True).count()
    return report


def ineligibility(election: Election, resident: Resident) -> str | None:
    """Why ``resident`` may not be listed in ``election``, in Chinese; ``None`` if they may."""
    from gongzhi.elections.rulebook import cited, rule

    if resident.status != ResidentStatus.ACTIVE:
        return _("该居民的登记状态为“%(status)s”，不能登记为选民") % {
            "status": resident.get_status_display()
        }
    if not resident.region_code.startswith(election.region_code):
        return _("该居民不在本社区居住")
    age = rule(election, policies.VOTER_AGE)
    if resident.birth_date is None or resident.birth_date > cutoff(election):
        return cited(_("截至选举日未满 %(age)s 周岁") % {"age": age.value}, age)
    category = category_for(resident)
    if category == VoterCategory.RESIDENT_APPLIED:
        year = year_before(election.election_day)
        since = resident.moved_in_on or resident.arrived_on
        if since is None or since > year:
            return _(
                "户籍不在本社区的居民，须在本社区居住一年以上方可申请登记"
                "（《中华人民共和国村民委员会组织法》第十三条）"
            )
    other = on_other_list(election, resident)
    if other is not None:
        return _("该居民已登记在%(committee)s的选民名单上，不能在两地同时登记") % {
            "committee": other.election.committee
        }
    return None
