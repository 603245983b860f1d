"""Scoped reads of the organisations directory.

Everything here starts from ``organisations_for(user)``: the organisations inside the
user's jurisdiction, or none for a user who may not read the directory (residents, the
三员). Ids from a request are fetched with ``access_*``, which raises 404 outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from gongzhi.core.scoping import ScopedQuerySet, access, contains, scope_of, within
from gongzhi.organisations.models import (
    ATTACHABLE_KINDS,
    PARTY_KINDS,
    Membership,
    Organisation,
    OrganisationQuerySet,
)
from gongzhi.organisations.placement import community_code
from gongzhi.regions.models import CODE_LENGTH, Level, Region

PAGE_SIZE = 50


def can_view(user: Any) -> bool:
    return bool(user.has_perm("organisations.view_organisation"))


def can_manage(user: Any, organisation: Organisation | None = None) -> bool:
    return bool(user.has_perm("organisations.manage_organisation", organisation))


def organisations_for(user: Any) -> ScopedQuerySet[Organisation]:
    if not can_view(user):
        return Organisation.objects.none()
    return Organisation.objects.for_user(user)


def access_organisation(user: Any, pk: Any, *, for_write: bool = False) -> Organisation:
    """The organisation ``pk`` if the user may see it (else 404) and, for writing,
    manage it (else 403)."""
    organisation = access(
        organisations_for(user).select_related(
            "region", "compound", "building", "parent", "attached_to"
        ),
        user,
        pk=pk,
    )
    if for_write and not can_manage(user, organisation):
        raise PermissionDenied
    return organisation


def is_visible(user: Any, organisation: Organisation | None) -> bool:
    """Whether a related organisation (a parent, an attachment) may be linked for ``user``."""
    return (
        organisation is not None
        and can_view(user)
        and contains(scope_of(user), organisation.region_code)
    )


def access_membership(user: Any, pk: Any, *, for_write: bool = False) -> Membership:
    if not can_view(user):
        raise Http404
    membership = access(Membership.objects.select_related("organisation", "user"), user, pk=pk)
    if for_write and not user.has_perm("organisations.manage_member", membership.organisation):
        raise PermissionDenied
    return membership


def access_region(user: Any, code: str) -> Region:
    """A division inside the user's jurisdiction by its ``region_code``, else 404."""
    if not can_view(user) or not code.isdigit():
        raise Http404
    return access(Region.objects.all(), user, region_code=code)


def search_organisations(
    user: Any,
    *,
    kind: str = "",
    region_code: str = "",
    query: str = "",
    include_inactive: bool = False,
) -> ScopedQuerySet[Organisation]:
    """The directory list: scoped, then narrowed by kind, place (code prefix) and name."""
    organisations = organisations_for(user)
    if region_code.isdigit():
        organisations = organisations.within(region_code)
    if kind:
        organisations = organisations.filter(kind=kind)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query)
        )
    if not include_inactive:
        organisations = organisations.filter(is_active=True)
    return organisations.select_related("region").order_by("region_code", "kind", "name", "pk")


def region_filter_options(user: Any) -> list[tuple[str, str]]:
    """The user's region and the divisions under it down to township level, for the filter."""
    scope = scope_of(user)
    if not can_view(user):
        return []
    regions = (
        Region.objects.within(scope)
        .filter(is_active=True, level__lte=Level.TOWNSHIP)
        .only("region_code", "name", "level")
        .order_by("region_code")
    )
    options = []
    for region in regions:
        indent = "　" * (region.level - 1)
        options.append((region.region_code, f"{indent}{region.name}"))
    if not options:
        own = Region.objects.filter(region_code=scope).only("region_code", "name").first()
        if own is not None:
            options.append((own.region_code, own.name))
    return options


def region_path(user: Any, code: str) -> list[Region]:
    """The divisions from the user's jurisdiction down to ``code`` (one query)."""
    scope = scope_of(user)
    prefixes = [code[:length] for length in CODE_LENGTH.values() if len(code) >= length]
    prefixes = [prefix for prefix in prefixes if contains(scope, prefix)]
    return list(Region.objects.filter(region_code__in=prefixes).order_by("level"))


def members(organisation: Organisation) -> tuple[list[Membership], list[Membership]]:
    """Current and former members, the current ones in the order of the kind's posts."""
    order: dict[str, int] = {post: index for index, post in enumerate(organisation.posts)}
    all_members = list(organisation.memberships.select_related("user").order_by("start_date", "pk"))
    current = [member for member in all_members if member.is_current()]
    current.sort(
        key=lambda member: (order.get(member.post, len(order)), member.start_date, member.pk)
    )
    former = [member for member in all_members if not member.is_current()]
    former.sort(key=lambda member: member.end_date or member.start_date, reverse=True)
    for member in all_members:
        member.organisation = organisation
    return current, former


@dataclass
class PartyNode:
    organisation: Organisation
    children: list[PartyNode] = field(default_factory=list)


def party_tree(user: Any, organisation: Organisation) -> list[PartyNode]:
    """R2.1a "小三级": the active party organisations of the organisation's community as a tree.

    Empty above community level. One query.
    """
    code = community_code(organisation.region_code)
    if not code:
        return []
    rows = list(
        organisations_for(user)
        .filter(within(code), kind__in=PARTY_KINDS, is_active=True)
        .select_related("compound", "building")
        .order_by("region_code", "name")
    )
    nodes = {row.pk: PartyNode(row) for row in rows}
    roots: list[PartyNode] = []
    for row in rows:
        parent = nodes.get(row.parent_id) if row.parent_id else None
        (parent.children if parent else roots).append(nodes[row.pk])
    return roots


def children_of(user: Any, organisation: Organisation) -> ScopedQuerySet[Organisation]:
    return (
        organisations_for(user)
        .filter(parent=organisation, is_active=True)
        .select_related("region")
        .order_by("region_code", "name")
    )


def _place_related(region: Region) -> Q:
    """Organisations at the region's own place, inside its community, or at a division above."""
    ancestors = [
        region.region_code[:length]
        for length in CODE_LENGTH.values()
        if len(region.region_code) >= length
    ]
    condition = Q(region_code__in=ancestors)
    code = community_code(region.region_code)
    if code:
        condition |= within(code)
    return condition


def parent_choices(region: Region) -> OrganisationQuerySet:
    """Organisations an organisation at ``region`` may report to (the place rules check which)."""
    return (
        Organisation.objects.active()
        .filter(_place_related(region))
        .select_related("region")
        .order_by("region_code", "kind", "name")
    )


def attachable_choices(region: Region) -> OrganisationQuerySet:
    """R2.1c: bodies a party organisation at ``region`` may be built on."""
    return parent_choices(region).filter(kind__in=ATTACHABLE_KINDS)
