"""Every API error is JSON ``{"code", "message", "fields"}`` with the right HTTP status.

``code`` is a stable English identifier a client can branch on; ``message`` is Chinese
and meant for people; ``fields`` maps a field name to the Chinese reason it was refused
(empty when the error is not about a field). The handlers are registered on the one
``NinjaAPI`` in ``gongzhi.api.urls``, so routers only raise:

- ``ApiError(status, code, message, fields=…)`` for anything specific;
- ``Http404`` (also from ``access(...)`` outside the jurisdiction) → 404 ``not_found``;
- ``PermissionDenied`` → 403 ``permission_denied``, written to the ledger;
- Django ``ValidationError`` from an action → 422 ``validation_error`` with its fields;
- ``IntegrityError`` (a duplicate, a broken constraint) → 409 ``conflict``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType, Outcome

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# Field key for an error about the request as a whole (Django's convention).
WHOLE_REQUEST = NON_FIELD_ERRORS


class ErrorOut(Schema):
    """错误 — the body of every error response."""

    code: str
    message: str
    fields: dict[str, str] = {}


class ApiError(Exception):
    """An error with its status, stable code and Chinese message, raised by API code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def default_code(status: int) -> str:
    return {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        422: "validation_error",
        429: "rate_limited",
    }.get(status, "server_error" if status >= 500 else "error")


def default_message(status: int) -> str:
    messages = {
        400: _("请求格式有误"),
        401: _("未登录或访问令牌无效，请先获取令牌"),
        403: _("您没有权限执行此操作"),
        404: _("未找到请求的对象"),
        405: _("不支持该请求方法"),
        409: _("与现有数据冲突（例如重复提交）"),
        422: _("提交的数据有误"),
        429: _("请求过于频繁，请稍后再试"),
    }
    return messages.get(status, _("服务器内部错误，请稍后再试或联系系统管理员"))


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error responses an operation documents in OpenAPI: ``response={200: X, **errors(404)}``."""
    return {status: ErrorOut for status in statuses}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "code": code or default_code(status),
        "message": message or default_message(status),
        "fields": fields or {},
    }
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- pydantic / ninja validation errors in Chinese ---


def _reason(error: dict[str, Any]) -> str:
    """One pydantic error as a Chinese reason."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    simple = {
        "missing": _("此项为必填项"),
        "string_type": _("须为文本"),
        "int_type": _("须为整数"),
        "int_parsing": _("须为整数"),
        "int_from_float": _("须为整数"),
        "float_type": _("须为数字"),
        "float_parsing": _("须为数字"),
        "decimal_parsing": _("须为数字"),
        "bool_type": _("须为 true 或 false"),
        "bool_parsing": _("须为 true 或 false"),
        "date_parsing": _("日期格式不正确，应为 YYYY-MM-DD"),
        "date_from_datetime_parsing": _("日期格式不正确，应为 YYYY-MM-DD"),
        "datetime_parsing": _("时间格式不正确，应为 ISO 8601 格式"),
        "datetime_from_date_parsing": _("时间格式不正确，应为 ISO 8601 格式"),
        "string_pattern_mismatch": _("格式不正确"),
        "uuid_parsing": _("格式不正确"),
        "json_invalid": _("不是有效的 JSON"),
        "dict_type": _("须为对象"),
        "model_type": _("须为对象"),
        "model_attributes_type": _("须为对象"),
        "list_type": _("须为列表"),
        "extra_forbidden": _("不接受此字段"),
        "url_parsing": _("不是有效的网址"),
        "value_error": _("取值无效"),
    }
    if kind == "greater_than_equal":
        return _("不能小于 %(limit)s") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("须大于 %(limit)s") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("不能大于 %(limit)s") % {"limit": ctx.get("le")}
    if kind == "less_than":
        return _("须小于 %(limit)s") % {"limit": ctx.get("lt")}
    if kind == "string_too_short":
        return _("至少 %(n)s 个字符") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("最多 %(n)s 个字符") % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return _("至少 %(n)s 项") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("最多 %(n)s 项") % {"n": ctx.get("max_length")}
    if kind in ("literal_error", "enum"):
        return _("须为以下之一：%(expected)s") % {"expected": ctx.get("expected", "")}
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        # Our own validators raise ValueError with a Chinese reason.
        return str(ctx["error"])
    return simple.get(kind, _("格式不正确"))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "payload", "username")`` → ``username``; ``("query", "limit")`` → ``limit``."""
    parts = [str(part) for part in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("", [])
    if source == "body" and rest:
        # ninja names the body after the view's parameter, which the client never sees.
        rest = rest[1:]
    return ".".join(rest) if rest else WHOLE_REQUEST


def validation_fields(errors_list: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors_list:
        name = _field_name(error.get("loc", ()))
        reason = _reason(error)
        fields[name] = f"{fields[name]}；{reason}" if name in fields else reason
    return fields


def django_validation_fields(exc: DjangoValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {name: "；".join(messages) for name, messages in exc.message_dict.items()}
    return {WHOLE_REQUEST: "；".join(exc.messages)}


def summarise(fields: dict[str, str]) -> str:
    """The Chinese message naming each refused field and why."""
    parts = [
        reason if name == WHOLE_REQUEST else f"{name}：{reason}" for name, reason in fields.items()
    ]
    return _("提交的数据有误：%(details)s") % {"details": "；".join(parts)}


# --- the handlers ---


def install_exception_handlers(api: NinjaAPI) -> None:
    """Register the handlers; more specific exception classes win (ninja walks the MRO)."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            api, request, exc.status, exc.code, exc.message, exc.fields, exc.headers
        )

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = validation_fields(exc.errors)
        return error_response(api, request, 422, "validation_error", summarise(fields), fields)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = django_validation_fields(exc)
        return error_response(api, request, 422, "validation_error", summarise(fields), fields)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "not_authenticated", headers={"WWW-Authenticate": "Bearer"}
        )

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After to the response after this handler returns.
        return error_response(api, request, 429, "rate_limited")

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        parse_failure = str(exc).startswith("Cannot parse request body")
        message = _("请求体不是有效的 JSON") if parse_failure else None
        return error_response(api, request, status, message=message)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer for "does not exist" and "outside your jurisdiction" (DESIGN rule 2).
        return error_response(api, request, 404, "not_found")

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        user = getattr(request, "user", None)
        record_event(
            EventType.PERMISSION_DENIED,
            actor=user,
            outcome=Outcome.DENIED,
            object_type="api",
            object_id=request.path[:64],
            summary={"method": request.method, "path": request.path, "reason": str(exc)},
            request=request,
        )
        message = str(exc) or default_message(403)
        return error_response(api, request, 403, "permission_denied", message)

    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("API conflict on %s %s: %s", request.method, request.path, exc)
        return error_response(api, request, 409, "conflict")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, "server_error")

    api.add_exception_handler(ApiError, on_api_error)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(DjangoValidationError, on_django_validation)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, on_authentication)  # type: ignore[arg-type]
    api.add_exception_handler(Throttled, on_throttled)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, on_permission_denied)  # type: ignore[arg-type]
    api.add_exception_handler(IntegrityError, on_integrity)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, on_unexpected)  # type: ignore[arg-type]
