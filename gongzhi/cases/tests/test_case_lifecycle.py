"""A case from intake to rating, and the steps around it: escalation (community →
township → county, R4.3b), jurisdiction, reopening, merging, rating, extension,
deferral, the timeline residents see, inboxes and the managers' indicators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import COMMUNITY_A, COUNTY, TOWNSHIP, Personas
from gongzhi.cases import actions, queries
from gongzhi.cases.enums import CaseStatus, DueState, ExtensionState, ResponsibleLevel
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.conftest import (
    MONDAY,
    at_hm,
    closed_case,
    handling_case,
    submit,
    verifying_case,
)
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db


def shown(event: CaseEvent) -> str:
    """The note as ``case_timeline`` shows it to its reader."""
    return str(event.shown_note)  # type: ignore[attr-defined]


class TestTheWholeLoop:
    def test_apply_accept_dispatch_handle_verify_close_rate(self, world: Personas) -> None:
        case = submit(world.resident, "residence-certificate", attributes={"purpose": "job"})
        case = actions.do_accept_case(case, actor=world.staff_a, now=MONDAY)
        assert case.first_responsible == world.staff_a  # 首接首办 for an online application
        # 居住证明: resolve within 1 working day of acceptance.
        assert case.due_at == at_hm(2026, 3, 3, 17, 30)
        case = actions.do_dispatch_case(case, actor=world.staff_a, assignee=world.staff_a)
        case = actions.do_feedback_case(case, actor=world.staff_a, note="证明已开具")
        case = actions.do_verify_close_case(
            case, actor=world.street_staff, now=MONDAY + timedelta(hours=3)
        )
        assert case.status == CaseStatus.CLOSED and not case.was_overdue
        assert case.due_state == DueState.NONE
        case = actions.do_rate_case(case, actor=world.resident, rating=5, comment="很快")
        assert case.rating == 5
        steps = list(case.events.values_list("action", flat=True))
        assert steps == ["submit", "accept", "dispatch", "feedback", "verify_close", "rate"]
        types = set(Event.objects.filter(object_id=str(case.pk)).values_list("type", flat=True))
        assert {EventType.CASE_SUBMITTED, EventType.CASE_CLOSED, EventType.CASE_RATED} <= types

    def test_the_handler_does_not_verify_their_own_work(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        actions.do_dispatch_case(case, actor=world.staff_a, assignee=world.staff_a)
        actions.do_feedback_case(case, actor=world.staff_a, note="已清理")
        with pytest.raises(PermissionDenied):
            actions.do_verify_close_case(case, actor=world.staff_a)

    def test_rework_sends_the_case_back_and_counts(self, world: Personas) -> None:
        case = verifying_case(world)
        case = actions.do_rework_case(case, actor=world.grid_worker, reason="现场仍有垃圾")
        assert case.status == CaseStatus.HANDLING and case.rework_count == 1

    def test_refusal_needs_a_reason_the_resident_reads(self, world: Personas) -> None:
        case = submit(world.resident)
        with pytest.raises(ValidationError) as exc:
            actions.do_refuse_case(case, actor=world.staff_a, reason=" ")
        assert exc.value.message_dict == {"reason": ["请填写不予受理的理由"]}
        actions.do_refuse_case(case, actor=world.staff_a, reason="该处不属于公共区域")
        timeline = list(queries.case_timeline(case, for_resident=True))
        assert shown(timeline[-1]) == "该处不属于公共区域"


class TestEscalation:
    def test_community_to_township_to_county_and_no_further(self, world: Personas) -> None:
        case = handling_case(world)
        case = actions.do_escalate_case(case, actor=world.staff_a, reason="需街道协调")
        assert (case.assigned_region_code, case.assigned_level) == (
            TOWNSHIP,
            ResponsibleLevel.TOWNSHIP,
        )
        assert case.status == CaseStatus.PENDING_DISPATCH
        # Community A no longer answers for it, but still sees it (it is in A).
        with pytest.raises(PermissionDenied):
            actions.do_dispatch_case(case, actor=world.staff_a, region_code=COMMUNITY_A)
        assert queries.access_case(world.staff_a, case.pk) == case
        case = actions.do_escalate_case(case, actor=world.street_staff, reason="需旗里协调")
        assert (case.assigned_region_code, case.assigned_level) == (COUNTY, "county")
        with pytest.raises(ValidationError) as exc:
            actions.do_escalate_case(case, actor=world.county_admin, reason="再上报")
        assert exc.value.message_dict == {"status": ["办件已在旗县市一级办理，不能再上报"]}
        assert case.escalation_count == 2

    def test_the_township_dispatches_back_down(self, world: Personas) -> None:
        case = handling_case(world)
        actions.do_escalate_case(case, actor=world.staff_a, reason="需街道协调")
        case = actions.do_dispatch_case(case, actor=world.street_staff, region_code=COMMUNITY_A)
        assert case.assigned_region_code == COMMUNITY_A
        assert case.status == CaseStatus.HANDLING


class TestJurisdiction:
    def test_another_communitys_staff_get_404_and_are_refused(self, world: Personas) -> None:
        case = submit(world.resident)
        with pytest.raises(Http404):
            queries.access_case(world.staff_b, case.pk)
        with pytest.raises(PermissionDenied):
            actions.do_accept_case(case, actor=world.staff_b)
        assert case not in queries.cases_for(world.staff_b)
        assert case in queries.cases_for(world.county_admin)

    def test_a_resident_sees_only_their_own_cases(self, world: Personas) -> None:
        other = submit(world.staff_a, reporter_name="王芳")
        mine = submit(world.resident)
        assert list(queries.my_cases(world.resident)) == [mine]
        with pytest.raises(Http404):
            queries.access_case(world.resident, other.pk)

    def test_dispatch_targets_must_lie_in_the_actors_jurisdiction(self, world: Personas) -> None:
        case = actions.do_accept_case(submit(world.resident), actor=world.staff_a)
        with pytest.raises(ValidationError) as exc:
            actions.do_dispatch_case(case, actor=world.staff_a, region_code=TOWNSHIP)
        assert "region_code" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            actions.do_dispatch_case(case, actor=world.staff_a, assignee=world.staff_b)
        assert "assignee" in exc.value.message_dict


class TestReopenAndRate:
    def test_the_reporter_reopens_within_the_window(self, world: Personas) -> None:
        case = closed_case(world)
        case = actions.do_reopen_case(
            case, actor=world.resident, reason="又堆上了", now=MONDAY + timedelta(days=6)
        )
        assert case.status == CaseStatus.HANDLING and case.reopened_count == 1
        assert case.due_state == DueState.NORMAL

    def test_reopening_after_the_window_is_refused(self, world: Personas) -> None:
        case = closed_case(world)
        with pytest.raises(ValidationError) as exc:
            actions.do_reopen_case(
                case, actor=world.resident, reason="又堆上了", now=MONDAY + timedelta(days=8)
            )
        assert exc.value.message_dict == {"status": ["已超过结案后 7 天的重新办理期限"]}
        assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED

    def test_a_rating_is_given_once_by_the_reporter_only_after_close(self, world: Personas) -> None:
        case = handling_case(world)
        with pytest.raises(ValidationError):
            actions.do_rate_case(case, actor=world.resident, rating=5)
        case = closed_case(world)
        with pytest.raises(PermissionDenied):
            actions.do_rate_case(case, actor=world.staff_a, rating=5)
        with pytest.raises(ValidationError) as exc:
            actions.do_rate_case(case, actor=world.resident, rating=6)
        assert "rating" in exc.value.message_dict
        actions.do_rate_case(case, actor=world.resident, rating=1, comment="没解决")
        with pytest.raises(ValidationError) as exc:
            actions.do_rate_case(case, actor=world.resident, rating=5)
        assert exc.value.message_dict == {"rating": ["该办件已评价，不能重复评价"]}
        assert Case.objects.get(pk=case.pk).rating == 1


class TestMergeDeferExtend:
    def test_a_duplicate_is_merged_and_both_timelines_say_so(self, world: Personas) -> None:
        original = handling_case(world)
        duplicate = submit(world.resident, description="同一处垃圾")
        merged = actions.do_merge_case(duplicate, into=original, actor=world.staff_a)
        assert merged.status == CaseStatus.MERGED and merged.merged_into == original
        assert merged.due_state == DueState.NONE
        assert CaseEvent.objects.filter(case=original, action="merge").exists()
        with pytest.raises(ValidationError) as exc:
            actions.do_merge_case(original, into=original, actor=world.staff_a)
        assert "into" in exc.value.message_dict

    def test_a_case_merges_only_into_one_the_actor_may_see(self, world: Personas) -> None:
        theirs = submit(world.staff_b, community="152201002001", description="别处")
        mine = submit(world.resident)
        with pytest.raises(ValidationError) as exc:
            actions.do_merge_case(mine, into=theirs, actor=world.staff_a)
        assert exc.value.message_dict == {"into": ["目标办件不存在"]}

    def test_an_approved_extension_moves_the_deadline_by_working_days(
        self, world: Personas
    ) -> None:
        case = handling_case(world)
        old_due = case.due_at
        actions.do_request_extension(case, actor=world.staff_a, amount=2, reason="需协调物业")
        with pytest.raises(ValidationError):
            actions.do_request_extension(case, actor=world.staff_a, amount=1, reason="再延")
        case = actions.do_approve_extension(case, actor=world.street_staff, now=MONDAY)
        assert case.extension_state == ExtensionState.APPROVED
        assert old_due == at_hm(2026, 3, 5, 17, 30)  # 暴露垃圾: 3 working days
        assert case.due_at == at_hm(2026, 3, 9, 17, 30)  # + 2 working days over the weekend

    def test_a_rejection_needs_a_reason_and_keeps_the_deadline(self, world: Personas) -> None:
        case = handling_case(world)
        actions.do_request_extension(case, actor=world.staff_a, amount=2, reason="需协调物业")
        with pytest.raises(ValidationError):
            actions.do_approve_extension(case, actor=world.street_staff, approve=False)
        case = actions.do_approve_extension(
            case, actor=world.street_staff, approve=False, note="可在期限内完成"
        )
        assert case.extension_state == ExtensionState.REJECTED
        assert case.due_at == at_hm(2026, 3, 5, 17, 30)

    def test_deferral_stops_the_clock_and_resuming_restarts_it(self, world: Personas) -> None:
        case = handling_case(world)
        case = actions.do_defer_case(case, actor=world.street_staff, reason="等待管网改造")
        assert case.due_state == DueState.NONE and queries.traffic_light(case) == "grey"
        later = MONDAY + timedelta(days=14)
        case = actions.do_resume_case(case, actor=world.street_staff, now=later)
        assert case.status == CaseStatus.HANDLING
        assert case.due_at is not None and case.due_at > later


class TestWhatPeopleSee:
    def test_residents_do_not_see_internal_notes_or_sweep_marks(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        actions.do_dispatch_case(
            case, actor=world.staff_a, region_code=COMMUNITY_A, note="联系物业经理李某"
        )
        actions.do_request_extension(case, actor=world.staff_a, amount=1, reason="内部协调")
        resident_view = list(queries.case_timeline(case, for_resident=True))
        assert [e.action for e in resident_view] == ["submit", "accept", "dispatch"]
        assert shown(resident_view[-1]) == ""
        staff_view = list(queries.case_timeline(case, for_resident=False))
        assert shown(staff_view[2]) == "联系物业经理李某"
        assert len(staff_view) == 4

    def test_the_traffic_light_follows_the_deadline(self, world: Personas) -> None:
        case = handling_case(world)  # due Thursday 17:30, warning from Wednesday 17:30 or so
        assert queries.traffic_light(case, MONDAY) == "green"
        assert queries.traffic_light(case, case.warn_at) == "yellow"
        assert queries.traffic_light(case, case.due_at) == "red"

    def test_inboxes_hold_the_units_work(self, world: Personas) -> None:
        waiting = submit(world.resident)
        township_case = submit(world.resident, "construction-noise")
        assert list(queries.inbox(world.staff_a, "submitted")) == [waiting]
        assert list(queries.inbox(world.street_staff, "submitted")) == [township_case]
        assert list(queries.inbox(world.staff_b, "submitted")) == []
        counts = queries.inbox_counts(world.staff_a)
        assert counts["submitted"] == 1 and counts["handling"] == 0
        verifying = verifying_case(world)
        assert verifying in queries.inbox(world.grid_worker, "pending_verification")
        assert queries.inbox_counts(world.grid_worker)["pending_verification"] == 1
        with pytest.raises(Http404):
            queries.inbox(world.staff_a, "everything")

    def test_inbox_pages_by_keyset(self, world: Personas) -> None:
        made = [submit(world.resident) for _ in range(3)]
        first = list(queries.inbox(world.staff_a, "submitted", limit=2))
        rest = list(queries.inbox(world.staff_a, "submitted", after=first[-1].pk, limit=2))
        assert first + rest == sorted(made, key=lambda c: -c.pk)

    def test_inbox_counts_take_one_query(
        self, world: Personas, django_assert_num_queries: object
    ) -> None:
        submit(world.resident)
        world.staff_a.roles  # noqa: B018  (cache the roles as a request would)
        with django_assert_num_queries(1):  # type: ignore[operator]
            queries.inbox_counts(world.staff_a)


class TestIndicators:
    def test_the_managers_rates_by_aggregate(self, world: Personas) -> None:
        good = closed_case(world)
        actions.do_rate_case(good, actor=world.resident, rating=5)
        bad = verifying_case(world)
        actions.do_rework_case(bad, actor=world.grid_worker, reason="未清理干净")
        actions.do_feedback_case(bad, actor=world.staff_a, note="再次清理")
        actions.do_verify_close_case(bad, actor=world.street_staff, now=MONDAY + timedelta(days=10))
        actions.do_rate_case(bad, actor=world.resident, rating=2)
        actions.do_refuse_case(submit(world.resident), actor=world.staff_a, reason="重复反映")
        submit(world.resident)  # still waiting
        result = queries.indicators(
            world.county_admin, since=MONDAY - timedelta(days=1), until=MONDAY + timedelta(days=1)
        )
        assert isinstance(result, dict)
        assert result["submitted"] == 4
        assert result["filing_rate"] == round(2 / 3, 4)
        assert result["on_time_rate"] == 0.5
        assert result["rework_rate"] == 0.5
        assert result["satisfaction_rate"] == 0.5
        assert result["avg_handling_hours"] is not None
        rows = queries.indicators(
            world.county_admin,
            since=MONDAY - timedelta(days=1),
            until=MONDAY + timedelta(days=1),
            by="township",
        )
        assert rows == [{"code": TOWNSHIP, **result}]

    def test_indicators_outside_the_jurisdiction_are_refused(self, world: Personas) -> None:
        with pytest.raises(PermissionDenied):
            queries.indicators(
                world.staff_a, since=MONDAY, until=MONDAY, region_code="152201002001"
            )
        with pytest.raises(PermissionDenied):
            queries.indicators(world.resident, since=MONDAY, until=MONDAY)
