"""The case engine in the resident portal (R3.6b 一号申请): the service catalogue (办事指南),
one application form per category, 我的办件 with the timeline residents see, the
follow-up (回访) with the 5-level rating (好差评) and reopening, and 我的消息.

Thin views: ``queries`` read (the same functions staff use), ``actions`` and
``attachments`` write. A resident reaches only their own cases: any other id is 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cases import actions, queries
from gongzhi.cases.attachments import (
    MAX_FILES,
    attachments_by_event,
    attachments_for,
    check_files,
    do_attach_files,
)
from gongzhi.cases.enums import CaseAction, CaseKind, CaseStatus, Channel, Rating
from gongzhi.cases.forms import ATTRIBUTE_PREFIX, add_action_errors, attribute_answers
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.portal_forms import (
    ApplyForm,
    RateForm,
    ReopenForm,
    community_matches,
    correction_prefill,
)
from gongzhi.regions.models import Level, Region
from gongzhi.residents import portal as registry

# What residents apply for in the portal; grid events are reported by grid workers.
RESIDENT_KINDS = (CaseKind.SERVICE, CaseKind.COMPLAINT, CaseKind.CORRECTION)
CASES_PER_PAGE = 20
MESSAGES_PER_PAGE = 30


def _commitment(category: Category) -> dict[str, Any]:
    """The service commitment as the catalogue shows it (normal urgency)."""
    return {
        "accept_amount": category.accept_normal,
        "accept_unit": category.get_accept_unit_display(),
        "resolve_amount": category.resolve_normal,
        "resolve_unit": category.get_resolve_unit_display(),
    }


def _resident_categories() -> Any:
    return queries.active_categories().filter(kind__in=RESIDENT_KINDS)


# --- Catalogue ----------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """办事指南 — the categories a resident may apply for, grouped, each with what it
    needs, its committed time limits and its extra fields. Open without logging in."""
    q = " ".join(request.GET.get("q", "").split())[:50]
    categories = _resident_categories()
    if q:
        categories = categories.filter(
            Q(name__icontains=q) | Q(keywords__icontains=q) | Q(group__icontains=q)
        )
    kind_order = {kind: i for i, kind in enumerate(RESIDENT_KINDS)}
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    for category in sorted(categories, key=lambda c: (kind_order[c.kind], c.order, c.code)):
        title = category.group or category.get_kind_display()
        key = (kind_order[category.kind], title)
        group = groups.setdefault(key, {"title": title, "entries": []})
        group["entries"].append(
            {
                "category": category,
                "commitment": _commitment(category),
                "attributes": category.sorted_attributes(),
            }
        )
    return render(
        request,
        "portal/cases/catalogue.html",
        {"groups": list(groups.values()), "q": q},
    )


# --- Applying -----------------------------------------------------------------------------


def _default_community(user: Any) -> Region | None:
    """The community of the resident's registry record, else of their account."""
    record = registry.own_record(user)
    if record is not None:
        return record.community
    region = getattr(user, "region", None)
    if region is not None and region.level == Level.COMMUNITY and region.is_active:
        return region
    return None


def _submit_event(case: Case) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, action=CaseAction.SUBMIT).order_by("seq").first()


def _add_errors(form: ApplyForm, error: ValidationError) -> None:
    """The action's errors beside the fields; a bad point beside the longitude."""
    if hasattr(error, "error_dict"):
        renamed = dict(error.error_dict)
        if "location" in renamed:
            renamed["lon"] = renamed.pop("location")
        # The form may have said the same already (a required extra field).
        fresh = {}
        for key, errors in renamed.items():
            name = (
                ATTRIBUTE_PREFIX + key.removeprefix("attributes.")
                if key.startswith("attributes.")
                else key
            )
            said = set(form.errors.get(name, []))
            kept = [e for e in errors if not set(e.messages) <= said]
            if kept:
                fresh[key] = kept
        if not fresh:
            return
        error = ValidationError(fresh)
    add_action_errors(form, error)


