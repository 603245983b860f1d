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
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType, Outcome
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

        result = verify_chain(progress=on_batch)
        summary: dict[str, Any] = {
            "ok": result.ok,
            "count": result.count,
            "last_seq": result.last_seq,
            "head_seq": result.head_seq,
        }
        if result.problem is not None:
            summary["problem"] = {"kind": result.problem.kind, "seq": result.problem.seq}
        record_event(
            EventType.LEDGER_VERIFIED,
            actor=progress.user,
            object_type="ledger.chain",
            object_id=str(result.head_seq),
            outcome=Outcome.SUCCESS if result.ok else Outcome.FAILED,
            summary=summary,
        )
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
