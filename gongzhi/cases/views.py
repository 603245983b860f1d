"""The case console (办件): inboxes by role, the case page with the steps the user may
take now, and the staff's messages. Thin: ``queries`` read, ``actions`` write, the
templates show masked personal data only (DESIGN rule 4).

Every step posts to ``case_action``, which calls the one action; a ``ValidationError``
re-renders the case page with the Chinese messages beside the step's fields (nothing was
written), success redirects back with a message. ``PermissionDenied`` is the 403 page;
a case outside the jurisdiction is 404 (``queries.access_case``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases import actions, attachments, queries
from gongzhi.cases.enums import (
    LEVEL_ABOVE,
    AttachmentKind,
    CaseAction,
    CaseStatus,
    Channel,
    ExtensionState,
    ResponsibleLevel,
)
from gongzhi.cases.forms import (
    AcceptForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FeedbackForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    add_action_errors,
)
from gongzhi.cases.models import Case
from gongzhi.console.decorators import staff_required
from gongzhi.core.pii import mask_name

A = CaseAction


def require_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    root = {"label": _("办件"), "url": reverse("cases:inbox")}
    return [root, *({"label": label, "url": url} for label, url in items)]


# --- Inboxes ------------------------------------------------------------------------------


def _after(request: HttpRequest, box: str) -> Any:
    """The keyset cursor of the page asked for, or ``None`` (bad input is the first page)."""
    raw = request.GET.get("after", "").strip()
    if not raw:
        return None
    if box in ("due_soon", "overdue"):
        due, _sep, last = raw.rpartition("~")
        moment = parse_datetime(due)
        if moment is None or not last.isdigit():
            return None
        return (moment, int(last))
    return int(raw) if raw.isdigit() else None


def _cursor(case: Case, box: str) -> str:
    if box in ("due_soon", "overdue"):
        due: datetime | None = case.due_at
        return f"{due.isoformat() if due else ''}~{case.pk}"
    return str(case.pk)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    """工作台/办件 — the six boxes with their counts, one keyset page of the chosen box."""
    require_perm(request, "cases.work_cases")
    user: Any = request.user
    number = request.GET.get("number", "").strip()
    if number:
        try:
            case = queries.access_case_by_number(user, number)
        except Http404:
            messages.error(
                request, _("在您的辖区内没有编号为 %(number)s 的办件") % {"number": number[:20]}
            )
        else:
            return redirect("cases:detail", pk=case.pk)
    counts = queries.inbox_counts(user)
    box = request.GET.get("box", "")
    if box not in counts:
        box = next((b.key for b in queries.BOXES if counts[b.key]), queries.BOXES[0].key)
    category = request.GET.get("category", "").strip()
    channel = request.GET.get("channel", "").strip()
    if channel not in Channel.values:
        channel = ""
    page_size = queries.PAGE_SIZE
    rows = list(
        queries.inbox(
            user,
            box,
            after=_after(request, box),
            limit=page_size + 1,
            category=category or None,
            channel=channel or None,
        )
    )
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    items = [
        {
            "case": case,
            "light": queries.traffic_light(case),
            "actions": [
                CaseAction(a).label
                for a in queries.available_actions(user, case)
                if a in STAFF_STEPS
            ],
        }
        for case in rows
    ]
    filters = {"box": box, "category": category, "channel": channel}
    return render(
        request,
        "cases/inbox.html",
        {
            "boxes": [
                {"key": b.key, "label": b.label, "count": counts[b.key]} for b in queries.BOXES
            ],
            "box": box,
            "box_label": next(b.label for b in queries.BOXES if b.key == box),
            "items": items,
            "next_cursor": _cursor(rows[-1], box) if has_next and rows else "",
            "is_later_page": bool(request.GET.get("after")),
            "filters": filters,
            "categories": queries.active_categories(),
            "channels": Channel.choices,
            "can_register": user.has_perm("cases.register_case"),
            "can_report": user.has_perm("cases.report_event"),
            "can_manage_categories": user.has_perm("cases.manage_categories"),
            "breadcrumb": crumbs(),
        },
    )


# --- The case page and its steps ----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the workflow as the console offers it: its form and its action call."""

    action: str
    title: Any
    form: type[forms.Form]
    button: Any
    danger: bool = False


