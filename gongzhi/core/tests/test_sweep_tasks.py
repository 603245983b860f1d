"""Work left "running" by a killed worker is marked failed; live and queued work is not."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import Personas
from gongzhi.core.models import ProgressStatus, TaskProgress
from gongzhi.core.progress import start_progress

pytestmark = pytest.mark.django_db


def make(personas: Personas, status: str, minutes_ago: int) -> TaskProgress:
    progress = start_progress("test", "测试任务", user=personas.staff_a, total=10)
    TaskProgress.objects.filter(pk=progress.pk).update(
        status=status, updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return progress


def test_it_fails_only_running_work_that_stopped_moving(personas: Personas) -> None:
    abandoned = make(personas, ProgressStatus.RUNNING, minutes_ago=45)
    alive = make(personas, ProgressStatus.RUNNING, minutes_ago=1)
    waiting = make(personas, ProgressStatus.QUEUED, minutes_ago=120)

    out = StringIO()
    call_command("sweep_tasks", "--idle-minutes", "30", stdout=out)

    assert "已将 1 个中断的任务标记为失败" in out.getvalue()
    abandoned.refresh_from_db()
    assert abandoned.status == ProgressStatus.FAILED
    assert "任务中断" in abandoned.error
    assert abandoned.finished_at is not None
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert alive.status == ProgressStatus.RUNNING
    assert waiting.status == ProgressStatus.QUEUED
