"""Background work of the residents registry (django-tasks; ``manage.py db_worker``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from gongzhi.core.models import TaskProgress
from gongzhi.core.progress import ProgressReporter
from gongzhi.residents.importing import do_import_residents

RESIDENTS_IMPORT = "residents.import"


@task()
def import_residents_task(progress_id: int, path: str, dry_run: bool = False) -> dict[str, Any]:
    """Import the uploaded file as the user who started the work, advancing the progress.

    The result (counts and the error file's path) is kept on the progress record; the
    error file is served only to that user (``views_exchange.import_errors``). The
    uploaded file is removed once read.
    """
    progress = TaskProgress.objects.select_related("user").get(pk=progress_id)
    with ProgressReporter(progress_id) as reporter:

        def on_progress(done: int, total: int | None) -> None:
            if total and reporter.total != total:
                reporter.set_total(total)
            reporter.advance(done - reporter.done)

        try:
            summary = do_import_residents(
                path, actor=progress.user, dry_run=dry_run, on_progress=on_progress
            )
        finally:
            Path(path).unlink(missing_ok=True)
        result = {
            **summary.as_dict(),
            "dry_run": dry_run,
            "url": reverse("residents:import_result", args=[progress_id]),
            "label": _("查看导入结果"),
        }
        reporter.succeed(
            result,
            message=_(
                "共 %(rows)d 行：新增 %(created)d，更新 %(updated)d，"
                "未变 %(unchanged)d，有误 %(rejected)d"
            )
            % summary.as_dict(),
        )
    return result
