"""The opinion map in the resident portal (意见地图, R3.1d, R2.3e), phone-first.

A resident sees the conversations of their own community and township (from their
registry record), answers one statement at a time with three big buttons, may add a
statement, and after voting sees the opinion groups and which one they are in. Any
other conversation is 404.
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

from gongzhi.consultations.rules import takes_part
from gongzhi.opinions import actions, display, queries
from gongzhi.opinions.enums import StatementStatus, VoteValue
from gongzhi.opinions.forms import StatementForm, add_action_errors

# The portal draws fewer dots than the console: phones on slow networks.
PORTAL_DOTS = 400


@require_GET
@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    """意见地图 — the conversations of my community and township."""
    user: Any = request.user
    return render(
        request,
        "opinions/portal/list.html",
        {
            "community": queries.resident_community(user),
            "conversations": queries.resident_conversations(user)[:50],
        },
    )


@require_GET
@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One statement at a time: the next one not voted on, or ``?s=<id>`` to change a vote."""
    user: Any = request.user
    conv = queries.access_resident_conversation(user, pk)
    mine = queries.my_votes(conv, user)
    wanted = request.GET.get("s")
    statement = (
        queries.access_live_statement(conv, wanted)
        if wanted
        else queries.next_statement(conv, user)
    )
    total = queries.live_statements(conv).count()
    consultation = conv.consultation
    return render(
        request,
        "opinions/portal/conversation.html",
        {
            "conversation": conv,
            "consultation": consultation,
            "takes_part": consultation is not None and takes_part(user, consultation),
            "phase_error": actions.phase_error(conv) if conv.is_open else None,
            "statement": statement,
            "current": mine.get(statement.pk) if statement is not None else None,
            "voted": len(mine),
            "total": total,
            "can_take_part": user.has_perm("opinions.take_part", conv),
            "agree": VoteValue.AGREE,
            "disagree": VoteValue.DISAGREE,
            "pass": VoteValue.PASS,
        },
    )


@require_POST
@login_required
def vote(request: HttpRequest, pk: int, statement: int) -> HttpResponse:
    user: Any = request.user
    conv = queries.access_resident_conversation(user, pk)
    target = queries.access_live_statement(conv, statement)
    try:
        actions.do_vote(target, request.POST.get("value"), actor=user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("只有居住在本社区（街道）并已关联居民档案的居民可以表态"))
    return redirect("portal:opinion", pk=conv.pk)


@require_http_methods(["GET", "POST"])
@login_required
def statement_new(request: HttpRequest, pk: int) -> HttpResponse:
    """提出观点 — live at once, or after staff review when the conversation says so."""
    user: Any = request.user
    conv = queries.access_resident_conversation(user, pk)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            statement = actions.do_add_statement(
                conv, text=form.cleaned_data["text"], actor=user, request=request
            )
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("只有居住在本社区（街道）并已关联居民档案的居民可以提出观点"))
        else:
            if statement.status == StatementStatus.PENDING:
                messages.success(request, _("观点已提交，工作人员审核后公开"))
            else:
                messages.success(request, _("观点已公开，邻居们可以表态了"))
            return redirect("portal:opinion", pk=conv.pk)
    return render(
        request,
        "opinions/portal/statement_form.html",
        {"conversation": conv, "form": form, "mine": queries.my_statements(conv, user)[:20]},
    )


@require_GET
@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    """观点分组 — the groups, what sets each apart, the common ground, and where I stand."""
    user: Any = request.user
    conv = queries.access_resident_conversation(user, pk)
    snapshot = queries.snapshot_of(conv)
    texts = dict(queries.live_statements(conv).values_list("pk", "text"))
    view = (
        display.map_view(snapshot, texts, user_id=user.pk, max_drawn=PORTAL_DOTS)
        if snapshot is not None
        else None
    )
    mine = queries.my_votes(conv, user)
    return render(
        request,
        "opinions/portal/groups.html",
        {
            "conversation": conv,
            "map": view,
            "voted": len(mine),
            "still_needed": max(0, (view.min_votes if view else 0) - len(mine)),
            "my_votes": [
                {"pk": pk, "text": texts[pk], "label": VoteValue(value).label}
                for pk, value in sorted(mine.items())
                if pk in texts
            ],
        },
    )