def _add_remaining_problems(form: ApplyForm, category: Category) -> None:
    """When the form itself is refused, still name the extra fields' and the photos'
    problems, so the resident corrects everything in one go. Writes nothing."""
    try:
        actions.clean_attributes(category, attribute_answers(form, form.attribute_names))
    except ValidationError as error:
        _add_errors(form, error)
    photos = form.cleaned_data.get("photos")
    if photos:
        try:
            check_files(photos)
        except ValidationError as error:
            _add_errors(form, error)


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """一号申请 — one form per category: what happened, the category's extra fields, the
    place, photos and a phone number. Everything is checked before anything is written:
    a refused photo leaves no case behind."""
    user: Any = request.user
    category = _resident_categories().filter(code=code).first()
    if category is None:
        raise Http404
    if not user.has_perm("cases.submit_case"):
        raise PermissionDenied(_("只有居民账号可以在线申请"))
    record = registry.own_record(user)
    default = _default_community(user)
    community_q = " ".join(request.GET.get("community_q", "").split())[:30]
    choices = community_matches(community_q, default)
    if request.method == "POST":
        form = ApplyForm(category, choices, request.POST, request.FILES)
        if not form.is_valid():
            _add_remaining_problems(form, category)
        else:
            photos = form.cleaned_data["photos"]
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    case = actions.do_submit_case(
                        category=category,
                        description=data["description"],
                        actor=user,
                        channel=Channel.PORTAL,
                        community=data["community"] or None,
                        lon=data["lon"],
                        lat=data["lat"],
                        address=data["address"],
                        attributes=attribute_answers(form, form.attribute_names),
                        reporter=user,
                        reporter_phone=data["reporter_phone"],
                        resident=record,
                        request=request,
                    )
                    if photos:
                        do_attach_files(
                            case, photos, actor=user, event=_submit_event(case), request=request
                        )
            except ValidationError as error:
                _add_errors(form, error)
                if photos and "photos" not in getattr(error, "error_dict", {}):
                    try:
                        check_files(photos)
                    except ValidationError as photo_error:
                        _add_errors(form, photo_error)
            else:
                return redirect("portal:case_submitted", pk=case.pk)
    else:
        form = ApplyForm(
            category,
            choices,
            initial={
                "community": default.region_code if default else "",
                **correction_prefill(category, record, request.GET),
            },
        )
    return render(
        request,
        "portal/cases/apply.html",
        {
            "category": category,
            "commitment": _commitment(category),
            "form": form,
            "default_community": default,
            "community_q": community_q,
            "max_files": MAX_FILES,
        },
    )


def _own_case(user: Any, pk: int) -> Case:
    """One of the user's own cases (我的办件), or 404 — never another person's."""
    case = queries.my_cases(user).filter(pk=pk).values_list("pk", flat=True).first()
    if case is None:
        raise Http404
    return queries.access_case(user, case)


@require_GET
@login_required
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt: the case number and the committed deadlines."""
    case = _own_case(request.user, pk)
    return render(
        request,
        "portal/cases/submitted.html",
        {"case": case, "commitment": _commitment(case.category)},
    )


# --- 我的办件 -----------------------------------------------------------------------------


def _deadline(case: Case) -> tuple[str, Any]:
    """The one date a resident watches: when it must be accepted, resolved, or was closed."""
    if case.status == CaseStatus.SUBMITTED:
        return _("受理期限"), case.accept_by
    if case.status in (CaseStatus.PENDING_DISPATCH, CaseStatus.HANDLING):
        return _("办结期限"), case.due_at
    if case.status == CaseStatus.PENDING_VERIFICATION:
        return _("办结期限"), case.due_at
    if case.status == CaseStatus.CLOSED:
        return _("办结时间"), case.closed_at
    return "", None


@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件 — the resident's own cases, newest first. A visitor is asked to log in."""
    user: Any = request.user
    if not user.is_authenticated:
        return render(request, "portal/cases/my_cases.html", {"page": None})
    page = Paginator(queries.my_cases(user), CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"case": case, "deadline": _deadline(case)} for case in page]
    return render(request, "portal/cases/my_cases.html", {"page": page, "rows": rows})


