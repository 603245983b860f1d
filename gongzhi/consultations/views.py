"""Console pages of consultations under /console/consultations/: topics and their review,
consultations with their phase bar, participants, meetings (attendance, minutes,
decision), implementation items, the report back, overdue items, and a resident's
participation count.

Thin: ``queries`` read inside the jurisdiction (404 outside it), ``actions`` write; an
action's ``ValidationError`` re-renders the page with the Chinese messages beside the
fields (nothing was written).
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
from gongzhi.consultations import actions, linking, queries
from gongzhi.consultations.enums import Feature, PhaseKey, TopicStatus
from gongzhi.consultations.forms import (
    AcceptForm,
    AttendanceForm,
    CommentForm,
    DecisionForm,
    DeclineForm,
    FeaturesForm,
    ItemForm,
    ItemUpdateForm,
    MeetingForm,
    ParticipantForm,
    RaiseTopicForm,
    ReportForm,
    RouteForm,
    add_action_errors,
)
from gongzhi.consultations.models import Consultation, Meeting, Topic
from gongzhi.core.pagination import CappedPaginator
from gongzhi.core.scoping import access
from gongzhi.opinions import queries as opinion_queries
from gongzhi.polls import queries as poll_queries
from gongzhi.residents.models import Resident


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("议事协商"), "url": reverse("consultations:index")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return CappedPaginator(queryset, queries.PAGE_SIZE).get_page(request.GET.get("page"))


# --- Topics ---------------------------------------------------------------------------------


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """议题 — the topics of the jurisdiction, newest first, by status and title."""
    _require(request, "consultations.use_console")
    user: Any = request.user
    topics = queries.topics_for(user)
    status = request.GET.get("status", "")
    if status in TopicStatus.values:
        topics = topics.filter(status=status)
    else:
        status = ""
    text = request.GET.get("q", "").strip()[:50]
    if text:
        topics = topics.filter(title__contains=text)
    return render(
        request,
        "consultations/topic_list.html",
        {
            "page": _page(request, topics),
            "statuses": TopicStatus.choices,
            "status": status,
            "q": text,
            "can_raise": user.has_perm("consultations.raise_topic"),
            "overdue_count": queries.overdue_items(user).count(),
            "breadcrumb": _crumbs(),
        },
    )


@staff_required
def topic_raise(request: HttpRequest) -> HttpResponse:
    """工作人员提出议题 (R4.3a: community planning put to residents)."""
    _require(request, "consultations.raise_topic")
    user: Any = request.user
    form = RaiseTopicForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = actions.do_raise_topic(
                community=data["community"],
                title=data["title"],
                description=data["description"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("议题已提出"))
            return redirect("consultations:topic", pk=topic.pk)
    return render(
        request,
        "consultations/topic_form.html",
        {"form": form, "breadcrumb": _crumbs((_("提出议题"), ""))},
    )


def _topic_page(request: HttpRequest, topic: Topic, **forms_: forms.Form) -> HttpResponse:
    user: Any = request.user
    can_review = user.has_perm("consultations.review_topic", topic) and topic.status in (
        TopicStatus.PROPOSED,
        TopicStatus.ROUTED,
    )
    context: dict[str, Any] = {
        "topic": topic,
        "consultation": queries.consultation_of(topic),
        "comments": topic.comments.order_by("id")[: queries.SHOWN],
        "can_review": can_review,
        "can_comment": user.has_perm("consultations.comment_topic", topic),
        "proposer_count": None
        if topic.raised_by_staff
        else queries.participation_count(topic.proposer_id),
        "accept_form": AcceptForm(topic=topic),
        "route_form": RouteForm(topic=topic),
        "decline_form": DeclineForm(),
        "comment_form": CommentForm(),
        "breadcrumb": _crumbs((topic.title, "")),
    }
    context.update(forms_)
    return render(request, "consultations/topic_detail.html", context)


@staff_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.access_topic(request.user, pk)
    _require(request, "consultations.use_console")
    return _topic_page(request, topic)


def _topic_step(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Topic], forms.Form],
    run: Callable[[Topic, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    topic = queries.access_topic(request.user, pk)
    form = make_form(topic)
    if form.is_valid():
        try:
            result = run(topic, form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, done)
            if isinstance(result, Consultation):
                return redirect("consultations:consultation", pk=result.pk)
            return redirect("consultations:topic", pk=topic.pk)
    return _topic_page(request, topic, **{form_name: form})


@require_POST
@staff_required
def topic_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _topic_step(
        request,
        pk,
        "accept_form",
        lambda topic: AcceptForm(request.POST, topic=topic),
        lambda topic, data: actions.do_accept_topic(
            topic,
            form=data["form"],
            affected=data["affected"],
            title=data["title"],
            actor=user,
            request=request,
        ),
        _("议题已纳入协商"),
    )


@require_POST
@staff_required
def topic_route(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _topic_step(
        request,
        pk,
        "route_form",
        lambda topic: RouteForm(request.POST, topic=topic),
        lambda topic, data: actions.do_route_topic(
            topic, affected=data["affected"], note=data["note"], actor=user, request=request
        ),
        _("议题已转街道（苏木乡镇）牵头"),
    )


@require_POST
@staff_required
def topic_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _topic_step(
        request,
        pk,
        "decline_form",
        lambda topic: DeclineForm(request.POST),
        lambda topic, data: actions.do_decline_topic(
            topic, reason=data["reason"], actor=user, request=request
        ),
        _("已答复不予协商"),
    )


@require_POST
@staff_required
def topic_comment(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _topic_step(
        request,
        pk,
        "comment_form",
        lambda topic: CommentForm(request.POST),
        lambda topic, data: actions.do_comment_topic(
            topic, body=data["body"], actor=user, request=request
        ),
        _("答复已发布"),
    )


# --- Consultations ----------------------------------------------------------------------------


@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    _require(request, "consultations.use_console")
    consultations = queries.consultations_for(request.user)
    phase = request.GET.get("phase", "")
    if phase in PhaseKey.values:
        consultations = consultations.filter(phase=phase)
    else:
        phase = ""
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "page": _page(request, consultations),
            "phases": PhaseKey.choices,
            "phase": phase,
            "breadcrumb": _crumbs((_("协商"), "")),
        },
    )


def _consultation_page(
    request: HttpRequest, consultation: Consultation, **forms_: forms.Form
) -> HttpResponse:
    user: Any = request.user
    can_manage = user.has_perm("consultations.manage_consultation", consultation)
    phases = list(consultation.phases.order_by("order"))
    current_index = next((i for i, p in enumerate(phases) if p.key == consultation.phase), 0)
    items = queries.items_of(consultation)
    polls = poll_queries.polls_of_consultation(consultation)
    for poll in polls:
        poll.can_open = user.has_perm("polls.view_poll", poll)  # type: ignore[attr-defined]
    opinion_maps = opinion_queries.conversations_of_consultation(consultation)
    for conversation in opinion_maps:
        conversation.can_open = user.has_perm(  # type: ignore[attr-defined]
            "opinions.view_conversation", conversation
        )
    context: dict[str, Any] = {
        "consultation": consultation,
        "topic": consultation.topic,
        "phases": phases,
        "current_index": current_index,
        "communities": consultation.communities.select_related("community").order_by("region_code"),
        "participants": consultation.participants.order_by("category", "id"),
        "meetings": queries.meetings_of(consultation),
        "items": items,
        "overdue": sum(1 for item in items if item.is_overdue(timezone.localdate())),
        "milestones": consultation.milestones.order_by("id"),
        "ratings": queries.rating_summary(consultation),
        "polls": polls,
        "opinion_maps": opinion_maps,
        "poll_refusal": linking.phase_refusal(consultation, Feature.POLL),
        "comment_refusal": linking.phase_refusal(consultation, Feature.COMMENT),
        "can_create_poll": user.has_perm("polls.manage_poll"),
        "can_create_map": user.has_perm("opinions.manage_conversation"),
        "can_manage": can_manage,
        "is_last_phase": consultation.phase == PhaseKey.REPORT,
        "feature_forms": [
            (
                phase,
                FeaturesForm(
                    initial={"phase": phase.key, "features": phase.features},
                    auto_id=f"id_features_{phase.key}_%s",
                ),
            )
            for phase in phases
        ],
        "participant_form": ParticipantForm(),
        "meeting_form": MeetingForm(initial={"form": consultation.form}),
        "item_form": ItemForm(consultation=consultation),
        "report_form": ReportForm(initial={"report": consultation.report}),
        "breadcrumb": _crumbs(
            (_("协商"), reverse("consultations:consultations")), (consultation.title, "")
        ),
    }
    context.update(forms_)
    return render(request, "consultations/consultation_detail.html", context)


@staff_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = queries.access_consultation(request.user, pk)
    return _consultation_page(request, consultation)


def _consultation_step(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Consultation], forms.Form],
    run: Callable[[Consultation, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    consultation = queries.access_consultation(request.user, pk)
    form = make_form(consultation)
    if form.is_valid():
        try:
            run(consultation, form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("consultations:consultation", pk=consultation.pk)
    return _consultation_page(request, consultation, **{form_name: form})


@require_POST
@staff_required
def consultation_advance(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = queries.access_consultation(request.user, pk)
    try:
        actions.do_advance_phase(consultation, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已进入下一阶段"))
    return redirect("consultations:consultation", pk=consultation.pk)


@require_POST
@staff_required
def consultation_features(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _consultation_step(
        request,
        pk,
        "features_form",
        lambda c: FeaturesForm(request.POST),
        lambda c, data: actions.do_set_phase_features(
            c, phase=data["phase"], features=data["features"], actor=user, request=request
        ),
        _("阶段功能已调整"),
    )


@require_POST
@staff_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _consultation_step(
        request,
        pk,
        "participant_form",
        lambda c: ParticipantForm(request.POST),
        lambda c, data: actions.do_invite_participant(
            c,
            category=data["category"],
            name=data["name"],
            affiliation=data["affiliation"],
            actor=user,
            request=request,
        ),
        _("已邀请参与人员"),
    )


@require_POST
@staff_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _consultation_step(
        request,
        pk,
        "meeting_form",
        lambda c: MeetingForm(request.POST),
        lambda c, data: actions.do_schedule_meeting(
            c,
            title=data["title"],
            form=data["form"],
            starts_at=data["starts_at"],
            place=data["place"],
            agenda=data["agenda"],
            actor=user,
            request=request,
        ),
        _("会议已安排"),
    )


@require_POST
@staff_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user

    def run(consultation: Consultation, data: dict[str, Any]) -> Any:
        meeting = consultation.meetings.filter(pk=data["meeting"]).first()
        if meeting is None:
            raise ValidationError({"meeting": [_("请选择本协商的会议决定")]})
        return actions.do_create_item(
            consultation,
            meeting=meeting,
            title=data["title"],
            owner_name=data["owner_name"],
            deadline=data["deadline"],
            actor=user,
            request=request,
        )

    return _consultation_step(
        request,
        pk,
        "item_form",
        lambda c: ItemForm(request.POST, consultation=c),
        run,
        _("落实事项已创建"),
    )


@require_POST
@staff_required
def consultation_report(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _consultation_step(
        request,
        pk,
        "report_form",
        lambda c: ReportForm(request.POST),
        lambda c, data: actions.do_report_outcome(
            c, report=data["report"], actor=user, request=request
        ),
        _("结果反馈已发布"),
    )


# --- Meetings -----------------------------------------------------------------------------------


def _meeting_page(request: HttpRequest, meeting: Meeting, **forms_: forms.Form) -> HttpResponse:
    user: Any = request.user
    consultation = meeting.consultation
    context: dict[str, Any] = {
        "meeting": meeting,
        "consultation": consultation,
        "registrations": meeting.registrations.order_by("id"),
        "can_manage": user.has_perm("consultations.manage_consultation", meeting),
        "can_decide": user.has_perm("consultations.decide", meeting),
        "attendance_form": AttendanceForm(
            meeting=meeting,
            initial={
                "base_kind": meeting.base_kind,
                "base_count": meeting.base_count,
                "present_count": meeting.present_count,
                "minutes": meeting.minutes,
                "attended": [
                    str(pk)
                    for pk in meeting.registrations.filter(attended=True).values_list(
                        "pk", flat=True
                    )
                ],
            },
        ),
        "decision_form": DecisionForm(),
        "breadcrumb": _crumbs(
            (consultation.title, reverse("consultations:consultation", args=[consultation.pk])),
            (meeting.title, ""),
        ),
    }
    context.update(forms_)
    return render(request, "consultations/meeting_detail.html", context)


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, queries.access_meeting(request.user, pk))


@require_POST
@staff_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.access_meeting(request.user, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_attendance(
                meeting,
                base_kind=data["base_kind"],
                base_count=data["base_count"],
                present_count=data["present_count"],
                minutes=data["minutes"],
                attended=[int(pk) for pk in data["attended"]],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("出席情况和会议纪要已登记"))
            return redirect("consultations:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, attendance_form=form)


@require_POST
@staff_required
def meeting_decision(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.access_meeting(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_decision(meeting, actor=request.user, request=request, **data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("会议决定已记录"))
            return redirect("consultations:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, decision_form=form)


# --- Implementation -----------------------------------------------------------------------------


@staff_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    item = queries.access_item(user, pk)
    form = ItemUpdateForm(
        request.POST or None, initial={"progress": item.progress, "status": item.status}
    )
    if request.method == "POST":
        _require(request, "consultations.manage_consultation", item)
        if form.is_valid():
            try:
                actions.do_update_item(item, actor=user, request=request, **form.cleaned_data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("落实进展已更新"))
                return redirect("consultations:item", pk=item.pk)
    return render(
        request,
        "consultations/item_detail.html",
        {
            "item": item,
            "overdue": item.is_overdue(timezone.localdate()),
            "updates": item.updates.select_related("actor").order_by("-id"),
            "form": form,
            "can_manage": user.has_perm("consultations.manage_consultation", item),
            "breadcrumb": _crumbs(
                (
                    item.consultation.title,
                    reverse("consultations:consultation", args=[item.consultation_id]),
                ),
                (item.title, ""),
            ),
        },
    )


@staff_required
def overdue(request: HttpRequest) -> HttpResponse:
    """超期落实事项 — items past their deadline and not done, in the jurisdiction."""
    _require(request, "consultations.use_console")
    return render(
        request,
        "consultations/overdue.html",
        {
            "page": _page(request, queries.overdue_items(request.user)),
            "breadcrumb": _crumbs((_("超期落实事项"), "")),
        },
    )


@staff_required
def participation(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """A resident's participation count (R3.1f), for staff of their jurisdiction: in
    consultations, in polls (that they voted, never how) and in opinion maps."""
    resident = access(Resident.objects.all(), request.user, pk=resident_pk)
    _require(request, "consultations.view_participation", resident)
    return render(
        request,
        "consultations/participation.html",
        {
            "resident": resident,
            "count": queries.participation_count(resident.user_id),
            "polls": poll_queries.participation_count(resident),
            "opinions": opinion_queries.participation_count(resident.user_id),
            "breadcrumb": _crumbs((_("参与记录"), "")),
        },
    )
