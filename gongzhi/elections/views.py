"""Console pages of committee elections under /console/elections/ (R2.3d).

Thin: ``queries`` read inside the jurisdiction (404 outside it), ``actions`` write; an
action's ``ValidationError`` re-renders the form with the Chinese messages beside the fields,
or comes back as messages on the page for one-button steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.console.decorators import staff_required
from gongzhi.core.pagination import CappedPaginator
from gongzhi.elections import actions, ballots, deadlines, pdf, queries
from gongzhi.elections import forms as election_forms
from gongzhi.elections.enums import CandidatePost, CandidateStatus, ElectionStatus
from gongzhi.elections.models import Candidate, Election, ListRequest, PollingStation, Proxy, Voter
from gongzhi.elections.rulebook import remembered, rulebook
from gongzhi.regions.models import Grid
from gongzhi.residents.queries import residents_for

TABS = [
    ("elections:detail", "概况与期限"),
    ("elections:voters", "选民名单"),
    ("elections:proxies", "委托投票"),
    ("elections:candidates", "候选人"),
    ("elections:stations", "投票站与计票单"),
    ("elections:results", "计票与结果"),
]


def _actor(request: HttpRequest) -> Any:
    """The logged-in staff member (``staff_required`` has let only them in)."""
    return request.user


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _flash(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _page(
    request: HttpRequest, election: Election, template: str, tab: str, **extra: Any
) -> HttpResponse:
    user: Any = request.user
    context = {
        "election": election,
        "tabs": [
            {"url": reverse(name, args=[election.pk]), "label": _(label), "active": name == tab}
            for name, label in TABS
        ],
        "can_run": user.has_perm("elections.run_election", election),
        "can_schedule": user.has_perm("elections.schedule_election", election),
        "breadcrumb": [
            {"label": _("委员会选举"), "url": reverse("elections:index")},
            {"label": str(election.committee), "url": ""},
        ],
        **extra,
    }
    return render(request, template, context)


def _load(request: HttpRequest, pk: int) -> Election:
    election = queries.access_election(request.user, pk)
    _require(request, "elections.view_election", election)
    return election


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The street's (or county's) overview: every election with each legal deadline."""
    _require(request, "elections.use_console")
    user: Any = request.user
    status = request.GET.get("status", "")
    today = timezone.localdate()
    everything = queries.elections_for(user)
    page = CappedPaginator(queries.elections_for(user, status), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "elections/index.html",
        {
            "page": page,
            "rows": queries.overview(list(page.object_list), today),
            "stats": queries.stats(everything, today),
            "due": queries.committees_due(user, today),
            "status": status,
            "statuses": ElectionStatus.choices,
            "can_schedule": user.has_perm("elections.schedule_election"),
            "state_labels": deadlines.STATE_LABELS,
            "breadcrumb": [{"label": _("委员会选举"), "url": ""}],
        },
    )


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    _require(request, "elections.schedule_election")
    user: Any = request.user
    form = election_forms.ScheduleForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = actions.do_schedule_election(
                committee=data["committee"],
                kind=data["kind"],
                mode=data["mode"],
                election_day=data["election_day"],
                seats_director=data["seats_director"],
                seats_deputy=data["seats_deputy"],
                seats_member=data["seats_member"],
                note=data["note"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            election_forms.add_action_errors(form, error)
        else:
            messages.success(request, _("选举已部署"))
            return redirect("elections:detail", pk=election.pk)
    return render(
        request,
        "elections/form.html",
        {
            "form": form,
            "title": _("部署选举"),
            "breadcrumb": [
                {"label": _("委员会选举"), "url": reverse("elections:index")},
                {"label": _("部署选举"), "url": ""},
            ],
        },
    )


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    today = timezone.localdate()
    with remembered():
        rows = deadlines.deadlines(election, today)
        rules = rulebook(election)
    return _page(
        request,
        election,
        "elections/detail.html",
        "elections:detail",
        deadlines=rows,
        rules=rules,
        members=election.committee_members.select_related("resident").order_by(
            "left_on", "role", "pk"
        ),
        appoint_form=election_forms.AppointForm(),
        reschedule_form=election_forms.RescheduleForm(
            initial={"election_day": election.election_day}
        ),
        cancel_form=election_forms.CancelForm(),
        public_url=reverse("xuanju:election", args=[election.pk]),
    )


def _post_step(
    request: HttpRequest, pk: int, perm: str, step: Callable[[Election], Any], done: str, back: str
) -> HttpResponse:
    election = _load(request, pk)
    _require(request, perm, election)
    try:
        step(election)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, done)
    return redirect(back, pk=election.pk)


@staff_required
@require_POST
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    _require(request, "elections.schedule_election", election)
    form = election_forms.AppointForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for text in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}：{text}"
                )
        return redirect("elections:detail", pk=pk)
    resident = None
    if form.cleaned_data["resident"]:
        resident = residents_for(request.user).filter(pk=form.cleaned_data["resident"]).first()
        if resident is None:
            messages.error(request, _("居民档案编号：在您的辖区内没有此居民"))
            return redirect("elections:detail", pk=pk)

    def step(e: Election) -> Any:
        return actions.do_appoint_committee_member(
            e,
            person_name=form.cleaned_data["person_name"],
            role=form.cleaned_data["role"],
            resident=resident,
            actor=_actor(request),
            request=request,
        )

    return _post_step(
        request,
        pk,
        "elections.schedule_election",
        step,
        _("已推选选举委员会成员"),
        "elections:detail",
    )


