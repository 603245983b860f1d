"""Elections in the resident portal: am I on the voter list, where do I vote, and the
published proxies and results (R2.3d). Reads start from the account's own registry records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.elections import actions, deadlines, queries
from gongzhi.elections.enums import ElectionStatus
from gongzhi.elections.forms import OwnProxyForm
from gongzhi.elections.models import Proxy, Voter
from gongzhi.residents.models import Resident


@require_GET
@login_required
def my_elections(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    records = list(Resident.objects.filter(user=user).values_list("pk", "region_code"))
    listings = list(queries.my_listings([pk for pk, _code in records])[:10])
    for voter in listings:
        voter.station = queries.station_for(voter)  # type: ignore[attr-defined]
        voter.my_proxy = Proxy.objects.filter(grantor=voter, is_active=True).first()  # type: ignore[attr-defined]
        voter.proxy_open = voter.election.status in (  # type: ignore[attr-defined]
            ElectionStatus.LIST_PUBLISHED,
            ElectionStatus.CANDIDATES_PUBLISHED,
        )
        voter.proxies_by = deadlines.proxies_by(voter.election)  # type: ignore[attr-defined]
    listed = {v.election_id for v in listings}
    others = []
    for _pk, code in records:
        others += [e for e in queries.public_elections(code[:12])[:5] if e.pk not in listed]
    return render(
        request,
        "elections/portal.html",
        {
            "listings": listings,
            "others": others,
            "has_record": bool(records),
            "proxy_form": OwnProxyForm(),
        },
    )


@require_POST
@login_required
def file_proxy(request: HttpRequest, pk: int) -> HttpResponse:
    """委托投票 from afar: the voter names a near relative on the same list."""
    user: Any = request.user
    voter = (
        Voter.objects.filter(election_id=pk, resident__user=user, is_listed=True)
        .select_related("election")
        .first()
    )
    if voter is None:
        raise Http404
    form = OwnProxyForm(request.POST)
    if form.is_valid():
        try:
            actions.do_file_own_proxy(
                voter.election,
                holder_name=form.cleaned_data["holder_name"],
                holder_id_number=form.cleaned_data["holder_id_number"],
                relationship=form.cleaned_data["relationship"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("委托投票已办理，将在委托投票名单中公布"))
    else:
        for field, errors in form.errors.items():
            for text in map(str, errors):
                messages.error(request, f"{form.fields[field].label}：{text}")
    return redirect("portal:elections")
