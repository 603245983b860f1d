"""The affairs supervision committee (居务监督委员会/村务监督委员会) and who may serve on it.

村民委员会组织法 第三十二条: "村民委员会成员及其近亲属不得担任村务监督机构成员。" The
directory keeps a member as a name, a post and optionally the account of the person
(``Membership.user``); the registry links an account to its record (``Resident.user``) and
a record to its household with the relationship to the householder (GB/T 4761). So the
platform checks, for a candidate against every current member (主任、副主任、委员) of the
same community's residents'/villagers'/gacha committee:

1. **the same person**: the same linked account, or the same registry record behind two
   accounts, or — when either side has no linked account — the same name (the committee
   must link the account to tell two namesakes apart);
2. **close relatives living together**: both linked to registry records in the same
   household whose relationships to the householder make them close relatives in the
   sense of 民法典 第一千零四十五条 (spouses, parents and children, siblings, grandparents
   and grandchildren). Relatives in other households are not in the registry as such
   and cannot be checked; the committee's declaration covers them.

The same check runs when a member signs off: a supervisor who later joined the committee,
or whose relative did, can no longer sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.organisations.models import (
    COMMITTEE_KINDS,
    COMMITTEE_MEMBER_POSTS,
    Membership,
    OrganisationKind,
)
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import Resident

# GB/T 4761 family relationship codes, grouped by their relation to the householder.
HOUSEHOLDER = "H"
SPOUSE = "S"
CHILD = "C"
GRANDCHILD = "G"
PARENT = "P"
PARENT_IN_LAW = "L"
GRANDPARENT = "A"
SIBLING = "B"


def relation_group(code: str) -> str:
    """The group of a GB/T 4761 code: 01/02 householder, 1x spouse, 2x/3x child, 4x
    grandchild, 50–52 and 57–59 parent, 53–56 parent-in-law, 6x grandparent, 7x sibling;
    "" for other relatives and non-relatives."""
    if code in ("01", "02"):
        return HOUSEHOLDER
    if len(code) != 2 or not code.isdigit():
        return ""
    tens, units = code[0], code[1]
    if tens == "5":
        return PARENT_IN_LAW if units in "3456" else PARENT
    return {
        "1": SPOUSE,
        "2": CHILD,
        "3": CHILD,
        "4": GRANDCHILD,
        "6": GRANDPARENT,
        "7": SIBLING,
    }.get(tens, "")


# Pairs of groups that are close relatives of each other (民法典 第一千零四十五条), derived
# through the householder: the householder's child and the householder's spouse are
# parent and child, two children of the householder are siblings, and so on. Pairs whose
# kinship the codes leave open (a child and a grandchild: parent, or aunt and nephew) are
# left out rather than guessed.
CLOSE_PAIRS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in [
        (HOUSEHOLDER, SPOUSE),
        (HOUSEHOLDER, CHILD),
        (HOUSEHOLDER, GRANDCHILD),
        (HOUSEHOLDER, PARENT),
        (HOUSEHOLDER, GRANDPARENT),
        (HOUSEHOLDER, SIBLING),
        (SPOUSE, CHILD),
        (SPOUSE, GRANDCHILD),
        (SPOUSE, PARENT_IN_LAW),
        (CHILD, CHILD),
        (PARENT, PARENT),
        (PARENT, SIBLING),
        (PARENT, CHILD),
        (PARENT, GRANDPARENT),
        (PARENT_IN_LAW, PARENT_IN_LAW),
        (PARENT_IN_LAW, CHILD),
        (SIBLING, SIBLING),
        (SIBLING, GRANDPARENT),
    ]
)


def are_close_relatives(first: str, second: str) -> bool:
    """Whether two members of one household, by their codes, are close relatives."""
    a, b = relation_group(first), relation_group(second)
    return bool(a and b) and frozenset((a, b)) in CLOSE_PAIRS


@dataclass(frozen=True)
class Candidate:
    """A person to check: their name and, when known, their account."""

    name: str
    user_id: int | None


def _records(user_ids: set[int]) -> dict[int, Resident]:
    rows = Resident.objects.filter(user_id__in=user_ids, status=ResidentStatus.ACTIVE).only(
        "id", "user_id", "household_id", "relationship"
    )
    return {row.user_id: row for row in rows if row.user_id is not None}


def committee_members(community_code: str, on: date) -> list[Membership]:
    return list(
        Membership.objects.current(on)
        .filter(
            organisation__region_code=community_code,
            organisation__kind__in=COMMITTEE_KINDS,
            organisation__is_active=True,
            post__in=COMMITTEE_MEMBER_POSTS,
        )
        .select_related("organisation")
    )


def bar_reasons(candidate: Candidate, community_code: str, *, on: date | None = None) -> list[str]:
    """Why the candidate may not serve on the community's supervision committee (Chinese,
    one reason per conflicting committee member); empty when nothing bars them."""
    day = on or timezone.localdate()
    members = committee_members(community_code, day)
    if not members:
        return []
    user_ids = {m.user_id for m in members if m.user_id is not None}
    if candidate.user_id is not None:
        user_ids.add(candidate.user_id)
    records = _records(user_ids)
    mine = records.get(candidate.user_id) if candidate.user_id is not None else None
    name = candidate.name.strip()
    reasons: list[str] = []
    for member in members:
        theirs = records.get(member.user_id) if member.user_id is not None else None
        post = f"{member.organisation.name}{member.post_label}"
        same_account = candidate.user_id is not None and member.user_id == candidate.user_id
        same_record = mine is not None and theirs is not None and mine.pk == theirs.pk
        unlinked = candidate.user_id is None or member.user_id is None
        if same_account or same_record or (unlinked and member.person_name == name):
            reasons.append(
                _("%(name)s现任%(post)s，居（村）民委员会成员不得担任监督委员会成员")
                % {"name": member.person_name, "post": post}
            )
        elif (
            mine is not None
            and theirs is not None
            and mine.household_id == theirs.household_id
            and are_close_relatives(mine.relationship, theirs.relationship)
        ):
            reasons.append(
                _(
                    "与%(post)s%(name)s同户且为近亲属，居（村）民委员会成员的近亲属不得担任监督委员会成员"
                )
                % {"name": member.person_name, "post": post}
            )
    return reasons


def memberships_of(user: Any, community_code: str, *, on: date | None = None) -> list[Membership]:
    """The account's current memberships of the community's supervision committee."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    return list(
        Membership.objects.current(day)
        .filter(
            user=user,
            organisation__region_code=community_code,
            organisation__kind=OrganisationKind.SUPERVISION_COMMITTEE,
            organisation__is_active=True,
        )
        .select_related("organisation")
    )


def supervised_communities(user: Any, *, on: date | None = None) -> list[str]:
    """The codes of the communities whose supervision committee the account sits on."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    return sorted(
        set(
            Membership.objects.current(day)
            .filter(
                user=user,
                organisation__kind=OrganisationKind.SUPERVISION_COMMITTEE,
                organisation__is_active=True,
            )
            .values_list("organisation__region_code", flat=True)
        )
    )
