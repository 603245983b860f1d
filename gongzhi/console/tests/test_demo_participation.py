"""``manage.py demo_data`` fills the participation apps and the cases with content a
newcomer sees on every page (R2.3e, R2.3f, R3.1a, R3.1d, R3.2e), and a second run
creates nothing new."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.cases.enums import CaseStatus, Channel, DueState
from gongzhi.cases.models import Case
from gongzhi.cases.seed import seed_categories
from gongzhi.consultations.enums import DecisionOutcome, PhaseKey, TopicStatus
from gongzhi.consultations.models import Consultation, Meeting, Topic
from gongzhi.disclosures import schedule, supervision
from gongzhi.disclosures.enums import Category, Status, Timeliness
from gongzhi.disclosures.models import Disclosure, Question
from gongzhi.opinions.enums import StatementStatus
from gongzhi.opinions.models import Conversation, OpinionMap
from gongzhi.organisations.models import Membership, OrganisationKind
from gongzhi.polls import actions as poll_actions
from gongzhi.polls.enums import PollStatus
from gongzhi.polls.models import Poll
from gongzhi.regions.models import Region
from gongzhi.residents import portal as registry

pytestmark = pytest.mark.django_db

WANJIA = "152201001001"
CHUNYANG = "152201001002"


def run_demo() -> str:
    out = StringIO()
    call_command("demo_data", "--quiet-accounts", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(regions: None) -> str:
    seed_categories()
    return run_demo()


def user(username: str) -> Any:
    return User.objects.get(username=username)


def counts() -> dict[str, int]:
    return {
        "topics": Topic.objects.count(),
        "polls": Poll.objects.count(),
        "conversations": Conversation.objects.count(),
        "disclosures": Disclosure.objects.count(),
        "questions": Question.objects.count(),
        "cases": Case.objects.count(),
        "users": User.objects.count(),
    }


def test_it_puts_topics_in_every_state_and_consultations_in_every_later_phase(
    demo: str,
) -> None:
    topics = Topic.objects.filter(region_code=WANJIA)
    assert set(topics.values_list("status", flat=True)) == set(TopicStatus.values)
    collecting = topics.get(status=TopicStatus.PROPOSED)
    assert collecting.support_count >= 3 and collecting.comment_count >= 2
    # demo_resident may still support the topic being collected.
    assert user("demo_resident").has_perm("consultations.support_topic", collecting)
    assert topics.get(status=TopicStatus.DECLINED).decline_reason
    routed = topics.get(status=TopicStatus.ROUTED)
    assert routed.affected_region_codes == [CHUNYANG]
    phases = set(Consultation.objects.values_list("phase", flat=True))
    assert {PhaseKey.DELIBERATE, PhaseKey.IMPLEMENT, PhaseKey.REPORT} <= phases
    adopted = Meeting.objects.filter(outcome=DecisionOutcome.ADOPTED)
    assert adopted.count() == 2
    assert all(check["met"] for meeting in adopted for check in meeting.rules_applied)
    implementing = Consultation.objects.get(phase=PhaseKey.IMPLEMENT)
    today = timezone.localdate()
    assert implementing.topic.proposer == user("demo_resident")
    assert sum(item.is_overdue(today) for item in implementing.items.all()) == 1
    assert implementing.items.filter(progress__gt=0).count() == 2
    reported = Consultation.objects.get(phase=PhaseKey.REPORT)
    assert reported.report and reported.ratings.count() == 5
    upcoming = Meeting.objects.get(outcome="")
    assert upcoming.starts_at > timezone.now() and upcoming.registrations.count() == 5


def test_it_opens_one_poll_to_demo_resident_and_publishes_another_with_paper_votes(
    demo: str,
) -> None:
    open_poll = Poll.objects.get(region_code=WANJIA, status=PollStatus.OPEN)
    record = registry.own_record(user("demo_resident"))
    assert poll_actions.voting_window_error(open_poll) is None
    assert poll_actions.ineligibility(open_poll, record, timezone.localdate()) is None
    assert not open_poll.turnout.filter(resident=record).exists()
    # It is the poll of the demo consultation on the same matter, in its 决策 phase.
    assert open_poll.consultation is not None
    assert open_poll.consultation.phase == PhaseKey.DECIDE
    published = Poll.objects.get(status=PollStatus.PUBLISHED)
    booth = published.booths.get()
    assert booth.has_results and booth.ballots_cast and booth.voters.count() == booth.ballots_issued
    assert sum(o.online_votes or 0 for o in published.options.all()) == 12
    assert Poll.objects.get(status=PollStatus.DRAFT).region_code == "152201001"


def test_it_computes_an_opinion_map_with_two_or_three_groups(demo: str) -> None:
    conversation = Conversation.objects.get(region_code=WANJIA)
    snapshot = OpinionMap.objects.get(conversation=conversation)
    assert snapshot.problem == ""
    assert snapshot.data["k"] in (2, 3)
    assert snapshot.participants >= 15
    assert snapshot.data["consensus"], "some statements every group agrees on"
    assert conversation.statements.filter(status=StatementStatus.PENDING).count() == 1
    # It belongs to the demo online consultation, in its 协商 phase.
    assert conversation.consultation is not None
    assert conversation.consultation.phase == PhaseKey.DELIBERATE


def test_it_discloses_through_a_supervision_committee_and_leaves_a_category_unpublished(
    demo: str,
) -> None:
    members = Membership.objects.filter(
        organisation__region_code=WANJIA,
        organisation__kind=OrganisationKind.SUPERVISION_COMMITTEE,
    )
    assert members.count() == 3
    for member in members:
        assert member.user is not None
        assert (
            supervision.bar_reasons(
                supervision.Candidate(member.person_name, member.user_id), WANJIA
            )
            == []
        )
    disclosures = Disclosure.objects.filter(region_code=WANJIA)
    finances = disclosures.filter(category=Category.FINANCES, status=Status.PUBLISHED)
    assert finances.filter(version=1).count() == 3
    for disclosure in finances:
        assert {line.direction for line in disclosure.lines.all()} == {"income", "expense"}
        assert disclosure.sign_offs.exists()
    correction = finances.get(version=2)
    assert correction.supersedes is not None and correction.correction_note
    assert disclosures.filter(status=Status.DRAFT).count() == 1
    assert disclosures.get(status=Status.SUBMITTED).category == Category.RELIEF
    answered = Question.objects.get(asker=user("demo_resident"))
    assert answered.is_answered
    standing = schedule.standings([Region.objects.get(region_code=WANJIA)])[0]
    states = {c.category: c.state for c in standing.categories}
    assert states[Category.RELIEF] == Timeliness.MISSING
    assert standing.is_flagged


def test_it_runs_cases_through_every_state_from_three_channels(demo: str) -> None:
    cases = Case.objects.filter(community__region_code__in=[WANJIA, CHUNYANG])
    statuses = set(cases.values_list("status", flat=True))
    assert {
        CaseStatus.SUBMITTED,
        CaseStatus.PENDING_DISPATCH,
        CaseStatus.HANDLING,
        CaseStatus.PENDING_VERIFICATION,
        CaseStatus.CLOSED,
        CaseStatus.REFUSED,
    } <= statuses
    assert {Channel.PORTAL, Channel.WINDOW, Channel.GRID_PATROL} <= set(
        cases.values_list("channel", flat=True)
    )
    assert cases.filter(due_state=DueState.OVERDUE).count() == 1
    assert cases.filter(status=CaseStatus.CLOSED, rating__isnull=False).count() >= 3
    assert cases.filter(reporter=user("demo_resident")).count() >= 3
    assert cases.filter(community__region_code=CHUNYANG).exists()
    # Each staff account finds work in its own inbox (the unit it answers for).
    for code in (WANJIA, "152201001", "152201"):
        assert cases.filter(assigned_region_code=code).exists()


def test_a_second_run_creates_nothing(demo: str) -> None:
    before = counts()
    again = run_demo()
    assert counts() == before
    assert "新建议题 0 个" in again
    assert "社区投票：新建 0 项" in again
    assert "意见地图：新建 0 个" in again
    assert "新建公开事项 0 项" in again
    assert "办件：新建 0 件" in again
