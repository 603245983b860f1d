"""Console pages of 居务公开 under /console/disclosures/ (R2.3f, R4.3d).

Community staff draft, submit, publish and correct disclosures and answer residents'
questions; township and county staff read them and the schedule flags of their
jurisdiction. Thin: ``queries`` read inside the jurisdiction (404 outside it),
``actions`` write; an action's ``ValidationError`` re-renders the form with the Chinese
messages beside the fields (nothing was written).
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
from gongzhi.core.pagination import CappedPaginator
from gongzhi.disclosures import actions, queries, schedule
from gongzhi.disclosures.enums import Category, Status
from gongzhi.disclosures.forms import (
    AnswerForm,
    CorrectionForm,
    DisclosureForm,
    NoteForm,
    ReasonForm,
    add_action_errors,
    line_rows,
    lines_from_post,
)
from gongzhi.disclosures.models import Disclosure

FLAGS_PAGE_SIZE = 20


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _actor(request: HttpRequest) -> Any:
    return request.user


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("居务公开"), "url": reverse("disclosures:index")}
    return [root, *({"label": label, "url": url} for label, url in items)]


def _action_failed(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """公开事项 — the disclosures of the jurisdiction, newest first, by state and category."""
    _require(request, "disclosures.use_console")
    rows = queries.disclosures_for(request.user)
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    if status in Status.values:
        rows = rows.filter(status=status)
    if category in Category.values:
        rows = rows.filter(category=category)
    page = CappedPaginator(rows, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosures/index.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "statuses": Status.choices,
            "categories": Category.choices,
            "can_draft": request.user.has_perm("disclosures.manage_disclosure"),
            "unanswered": queries.questions_for(request.user, unanswered=True)[:1].count()
            if request.user.has_perm("disclosures.manage_disclosure")
            else 0,
        },
    )


def _form_page(
    request: HttpRequest, form: DisclosureForm, rows: list[Any], disclosure: Disclosure | None
) -> HttpResponse:
    return render(
        request,
        "disclosures/form.html",
        {
            "form": form,
            "rows": rows,
            "disclosure": disclosure,
            "directions": actions.Direction.choices,
            "breadcrumb": _crumbs((_("起草公开事项") if disclosure is None else _("修改草稿"), "")),
        },
    )


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    """起草公开事项."""
    _require(request, "disclosures.manage_disclosure")
    user: Any = request.user
    if request.method == "POST":
        form = DisclosureForm(request.POST, user=user)
        lines = lines_from_post(request.POST)
        if form.is_valid():
            start, end = form.period_dates()
            data = form.cleaned_data
            try:
                disclosure = actions.do_draft_disclosure(
                    community=data["community"],
                    category=data["category"],
                    period_start=start,
                    period_end=end,
                    title=data["title"],
                    body=data["body"],
                    is_major=data["is_major"],
                    decided_on=data["decided_on"],
                    lines=lines,
                    actor=user,
                    request=request,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("已保存草稿。核对无误后请提交监督委员会审核。"))
                return redirect("disclosures:detail", disclosure.pk)
        return _form_page(
            request, form, line_rows([line for line in lines if line.item or line.amount]), None
        )
    initial = {"category": request.GET.get("category", "")}
    return _form_page(request, DisclosureForm(user=user, initial=initial), line_rows([]), None)


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改草稿 (only a draft)."""
    user: Any = request.user
    disclosure = queries.access_disclosure(user, pk)
    _require(request, "disclosures.manage_disclosure", disclosure)
    if not disclosure.is_editable:
        messages.error(request, _("只有草稿可以修改；已公开的事项请发布更正。"))
        return redirect("disclosures:detail", disclosure.pk)
    if request.method == "POST":
        form = DisclosureForm(request.POST, user=user, instance=disclosure)
        lines = lines_from_post(request.POST)
        if form.is_valid():
            start, end = form.period_dates()
            data = form.cleaned_data
            try:
                actions.do_edit_disclosure(
                    disclosure,
                    category=data["category"],
                    period_start=start,
                    period_end=end,
                    title=data["title"],
                    body=data["body"],
                    is_major=data["is_major"],
                    decided_on=data["decided_on"],
                    lines=lines,
                    actor=user,
                    request=request,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("disclosures:detail", disclosure.pk)
        return _form_page(
            request,
            form,
            line_rows([line for line in lines if line.item or line.amount]),
            disclosure,
        )
    existing = [
        actions.LineInput(line.item, line.direction, line.amount_yuan.replace(",", ""))
        for line in disclosure.lines.all()
    ]
    return _form_page(
        request, DisclosureForm(user=user, instance=disclosure), line_rows(existing), disclosure
    )


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """公开事项 — content, totals, review, versions and residents' questions."""
    user: Any = request.user
    disclosure = queries.access_disclosure(user, pk)
    _require(request, "disclosures.view_disclosure", disclosure)
    return render(
        request,
        "disclosures/detail.html",
        {
            "disclosure": disclosure,
            "lines": list(disclosure.lines.all()),
            "summary": queries.finance_summary(disclosure),
            "sign_offs": list(disclosure.sign_offs.all()),
            "required": actions.sign_offs_required(disclosure),
            "correction": Disclosure.objects.filter(supersedes=disclosure).first(),
            "questions": list(disclosure.questions.select_related("answered_by")),
            "can_manage": user.has_perm("disclosures.manage_disclosure", disclosure),
            "can_answer": user.has_perm("disclosures.answer_question", disclosure),
            "can_sign": user.has_perm("disclosures.sign_off", disclosure),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "correction_form": CorrectionForm(),
            "answer_form": AnswerForm(),
            "breadcrumb": _crumbs((disclosure.title, "")),
        },
    )


def _step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    disclosure = queries.access_disclosure(request.user, pk)
    try:
        result = run(disclosure)
    except ValidationError as error:
        _action_failed(request, error)
        return redirect("disclosures:detail", disclosure.pk)
    messages.success(request, done)
    target = result if isinstance(result, Disclosure) else disclosure
    return redirect("disclosures:detail", target.pk)


@require_POST
@staff_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda d: actions.do_submit_disclosure(d, actor=_actor(request), request=request),
        _("已提交监督委员会审核。"),
    )


