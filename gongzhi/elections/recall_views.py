"""The recall page of the console (/console/elections/recalls/): proposals to recall a
committee member in the jurisdiction, their co-signatures checked against the law, and the
vote's result (R2.3d; 村民委员会组织法 第十六条)."""

from __future__ import annotations

from typing import Any

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
from gongzhi.core.scoping import access, scope_of
from gongzhi.elections import forms as election_forms
from gongzhi.elections import recall
from gongzhi.elections.models import Recall
from gongzhi.organisations.models import COMMITTEE_KINDS, Membership

PAGE_SIZE = 20


@staff_required
def recalls(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.has_perm("elections.use_console"):
        raise PermissionDenied(_("您没有权限执行此操作"))
    form = election_forms.RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = (
            Membership.objects.for_user(user)
            .filter(pk=data["membership"], organisation__kind__in=COMMITTEE_KINDS)
            .first()
        )
        if membership is None:
            form.add_error("membership", _("在您的辖区内没有此任职记录"))
        else:
            try:
                recall.do_propose_recall(
                    membership=membership,
                    basis=data["basis"],
                    base=data["base"],
                    signatures=data["signatures"],
                    reason=data["reason"],
                    actor=user,
                    request=request,
                )
            except ValidationError as error:
                election_forms.add_action_errors(form, error)
            else:
                messages.success(request, _("罢免要求已登记"))
                return redirect("elections:recalls")
    found = (
        Recall.objects.for_user(user).select_related("committee").order_by("-proposed_on", "-pk")
    )
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "elections/recalls.html",
        {
            "page": page,
            "form": form,
            "vote_form": election_forms.RecallVoteForm(),
            "rules": recall.recall_rules(scope_of(user), timezone.localdate()),
            "can_run": user.has_perm("elections.run_election"),
            "breadcrumb": [
                {"label": _("委员会选举"), "url": reverse("elections:index")},
                {"label": _("罢免"), "url": ""},
            ],
        },
    )


@staff_required
@require_POST
def recall_vote(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    item = access(Recall.objects.all(), user, pk=pk)
    form = election_forms.RecallVoteForm(request.POST)
    if form.is_valid():
        try:
            recall.do_record_recall_vote(item, actor=user, request=request, **form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("罢免投票结果已记录"))
    else:
        for field, errors in form.errors.items():
            for text in map(str, errors):
                messages.error(request, f"{form.fields[field].label}：{text!s}")
    return redirect("elections:recalls")
