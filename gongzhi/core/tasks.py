"""Background tasks of the platform's infrastructure (django-tasks; ``manage.py db_worker``).

``verify_ledger_task`` walks the audit chain (``gongzhi.ledger.verify.verify_chain``) in a
worker and reports its progress, so an audit administrator can check a chain of millions
of events from the console or the API without holding a request open.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_tasks import task

from gongzhi.core.models import TaskProgress
from gongzhi.core.progress import ProgressReporter, enqueue_with_progress
from gongzhi.ledger.actions import record_verification
from gongzhi.ledger.verify import verify_chain

LEDGER_VERIFICATION = "ledger.verify"


@task()
def verify_ledger_task(progress_id: int) -> dict[str, Any]:
    """Verify the whole hash chain, advancing ``progress_id`` batch by batch.

    Records one LEDGER_VERIFIED event when the walk ends, as the person who started it,
    with outcome ``failed`` and the first broken event when the chain is not intact.
    """
    progress = TaskProgress.objects.select_related("user").get(pk=progress_id)
    with ProgressReporter(progress_id) as reporter:

        def on_batch(done: int, total: int) -> None:
            if reporter.total != total:
                reporter.set_total(total)
            reporter.advance(done - reporter.done)

        # No time limit: the walk reaches the head, so ``ok`` means no problem was found.
        result = verify_chain(progress=on_batch)
        summary = record_verification(result, actor=progress.user)
        if result.ok:
            reporter.succeed(summary, message=result.message)
        else:
            reporter.fail(result.message)
    return summary


def do_start_ledger_verification(*, actor: Any) -> TaskProgress:
    """Queue a full verification of the audit chain; the audit administrator's to start.

    The worker writes the LEDGER_VERIFIED event when the walk ends, so the outcome, not
    the intention, is what the ledger keeps.
    """
    if not actor.has_perm("ledger.view_event"):
        raise PermissionDenied(_("只有审计管理员可以校验审计链"))
    return enqueue_with_progress(
        verify_ledger_task, kind=LEDGER_VERIFICATION, title=_("校验审计链"), user=actor
    )