def _attribute_rows(case: Case) -> list[tuple[str, str]]:
    """The answers to the category's extra fields, with the labels of listed values."""
    rows = []
    for spec in case.category.sorted_attributes():
        code = str(spec.get("code", ""))
        if code not in (case.attributes or {}):
            continue
        names = {
            str(v.get("key")): str(v.get("name") or v.get("key")) for v in spec.get("values") or []
        }
        value = case.attributes[code]
        items = value if isinstance(value, list) else [value]
        shown = "、".join(names.get(str(item), str(item)) for item in items)
        rows.append((str(spec.get("description") or code), shown))
    return rows


def _action_label(action: str) -> str:
    return str(CaseAction(action).label) if action in CaseAction.values else action


def _unit_named(event: CaseEvent) -> str:
    """The unit a dispatch sent the case to, by name (never a person)."""
    if event.action != CaseAction.DISPATCH:
        return ""
    name = str((event.data or {}).get("organisation_name") or "")
    return "" if name.isdigit() else name


def _reopen_until(case: Case) -> Any:
    if case.status != CaseStatus.CLOSED or case.closed_at is None:
        return None
    return case.closed_at + timedelta(days=case.category.reopen_days)


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user: Any = request.user
    files = list(attachments_for(user, case))
    by_event = attachments_by_event(files)
    timeline = [
        {
            "event": event,
            "label": _action_label(event.action),
            "unit": _unit_named(event),
            "attachments": by_event.get(event.pk, []),
        }
        for event in queries.case_timeline(case, for_resident=True)
    ]
    reopen_until = _reopen_until(case)
    now = timezone.now()
    can_rate = (
        case.status == CaseStatus.CLOSED
        and case.rating is None
        and user.has_perm("cases.rate_case", case)
    )
    can_reopen = (
        reopen_until is not None
        and now <= reopen_until
        and user.has_perm("cases.reopen_case", case)
    )
    # A refused step whose form is no longer shown (rated twice, window closed…) says why
    # at the top of the page.
    hidden = [
        f for key, f in forms.items() if not {"rate_form": can_rate, "reopen_form": can_reopen}[key]
    ]
    return {
        "case": case,
        "deadline": _deadline(case),
        "attribute_rows": _attribute_rows(case),
        "timeline": timeline,
        "loose_attachments": by_event.get(None, []),
        "can_rate": can_rate,
        "rating_label": Rating(case.rating).label if case.rating else "",
        "reopen_until": reopen_until,
        "can_reopen": can_reopen,
        "rate_form": forms.get("rate_form") or RateForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "step_errors": [m for form in hidden for errors in form.errors.values() for m in errors],
    }


@require_GET
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case as its reporter sees it: the timeline without internal notes, the
    refusal reason, the photos, and after closing the follow-up and rating."""
    case = _own_case(request.user, pk)
    return render(request, "portal/cases/detail.html", _detail_context(request, case))


@require_POST
@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """好差评 — once, after the case is closed."""
    case = _own_case(request.user, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.do_rate_case(
                case,
                actor=request.user,  # type: ignore[arg-type]
                rating=int(form.cleaned_data["rating"]),
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("portal:case_detail", pk=case.pk)
    context = _detail_context(request, case, rate_form=form)
    return render(request, "portal/cases/detail.html", context, status=400)


@require_POST
@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """重新办理 — within the category's window after closing, with a reason."""
    case = _own_case(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            actions.do_reopen_case(
                case,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("已申请重新办理，承办单位会尽快处理"))
            return redirect("portal:case_detail", pk=case.pk)
    case.refresh_from_db()
    context = _detail_context(request, case, reopen_form=form)
    return render(request, "portal/cases/detail.html", context, status=400)


# --- 我的消息 -----------------------------------------------------------------------------


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """我的消息 — in-app messages about the resident's cases, newest first."""
    user: Any = request.user
    page = Paginator(queries.notifications_for(user), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/cases/notifications.html",
        {"page": page, "unread": queries.unread_count(user)},
    )


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the resident's messages read."""
    actions.do_mark_notifications_read(actor=request.user)  # type: ignore[arg-type]
    return redirect("portal:notifications")
