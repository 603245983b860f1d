"""The 三员 account pages under /console/accounts/: list, detail, create, and one POST
view per action. Each button shows only with its permission; each action checks again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts import actions
from gongzhi.accounts.auth import otp_required
from gongzhi.accounts.forms import (
    AccountCreateForm,
    AccountFilterForm,
    GrantRoleForm,
    JurisdictionForm,
    RevokeRoleForm,
    apply_errors,
)
from gongzhi.accounts.models import Role, User
from gongzhi.accounts.queries import (
    access_account,
    access_token_of,
    account_page,
    require_viewer,
    resolve_region,
    security_state,
)
from gongzhi.regions.queries import search_regions

# The permissions a detail page asks about, each deciding whether a button is shown.
DETAIL_PERMS = (
    "disable_user",
    "reset_password",
    "grant_role",
    "change_jurisdiction",
    "unlock_user",
    "reset_otp",
    "revoke_token",
)


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": _("账号与角色"), "url": reverse("accounts:user_list")}, *extra]


def _detail(account: User) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))


def _first_message(error: ValidationError) -> str:
    return "；".join(error.messages)


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """账号列表 — the accounts of the administrator's jurisdiction, 50 to a page."""
    require_viewer(request.user)
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page, rows = account_page(
        request.user,
        request.GET.get("page", 1),
        role=data.get("role", ""),
        region_code=data.get("region", ""),
        status=data.get("status", ""),
        search=data.get("q", ""),
    )
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_create": request.user.has_perm("accounts.create_user"),
            "breadcrumb": _crumbs(),
        },
    )


@login_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """账号详情 — roles, region, status, lockout, authenticator, API tokens, and the
    actions the viewer may take."""
    account = access_account(request.user, pk)
    return _render_detail(request, account)


def _render_detail(
    request: HttpRequest,
    account: User,
    *,
    grant_form: GrantRoleForm | None = None,
    jurisdiction_form: JurisdictionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can = {name: user.has_perm(f"accounts.{name}", account) for name in DETAIL_PERMS}
    options_url = reverse("accounts:region_options")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "role_rows": [(role, Role(role).label) for role in sorted(account.roles)],
            "state": security_state(account),
            "otp_required": otp_required(account),
            "now": timezone.now(),
            "can": can,
            "grant_form": grant_form or GrantRoleForm(held=account.roles),
            "jurisdiction_form": jurisdiction_form or JurisdictionForm(options_url=options_url),
            "breadcrumb": _crumbs({"label": account.username, "url": ""}),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """新建账号 — system administrator; the initial password must be changed at first login."""
    user = request.user
    if not user.has_perm("accounts.create_user"):
        raise PermissionDenied(_("只有系统管理员可以创建账号"))
    form = AccountCreateForm(request.POST or None, options_url=reverse("accounts:region_options"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        generated = not data["password"]
        password = data["password"] or actions.new_password_for(data["username"].strip())
        try:
            region = resolve_region(user, data["region"])
            account = actions.do_create_user(
                data["username"].strip(),
                roles=data["roles"],
                region=region,
                password=password,
                full_name=data["full_name"].strip(),
                must_change_password=True,
                actor=user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if generated:
                return render(
                    request,
                    "accounts/password_issued.html",
                    {
                        "account": account,
                        "password": password,
                        "created": True,
                        "breadcrumb": _crumbs(),
                    },
                )
            messages.success(request, _("账号“%(name)s”已创建") % {"name": account.username})
            return _detail(account)
    return render(
        request,
        "accounts/user_create.html",
        {"form": form, "breadcrumb": _crumbs({"label": _("新建账号"), "url": ""})},
    )


@login_required
@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for a region field (htmx fills the input's ``<datalist>``)."""
    require_viewer(request.user)
    page = search_regions(request.user, request.GET.get("region", ""), 1)
    return render(request, "accounts/region_options.html", {"regions": page.object_list})


def _post_action(
    request: HttpRequest,
    pk: int,
    run: Callable[[User], Any],
    success: str,
) -> HttpResponse:
    """Fetch the account in scope, run one action, report the outcome on the detail page."""
    account = access_account(request.user, pk)
    try:
        run(account)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, success)
    return _detail(account)


@login_required
@require_POST
def grant_role(request: HttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    form = GrantRoleForm(request.POST, held=account.roles)
    if not form.is_valid():
        return _render_detail(request, account, grant_form=form, status=400)
    role = form.cleaned_data["role"]
    try:
        actions.do_grant_role(account, role, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, _("已授予角色：%(role)s") % {"role": Role(role).label})
    return _detail(account)


@login_required
@require_POST
def revoke_role(request: HttpRequest, pk: int) -> HttpResponse:
    form = RevokeRoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    return _post_action(
        request,
        pk,
        lambda account: actions.do_revoke_role(account, role, actor=request.user, request=request),  # type: ignore[arg-type]
        _("已收回角色：%(role)s") % {"role": Role(role).label if role else ""},
    )


@login_required
@require_POST
def change_jurisdiction(request: HttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    form = JurisdictionForm(request.POST, options_url=reverse("accounts:region_options"))
    if form.is_valid():
        try:
            region = resolve_region(request.user, form.cleaned_data["region"])
            actions.do_change_jurisdiction(account, region, actor=request.user, request=request)  # type: ignore[arg-type]
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("辖区已变更为：%(name)s") % {"name": region.name})
            return _detail(account)
    return _render_detail(request, account, jurisdiction_form=form, status=400)


@login_required
@require_POST
def disable_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda account: actions.do_disable_user(account, actor=request.user, request=request),  # type: ignore[arg-type]
        _("账号已停用，其 API 令牌已吊销"),
    )


@login_required
@require_POST
def enable_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda account: actions.do_enable_user(account, actor=request.user, request=request),  # type: ignore[arg-type]
        _("账号已启用"),
    )


@login_required
@require_POST
def clear_lockout(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda account: actions.do_clear_lockout(account, actor=request.user, request=request),  # type: ignore[arg-type]
        _("已解除锁定"),
    )


@login_required
@require_POST
def reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda account: actions.do_reset_otp(account, actor=request.user, request=request),  # type: ignore[arg-type]
        _("已重置身份验证器，该账号下次登录时须重新绑定"),
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int, token_id: int) -> HttpResponse:
    account = access_account(request.user, pk)
    token = access_token_of(account, token_id)
    try:
        actions.do_revoke_api_token(token, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, _("令牌已吊销"))
    return _detail(account)


@never_cache
@login_required
@require_POST
def reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """重置密码 — shows the new random password once; the user must change it at login."""
    account = access_account(request.user, pk)
    try:
        password = actions.do_reset_password(account, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _first_message(error))
        return _detail(account)
    return render(
        request,
        "accounts/password_issued.html",
        {"account": account, "password": password, "created": False, "breadcrumb": _crumbs()},
    )
