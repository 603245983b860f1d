"""The REST API, assembled from each app's ``api.py`` router — the one place routers meet.

An app that offers endpoints writes a ninja ``Router`` in its ``api.py`` and adds one
line to ``ROUTERS`` below. Every router requires a bearer token unless it says
otherwise; errors, pagination and the docs page are shared (see ``errors.py``,
``pagination.py``, ``docs.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router
from ninja.renderers import JSONRenderer

from gongzhi.api.auth import BearerAuth, me_router, token_router
from gongzhi.api.docs import LocalSwagger
from gongzhi.api.errors import error_response, install_exception_handlers
from gongzhi.cases.api import router as cases_router
from gongzhi.consultations.api import router as consultations_router
from gongzhi.core.api import router as tasks_router
from gongzhi.disclosures.api import router as disclosures_router
from gongzhi.elections.api import router as elections_router
from gongzhi.opinions.api import router as opinions_router
from gongzhi.polls.api import router as polls_router
from gongzhi.regions.api import router as regions_router
from gongzhi.residents.api import router as residents_router

LOCKOUT_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)

# Markdown for the docs page. Chinese has no spaces between words, so each paragraph is one
# line: a line break inside it would show as a stray space.
DESCRIPTION = "\n\n".join(
    [
        "共治城乡社区治理平台的 REST 接口。",
        "**认证**：先用 `POST /api/v1/auth/token` 以用户名、密码（及动态口令）换取令牌，"
        "之后每个请求带 `Authorization: Bearer <令牌>`。令牌到期或被吊销"
        "（`DELETE /api/v1/auth/token`）后返回 401。登录失败次数与网页登录合并计算："
        f"连续失败 {settings.AXES_FAILURE_LIMIT} 次锁定账号 {LOCKOUT_MINUTES} 分钟，"
        "锁定期间返回 429 `account_locked`"
        "（`Retry-After` 头给出剩余秒数，中文说明给出剩余分钟数）；同一客户端地址请求过于频繁"
        "返回 429 `rate_limited`。须先在网页完成的事项返回 403：`otp_not_enrolled`"
        "（绑定身份验证器）、`password_expired`（修改密码）。",
        "**辖区**：只能读取本人辖区内的数据；辖区外的对象与不存在的对象一样返回 404。",
        '**列表**：`{"items": [...], "count": N}`，用 `limit`（1–200，默认 50）和 `offset` '
        "翻页。数据量达到全盟规模的列表将另外提供基于键值的游标翻页，返回格式不变。",
        '**错误**：统一为 `{"code": "...", "message": "中文说明", '
        '"fields": {"字段": "原因"}}`：400 `bad_request`；401 `not_authenticated`、'
        "`token_invalid`、`invalid_credentials`、`otp_required`、`otp_invalid`；"
        "403 `permission_denied`、`otp_not_enrolled`、`password_expired`；404 `not_found`；"
        "409 `conflict`；422 `validation_error`；429 `rate_limited`、`account_locked`；"
        "500 `server_error`。",
    ]
)


class GongzhiAPI(NinjaAPI):
    """NinjaAPI whose unknown paths and refused methods answer with the JSON error body too
    (ninja itself answers those in plain text)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for url in super()._get_urls():
            if isinstance(url, URLPattern):
                url.callback = self._json_method_not_allowed(url.callback)
            urls.append(url)

        @csrf_exempt
        def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
            return error_response(self, request, 404, "not_found")

        return [*urls, re_path(r"^(?P<rest>.*)$", not_found, name="not-found")]

    def _json_method_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)  # keeps csrf_exempt and the other view flags
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                return error_response(
                    self, request, 405, "method_not_allowed", headers={"Allow": response["Allow"]}
                )
            return response

        return wrapped


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as UTF-8, not ``\\uXXXX`` escapes: half the bytes and readable in a log."""

    json_dumps_params = {"ensure_ascii": False}


# (prefix, router, options) — each app's router, in the order they appear in the docs.
ROUTERS: list[tuple[str, Router, dict[str, Any]]] = [
    ("/auth", token_router, {}),
    ("", me_router, {}),
    ("/regions", regions_router, {}),
    ("/tasks", tasks_router, {}),
    ("", residents_router, {}),
    ("", cases_router, {}),
    ("", consultations_router, {}),
    ("", disclosures_router, {}),
    ("", opinions_router, {}),
    ("", polls_router, {}),
    ("", elections_router, {}),
]

api = GongzhiAPI(
    title="共治 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerAuth(),
    docs=LocalSwagger(),
    renderer=Utf8JSONRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_exception_handlers(api)
for prefix, router, options in ROUTERS:
    api.add_router(prefix, router, **options)
