"""Pages of the tag configuration (标签管理) and of a resident's portal account (门户账号)
in the staff console. Thin: queries read, actions write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.residents import actions, queries, queries_tags
from gongzhi.residents.forms import add_action_errors
from gongzhi.residents.forms_tags import AccountLinkForm, TagForm
from gongzhi.residents.models import Resident, Tag
from gongzhi.residents.views import _crumbs, _form_page, _resident_crumbs


def _require_tags(request: HttpRequest) -> None:
    if not request.user.has_perm("residents.manage_tags"):
        raise PermissionDenied(_("您没有权限执行此操作"))


def _tag_crumbs(step: str = "") -> list[dict[str, str]]:
    if not step:
        return _crumbs((_("标签管理"), ""))
    return _crumbs((_("标签管理"), reverse("residents:tag_list")), (step, ""))


@login_required
def tag_list(request: HttpRequest) -> HttpResponse:
    """标签管理: every tag with its category, sensitivity, status and how many current
    residents of the viewer's jurisdiction carry it."""
    _require_tags(request)
    page = Paginator(
        queries_tags.tags_for_configuration(request.user), queries_tags.TAG_PAGE_SIZE
    ).get_page(request.GET.get("page", 1))
    usage = queries_tags.tag_usage(request.user, [tag.pk for tag in page])
    rows = [{"tag": tag, "carried_by": usage.get(tag.pk, 0)} for tag in page]
    return render(
        request,
        "residents/tags.html",
        {
            "page": page,
            "rows": rows,
            "may_change_sensitivity": request.user.has_perm("residents.change_tag_sensitivity"),
            "breadcrumb": _tag_crumbs(),
        },
    )


def _tag_form_page(request: HttpRequest, tag: Tag | None) -> HttpResponse:
    may_change_sensitivity = request.user.has_perm("residents.change_tag_sensitivity")
    initial = (
        {
            "code": tag.code,
            "name": tag.name,
            "category": tag.category,
            "is_sensitive": tag.is_sensitive,
        }
        if tag is not None
        else {}
    )
    form = TagForm(
        request.POST or None,
        initial=initial,
        editing=tag is not None,
        may_change_sensitivity=may_change_sensitivity,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.do_save_tag(
                tag,
                code=data["code"],
                name=data["name"],
                category=data["category"],
                is_sensitive=data["is_sensitive"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("标签“%(name)s”已保存") % {"name": saved.name})
            return redirect("residents:tag_list")
    title = _("修改标签：%(name)s") % {"name": tag.name} if tag is not None else _("新建标签")
    return _form_page(
        request,
        form,
        title=title,
        cancel=reverse("residents:tag_list"),
        crumbs=_tag_crumbs(_("修改") if tag is not None else _("新建标签")),
    )


@login_required
def tag_create(request: HttpRequest) -> HttpResponse:
    _require_tags(request)
    return _tag_form_page(request, None)


@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_tags(request)
    return _tag_form_page(request, queries_tags.access_tag(request.user, pk))


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    _require_tags(request)
    tag = queries_tags.access_tag(request.user, pk)
    change = actions.do_activate_tag if active else actions.do_deactivate_tag
    try:
        change(tag, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("标签“%(name)s”已启用") if active else _("标签“%(name)s”已停用")
        messages.success(request, done % {"name": tag.name})
    return redirect("residents:tag_list")


@require_POST
@login_required
def tag_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@require_POST
@login_required
def tag_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)


# --- The resident's portal account ----------------------------------------------------------


def _linkable(request: HttpRequest, pk: int) -> Resident:
    resident = queries.access_resident(request.user, pk)
    if not request.user.has_perm("residents.link_account", resident):
        raise PermissionDenied(_("您没有权限执行此操作"))
    return resident


@login_required
def resident_account(request: HttpRequest, pk: int) -> HttpResponse:
    """关联门户账号: link a resident account, chosen by username, to this record."""
    resident = _linkable(request, pk)
    form = AccountLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        account = queries_tags.account_by_username(request.user, username)
        if account is None:
            form.add_error("username", actions.account_not_found_message(username))
        else:
            try:
                actions.do_link_resident_account(
                    resident,
                    account,
                    actor=request.user,  # type: ignore[arg-type]
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request, _("已关联门户账号“%(name)s”") % {"name": account.username}
                )
                return redirect("residents:detail", pk=resident.pk)
    context: dict[str, Any] = {
        "resident": resident,
        "account": resident.user,
        "form": form,
        "breadcrumb": _resident_crumbs(resident, _("门户账号")),
    }
    return render(request, "residents/account_link.html", context)


@require_POST
@login_required
def resident_account_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _linkable(request, pk)
    try:
        actions.do_unlink_resident_account(
            resident,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已解除门户账号关联"))
    return redirect("residents:detail", pk=resident.pk)
