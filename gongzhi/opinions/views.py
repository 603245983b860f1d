"""Console pages of the opinion map under /console/opinions/ (意见地图, R3.1d, R2.3e).

Thin: ``queries`` read inside the jurisdiction (404 outside it), ``actions`` write; an
action's ``ValidationError`` re-renders the form with the Chinese messages beside the
fields, or comes back as a message on the conversation page (nothing was written).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.console.decorators import staff_required
from gongzhi.consultations import queries as consultation_queries
from gongzhi.opinions import actions, display, queries
from gongzhi.opinions.enums import StatementStatus
from gongzhi.opinions.forms import ConversationForm, RejectForm, StatementForm, add_action_errors
from gongzhi.opinions.models import Conversation


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("意见地图"), "url": reverse("opinions:index")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _errors_as_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """意见地图 — the conversations of the jurisdiction, newest first."""
    _require(request, "opinions.use_console")
    page = Paginator(queries.conversations_for(request.user), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "opinions/index.html",
        {
            "page": page,
            "can_create": request.user.has_perm("opinions.manage_conversation"),
            "breadcrumb": _crumbs(),
        },
    )


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    """新建意见地图; ``?consultation=<id>`` links it to that consultation (404 outside sight)."""
    _require(request, "opinions.manage_conversation")
    user: Any = request.user
    wanted = request.GET.get("consultation")
    consultation = consultation_queries.access_consultation(user, wanted) if wanted else None
    initial: dict[str, Any] = {"allow_statements": True, "moderate_first": True}
    if consultation is not None:
        initial["consultation"] = str(consultation.pk)
        if not consultation.is_cross_community:
            initial["region"] = consultation.region_code
    form = ConversationForm(
        request.POST or None, user=user, consultation=consultation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = actions.do_create_conversation(
                region=data["region"],
                title=data["title"],
                description=data["description"],
                statements=form.statement_lines(),
                allow_statements=data["allow_statements"],
                moderate_first=data["moderate_first"],
                consultation=data["consultation"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("意见地图已创建，居民现在可以表态"))
            return redirect("opinions:detail", pk=conversation.pk)
    return render(
        request,
        "opinions/conversation_form.html",
        {"form": form, "conversation": None, "breadcrumb": _crumbs((_("新建意见地图"), ""))},
    )


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    conversation = queries.access_conversation(user, pk)
    _require(request, "opinions.manage_conversation", conversation)
    form = ConversationForm(
        request.POST or None,
        user=user,
        editing=True,
        consultation=conversation.consultation,
        initial={
            "consultation": str(conversation.consultation_id or ""),
            "title": conversation.title,
            "description": conversation.description,
            "allow_statements": conversation.allow_statements,
            "moderate_first": conversation.moderate_first,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_edit_conversation(
                conversation,
                title=data["title"],
                description=data["description"],
                allow_statements=data["allow_statements"],
                moderate_first=data["moderate_first"],
                consultation=data["consultation"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("opinions:detail", pk=conversation.pk)
    return render(
        request,
        "opinions/conversation_form.html",
        {
            "form": form,
            "conversation": conversation,
            "breadcrumb": _crumbs(
                (conversation.title, reverse("opinions:detail", args=[conversation.pk])),
                (_("修改"), ""),
            ),
        },
    )


def _texts(conversation: Conversation) -> dict[int, str]:
    return dict(queries.live_statements(conversation).values_list("pk", "text"))


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A conversation: the map, the groups and consensus, the statements and moderation."""
    user: Any = request.user
    conversation = queries.access_conversation(user, pk)
    _require(request, "opinions.view_conversation", conversation)
    statements = list(queries.statements_with_counts(conversation))
    snapshot = queries.snapshot_of(conversation)
    view = None
    if snapshot is not None:
        view = display.map_view(
            snapshot,
            {s.pk: s.text for s in statements if s.status == StatementStatus.ACCEPTED},
        )
    consultation = conversation.consultation
    return render(
        request,
        "opinions/detail.html",
        {
            "conversation": conversation,
            "consultation": consultation,
            "can_see_consultation": consultation is not None
            and consultation_queries.consultations_for(user).filter(pk=consultation.pk).exists(),
            "phase_error": actions.phase_error(conversation) if conversation.is_open else None,
            "statements": [s for s in statements if s.status != StatementStatus.PENDING],
            "pending": [s for s in statements if s.status == StatementStatus.PENDING],
            "participants": queries.participant_count(conversation),
            "map": view,
            "stale": snapshot is not None and actions.is_stale(conversation),
            "can_manage": user.has_perm("opinions.manage_conversation", conversation),
            "statement_form": StatementForm(),
            "reject_form": RejectForm(),
            "breadcrumb": _crumbs((conversation.title, "")),
        },
    )


