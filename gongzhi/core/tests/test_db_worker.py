"""With the database backend a task waits in the queue until ``manage.py db_worker`` runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gongzhi.core.models import ProgressStatus, TaskProgress
from gongzhi.core.progress import enqueue_with_progress
from gongzhi.core.tasks import verify_ledger_task
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType


# The worker manages its own connections and transactions, as in production.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_task_and_its_progress_reaches_the_end(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in range(3):
        record_event(EventType.SETTING_CHANGED, summary={"n": n})

    progress = enqueue_with_progress(
        verify_ledger_task, kind="ledger.verify", title="校验审计链", user=None
    )
    assert progress.status == ProgressStatus.QUEUED
    assert progress.task_id

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    progress = TaskProgress.objects.get(pk=progress.pk)
    assert progress.status == ProgressStatus.SUCCEEDED
    assert (progress.done, progress.total) == (3, 3)
    assert progress.result["ok"] is True
