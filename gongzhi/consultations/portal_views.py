"""Consultations in the resident portal (phone-first): the topics of my community, propose
one, support and comment, sign up for a meeting, follow what was decided and carried out
(采纳、落实、反馈) and rate it, and my participation record (R3.1f).

Every read starts from the logged-in account's own registry record; other residents
appear by surname only. Another community's topic is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.consultations import actions, linking, queries
from gongzhi.consultations.enums import CommentKind, Feature, MeetingStatus
from gongzhi.consultations.forms import CommentForm, RatingForm, TopicForm, add_action_errors
from gongzhi.consultations.models import Topic
from gongzhi.consultations.rules import current_features
from gongzhi.core.pagination import CappedPaginator
from gongzhi.opinions import queries as opinion_queries
from gongzhi.polls import actions as poll_actions
from gongzhi.polls import queries as poll_queries
from gongzhi.residents import portal as registry

TOPICS_PER_PAGE = 20


@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    """议事协商 — the topics of my community, newest first."""
    user: Any = request.user
    record = registry.own_record(user) if user.is_authenticated else None
    page = None
    if record is not None:
        page = CappedPaginator(queries.resident_topics(user), TOPICS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "portal/consultations/topic_list.html",
        {
            "record": record,
            "page": page,
            "can_propose": user.has_perm("consultations.propose_topic") and record is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def topic_new(request: HttpRequest) -> HttpResponse:
    """提出议题 — for the resident's own community."""
    user: Any = request.user
    if not user.has_perm("consultations.propose_topic"):
        raise PermissionDenied(_("只有居民账号可以提出议题"))
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.do_propose_topic(actor=user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("议题已提出，社区会尽快答复"))
            return redirect("portal:topic", pk=topic.pk)
    record = registry.own_record(user)
    return render(
        request,
        "portal/consultations/topic_form.html",
        {"form": form, "community": record.community if record else None},
    )


def _topic_page(request: HttpRequest, topic: Topic, **extra: Any) -> HttpResponse:
    user: Any = request.user
    consultation = queries.consultation_of(topic)
    context: dict[str, Any] = {
        "topic": topic,
        "proposer_label": actions.mask_name(topic.proposer_name)
        if topic.proposer_id != user.pk
        else _("我"),
        "is_proposer": topic.proposer_id == user.pk,
        "supported": topic.supports.filter(user=user).exists(),
        "can_support": user.has_perm("consultations.support_topic", topic),
        "can_comment": user.has_perm("consultations.comment_topic", topic),
        "can_suggest": user.has_perm("consultations.suggest", topic),
        "comments": [
            {
                "author": comment.author_name
                if comment.by_staff or comment.author_id == user.pk
                else actions.mask_name(comment.author_name),
                "comment": comment,
            }
            for comment in topic.comments.order_by("id")[: queries.SHOWN]
        ],
        "comment_form": CommentForm(),
        "consultation": consultation,
        "open_features": sorted(current_features(topic)),
    }
    if consultation is not None:
        phases = list(consultation.phases.order_by("order"))
        record = registry.own_record(user)
        polls = poll_queries.open_polls_of_consultation(record, consultation)
        voted = poll_queries.my_turnout(record, polls)
        for poll in polls:
            poll.my_turnout = voted.get(poll.pk)  # type: ignore[attr-defined]
            poll.window_error = poll_actions.voting_window_error(poll)  # type: ignore[attr-defined]
        context.update(
            polls=polls,
            opinion_maps=opinion_queries.open_conversations_of_consultation(user, consultation),
            poll_refusal=linking.phase_refusal(consultation, Feature.POLL),
            comment_refusal=linking.phase_refusal(consultation, Feature.COMMENT),
            phases=phases,
            current_index=next((i for i, p in enumerate(phases) if p.key == consultation.phase), 0),
            meetings=list(queries.meetings_of(consultation)),
            my_meetings=set(
                topic_meeting
                for topic_meeting in consultation.meetings.filter(
                    registrations__user=user
                ).values_list("pk", flat=True)
            ),
            can_register=user.has_perm("consultations.register_meeting", consultation),
            items=queries.items_of(consultation),
            milestones=consultation.milestones.order_by("id"),
            can_rate=user.has_perm("consultations.rate_outcome", consultation),
            my_rating=consultation.ratings.filter(user=user).first(),
            rating_form=RatingForm(),
            ratings=queries.rating_summary(consultation),
            scheduled=MeetingStatus.SCHEDULED,
        )
    context.update(extra)
    return render(request, "portal/consultations/topic_detail.html", context)


@require_GET
@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _topic_page(request, queries.resident_access_topic(request.user, pk))


@require_POST
@login_required
def topic_support(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.resident_access_topic(request.user, pk)
    try:
        actions.do_support_topic(topic, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已附议"))
    return redirect("portal:topic", pk=topic.pk)


@require_POST
@login_required
def topic_comment(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.resident_access_topic(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_comment_topic(
                topic,
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"] or CommentKind.COMMENT,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("意见已发表"))
            return redirect("portal:topic", pk=topic.pk)
    return _topic_page(request, topic, comment_form=form)


@require_POST
@login_required
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.resident_access_meeting(request.user, pk)
    try:
        actions.do_register_for_meeting(meeting, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已报名，请按时参会"))
    return redirect("portal:topic", pk=meeting.consultation.topic_id)


@require_POST
@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.resident_access_topic(request.user, pk)
    consultation = queries.consultation_of(topic)
    if consultation is None:
        raise PermissionDenied(_("该议题还没有协商结果"))
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.do_rate_outcome(
                consultation,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("portal:topic", pk=topic.pk)
    return _topic_page(request, topic, rating_form=form)


@require_GET
@login_required
def my_participation(request: HttpRequest) -> HttpResponse:
    """我的参与 (R3.1f) — what I proposed, supported, commented, attended and rated, the
    polls I voted in (that and how I voted, never my choice in a secret poll) and the
    opinion maps I took part in (how many statements I added and voted on)."""
    user: Any = request.user
    person = registry.own_record(user)
    turnout = (
        list(poll_queries.participation_of(person)[: queries.SHOWN]) if person is not None else []
    )
    return render(
        request,
        "portal/consultations/my_participation.html",
        {
            "record": queries.participation(user),
            "turnout": turnout,
            "opinion_maps": opinion_queries.participation_of(user),
        },
    )