@staff_required
@require_POST
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    conversation = queries.access_conversation(user, pk)
    _require(request, "opinions.manage_conversation", conversation)
    form = StatementForm(request.POST)
    form.is_valid()
    try:
        actions.do_add_statement(
            conversation, text=form.cleaned_data.get("text", ""), actor=user, request=request
        )
    except ValidationError as error:
        _errors_as_message(request, error)
    else:
        messages.success(request, _("观点已添加"))
    return redirect("opinions:detail", pk=conversation.pk)


@staff_required
def statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    statement = queries.access_statement(user, pk)
    conversation = statement.conversation
    _require(request, "opinions.manage_conversation", conversation)
    form = StatementForm(request.POST or None, initial={"text": statement.text})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_statement(
                statement, text=form.cleaned_data["text"], actor=user, request=request
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("观点已修改"))
            return redirect("opinions:detail", pk=conversation.pk)
    return render(
        request,
        "opinions/statement_form.html",
        {
            "form": form,
            "statement": statement,
            "breadcrumb": _crumbs(
                (conversation.title, reverse("opinions:detail", args=[conversation.pk])),
                (_("修改观点"), ""),
            ),
        },
    )


@staff_required
@require_POST
def statement_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """采用 (``decision=accept``) or 不采用 with a reason (``decision=reject``)."""
    user: Any = request.user
    statement = queries.access_statement(user, pk)
    _require(request, "opinions.manage_conversation", statement.conversation)
    accept = request.POST.get("decision") == "accept"
    try:
        actions.do_moderate_statement(
            statement,
            accept=accept,
            reason=request.POST.get("reason", ""),
            actor=user,
            request=request,
        )
    except ValidationError as error:
        _errors_as_message(request, error)
    else:
        messages.success(request, _("观点已采用") if accept else _("观点已设为未采用"))
    return redirect("opinions:detail", pk=statement.conversation_id)


@staff_required
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """结束征集 (``open=0``) or 重新开放 (``open=1``)."""
    user: Any = request.user
    conversation = queries.access_conversation(user, pk)
    _require(request, "opinions.manage_conversation", conversation)
    reopen = request.POST.get("open") == "1"
    action = actions.do_reopen_conversation if reopen else actions.do_close_conversation
    try:
        action(conversation, actor=user, request=request)
    except ValidationError as error:
        _errors_as_message(request, error)
    else:
        messages.success(request, _("已重新开放征集") if reopen else _("已结束征集"))
    return redirect("opinions:detail", pk=conversation.pk)


@staff_required
@require_POST
def recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """重新计算 — in the request up to ``SYNC_VOTE_CAP`` votes, else in the worker."""
    user: Any = request.user
    conversation = queries.access_conversation(user, pk)
    _require(request, "opinions.manage_conversation", conversation)
    if actions.vote_count(conversation) > actions.SYNC_VOTE_CAP:
        from gongzhi.opinions.tasks import compute_opinion_map_task

        compute_opinion_map_task.enqueue(conversation.pk)
        messages.info(request, _("表态较多，已转入后台计算，请稍后刷新本页"))
    else:
        snapshot = actions.do_compute_opinion_map(conversation, actor=user, request=request)
        if snapshot.problem:
            messages.warning(
                request, display.problem_message(snapshot.problem, snapshot.data or {})
            )
        else:
            messages.success(request, _("意见地图已重新计算"))
    return redirect("opinions:detail", pk=conversation.pk)
