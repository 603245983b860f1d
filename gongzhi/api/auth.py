"""Bearer tokens for the API: issue, use, revoke — and ``GET /api/v1/me``.

The token endpoint runs the same authentication as the web login
(``gongzhi.accounts.auth.authenticate_for_api``), so both share one failure counter,
one lockout and one rate limit. Only a hash of each token is stored (``ApiToken``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from gongzhi.accounts.actions import (
    authenticate_api_token,
    do_issue_api_token,
    do_revoke_api_token,
    hash_token,
)
from gongzhi.accounts.auth import AuthenticationFailed, authenticate_for_api
from gongzhi.accounts.models import ApiToken, Role
from gongzhi.api.errors import ApiError, errors
from gongzhi.core.scoping import NOWHERE, scope_of
from gongzhi.regions.models import Level

BEARER_ATTRIBUTE = "_gongzhi_bearer_token"


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>``; sets ``request.user`` to the token's account, so
    ``scope_of(request.user)`` and ``has_perm`` work as in the console."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token.strip())
        if user is None:
            raise ApiError(
                401,
                "token_invalid",
                _("访问令牌无效、已过期或已被吊销，请重新获取令牌"),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        request.user = user
        setattr(request, BEARER_ATTRIBUTE, token.strip())
        return user


# --- /auth/token -----------------------------------------------------------------------------

token_router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, description="用户名")
    password: str = Field(min_length=1, max_length=256, description="密码")
    otp: str | None = Field(None, max_length=16, description="动态口令（三员及须双因素的角色必填）")


class TokenOut(Schema):
    token: str = Field(description="访问令牌：只显示这一次，请妥善保存")
    expires_at: datetime = Field(description="到期时间")


@token_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, **errors(400, 401, 403, 422, 429)},
    summary="获取访问令牌",
    description=(
        "以用户名、密码（及动态口令）换取访问令牌。失败时的 code："
        "`invalid_credentials` 401（用户名或密码错误）、`otp_required` 401、`otp_invalid` 401、"
        "`otp_not_enrolled` 403（须先在网页绑定身份验证器）、"
        "`password_expired` 403（须先在网页修改密码）、"
        "`account_locked` 429（连续失败已锁定，`Retry-After` 给出剩余秒数）、"
        "`rate_limited` 429（同一客户端请求过于频繁）。"
    ),
)
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    try:
        user = authenticate_for_api(request, payload.username, payload.password, payload.otp)
    except AuthenticationFailed as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        raise ApiError(exc.status, exc.code, exc.message, headers=headers) from None
    token, raw = do_issue_api_token(user, actor=user, request=request)
    return {"token": raw, "expires_at": token.expires_at}


@token_router.delete(
    "/token",
    response={204: None, **errors(401)},
    summary="吊销当前令牌",
    description="吊销本次请求所带的令牌；之后用它的请求返回 401。",
)
def revoke_token(request: HttpRequest) -> Status[None]:
    raw = getattr(request, BEARER_ATTRIBUTE, "")
    user: Any = request.user
    token = ApiToken.objects.select_related("user").get(token_hash=hash_token(raw), user=user)
    do_revoke_api_token(token, actor=user, request=request)
    return Status(204, None)


# --- /me -------------------------------------------------------------------------------------

me_router = Router(tags=["账号"])


class RoleOut(Schema):
    code: str
    label: str


class MyRegionOut(Schema):
    code: str = Field(description="统计用区划代码（12 位）")
    region_code: str = Field(description="辖区编码")
    name: str
    level: int
    level_label: str


class MeOut(Schema):
    """当前账号"""

    username: str
    name: str = Field(description="姓名")
    roles: list[RoleOut]
    region: MyRegionOut | None = Field(description="账号所属辖区")
    scope: str | None = Field(description="当前可见数据的辖区编码前缀；无辖区（如居民）时为 null")


@me_router.get("/me", response={200: MeOut, **errors(401)}, summary="当前账号")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    region = user.region
    scope = scope_of(user)
    return {
        "username": user.username,
        "name": user.full_name,
        "roles": [{"code": role, "label": str(Role(role).label)} for role in sorted(user.roles)],
        "region": None
        if region is None
        else {
            "code": region.code,
            "region_code": region.region_code,
            "name": region.name,
            "level": region.level,
            "level_label": str(Level(region.level).label),
        },
        "scope": None if scope == NOWHERE else scope,
    }
