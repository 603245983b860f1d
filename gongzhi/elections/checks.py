"""Checks on the slate of candidates and on the new committee (R2.3d), each citing its rule.

The composition of the new committee reuses the committee rules of
``gongzhi.organisations.composition`` (``composition_rules``): director and members local
residents, women members, size. Elections add the smaller-ethnic-group member of a
multi-ethnic community (``election.minority_member_in_multiethnic``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongzhi.core.codes import SEX_FEMALE
from gongzhi.elections import policies
from gongzhi.elections.enums import CandidatePost, CandidateStatus
from gongzhi.elections.models import Candidate, Election, Voter
from gongzhi.elections.rulebook import as_int, cited, rule, value
from gongzhi.organisations import policies as committee_policies
from gongzhi.organisations.composition import composition_rules
from gongzhi.organisations.models import COMMITTEE_MEMBER_POSTS
from gongzhi.policy.queries import policy_value


def ethnic_counts(election: Election) -> Counter[str]:
    """Listed voters per ethnicity (GB/T 3304 code); one aggregate query."""
    rows = (
        Voter.objects.filter(election=election, is_listed=True)
        .values_list("resident__ethnicity")
        .order_by()
    )
    return Counter(code for (code,) in rows)


def is_multiethnic(counts: Counter[str]) -> bool:
    return len([code for code, n in counts.items() if code and n]) > 1


def is_smaller_group(ethnicity: str, counts: Counter[str]) -> bool:
    """``ethnicity`` is not the community's largest group (人数较少的民族)."""
    if not ethnicity or not counts:
        return False
    largest = counts.most_common(1)[0][0]
    return ethnicity != largest


def slate_errors(election: Election, candidates: Sequence[Candidate]) -> dict[str, list[str]]:
    """Why the candidates cannot be published yet, per field; empty when they can."""
    errors: dict[str, list[str]] = {}
    standing = [c for c in candidates if c.status != CandidateStatus.WITHDRAWN]
    competitive = rule(election, policies.COMPETITIVE)
    if competitive.value:
        for post in CandidatePost:
            seats = election.seats_for(post)
            count = sum(1 for c in standing if c.post == post)
            if seats and count <= seats:
                errors.setdefault("candidates", []).append(
                    cited(
                        _("%(post)s候选人 %(count)d 人，应多于应选名额 %(seats)d 人（差额选举）")
                        % {"post": post.label, "count": count, "seats": seats},
                        competitive,
                    )
                )
    women = rule(election, policies.MIN_WOMEN_CANDIDATES)
    count_women = sum(1 for c in standing if c.sex == SEX_FEMALE)
    if count_women < as_int(women):
        errors.setdefault("candidates", []).append(
            cited(
                _("候选人中妇女 %(count)d 人，应至少 %(minimum)d 人")
                % {"count": count_women, "minimum": women.value},
                women,
            )
        )
    minority = rule(election, policies.MINORITY_CANDIDATE)
    if minority.value:
        counts = ethnic_counts(election)
        if is_multiethnic(counts) and not any(
            is_smaller_group(c.ethnicity, counts) for c in standing
        ):
            errors.setdefault("candidates", []).append(
                cited(_("本社区为多民族居住社区，候选人中应有人数较少的民族的成员"), minority)
            )
    return errors


@dataclass(frozen=True)
class Seat:
    """One member of the new committee as the composition rules see them."""

    name: str
    post: str
    sex: str
    ethnicity: str
    is_local_resident: bool


def seats_of_candidates(candidates: Iterable[Candidate]) -> list[Seat]:
    return [Seat(c.name, c.post, c.sex, c.ethnicity, c.is_local_resident) for c in candidates]


def continuing_seats(election: Election) -> list[Seat]:
    """The members who stay in office through a by-election."""
    day = election.election_day
    return [
        Seat(m.person_name, m.post, m.sex, m.ethnicity, m.is_local_resident)
        for m in election.committee.memberships.current(day).filter(post__in=COMMITTEE_MEMBER_POSTS)
    ]


def composition_breaches(election: Election, seats: Sequence[Seat]) -> list[str]:
    """What the new committee lacks under the composition rules, each with its source."""
    committee = election.committee
    day = election.election_day
    rules = composition_rules(committee.kind, committee.region_code, day)

    def source(key: str) -> str:
        return policy_value(key, committee.region_code, day).source

    breaches: list[str] = []
    directors = [s for s in seats if s.post == CandidatePost.DIRECTOR]
    others = [s for s in seats if s.post != CandidatePost.DIRECTOR]
    if not directors:
        breaches.append(_("没有当选的主任"))
    elif rules.director_local and not directors[0].is_local_resident:
        breaches.append(
            _("主任%(name)s不是本社区居民（依据：%(source)s）")
            % {"name": directors[0].name, "source": source(committee_policies.DIRECTOR_LOCAL)}
        )
    local_others = sum(1 for s in others if s.is_local_resident)
    if local_others < rules.min_local_members:
        breaches.append(
            _("除主任外本社区居民成员 %(count)d 名，应至少 %(minimum)d 名（依据：%(source)s）")
            % {
                "count": local_others,
                "minimum": rules.min_local_members,
                "source": source(committee_policies.MIN_LOCAL_MEMBERS),
            }
        )
    women = sum(1 for s in seats if s.sex == SEX_FEMALE)
    if women < rules.min_women:
        breaches.append(
            _("成员中妇女 %(count)d 名，应至少 %(minimum)d 名（依据：%(source)s）")
            % {
                "count": women,
                "minimum": rules.min_women,
                "source": source(committee_policies.MIN_WOMEN),
            }
        )
    low, high = rules.size_range
    if not low <= len(seats) <= high:
        breaches.append(
            _("成员 %(count)d 人，不在法定的 %(low)d–%(high)d 人范围内")
            % {"count": len(seats), "low": low, "high": high}
        )
    minority = rule(election, policies.MINORITY_MEMBER)
    if value(election, policies.MINORITY_MEMBER):
        counts = ethnic_counts(election)
        if is_multiethnic(counts) and not any(is_smaller_group(s.ethnicity, counts) for s in seats):
            breaches.append(
                cited(_("本社区为多民族居住社区，成员中没有人数较少的民族的成员"), minority)
            )
    return breaches
