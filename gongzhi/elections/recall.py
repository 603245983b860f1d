"""Recall (罢免) of a committee member (村民委员会组织法 第十六条; urban committees likewise):
proposed by the share of voters (``election.recall_by_voters``) or of the representatives
(``election.recall_by_representatives``) the law sets, decided by a vote that is valid when
more than half of the registered voters vote and passes with more than half of the votes
cast. A passed recall ends the membership through ``organisations.actions``.

The rules are the versions in force for the committee's place on the day the recall is
proposed (for the proposal) and on the day of the vote (for the decision).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core.actions import FieldErrors, require
from gongzhi.elections import policies
from gongzhi.elections.enums import RecallBasis, RecallStatus
from gongzhi.elections.models import Recall
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations import actions as organisation_actions
from gongzhi.organisations.models import COMMITTEE_MEMBER_POSTS, Membership, Organisation
from gongzhi.policy.queries import policy_value
from gongzhi.policy.registry import Threshold

RUN = "elections.run_election"


def _threshold(key: str, region_code: str, day: date) -> tuple[Threshold, str]:
    found = policy_value(key, region_code, day)
    assert isinstance(found.value, Threshold)
    return found.value, found.source


@transaction.atomic
def do_propose_recall(
    *,
    membership: Membership,
    basis: str,
    base: int,
    signatures: int,
    reason: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Recall:
    """提出罢免要求, accepted when the co-signers reach the legal share."""
    committee = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    require(actor, RUN, committee)
    membership = Membership.objects.get(pk=membership.pk)
    today = timezone.localdate()
    errors = FieldErrors()
    if not committee.is_committee:
        errors.add("membership", _("被罢免的成员：只能罢免居（村、嘎查）民委员会的成员"))
    if membership.post not in COMMITTEE_MEMBER_POSTS or not membership.is_current(today):
        errors.add("membership", _("被罢免的成员：此人不是该委员会的现任主任、副主任或委员"))
    if basis not in RecallBasis.values:
        errors.add("basis", _("提议方式：请选择"))
    if base < 1:
        errors.add("base", _("有权联名的总人数：至少 1 人"))
    if signatures > base:
        errors.add("signatures", _("联名人数：不能多于有权联名的总人数"))
    if not reason.strip():
        errors.add("reason", _("罢免理由：请填写（罢免要求应当写明理由）"))
    errors.raise_any()
    key = (
        policies.RECALL_BY_VOTERS
        if basis == RecallBasis.VOTERS
        else policies.RECALL_BY_REPRESENTATIVES
    )
    needed, source = _threshold(key, committee.region_code, today)
    if not needed.met(signatures, base):
        raise ValidationError(
            {
                "signatures": _(
                    "联名人数：%(count)d 人，未达到%(base)d 人的%(share)s（至少 %(minimum)d 人）"
                    "（依据：%(source)s）"
                )
                % {
                    "count": signatures,
                    "base": base,
                    "share": needed,
                    "minimum": needed.minimum(base),
                    "source": source,
                }
            }
        )
    if Recall.objects.filter(membership=membership, status=RecallStatus.PROPOSED).exists():
        raise ValidationError({"membership": _("被罢免的成员：已有待投票的罢免要求")})
    recall = Recall.objects.create(
        committee=committee,
        membership=membership,
        region_code=committee.region_code,
        member_name=membership.person_name,
        basis=basis,
        base=base,
        signatures=signatures,
        reason=reason.strip(),
        proposed_on=today,
        created_by=actor,
    )
    record_event(
        EventType.ELECTION_RECALL_PROPOSED,
        actor=actor,
        obj=recall,
        summary={
            "membership": membership.pk,
            "basis": basis,
            "base": base,
            "signatures": signatures,
        },
        request=request,
    )
    return recall


@transaction.atomic
def do_record_recall_vote(
    recall: Recall,
    *,
    registered: int,
    ballots_cast: int,
    votes_for: int,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Recall:
    """记录罢免投票结果; a passed recall ends the member's term today."""
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    require(actor, RUN, recall)
    if recall.status != RecallStatus.PROPOSED:
        raise ValidationError({"status": _("该罢免已有投票结果")})
    errors = FieldErrors()
    if registered < 1:
        errors.add("registered", _("登记选民：至少 1 人"))
    if ballots_cast > registered:
        errors.add("ballots_cast", _("收回选票：不能多于登记选民"))
    if votes_for > ballots_cast:
        errors.add("votes_for", _("赞成罢免：不能多于收回选票"))
    errors.raise_any()
    today = timezone.localdate()
    turnout, _turnout_source = _threshold(policies.RECALL_TURNOUT, recall.region_code, today)
    majority, _majority_source = _threshold(policies.RECALL_MAJORITY, recall.region_code, today)
    if not turnout.met(ballots_cast, registered):
        recall.status = RecallStatus.INVALID
    elif majority.met(votes_for, ballots_cast):
        recall.status = RecallStatus.PASSED
    else:
        recall.status = RecallStatus.REJECTED
    recall.voted_on = today
    recall.registered = registered
    recall.ballots_cast = ballots_cast
    recall.votes_for = votes_for
    recall.save()
    if recall.status == RecallStatus.PASSED:
        organisation_actions.do_end_membership(
            recall.membership, end_date=today, actor=actor, request=request
        )
    record_event(
        EventType.ELECTION_RECALL_DECIDED,
        actor=actor,
        obj=recall,
        summary={
            "status": recall.status,
            "registered": registered,
            "cast": ballots_cast,
            "for": votes_for,
        },
        request=request,
    )
    return recall


def recall_rules(region_code: str, day: date) -> list[dict[str, Any]]:
    """The recall rules in force, for the page: label, value and source."""
    from gongzhi.policy import registry

    keys = (
        policies.RECALL_BY_VOTERS,
        policies.RECALL_BY_REPRESENTATIVES,
        policies.RECALL_TURNOUT,
        policies.RECALL_MAJORITY,
    )
    rows = []
    for key in keys:
        found = policy_value(key, region_code, day)
        rows.append(
            {"label": str(registry.get(key).label), "value": found.display, "source": found.source}
        )
    return rows
