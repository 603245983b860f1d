"""What a resident sees of their own registry record in the portal (我的家庭档案).

Every read starts from the logged-in account (``Resident.user``), never from an id taken
from the request, so a resident can reach only their own household. ID and phone numbers
are shown masked, their own included: the portal never decrypts.

"谁查看了我的信息" is PIPL transparency (Art. 44–45): the ``PII_UNMASKED`` ledger events
whose object is the resident's record, with the time, what was viewed, and the viewer's
role and region — not the viewer's account name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from gongzhi.accounts.models import Role, User
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.models import Organisation, OrganisationKind
from gongzhi.regions.models import Region
from gongzhi.residents.actions import do_link_resident_account
from gongzhi.residents.enums import ResidentStatus
from gongzhi.residents.models import Household, Resident

# The most recent views shown; the ledger keeps them all.
VIEWS_SHOWN = 100
COMMITTEE_KINDS = (
    OrganisationKind.RESIDENTS_COMMITTEE,
    OrganisationKind.VILLAGERS_COMMITTEE,
    OrganisationKind.GACHA_COMMITTEE,
)
DEMO_ACCOUNT = "demo_resident"
DEMO_COMMUNITY = "152201001001"
RESIDENT_OBJECT_TYPE = Resident._meta.label_lower


@dataclass
class View:
    """One unmasking of the resident's record, as the resident is shown it."""

    at: datetime
    field: str  # "id_number" or "phone"
    roles: list[str]  # role labels of the viewer
    region_name: str  # the viewer's region, "" when unknown


def own_record(user: Any) -> Resident | None:
    """The account's current registry record, or None when none is linked."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Resident.objects.filter(user=user, status=ResidentStatus.ACTIVE)
        .select_related("household", "community")
        .order_by("id")
        .first()
    )


def household_members(record: Resident) -> list[Resident]:
    """The current members of the record's household, householder first (masked columns only)."""
    return list(
        Resident.objects.filter(household_id=record.household_id, status=ResidentStatus.ACTIVE)
        .only(
            "id",
            "name",
            "relationship",
            "sex",
            "id_number_masked",
            "phone_masked",
            "household_id",
        )
        .order_by("relationship", "id")
    )


def _role_labels(roles: str) -> list[str]:
    labels = []
    for code in filter(None, roles.split(",")):
        try:
            labels.append(str(Role(code).label))
        except ValueError:
            labels.append(code)
    return labels


def views_of(record: Resident) -> list[View]:
    """Who unmasked this record's ID or phone number, newest first."""
    events = list(
        Event.objects.filter(
            type=EventType.PII_UNMASKED,
            object_type=RESIDENT_OBJECT_TYPE,
            object_id=str(record.pk),
        ).order_by("-seq")[:VIEWS_SHOWN]
    )
    actor_ids = {event.actor_id for event in events if event.actor_id}
    regions = {
        user.pk: user.region.name if user.region is not None else ""
        for user in User.objects.filter(pk__in=actor_ids).select_related("region")
    }
    return [
        View(
            at=event.at,
            field=str((event.summary or {}).get("field", "")),
            roles=_role_labels(event.actor_roles),
            region_name=regions.get(event.actor_id, ""),
        )
        for event in events
    ]


def committee_of(region: Region | None) -> Organisation | None:
    """The residents' (villagers', gacha) committee of a community: its public office contact."""
    if region is None or not isinstance(region, Region):
        return None
    return (
        Organisation.objects.filter(region=region, kind__in=COMMITTEE_KINDS, is_active=True)
        .order_by("id")
        .first()
    )


@transaction.atomic
def link_demo_resident_account() -> Resident | None:
    """Link the demo account ``demo_resident`` to a demo record, for ``make run``.

    Picks the first registered resident of 万佳社区 (152201001001) whose household has at
    least two current members, and only when the account has no record yet: running it
    again changes nothing. Returns the linked record, or None when the account or such a
    record does not exist. The link is made by ``do_link_resident_account`` with no actor
    (the demo loader), which checks it like any other and writes it to the ledger.
    """
    account = User.objects.filter(username=DEMO_ACCOUNT).first()
    if account is None:
        return None
    existing = Resident.objects.filter(user=account).order_by("id").first()
    if existing is not None:
        return existing
    households = (
        Household.objects.filter(community__code=DEMO_COMMUNITY)
        .annotate(current=Count("members", filter=Q(members__status=ResidentStatus.ACTIVE)))
        .filter(current__gte=2)
    )
    record = (
        Resident.objects.select_for_update()
        .filter(
            household__in=households,
            status=ResidentStatus.ACTIVE,
            user__isnull=True,
        )
        .order_by("id")
        .first()
    )
    if record is None:
        return None
    return do_link_resident_account(record, account, actor=None)
