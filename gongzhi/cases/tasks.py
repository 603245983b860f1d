"""Background work of the case engine (django-tasks; ``manage.py db_worker``).

``sweep_cases_task`` runs the deadline sweep (``actions.do_sweep_cases``): a timer
enqueues it every few minutes (or runs ``manage.py sweep_cases`` directly, see
docs/operations.md). Each run touches only the cases whose clock passed its warning or
its deadline and records one ledger event with the counts.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from gongzhi.cases.sweep import do_sweep_cases


@task()
def sweep_cases_task() -> dict[str, Any]:
    """Mark due-soon and overdue cases and escalate per category; returns the counts."""
    return do_sweep_cases().as_dict()
