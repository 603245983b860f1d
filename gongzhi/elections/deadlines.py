"""Every legal deadline of an election and whether it is met (the street's overview).

Each deadline is computed from the rule in force for the community on election day, and
carries that rule's source. States: ``met`` (done on or before the day), ``missed`` (done
late, or not done and the day has passed), ``open`` (not done, still time), and ``n/a``
(the step it counts from has not happened yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.elections import policies
from gongzhi.elections.enums import ElectionStatus, RequestStatus
from gongzhi.elections.models import Election, ListRequest
from gongzhi.elections.rulebook import integer, rule

MET, MISSED, OPEN, NOT_YET = "met", "missed", "open", "n/a"
STATE_LABELS = {
    MET: gettext_lazy("已按期"),
    MISSED: gettext_lazy("已逾期"),
    OPEN: gettext_lazy("进行中"),
    NOT_YET: gettext_lazy("尚未开始"),
}


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: date | None
    done_on: date | None
    state: str
    source: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - timezone.localdate()).days


def state(due: date | None, done_on: date | None, today: date) -> str:
    if due is None:
        return NOT_YET
    if done_on is not None:
        return MET if done_on <= due else MISSED
    return OPEN if today <= due else MISSED


def list_published_by(election: Election) -> date:
    days = integer(election, policies.LIST_PUBLISHED_DAYS_BEFORE)
    return election.election_day - timedelta(days=days)


def objections_until(election: Election) -> date | None:
    if election.list_published_on is None:
        return None
    days = integer(election, policies.OBJECTION_DAYS)
    return election.list_published_on + timedelta(days=days)


def answer_by(request: ListRequest) -> date:
    days = integer(request.election, policies.OBJECTION_ANSWER_DAYS)
    return request.filed_on + timedelta(days=days)


def proxies_by(election: Election) -> date:
    days = integer(election, policies.PROXY_FILED_DAYS_BEFORE)
    return election.election_day - timedelta(days=days)


def handover_by(election: Election) -> date | None:
    if election.certified_on is None:
        return None
    days = integer(election, policies.HANDOVER_DAYS)
    return election.certified_on + timedelta(days=days)


def deadlines(
    election: Election, today: date, requests: list[ListRequest] | None = None
) -> list[Deadline]:
    """The election's deadlines in order. ``requests`` are its objections (read if omitted)."""
    if requests is None:
        requests = list(election.list_requests.all())
    rows: list[Deadline] = []
    published = rule(election, policies.LIST_PUBLISHED_DAYS_BEFORE)
    due = list_published_by(election)
    rows.append(
        Deadline(
            "list_published",
            _("选民名单公布（选举日前 %(n)s 日以前）") % {"n": published.value},
            due,
            election.list_published_on,
            state(due, election.list_published_on, today),
            published.source,
        )
    )
    objection = rule(election, policies.OBJECTION_DAYS)
    until = objections_until(election)
    rows.append(
        Deadline(
            "objections",
            _("对名单提出异议（公布之日起 %(n)s 日内）") % {"n": objection.value},
            until,
            None,
            NOT_YET if until is None else (OPEN if today <= until else MET),
            objection.source,
        )
    )
    answer = rule(election, policies.OBJECTION_ANSWER_DAYS)
    late = [r for r in requests if r.decided_on and r.decided_on > answer_by(r)]
    overdue = [r for r in requests if r.status == RequestStatus.PENDING and today > answer_by(r)]
    pending = [r for r in requests if r.status == RequestStatus.PENDING]
    due_answer = min((answer_by(r) for r in pending), default=None)
    if not requests:
        answer_state = NOT_YET
    elif late or overdue:
        answer_state = MISSED
    elif pending:
        answer_state = OPEN
    else:
        answer_state = MET
    rows.append(
        Deadline(
            "answers",
            _("处理申请与异议（收到之日起 %(n)s 日内）") % {"n": answer.value},
            due_answer,
            None,
            answer_state,
            answer.source,
        )
    )
    proxy = rule(election, policies.PROXY_FILED_DAYS_BEFORE)
    by = proxies_by(election)
    rows.append(
        Deadline(
            "proxies",
            _("办理委托投票（选举日前 %(n)s 日以前）") % {"n": proxy.value},
            by,
            None,
            OPEN if today <= by else MET,
            proxy.source,
        )
    )
    voted = election.status not in (
        ElectionStatus.SCHEDULED,
        ElectionStatus.LIST_PUBLISHED,
        ElectionStatus.CANDIDATES_PUBLISHED,
        ElectionStatus.CANCELLED,
    )
    rows.append(
        Deadline(
            "election_day",
            _("选举日投票"),
            election.election_day,
            election.election_day if voted else None,
            state(election.election_day, election.election_day if voted else None, today),
            "",
        )
    )
    handover = rule(election, policies.HANDOVER_DAYS)
    by_handover = handover_by(election)
    rows.append(
        Deadline(
            "handover",
            _("完成工作移交（新一届产生之日起 %(n)s 日内）") % {"n": handover.value},
            by_handover,
            election.handover_on,
            state(by_handover, election.handover_on, today),
            handover.source,
        )
    )
    return rows


def worst(rows: list[Deadline]) -> str:
    states = {row.state for row in rows}
    for candidate in (MISSED, OPEN, MET):
        if candidate in states:
            return candidate
    return NOT_YET


def summary(rows: list[Deadline]) -> dict[str, Any]:
    return {row.key: row.state for row in rows}
