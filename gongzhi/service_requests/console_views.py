"""Open311 keys in the console (/console/open311/keys/): the system administrator issues a
key (shown once) and revokes keys. Each view checks the permission; each action again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.service_requests.actions import do_issue_open311_key, do_revoke_open311_key
from gongzhi.service_requests.forms import IssueKeyForm
from gongzhi.service_requests.models import Open311ApiKey

PERMISSION = "service_requests.manage_open311_key"
PAGE_SIZE = 50


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("只有系统管理员可以管理 Open311 接口密钥"))


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("账号与角色"), "url": reverse("accounts:user_list")},
        {"label": _("Open311 接口密钥"), "url": reverse("open311_keys:list")},
        *extra,
    ]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    """接口密钥 — the keys (newest first, 50 shown) and the form to issue one; a new key
    is shown on the answer to the POST only, never again."""
    _require_admin(request)
    form = IssueKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = do_issue_open311_key(
                form.cleaned_data["name"],
                region_code=form.cleaned_data["region_code"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            return render(
                request,
                "service_requests/key_issued.html",
                {"key": key, "raw": raw, "breadcrumb": _crumbs({"label": key.name, "url": ""})},
            )
    keys = list(Open311ApiKey.objects.select_related("issued_by").order_by("-id")[:PAGE_SIZE])
    return render(
        request,
        "service_requests/key_list.html",
        {
            "form": form,
            "keys": keys,
            "can_revoke": {k.pk for k in keys if request.user.has_perm(PERMISSION, k)},
            "breadcrumb": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    key = get_object_or_404(Open311ApiKey, pk=pk)
    try:
        do_revoke_open311_key(key, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(
            request,
            _("已吊销接口密钥“%(name)s”（%(prefix)s…）") % {"name": key.name, "prefix": key.prefix},
        )
    return HttpResponseRedirect(reverse("open311_keys:list"))
