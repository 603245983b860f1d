"""Console pages of polls under /console/polls/: drafts, opening and closing, paper booths
and their counts, the turnout list, and results with the online/paper breakdown (R2.3e).

Thin: ``queries`` read inside the jurisdiction (404 outside it), ``actions`` write; an
action's ``ValidationError`` re-renders the form with the Chinese messages beside the
fields, or comes back as a message on the poll's page for one-button steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.console.decorators import staff_required
from gongzhi.consultations import queries as consultation_queries
from gongzhi.consultations.models import Consultation
from gongzhi.core.pagination import CappedPaginator
from gongzhi.polls import actions, queries
from gongzhi.polls.enums import Channel, PollStatus
from gongzhi.polls.forms import (
    BoothForm,
    BoothResultsForm,
    PollForm,
    add_action_errors,
    poll_initial,
)
from gongzhi.polls.models import Poll
from gongzhi.residents.models import Resident

MARK_CANDIDATES = 20


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("社区投票"), "url": reverse("polls:list")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@staff_required
def poll_list(request: HttpRequest) -> HttpResponse:
    _require(request, "polls.use_console")
    user: Any = request.user
    status = request.GET.get("status", "")
    page = CappedPaginator(queries.polls_for(user, status), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "polls/poll_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PollStatus.choices,
            "can_manage": user.has_perm("polls.manage_poll"),
            "breadcrumb": _crumbs(),
        },
    )


def _save(
    request: HttpRequest, poll: Poll | None, consultation: Consultation | None = None
) -> HttpResponse:
    user: Any = request.user
    if poll is not None:
        consultation = poll.consultation
    form = PollForm(
        request.POST or None,
        initial=poll_initial(poll, consultation),
        user=user,
        consultation=consultation,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = actions.do_save_poll(
                poll,
                region=data["region"],
                title=data["title"],
                question=data["question"],
                options=form.option_labels(),
                choice_kind=data["choice_kind"],
                max_choices=data["max_choices"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                is_secret=data["is_secret"],
                results_visibility=data["results_visibility"],
                adults_only=data["adults_only"],
                include_migrants=data["include_migrants"],
                requires_turnout=data["requires_turnout"],
                consultation=data["consultation"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("投票草稿已保存"))
            return redirect("polls:detail", pk=poll.pk)
    title = poll.title if poll else _("新建投票")
    return render(
        request,
        "polls/poll_form.html",
        {"form": form, "poll": poll, "breadcrumb": _crumbs((title, ""))},
    )


@staff_required
def poll_create(request: HttpRequest) -> HttpResponse:
    """新建投票; ``?consultation=<id>`` links it to that consultation (404 outside sight)."""
    _require(request, "polls.manage_poll")
    wanted = request.GET.get("consultation")
    consultation = (
        consultation_queries.access_consultation(request.user, wanted) if wanted else None
    )
    return _save(request, None, consultation)


@staff_required
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = queries.access_poll(request.user, pk)
    _require(request, "polls.manage_poll", poll)
    return _save(request, poll)


@staff_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    poll = queries.access_poll(user, pk)
    _require(request, "polls.view_poll", poll)
    show = queries.staff_may_see_results(poll)
    consultation = poll.consultation
    return render(
        request,
        "polls/poll_detail.html",
        {
            "poll": poll,
            "consultation": consultation,
            "can_see_consultation": consultation is not None
            and consultation_queries.consultations_for(user).filter(pk=consultation.pk).exists(),
            "phase_error": actions.phase_error(poll) if poll.status == PollStatus.OPEN else None,
            "options": poll.options.order_by("position"),
            "results": queries.results(poll) if show else None,
            "booths": queries.booths_of(poll),
            "turnout_count": poll.turnout.count(),
            "booth_form": BoothForm(),
            "can_manage": user.has_perm("polls.manage_poll", poll),
            "can_record": user.has_perm("polls.record_paper", poll),
            "breadcrumb": _crumbs((poll.title, "")),
        },
    )


def _step(request: HttpRequest, pk: int, action: Callable[..., Poll], done: str) -> HttpResponse:
    poll = queries.access_poll(request.user, pk)
    _require(request, "polls.manage_poll", poll)
    try:
        action(poll, actor=_actor(request), request=request)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("polls:detail", pk=poll.pk)


@staff_required
@require_POST
def poll_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.do_open_poll, _("投票已开始"))


@staff_required
@require_POST
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.do_close_poll, _("投票已截止"))


@staff_required
@require_POST
def poll_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.do_publish_results, _("投票结果已公布"))


@staff_required
@require_POST
def booth_create(request: HttpRequest, pk: int) -> HttpResponse:
    poll = queries.access_poll(request.user, pk)
    _require(request, "polls.record_paper", poll)
    form = BoothForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_booth(
                poll, name=form.cleaned_data["name"], actor=_actor(request), request=request
            )
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("投票站已设立"))
    else:
        messages.error(request, _("请填写投票站名称"))
    return redirect("polls:detail", pk=poll.pk)


@staff_required
def booth_results(request: HttpRequest, pk: int, booth_pk: int) -> HttpResponse:
    poll = queries.access_poll(request.user, pk)
    _require(request, "polls.record_paper", poll)
    booth = queries.access_booth(request.user, poll, booth_pk)
    initial: dict[str, Any] = {}
    if booth.has_results:
        initial = {
            "ballots_issued": booth.ballots_issued,
            "ballots_cast": booth.ballots_cast,
            "invalid_ballots": booth.invalid_ballots,
            **{f"option_{c.option_id}": c.votes for c in booth.counts.all()},
        }
    else:
        initial = {"ballots_issued": booth.voters.count()}
    form = BoothResultsForm(request.POST or None, initial=initial, booth=booth)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_enter_booth_results(
                booth,
                ballots_issued=data["ballots_issued"],
                ballots_cast=data["ballots_cast"],
                invalid_ballots=data["invalid_ballots"],
                counts=form.counts(),
                actor=_actor(request),
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("计票结果已录入"))
            return redirect("polls:detail", pk=poll.pk)
    return render(
        request,
        "polls/booth_results.html",
        {
            "poll": poll,
            "booth": booth,
            "form": form,
            "marked": booth.voters.count(),
            "breadcrumb": _crumbs(
                (poll.title, reverse("polls:detail", args=[poll.pk])), (booth.name, "")
            ),
        },
    )


@staff_required
def turnout(request: HttpRequest, pk: int) -> HttpResponse:
    """投票人名单 — who voted and how (channel, booth, time); never the choice of a secret
    ballot. Staff who record paper search the electorate here and mark paper voters."""
    user: Any = request.user
    poll = queries.access_poll(user, pk)
    _require(request, "polls.view_poll", poll)
    channel = request.GET.get("channel", "")
    page = CappedPaginator(queries.turnout_list(poll, channel), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_record = user.has_perm("polls.record_paper", poll) and poll.status in (
        PollStatus.OPEN,
        PollStatus.CLOSED,
    )
    q = request.GET.get("q", "").strip()
    candidates: list[Resident] = []
    voted: dict[int, Any] = {}
    if can_record and q:
        candidates = list(queries.electorate_search(poll, q)[:MARK_CANDIDATES])
        voted = queries.voted_ids(poll, candidates)
    for person in candidates:
        person.turnout = voted.get(person.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "polls/turnout.html",
        {
            "poll": poll,
            "page": page,
            "channel": channel,
            "channels": Channel.choices,
            "can_record": can_record,
            "open_booths": [b for b in queries.booths_of(poll) if not b.has_results],
            "q": q,
            "candidates": candidates,
            "breadcrumb": _crumbs(
                (poll.title, reverse("polls:detail", args=[poll.pk])), (_("投票人名单"), "")
            ),
        },
    )


@staff_required
@require_POST
def mark_paper_voter(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    poll = queries.access_poll(user, pk)
    _require(request, "polls.record_paper", poll)
    booth = queries.access_booth(user, poll, request.POST.get("booth"))
    on = queries.electorate_search(poll, "").filter(pk=_int(request.POST.get("resident")))
    record = on.first()
    if record is None:
        messages.error(request, _("该居民不在本次投票的范围内"))
    else:
        try:
            actions.do_mark_paper_voter(booth, record, actor=user, request=request)
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(
                request,
                _("已登记 %(name)s 在“%(booth)s”领取纸质选票")
                % {"name": record.name, "booth": booth.name},
            )
    back = reverse("polls:turnout", args=[poll.pk])
    q = request.POST.get("q", "")
    return redirect(f"{back}?{urlencode({'q': q})}" if q else back)


@staff_required
@require_POST
def unmark_paper_voter(request: HttpRequest, pk: int, turnout_pk: int) -> HttpResponse:
    poll = queries.access_poll(request.user, pk)
    _require(request, "polls.record_paper", poll)
    row = queries.access_turnout(poll, turnout_pk)
    try:
        actions.do_unmark_paper_voter(row, actor=_actor(request), request=request)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("已撤销该纸质投票登记"))
    return redirect("polls:turnout", pk=poll.pk)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _actor(request: HttpRequest) -> Any:
    """The logged-in account (the views are behind login)."""
    return request.user
