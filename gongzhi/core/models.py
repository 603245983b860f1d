"""Infrastructure models shared by every app."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


@cache
def _choice_labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    return dict(make_hashable(field.flatchoices))


class QuickDisplayMixin:
    """``get_FOO_display()`` from each field's choices read once per process.

    Django flattens and hashes a field's whole choice list on every call: 56 ethnicities
    for each row of a list page, a tenth of the page's time. The labels stay lazy, so
    each call still answers in the request's language.
    """

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        label = _choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


class ProgressStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


FINISHED_STATUSES = frozenset({ProgressStatus.SUCCEEDED, ProgressStatus.FAILED})


class TaskProgress(models.Model):
    """任务进度 — how far one piece of long work (an import, export or sweep) has got.

    Created by ``start_progress`` when the work is queued, advanced by a
    ``ProgressReporter`` inside the background task, read by the progress page, the API
    and the command line (DESIGN rule 8). Only the person who started the work sees it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_progress",
    )
    # The jurisdiction the work was started in, so supervisors' views can scope it later.
    region_code = models.CharField(_("辖区编码"), max_length=21, blank=True, db_index=True)
    kind = models.CharField(_("任务类型"), max_length=50)
    title = models.CharField(_("任务名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProgressStatus.choices, default=ProgressStatus.QUEUED
    )
    # None while the amount of work is not yet known (the bar is then indeterminate).
    total = models.PositiveBigIntegerField(_("总数"), null=True, blank=True)
    done = models.PositiveBigIntegerField(_("已完成数"), default=0)
    message = models.CharField(_("当前说明"), max_length=300, blank=True)
    # What the work produced, e.g. {"url": "/media/…/export.xlsx", "label": "下载结果"}.
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    # The id of the django-tasks result that runs this work, for operators.
    task_id = models.CharField(_("后台任务标识"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务进度")
        verbose_name_plural = _("任务进度")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="taskprogress_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="taskprogress_done_le_total",
                violation_error_message=_("已完成数不能多于总数"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is unknown."""
        if not self.total:
            return 100 if self.total == 0 and self.is_finished else None
        return min(100, self.done * 100 // self.total)


class DeferredIndex(models.Model):
    """An index dropped for a bulk load and not yet rebuilt (``gongzhi.core.bulkload``).

    Written in the transaction that drops the index, deleted in the one that rebuilds it:
    a bulk load killed half-way leaves its indexes listed here, and the next import,
    ``bootstrap`` or ``migrate`` rebuilds them.
    """

    table = models.CharField(_("数据表"), max_length=100)
    name = models.CharField(_("索引名"), max_length=100, unique=True)
    sql = models.TextField(_("建索引语句"))
    created_at = models.DateTimeField(_("删除时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待重建索引")
        verbose_name_plural = _("待重建索引")

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