@staff_required
@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    form = election_forms.RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("新的选举日：请填写日期"))
        return redirect("elections:detail", pk=pk)
    return _post_step(
        request,
        pk,
        "elections.schedule_election",
        lambda e: actions.do_reschedule_election(
            e,
            election_day=form.cleaned_data["election_day"],
            actor=_actor(request),
            request=request,
        ),
        _("选举日已变更"),
        "elections:detail",
    )


@staff_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.schedule_election",
        lambda e: actions.do_cancel_election(
            e,
            reason=request.POST.get("reason", ""),
            actor=_actor(request),
            request=request,
        ),
        _("选举已取消"),
        "elections:detail",
    )


@staff_required
def voters(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    grid = request.GET.get("group", "")
    page = CappedPaginator(
        queries.voters_of(election, grid=grid), queries.VOTER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    requests = list(queries.requests_of(election)[:100])
    for item in requests:
        item.answer_by = deadlines.answer_by(item)  # type: ignore[attr-defined]
    return _page(
        request,
        election,
        "elections/voters.html",
        "elections:voters",
        page=page,
        groups=queries.groups_of(election),
        group=grid,
        removed=queries.voters_of(election, listed=False)[:50],
        requests=requests,
        request_form=election_forms.ListRequestForm(),
        decide_form=election_forms.DecideForm(),
        publish_by=deadlines.list_published_by(election),
        objections_until=deadlines.objections_until(election),
        report=request.session.pop(f"election-{pk}-build", None),
    )


@staff_required
def voters_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of one residents' group as PDF, before and after publication."""
    election = _load(request, pk)
    return pdf.voter_list_response(election, request.GET.get("group", ""), request.GET.get("page"))


@staff_required
@require_POST
def build(request: HttpRequest, pk: int) -> HttpResponse:
    def step(e: Election) -> Any:
        report = actions.do_build_voter_list(e, actor=_actor(request), request=request)
        request.session[f"election-{pk}-build"] = {
            **report.as_summary(),
            "on_other_list_names": report.on_other_list_names,
        }
        return report

    return _post_step(
        request, pk, "elections.run_election", step, _("选民名单已生成"), "elections:voters"
    )


@staff_required
@require_POST
def publish_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_publish_voter_list(e, actor=_actor(request), request=request),
        _("选民名单已公布"),
        "elections:voters",
    )


@staff_required
@require_POST
def file_request(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    _require(request, "elections.run_election", election)
    form = election_forms.ListRequestForm(request.POST)
    if form.is_valid():
        resident = residents_for(request.user).filter(pk=form.cleaned_data["resident"]).first()
        if resident is None:
            form.add_error("resident", _("在您的辖区内没有此居民"))
        else:
            data = form.cleaned_data
            try:
                actions.do_file_list_request(
                    election,
                    kind=data["kind"],
                    resident=resident,
                    filed_by=data["filed_by"],
                    reason=data["reason"],
                    meeting_approved_on=data["meeting_approved_on"],
                    actor=_actor(request),
                    request=request,
                )
            except ValidationError as error:
                election_forms.add_action_errors(form, error)
            else:
                messages.success(request, _("已受理"))
                return redirect("elections:voters", pk=pk)
    _form_messages(request, form)
    return redirect("elections:voters", pk=pk)


def _form_messages(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for text in errors:
            messages.error(request, f"{label}：{text}" if label else str(text))


@staff_required
@require_POST
def decide_request(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    election = _load(request, pk)
    _require(request, "elections.run_election", election)
    item = queries.access_in(request.user, ListRequest, election, request_pk)
    form = election_forms.DecideForm(request.POST)
    if form.is_valid():
        try:
            actions.do_decide_list_request(
                item,
                upheld=form.cleaned_data["upheld"],
                note=form.cleaned_data["note"],
                actor=_actor(request),
                request=request,
            )
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("已处理"))
    else:
        _form_messages(request, form)
    return redirect("elections:voters", pk=pk)


@staff_required
def proxies(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    form = election_forms.ProxyForm(request.POST or None)
    if request.method == "POST":
        _require(request, "elections.run_election", election)
        if form.is_valid():
            grantor = queries.access_in(request.user, Voter, election, form.cleaned_data["grantor"])
            holder = queries.access_in(request.user, Voter, election, form.cleaned_data["holder"])
            try:
                actions.do_record_proxy(
                    election,
                    grantor=grantor,
                    holder=holder,
                    relationship=form.cleaned_data["relationship"],
                    actor=_actor(request),
                    request=request,
                )
            except ValidationError as error:
                election_forms.add_action_errors(form, error)
            else:
                messages.success(request, _("委托投票已办理"))
                return redirect("elections:proxies", pk=pk)
    return _page(
        request,
        election,
        "elections/proxies.html",
        "elections:proxies",
        proxies=queries.proxies_of(election),
        form=form,
        proxies_by=deadlines.proxies_by(election),
    )


@staff_required
@require_POST
def withdraw_proxy(request: HttpRequest, pk: int, proxy_pk: int) -> HttpResponse:
    election = _load(request, pk)
    proxy = queries.access_in(request.user, Proxy, election, proxy_pk)
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_withdraw_proxy(proxy, actor=_actor(request), request=request),
        _("委托已撤销"),
        "elections:proxies",
    )


@staff_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    form = election_forms.NominateForm(request.POST or None)
    if request.method == "POST":
        _require(request, "elections.run_election", election)
        if form.is_valid():
            voter = queries.access_in(request.user, Voter, election, form.cleaned_data["voter"])
            try:
                actions.do_nominate_candidate(
                    election,
                    voter=voter,
                    post=form.cleaned_data["post"],
                    nominations=form.cleaned_data["nominations"],
                    actor=_actor(request),
                    request=request,
                )
            except ValidationError as error:
                election_forms.add_action_errors(form, error)
            else:
                messages.success(request, _("提名已登记"))
                return redirect("elections:candidates", pk=pk)
    return _page(
        request,
        election,
        "elections/candidates.html",
        "elections:candidates",
        candidates=[
            *queries.candidates_of(election),
            *election.candidates.filter(status=CandidateStatus.WITHDRAWN),
        ],
        form=form,
    )


@staff_required
@require_POST
def withdraw_candidate(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    election = _load(request, pk)
    candidate = queries.access_in(request.user, Candidate, election, candidate_pk)
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_withdraw_candidate(candidate, actor=_actor(request), request=request),
        _("候选人已退出"),
        "elections:candidates",
    )


@staff_required
@require_POST
def publish_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_publish_candidates(e, actor=_actor(request), request=request),
        _("正式候选人已公布"),
        "elections:candidates",
    )


@staff_required
def stations(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    form = election_forms.StationForm(request.POST or None)
    if request.method == "POST":
        _require(request, "elections.run_election", election)
        if form.is_valid():
            grid = None
            if form.cleaned_data["grid"]:
                grid = (
                    Grid.objects.within(election.region_code)
                    .filter(pk=form.cleaned_data["grid"])
                    .first()
                )
                if grid is None:
                    form.add_error("grid", _("本社区没有此网格"))
            if not form.errors:
                try:
                    actions.do_save_station(
                        election,
                        name=form.cleaned_data["name"],
                        kind=form.cleaned_data["kind"],
                        place=form.cleaned_data["place"],
                        grid=grid,
                        entry_mode=form.cleaned_data["entry_mode"],
                        actor=_actor(request),
                        request=request,
                    )
                except ValidationError as error:
                    election_forms.add_action_errors(form, error)
                else:
                    messages.success(request, _("投票站已设立"))
                    return redirect("elections:stations", pk=pk)
    return _page(
        request,
        election,
        "elections/stations.html",
        "elections:stations",
        sheets=actions.sheet_status(election),
        ballot_stations=ballots.station_states(election),
        form=form,
        grids=Grid.objects.within(election.region_code).order_by("region_code")[:100],
    )


@staff_required
def sheet(request: HttpRequest, pk: int, station_pk: int) -> HttpResponse:
    election = _load(request, pk)
    _require(request, "elections.run_election", election)
    station = queries.access_in(request.user, PollingStation, election, station_pk)
    on_ballot = actions.round_candidates(election)
    own = station.sheets.filter(round=election.current_round, clerk=request.user).first()
    initial: dict[str, Any] = {}
    if own is not None:
        initial = {
            "ballots_issued": own.ballots_issued,
            "ballots_cast": own.ballots_cast,
            "ballots_invalid": own.ballots_invalid,
            "other_votes": own.other_votes,
            **{f"votes_{k}": v for k, v in own.votes.items()},
        }
    form = election_forms.SheetForm(request.POST or None, candidates=on_ballot, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_enter_sheet(
                station,
                ballots_issued=data["ballots_issued"],
                ballots_cast=data["ballots_cast"],
                ballots_invalid=data["ballots_invalid"],
                other_votes=data["other_votes"],
                votes=form.votes(),
                actor=_actor(request),
                request=request,
            )
        except ValidationError as error:
            election_forms.add_action_errors(form, error)
        else:
            messages.success(request, _("计票单已录入"))
            return redirect("elections:stations", pk=pk)
    return _page(
        request,
        election,
        "elections/sheet.html",
        "elections:stations",
        station=station,
        form=form,
        own=own,
    )


@staff_required
def bundles(request: HttpRequest, pk: int, station_pk: int) -> HttpResponse:
    """A ballot-entry station's bundles: each entry, the ballots where two entries differ,
    and the form to enter (or, with ``?number=``, correct) a bundle."""
    election = _load(request, pk)
    _require(request, "elections.run_election", election)
    station = queries.access_in(request.user, PollingStation, election, station_pk)
    candidates = ballots.numbered(actions.round_candidates(election))
    order = {c.pk: n for n, c in enumerate(candidates, start=1)}
    initial: dict[str, Any] = {}
    asked = request.GET.get("number", "")
    if asked.isdigit():
        own = station.bundles.filter(
            round=election.current_round, number=int(asked), clerk=request.user
        ).first()
        initial = {"number": int(asked)}
        if own is not None:
            papers = ballots.read_bundle(own)
            initial.update(
                count=own.ballots, lines="\n".join(ballots.as_line(p, order) for p in papers)
            )
    form = election_forms.BundleForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bundle = actions.do_enter_bundle(
                station,
                number=form.cleaned_data["number"],
                papers=form.papers,
                actor=_actor(request),
                request=request,
            )
        except ValidationError as error:
            election_forms.add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("第 %(n)d 捆已录入（第 %(e)d 次录入）") % {"n": bundle.number, "e": bundle.entry},
            )
            return redirect("elections:bundles", pk=pk, station_pk=station.pk)
    rows = ballots.bundle_rows(station, election.current_round)
    differences = {
        row.number: ballots.differences(row.entries[0], row.entries[1], order)
        for row in rows
        if row.mismatch
    }
    return _page(
        request,
        election,
        "elections/bundles.html",
        "elections:stations",
        station=station,
        form=form,
        candidates=list(enumerate(candidates, start=1)),
        rows=[(row, differences.get(row.number, [])) for row in rows],
        can_enter=election.status in (ElectionStatus.CANDIDATES_PUBLISHED, ElectionStatus.VOTED),
    )


@staff_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    election = _load(request, pk)
    breaches = (
        actions.new_committee_breaches(election)
        if election.status == ElectionStatus.TALLIED
        else election.certified_warnings
    )
    return _page(
        request,
        election,
        "elections/results.html",
        "elections:results",
        rounds=queries.rounds_of(election),
        sheets=actions.sheet_status(election),
        empty=[
            (CandidatePost(post).label, count)
            for post, count in (
                actions.empty_seats(election) if election.rounds.exists() else {}
            ).items()
        ],
        breaches=breaches,
        certify_form=election_forms.CertifyForm(),
        handover_form=election_forms.HandoverForm(initial={"handover_on": timezone.localdate()}),
        handover_by=deadlines.handover_by(election),
    )


@staff_required
@require_POST
def tally(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_tally(e, actor=_actor(request), request=request),
        _("计票完成"),
        "elections:results",
    )


@staff_required
@require_POST
def further_round(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_start_further_round(e, actor=_actor(request), request=request),
        _("已确定另行选举候选人，请录入另行选举的计票单"),
        "elections:results",
    )


@staff_required
@require_POST
def certify(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_certify_election(
            e,
            acknowledge_breaches=request.POST.get("acknowledge_breaches") == "on",
            actor=_actor(request),
            request=request,
        ),
        _("选举结果已确认并公布，新一届委员会成员已登记"),
        "elections:results",
    )


@staff_required
@require_POST
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    form = election_forms.HandoverForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("elections:results", pk=pk)
    return _post_step(
        request,
        pk,
        "elections.run_election",
        lambda e: actions.do_record_handover(
            e,
            handover_on=form.cleaned_data["handover_on"],
            note=form.cleaned_data["note"],
            actor=_actor(request),
            request=request,
        ),
        _("移交已记录"),
        "elections:results",
    )


@staff_required
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper ballot of the current round, print-friendly: the candidates per post in
    the published order, a box to mark, and blank lines for another person (另选他人)."""
    election = _load(request, pk)
    if election.candidates_published_on is None:
        messages.error(request, _("正式候选人公布后才能印制选票"))
        return redirect("elections:candidates", pk=pk)
    on_ballot = actions.round_candidates(election)
    seats = actions.round_seats(election)
    posts = [
        {
            "label": post.label,
            "seats": seats.get(post.value, 0),
            "candidates": [c for c in on_ballot if c.post == post],
        }
        for post in CandidatePost
        if seats.get(post.value)
    ]
    return render(
        request,
        "elections/ballot.html",
        {"election": election, "posts": posts, "blanks": range(2)},
    )
