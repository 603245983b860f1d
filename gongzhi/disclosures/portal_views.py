"""Disclosure pages of the resident portal, mounted in the ``portal`` namespace.

- 居务公开: takes a logged-in resident to their own community's public pages and lets
  anyone find a community by name.
- 提问: a resident of the community asks about a published disclosure.
- 监督审核: members of a supervision committee (residents, as the law wants them) review
  what their community submitted, and sign it off or return it — on a phone, without
  the staff console.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.disclosures import actions, queries
from gongzhi.disclosures.forms import NoteForm, QuestionForm, ReasonForm, add_action_errors
from gongzhi.regions.models import Level, Region

SEARCH_RESULTS = 20


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """居务公开 — the resident's community, or a search for any community."""
    user: Any = request.user
    q = request.GET.get("q", "").strip()[:30]
    region = getattr(user, "region", None) if user.is_authenticated else None
    if (
        not q
        and region is not None
        and region.level == Level.COMMUNITY
        and not user.is_staff_member
    ):
        return redirect("gongkai:community", region.region_code)
    found: list[Region] = []
    if q:
        found = list(
            Region.objects.filter(level=Level.COMMUNITY, is_active=True, name__contains=q)
            .select_related("parent")
            .order_by("region_code")[:SEARCH_RESULTS]
        )
    return render(
        request,
        "disclosures/portal_index.html",
        {
            "q": q,
            "found": found,
            "own": region if region is not None and region.level == Level.COMMUNITY else None,
            "reviewing": queries.awaiting_review(user).count() if user.is_authenticated else 0,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest, pk: str) -> HttpResponse:
    """提问 — only published disclosures of the resident's own community."""
    user: Any = request.user
    disclosure = queries.public_disclosure(getattr(user, "region_code", "")[:12] or "-", pk)
    if not user.has_perm("disclosures.ask_question", disclosure):
        raise PermissionDenied(_("只有本社区居民可以对本社区的公开事项提问"))
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_ask_question(
                disclosure, text=form.cleaned_data["text"], actor=user, request=request
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("问题已提交，答复后会公开显示在该事项下。"))
            return redirect("gongkai:disclosure", disclosure.region_code, disclosure.pk)
    return render(request, "disclosures/portal_ask.html", {"form": form, "item": disclosure})


@require_GET
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """监督审核 — what awaits the member's sign-off."""
    return render(
        request,
        "disclosures/portal_review_list.html",
        {"items": list(queries.awaiting_review(request.user)[:100])},
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """审核一项公开事项: read it, then sign it off or return it with a reason."""
    user: Any = request.user
    disclosure = queries.access_for_review(user, pk)
    note_form, reason_form = NoteForm(), ReasonForm()
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "return":
                reason_form = ReasonForm(request.POST)
                actions.do_return_disclosure(
                    disclosure, reason=request.POST.get("reason", ""), actor=user, request=request
                )
                messages.success(request, _("已退回，起草人会看到您的理由。"))
            else:
                note_form = NoteForm(request.POST)
                actions.do_sign_off_disclosure(
                    disclosure, note=request.POST.get("note", ""), actor=user, request=request
                )
                messages.success(request, _("已签字。"))
        except ValidationError as error:
            add_action_errors(reason_form if decision == "return" else note_form, error)
        else:
            return redirect("portal:disclosure_review_list")
    return render(
        request,
        "disclosures/portal_review.html",
        {
            "item": disclosure,
            "lines": list(disclosure.lines.all()),
            "summary": queries.finance_summary(disclosure),
            "sign_offs": list(disclosure.sign_offs.all()),
            "note_form": note_form,
            "reason_form": reason_form,
            "public_url": reverse("gongkai:community", args=[disclosure.region_code]),
        },
    )