def _call_accept(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_accept_case(case, note=data["note"], urgency=data["urgency"], **kw)


def _call_refuse(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_refuse_case(case, reason=data["reason"], **kw)


def _call_dispatch(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_dispatch_case(
        case,
        region_code=data["region_code"] or None,
        organisation=data["organisation"],
        assignee=data["assignee"],
        note=data["note"],
        **kw,
    )


def _call_feedback(case: Case, data: dict[str, Any], *, files: list[Any], **kw: Any) -> Case:
    """处置反馈 with its evidence photos in one transaction: a bad photo undoes the step."""
    with transaction.atomic():
        case = actions.do_feedback_case(case, note=data["note"], **kw)
        if files:
            step = case.events.order_by("-seq").first()
            attachments.do_attach_files(case, files, kind=AttachmentKind.EVIDENCE, event=step, **kw)
    return case


def _call_verify(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_verify_close_case(case, note=data["note"], **kw)


def _call_rework(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_rework_case(case, reason=data["reason"], **kw)


def _call_escalate(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_escalate_case(case, reason=data["reason"], **kw)


def _call_defer(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_defer_case(case, reason=data["reason"], **kw)


def _call_resume(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_resume_case(case, note=data["note"], **kw)


def _call_request_extension(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    amount = data["amount"]
    return actions.do_request_extension(
        case,
        amount=amount if amount is not None else 0,
        unit=data["unit"],
        reason=data["reason"],
        **kw,
    )


def _call_decide_extension(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_approve_extension(
        case, approve=data["decision"] == "approve", note=data["note"], **kw
    )


def _call_merge(case: Case, data: dict[str, Any], *, user: Any, **kw: Any) -> Case:
    number = (data["into"] or "").strip()
    if not number:
        raise ValidationError({"into": _("请填写要并入的办件编号")})
    try:
        target = queries.access_case_by_number(user, number)
    except Http404:
        raise ValidationError(
            {"into": _("在您的辖区内没有编号为 %(number)s 的办件") % {"number": number[:20]}}
        ) from None
    return actions.do_merge_case(case, into=target, note=data["note"], **kw)


def _call_reopen(case: Case, data: dict[str, Any], **kw: Any) -> Case:
    return actions.do_reopen_case(case, reason=data["reason"], **kw)


STEPS: dict[str, Step] = {
    A.ACCEPT: Step(A.ACCEPT, gettext_lazy("受理"), AcceptForm, gettext_lazy("受理")),
    A.REFUSE: Step(
        A.REFUSE, gettext_lazy("不予受理"), ReasonForm, gettext_lazy("不予受理"), danger=True
    ),
    A.DISPATCH: Step(A.DISPATCH, gettext_lazy("派遣"), DispatchForm, gettext_lazy("派遣")),
    A.FEEDBACK: Step(A.FEEDBACK, gettext_lazy("处置反馈"), FeedbackForm, gettext_lazy("提交反馈")),
    A.VERIFY_CLOSE: Step(
        A.VERIFY_CLOSE, gettext_lazy("核查结案"), NoteForm, gettext_lazy("核查通过并结案")
    ),
    A.REWORK: Step(A.REWORK, gettext_lazy("返工"), ReasonForm, gettext_lazy("退回返工")),
    A.ESCALATE: Step(A.ESCALATE, gettext_lazy("上报"), ReasonForm, gettext_lazy("上报上级")),
    A.DEFER: Step(A.DEFER, gettext_lazy("挂账"), ReasonForm, gettext_lazy("挂账")),
    A.RESUME: Step(A.RESUME, gettext_lazy("恢复办理"), NoteForm, gettext_lazy("恢复办理")),
    A.REQUEST_EXTENSION: Step(
        A.REQUEST_EXTENSION, gettext_lazy("申请延期"), ExtensionForm, gettext_lazy("提交申请")
    ),
    A.APPROVE_EXTENSION: Step(
        A.APPROVE_EXTENSION,
        gettext_lazy("审批延期"),
        ExtensionDecisionForm,
        gettext_lazy("提交审批"),
    ),
    A.MERGE: Step(A.MERGE, gettext_lazy("并单"), MergeForm, gettext_lazy("并入该办件")),
    A.REOPEN: Step(
        A.REOPEN, gettext_lazy("重新办理（代办）"), ReasonForm, gettext_lazy("申请重新办理")
    ),
}
STAFF_STEPS = frozenset(STEPS)

CALLS: dict[str, Callable[..., Case]] = {
    A.ACCEPT: _call_accept,
    A.REFUSE: _call_refuse,
    A.DISPATCH: _call_dispatch,
    A.FEEDBACK: _call_feedback,
    A.VERIFY_CLOSE: _call_verify,
    A.REWORK: _call_rework,
    A.ESCALATE: _call_escalate,
    A.DEFER: _call_defer,
    A.RESUME: _call_resume,
    A.REQUEST_EXTENSION: _call_request_extension,
    A.APPROVE_EXTENSION: _call_decide_extension,
    A.MERGE: _call_merge,
    A.REOPEN: _call_reopen,
}

SUCCESS: dict[str, Any] = {
    A.ACCEPT: gettext_lazy("已受理"),
    A.REFUSE: gettext_lazy("已不予受理，理由已告知反映人"),
    A.DISPATCH: gettext_lazy("已派遣"),
    A.FEEDBACK: gettext_lazy("已提交处置反馈，等待核查"),
    A.VERIFY_CLOSE: gettext_lazy("已核查结案"),
    A.REWORK: gettext_lazy("已退回返工"),
    A.ESCALATE: gettext_lazy("已上报上级"),
    A.DEFER: gettext_lazy("已挂账"),
    A.RESUME: gettext_lazy("已恢复办理"),
    A.REQUEST_EXTENSION: gettext_lazy("已提交延期申请"),
    A.APPROVE_EXTENSION: gettext_lazy("已审批延期申请"),
    A.MERGE: gettext_lazy("已并单"),
    A.REOPEN: gettext_lazy("已申请重新办理"),
}

# Fields of each step that the action's field errors may name; the rest go on top.
REASON_LABELS: dict[str, Any] = {
    A.REFUSE: gettext_lazy("不予受理的理由（反映人可见）"),
    A.REWORK: gettext_lazy("返工理由"),
    A.ESCALATE: gettext_lazy("上报理由"),
    A.DEFER: gettext_lazy("挂账理由"),
    A.REOPEN: gettext_lazy("重新办理的理由"),
}


def offered_steps(user: Any, case: Case) -> list[str]:
    """The steps the page offers: the table and the permissions (``available_actions``),
    less those an invariant rules out now, so no button leads to a certain refusal."""
    offered = []
    for action in queries.available_actions(user, case):
        if action not in STEPS:
            continue
        if action == A.APPROVE_EXTENSION and case.extension_state != ExtensionState.REQUESTED:
            continue
        if action == A.REQUEST_EXTENSION and (
            case.extension_state == ExtensionState.REQUESTED
            or ResponsibleLevel(case.assigned_level) not in LEVEL_ABOVE
        ):
            continue
        if action == A.ESCALATE and ResponsibleLevel(case.assigned_level) not in LEVEL_ABOVE:
            continue
        offered.append(action)
    return offered


def _form_for(
    action: str, case: Case, user: Any, data: Any = None, files: Any = None
) -> forms.Form:
    step = STEPS[action]
    kwargs: dict[str, Any] = {"prefix": action, "auto_id": f"id_{action}_%s"}
    if action == A.DISPATCH:
        kwargs.update(case=case, user=user, suggested=queries.suggested_organisation(case))
    if action == A.ACCEPT:
        kwargs["initial"] = {"urgency": case.urgency}
    if action == A.REQUEST_EXTENSION:
        kwargs["initial"] = {"unit": case.category.resolve_unit}
    if action == A.APPROVE_EXTENSION:
        kwargs["initial"] = {"decision": "approve"}
    form = step.form(data, files, **kwargs)
    if action in REASON_LABELS:
        form.fields["reason"].label = REASON_LABELS[action]
    return form


def _detail(
    request: HttpRequest,
    case: Case,
    *,
    bound: forms.Form | None = None,
    bound_action: str = "",
    revealed_phone: str = "",
) -> HttpResponse:
    user: Any = request.user
    offered = offered_steps(user, case)
    if bound is not None and bound_action not in offered:
        # The step is no longer open (someone else moved the case): say why on top.
        for errors in bound.errors.values():
            for error in errors:
                messages.error(request, str(error))
    steps = []
    for action in offered:
        form = (
            bound if action == bound_action and bound is not None else _form_for(action, case, user)
        )
        steps.append(
            {
                "step": STEPS[action],
                "form": form,
                "open": action == bound_action,
                "url": reverse("cases:action", args=[case.pk, action]),
                "evidence": action == A.FEEDBACK and user.has_perm("cases.attach_file", case),
            }
        )
    can_unmask = user.has_perm("cases.unmask_reporter", case)
    files = list(attachments.attachments_for(user, case))
    timeline = list(queries.case_timeline(case, for_resident=False))
    by_event = attachments.attachments_by_event(files)
    context = {
        "case": case,
        "light": queries.traffic_light(case),
        "timeline": [
            {
                "event": e,
                "label": _label(CaseAction, e.action),
                "to_label": _label(CaseStatus, e.to_status)
                if e.to_status and e.to_status != e.from_status
                else "",
                "files": by_event.get(e.pk, []),
            }
            for e in timeline
        ],
        "loose_files": by_event.get(None, []),
        "steps": steps,
        "can_unmask": can_unmask,
        "reporter_name": case.reporter_name if can_unmask else mask_name(case.reporter_name),
        "revealed_phone": revealed_phone,
        "attributes": _attribute_rows(case),
        "merged_cases": list(case.merged_cases.only("pk", "number", "title")),
        "breadcrumb": crumbs((case.number, "")),
    }
    response = render(request, "cases/detail.html", context)
    if revealed_phone:
        response["Cache-Control"] = "no-store"
    return response


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _attribute_rows(case: Case) -> list[dict[str, Any]]:
    """The answers to the category's extra fields, with their labels and value names."""
    rows = []
    for spec in case.category.sorted_attributes():
        code = spec.get("code")
        if code not in (case.attributes or {}):
            continue
        value = case.attributes[code]
        names = {str(v.get("key")): v.get("name") for v in spec.get("values") or []}
        values = value if isinstance(value, list) else [value]
        shown = "、".join(str(names.get(str(v), v)) for v in values)
        rows.append({"label": spec.get("description") or code, "value": shown})
    return rows


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.access_case(request.user, pk)
    return _detail(request, case)


@require_POST
@staff_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow on one case: the action decides, the page reports."""
    if action not in STEPS:
        raise Http404
    user: Any = request.user
    case = queries.access_case(user, pk, for_write=True)
    form = _form_for(action, case, user, request.POST, request.FILES)
    if form.is_valid():
        extra: dict[str, Any] = {}
        if action == A.FEEDBACK:
            extra["files"] = form.cleaned_data.get("photos") or []
        if action == A.MERGE:
            extra["user"] = user
        try:
            CALLS[action](case, form.cleaned_data, actor=user, request=request, **extra)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, str(SUCCESS[action]))
            return redirect("cases:detail", pk=case.pk)
    case = queries.access_case(user, pk)
    return _detail(request, case, bound=form, bound_action=action)


@require_POST
@staff_required
def unmask_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整号码: shown once in this response, never in a URL or a cache (ledgered)."""
    case = queries.access_case(request.user, pk)
    require_perm(request, "cases.unmask_reporter", case)
    phone = actions.do_unmask_reporter_phone(case, actor=request.user, request=request)  # type: ignore[arg-type]
    return _detail(request, case, revealed_phone=phone or "—")


# --- Messages -----------------------------------------------------------------------------


@staff_required
def notifications(request: HttpRequest) -> HttpResponse:
    """我的消息 — the staff member's in-app messages, newest first."""
    user: Any = request.user
    page = Paginator(queries.notifications_for(user), queries.PAGE_SIZE).get_page(
        request.GET.get("page", 1)
    )
    return render(
        request,
        "cases/notifications.html",
        {
            "page": page,
            "unread": queries.unread_count(user),
            "breadcrumb": crumbs((_("我的消息"), "")),
        },
    )


@require_POST
@staff_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    every = request.POST.get("all") == "1"
    count = actions.do_mark_notifications_read(
        actor=request.user,  # type: ignore[arg-type]
        ids=None if every else ids,
    )
    messages.success(request, _("已将 %(n)d 条消息标为已读") % {"n": count})
    return redirect("cases:notifications")
