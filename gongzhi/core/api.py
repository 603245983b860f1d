"""Progress of background work over the API (``/api/v1/tasks/…``): one's own work only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.api.errors import errors
from gongzhi.api.pagination import LimitOffsetPagination
from gongzhi.core.models import TaskProgress
from gongzhi.core.progress import access_progress, recent_progress
from gongzhi.core.tasks import do_start_ledger_verification

router = Router(tags=["后台任务"])


class TaskProgressOut(Schema):
    """任务进度"""

    id: int
    kind: str = Field(description="任务类型，如 ledger.verify")
    title: str
    status: str = Field(
        description="queued 排队中 / running 进行中 / succeeded 已完成 / failed 失败"
    )
    status_label: str
    total: int | None = Field(description="总数；尚未知道时为 null")
    done: int
    percent: int | None
    message: str
    result: dict[str, Any] = Field(description="任务结果，如输出文件的链接")
    error: str
    finished: bool
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    page_url: str = Field(description="员工工作台中的进度页面")

    @staticmethod
    def resolve_status_label(obj: TaskProgress) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_finished(obj: TaskProgress) -> bool:
        return obj.is_finished

    @staticmethod
    def resolve_page_url(obj: TaskProgress) -> str:
        return reverse("core:task_progress", args=[obj.pk])


@router.get(
    "",
    response={200: list[TaskProgressOut], **errors(401, 422)},
    summary="我的任务",
    description="当前用户发起的后台任务，最新的在前（分页）。",
)
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest) -> Any:
    return recent_progress(request.user)


@router.get(
    "/{int:task_id}",
    response={200: TaskProgressOut, **errors(401, 404)},
    summary="查看任务进度",
    description="只能查看自己发起的任务；他人的任务返回 404。",
)
def get_task(request: HttpRequest, task_id: int) -> TaskProgress:
    return access_progress(request.user, task_id)


@router.post(
    "/ledger-verification",
    response={202: TaskProgressOut, **errors(401, 403)},
    summary="校验审计链",
    description="审计管理员发起一次完整的审计链校验，在后台运行；用返回的 id 查询进度。",
)
def start_ledger_verification(request: HttpRequest) -> Status[TaskProgress]:
    return Status(202, do_start_ledger_verification(actor=request.user))
