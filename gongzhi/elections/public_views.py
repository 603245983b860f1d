"""Public election pages at /xuanju/, readable without logging in (R2.3d).

What the law has the election committee post publicly (张榜公布): the voter list (names,
sex and residents' group — no ID number, no address), the formal candidates, the proxies,
and the result. Each part appears only once its step is published; an election whose list
is not yet published is 404. The list of each residents' group is a print-friendly page and
an A4 PDF (``pdf.py``) for posting.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.elections import actions, pdf, queries
from gongzhi.elections.enums import ElectionStatus

PRINT_MAX = 2000  # one residents' group fits; a community without groups pages by this


@require_GET
def election(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.public_election(pk)
    candidates_public = found.candidates_published_on is not None
    results_public = found.status in queries.RESULT_PUBLIC
    return render(
        request,
        "elections/public/election.html",
        {
            "election": found,
            "groups": queries.groups_of(found),
            "candidates": list(queries.candidates_of(found)) if candidates_public else None,
            "rounds": queries.rounds_of(found) if results_public else None,
            "elected": actions.elected_candidates(found) if results_public else None,
            "failed": found.status == ElectionStatus.FAILED,
            "stations": queries.stations_of(found),
        },
    )


@require_GET
def voter_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of one residents' group (``?group=<grid id>`` or ``none``), print-friendly."""
    found = queries.public_election(pk)
    group = request.GET.get("group", "")
    page = Paginator(queries.voters_of(found, grid=group), PRINT_MAX).get_page(
        request.GET.get("page")
    )
    groups = queries.groups_of(found)
    name = next(
        (
            g["name"]
            for g in groups
            if str(g["id"]) == group or (group == "none" and g["id"] is None)
        ),
        "",
    )
    return render(
        request,
        "elections/public/voters.html",
        {"election": found, "page": page, "group": group, "group_name": name, "groups": groups},
    )


@require_GET
def voter_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published list of one residents' group as PDF (``?group=``, ``?page=``)."""
    found = queries.public_election(pk)
    return pdf.voter_list_response(found, request.GET.get("group", ""), request.GET.get("page"))


@require_GET
def proxy_list(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.public_election(pk)
    return render(
        request,
        "elections/public/proxies.html",
        {"election": found, "proxies": queries.proxies_of(found)},
    )
