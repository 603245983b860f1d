"""Reads of outreach, always inside the reader's jurisdiction (DESIGN rule 2).

Staff read by the code prefix of their jurisdiction (``core.scoping``); anything outside
it is 404. Residents read from their own registry record (``Resident.user``), never
from an id in the request: the visits of their township, the offers serving their
community, the open needs of their community (poster's surname only) and their own
needs and offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongzhi.cases.models import Category
from gongzhi.core.scoping import access, scope_of, within
from gongzhi.outreach.enums import NeedStatus
from gongzhi.outreach.models import Match, Need, Offer, ServiceRoute, ServiceStop, ServiceVisit
from gongzhi.regions.models import CODE_LENGTH, Level, Region
from gongzhi.residents import portal as registry

# The portal lists this many coming visits of each kind (own community, rest of township).
RESIDENT_VISITS_SHOWN = 10
PAGE_SIZE = 20


def _ancestors(code: str) -> list[str]:
    """The code and the codes of the divisions above it down to the county: the areas
    an offer may serve and still reach this place."""
    return [code[:n] for n in sorted(set(CODE_LENGTH.values())) if 6 <= n <= len(code)]


# --- Mobile service (R3.2a) ---------------------------------------------------------------


def routes_for(user: Any) -> QuerySet[ServiceRoute]:
    return (
        ServiceRoute.objects.for_user(user)
        .select_related("township", "organisation")
        .order_by("region_code", "name", "id")
    )


def access_route(user: Any, pk: Any) -> ServiceRoute:
    return access(ServiceRoute.objects.select_related("township", "organisation"), user, pk=pk)


def stops_of(route: ServiceRoute) -> QuerySet[ServiceStop]:
    return route.stops.select_related("community").order_by("-is_active", "region_code", "id")


def access_stop(user: Any, pk: Any) -> ServiceStop:
    return access(ServiceStop.objects.select_related("route__township", "community"), user, pk=pk)


def access_visit(user: Any, pk: Any) -> ServiceVisit:
    return access(
        ServiceVisit.objects.select_related("stop__route", "stop__community"), user, pk=pk
    )


def visits_for(user: Any, *, today: date | None = None) -> QuerySet[ServiceVisit]:
    """The coming visits in the staff member's jurisdiction (by the stop's community)."""
    today = today or timezone.localdate()
    return (
        ServiceVisit.objects.for_user(user)
        .filter(date__gte=today)
        .select_related("stop__route", "stop__community")
        .order_by("date", "start_time", "id")
    )


def category_names(codes: set[str] | list[str]) -> dict[str, str]:
    """Names of the case categories, one query for a whole page of visits."""
    return dict(Category.objects.filter(code__in=set(codes)).values_list("code", "name"))


def attach_service_names(visits: list[ServiceVisit]) -> list[ServiceVisit]:
    names = category_names({code for visit in visits for code in visit.services})
    for visit in visits:
        visit.service_names = [names.get(code, code) for code in visit.services]
    return visits


def resident_community(user: Any) -> Region | None:
    """The community of the resident's registry record, else of their account."""
    record = registry.own_record(user)
    if record is not None:
        return record.community
    region = getattr(user, "region", None)
    if region is not None and region.level == Level.COMMUNITY and region.is_active:
        return region
    return None


@dataclass
class NearbyVisits:
    """The next visits near a resident: at stops in their community, elsewhere in the township."""

    community: Region | None
    township: Region | None = None
    own: list[ServiceVisit] = field(default_factory=list)
    township_visits: list[ServiceVisit] = field(default_factory=list)


def nearby_visits(user: Any, *, today: date | None = None) -> NearbyVisits:
    """流动服务 for the portal (R3.2a): coming visits of routes still running, soonest
    first, at stops in the resident's community and in the rest of its township;
    cancelled visits stay in the list with their reason."""
    community = resident_community(user)
    if community is None:
        return NearbyVisits(community=None)
    today = today or timezone.localdate()
    township_code = community.region_code[: CODE_LENGTH[Level.TOWNSHIP]]
    base = (
        ServiceVisit.objects.filter(
            within(township_code),
            date__gte=today,
            stop__is_active=True,
            stop__route__is_active=True,
        )
        .select_related("stop__route", "stop__community")
        .order_by("date", "start_time", "id")
    )
    own = list(base.filter(region_code=community.region_code)[:RESIDENT_VISITS_SHOWN])
    others = list(base.exclude(region_code=community.region_code)[:RESIDENT_VISITS_SHOWN])
    attach_service_names(own + others)
    township = Region.objects.filter(region_code=township_code).first()
    return NearbyVisits(community=community, township=township, own=own, township_visits=others)


# --- Supply and demand (R3.2b) ------------------------------------------------------------


def needs_for(user: Any, status: str = "") -> QuerySet[Need]:
    if not user.has_perm("outreach.view_needs"):
        return Need.objects.none()
    needs = Need.objects.for_user(user).select_related("community", "case")
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    return needs.order_by("-id")


def access_need(user: Any, pk: Any) -> Need:
    return access(needs_for(user), user, pk=pk)


def offers_for(user: Any) -> QuerySet[Offer]:
    """Offers staff may see: inside their jurisdiction, and those recorded for a wider
    area that covers it (a township's offer serves a community worker's needs)."""
    scope = scope_of(user)
    condition = within(scope)
    if scope.isdigit():
        condition |= Q(region_code__in=_ancestors(scope))
    return Offer.objects.filter(condition).select_related("region", "organisation").order_by("-id")


def access_offer(user: Any, pk: Any, *, for_write: bool = False) -> Offer:
    """An offer the user may see (``for_write``: inside their own jurisdiction), or 404."""
    if for_write:
        return access(Offer.objects.select_related("region"), user, pk=pk)
    offers = offers_for(user)
    try:
        return offers.get(pk=pk)
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def offers_serving(community_code: str) -> QuerySet[Offer]:
    """Active offers whose area contains the community (an index lookup per level)."""
    return (
        Offer.objects.filter(region_code__in=_ancestors(community_code), is_active=True)
        .select_related("region", "organisation")
        .order_by("-id")
    )


def matches_of(need: Need) -> QuerySet[Match]:
    return need.matches.select_related("offer").order_by("-id")


def my_needs(user: Any) -> QuerySet[Need]:
    if not getattr(user, "is_authenticated", False):
        return Need.objects.none()
    return (
        Need.objects.filter(poster=user)
        .select_related("case", "community")
        .prefetch_related("matches__offer")
        .order_by("-id")
    )


def my_offers(user: Any) -> QuerySet[Offer]:
    if not getattr(user, "is_authenticated", False):
        return Offer.objects.none()
    return Offer.objects.filter(poster=user).select_related("region").order_by("-id")


def community_needs(community: Region, user: Any) -> QuerySet[Need]:
    """Open needs of the community posted by others (shown with the surname only)."""
    return (
        Need.objects.filter(region_code=community.region_code, status=NeedStatus.OPEN)
        .exclude(poster=user)
        .only("id", "title", "description", "kind", "poster_name", "created_at", "status")
        .order_by("-id")
    )


def access_own_need(user: Any, pk: Any) -> Need:
    return access_mine(my_needs(user), pk)


def access_own_offer(user: Any, pk: Any) -> Offer:
    return access_mine(my_offers(user), pk)


def access_mine(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
