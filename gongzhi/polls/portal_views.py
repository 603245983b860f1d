"""Polls in the resident portal (phone-first): the polls of my community and township, my
vote, that I have voted (never what I chose in a secret poll), and the results when the
poll allows it.

Every read starts from the logged-in account's own registry record: a poll of another
community is 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.consultations.rules import takes_part
from gongzhi.polls import actions, queries


@require_GET
@login_required
def poll_list(request: HttpRequest) -> HttpResponse:
    """社区投票 — open polls first, then closed and published ones."""
    record = queries.resident_record(request.user)
    polls = list(queries.polls_for_resident(record)[: queries.RESIDENT_POLLS_SHOWN])
    mine = queries.my_turnout(record, polls)
    for poll in polls:
        poll.my_turnout = mine.get(poll.pk)  # type: ignore[attr-defined]
        poll.window_error = actions.voting_window_error(poll)  # type: ignore[attr-defined]
    return render(request, "polls/portal_list.html", {"polls": polls, "record": record})


def _detail(request: HttpRequest, pk: int, *, errors: list[str] | None = None) -> HttpResponse:
    poll, record = queries.access_poll_for_resident(request.user, pk)
    mine = queries.my_turnout(record, [poll]).get(poll.pk)
    window = actions.voting_window_error(poll)
    reason = None if mine or window else actions.ineligibility(poll, record, timezone.localdate())
    can_vote = mine is None and window is None and reason is None
    options = list(poll.options.order_by("position"))
    consultation = poll.consultation
    chosen = set(mine.open_choices) if mine is not None and not poll.is_secret else set()
    return render(
        request,
        "polls/portal_detail.html",
        {
            "poll": poll,
            "consultation": consultation,
            "takes_part": consultation is not None and takes_part(request.user, consultation),
            "options": options,
            "mine": mine,
            "my_choices": [o for o in options if o.pk in chosen],
            "window_error": window,
            "reason": reason,
            "can_vote": can_vote,
            "errors": errors or [],
            "results": queries.results(poll) if queries.residents_may_see_results(poll) else None,
        },
        status=422 if errors else 200,
    )


@require_GET
@login_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_POST
@login_required
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll, _record = queries.access_poll_for_resident(request.user, pk)
    try:
        actions.do_cast_vote(
            poll, choices=request.POST.getlist("choices"), actor=_actor(request), request=request
        )
    except ValidationError as error:
        return _detail(request, pk, errors=error.messages)
    messages.success(request, _("投票成功，感谢您的参与"))
    return redirect("portal:poll", pk=poll.pk)


def _actor(request: HttpRequest) -> Any:
    """The logged-in account (the views are behind login)."""
    return request.user
