"""Background work of the opinion map (django-tasks; ``manage.py db_worker``).

``compute_opinion_map_task`` recomputes one conversation's map in the worker: queued by
``actions.do_vote`` once the map has gone stale, and by the staff button when the
conversation has more votes than ``actions.SYNC_VOTE_CAP`` (too many to compute inside
a request).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from gongzhi.opinions.actions import do_compute_opinion_map
from gongzhi.opinions.models import Conversation


@task()
def compute_opinion_map_task(conversation_id: int) -> dict[str, Any]:
    """Recompute the map as the system (the ledger event has no actor)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return {"conversation": conversation_id, "computed": False}
    snapshot = do_compute_opinion_map(conversation, actor=None)
    return {
        "conversation": conversation_id,
        "computed": True,
        "participants": snapshot.participants,
        "problem": snapshot.problem,
        "seconds": snapshot.seconds,
    }