@require_POST
@staff_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda d: actions.do_publish_disclosure(d, actor=_actor(request), request=request),
        _("已公开。公开后内容不能再修改，如有错误请发布更正。"),
    )


@require_POST
@staff_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _step(
        request,
        pk,
        lambda d: actions.do_sign_off_disclosure(
            d, note=note, actor=_actor(request), request=request
        ),
        _("已签字。"),
    )


@require_POST
@staff_required
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        lambda d: actions.do_return_disclosure(
            d, reason=reason, actor=_actor(request), request=request
        ),
        _("已退回起草人修改。"),
    )


@require_POST
@staff_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("correction_note", "")
    return _step(
        request,
        pk,
        lambda d: actions.do_draft_correction(d, note=note, actor=_actor(request), request=request),
        _("已生成更正草稿，请修改后提交审核。"),
    )


@require_POST
@staff_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = queries.access_disclosure(request.user, pk)
    try:
        actions.do_discard_draft(disclosure, actor=_actor(request), request=request)
    except ValidationError as error:
        _action_failed(request, error)
        return redirect("disclosures:detail", disclosure.pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("disclosures:index")


@require_POST
@staff_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = queries.access_question(request.user, pk)
    try:
        actions.do_answer_question(
            question, answer=request.POST.get("answer", ""), actor=_actor(request), request=request
        )
    except ValidationError as error:
        _action_failed(request, error)
    else:
        messages.success(request, _("答复已公开在该事项下。"))
    return redirect(reverse("disclosures:detail", args=[question.disclosure_id]) + "#questions")


@staff_required
def questions(request: HttpRequest) -> HttpResponse:
    """居民提问 — questions of the jurisdiction, unanswered first by default."""
    _require(request, "disclosures.use_console")
    unanswered = request.GET.get("all") != "1"
    rows = queries.questions_for(request.user, unanswered=unanswered)
    page = Paginator(rows, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosures/questions.html",
        {"page": page, "unanswered": unanswered, "breadcrumb": _crumbs((_("居民提问"), ""))},
    )


@staff_required
def flags(request: HttpRequest) -> HttpResponse:
    """按期公开情况 — communities of the jurisdiction with missing or late disclosures."""
    _require(request, "disclosures.use_console")
    show_all = request.GET.get("all") == "1"
    found = schedule.flags_for(request.user, only_flagged=not show_all)
    page = Paginator(found, FLAGS_PAGE_SIZE).get_page(request.GET.get("page"))
    scope_code = getattr(request.user, "active_scope", None) or request.user.region_code  # type: ignore[union-attr]
    return render(
        request,
        "disclosures/flags.html",
        {
            "page": page,
            "show_all": show_all,
            "rules": schedule.schedule_rules(scope_code),
            "categories": Category.choices,
            "breadcrumb": _crumbs((_("按期公开情况"), "")),
        },
    )
