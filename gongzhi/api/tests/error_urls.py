"""A small API with the platform's exception handlers, raising each kind of error on demand.

Used by test_errors.py (``@pytest.mark.urls``) for errors no endpoint of the platform
raises on purpose yet, such as a database conflict.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from gongzhi.api.errors import install_exception_handlers

api = NinjaAPI(urls_namespace="errors_test", docs_url=None, openapi_url=None)
install_exception_handlers(api)


@api.get("/conflict")
def conflict(request: HttpRequest) -> None:
    raise IntegrityError("UNIQUE constraint failed: accounts_user.username")


@api.get("/invalid-fields")
def invalid_fields(request: HttpRequest) -> None:
    raise ValidationError({"name": ["名称不能为空"], "code": ["代码须为 3 位数字", "代码已被占用"]})


@api.get("/invalid-whole")
def invalid_whole(request: HttpRequest) -> None:
    raise ValidationError("开始日期不能晚于结束日期")


@api.get("/denied")
def denied(request: HttpRequest) -> None:
    raise PermissionDenied("只能修改本辖区的数据")


@api.get("/crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("secret internal detail")


urlpatterns = [path("api/", api.urls)]
