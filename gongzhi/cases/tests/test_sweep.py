"""The deadline sweep: marks due-soon and overdue cases, escalates per category, touches
only the rows that are due, and is idempotent (one ledger event per run)."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import TOWNSHIP, Personas
from gongzhi.cases.actions import do_escalate_case, unit_staff_ids, units_staff_ids
from gongzhi.cases.enums import CaseStatus, DueState, ResponsibleLevel
from gongzhi.cases.models import Case, CaseEvent, Notification
from gongzhi.cases.sweep import do_sweep_cases
from gongzhi.cases.tests.conftest import at_hm, closed_case, handling_case, submit
from gongzhi.ledger.models import Event, EventType
from gongzhi.organisations.seed import seed_organisations

pytestmark = pytest.mark.django_db


def state(case: Case) -> str:
    return Case.objects.values_list("due_state", flat=True).get(pk=case.pk)


class TestSweep:
    def test_only_due_rows_change(self, world: Personas) -> None:
        # 暴露垃圾: accept within 2 working hours → due Monday 11:00, warning at 10:36.
        waiting = submit(world.resident)
        # 居住证明 accepted Monday 09:00: resolve within 1 working day → Tuesday 17:30.
        later = handling_case(world, "residence-certificate", attributes={"purpose": "job"})
        done = closed_case(world)
        before = {c.pk: Case.objects.get(pk=c.pk).updated_at for c in (later, done)}
        result = do_sweep_cases(now=at_hm(2026, 3, 2, 10, 45))
        assert (result.overdue, result.due_soon) == (0, 1)
        assert state(waiting) == DueState.DUE_SOON
        assert {c.pk: Case.objects.get(pk=c.pk).updated_at for c in (later, done)} == before
        result = do_sweep_cases(now=at_hm(2026, 3, 2, 11, 0))
        assert (result.overdue, result.due_soon) == (1, 0)
        assert state(waiting) == DueState.OVERDUE
        assert Case.objects.get(pk=waiting.pk).was_overdue
        assert state(later) == DueState.NORMAL and state(done) == DueState.NONE

    def test_a_second_run_changes_nothing(self, world: Personas) -> None:
        submit(world.resident)
        moment = at_hm(2026, 3, 3, 9, 0)
        first = do_sweep_cases(now=moment)
        events = CaseEvent.objects.count()
        second = do_sweep_cases(now=moment)
        assert first.overdue == 1
        assert (second.overdue, second.due_soon, second.escalated) == (0, 0, 0)
        assert CaseEvent.objects.count() == events

    def test_each_run_is_one_ledger_event_with_the_counts(self, world: Personas) -> None:
        submit(world.resident)
        submit(world.resident)
        do_sweep_cases(now=at_hm(2026, 3, 3, 9, 0))
        event = Event.objects.filter(type=EventType.CASES_SWEPT).get()
        assert event.summary["overdue"] == 2
        assert Event.objects.filter(type=EventType.CASE_ESCALATED).count() == 0

    def test_sweep_marks_are_timeline_steps_for_staff_only(self, world: Personas) -> None:
        case = submit(world.resident)
        do_sweep_cases(now=at_hm(2026, 3, 3, 9, 0))
        step = case.events.order_by("-seq").first()
        assert step is not None and step.action == "mark_due" and step.is_internal

    def test_the_unit_is_told_after_commit(
        self, world: Personas, django_capture_on_commit_callbacks: object
    ) -> None:
        case = submit(world.resident)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            do_sweep_cases(now=at_hm(2026, 3, 3, 9, 0))
        assert Notification.objects.filter(user=world.staff_a, case=case).exists()


class TestEscalationBySweep:
    def test_an_overdue_case_of_an_escalating_category_goes_up_one_level_each_time(
        self, world: Personas
    ) -> None:
        # 露天焚烧 escalates when overdue; accepted Monday 09:00, due Thursday 17:30.
        case = handling_case(world, "open-burning")
        result = do_sweep_cases(now=at_hm(2026, 3, 5, 17, 30))
        assert result.escalated == 1 and result.escalated_numbers == [case.number]
        case = Case.objects.get(pk=case.pk)
        assert case.assigned_region_code == TOWNSHIP
        assert case.assigned_level == ResponsibleLevel.TOWNSHIP
        assert case.status == CaseStatus.PENDING_DISPATCH
        assert case.due_state == DueState.NORMAL and case.was_overdue
        # The township lets it lapse too: up to the county, then no further.
        do_sweep_cases(now=case.due_at)
        case = Case.objects.get(pk=case.pk)
        assert case.assigned_region_code == "152201"
        assert case.due_at is not None
        result = do_sweep_cases(now=case.due_at + timedelta(minutes=1))
        assert result.overdue == 1 and result.escalated == 0
        assert Case.objects.get(pk=case.pk).due_state == DueState.OVERDUE

    def test_other_categories_are_only_marked(self, world: Personas) -> None:
        case = handling_case(world)
        result = do_sweep_cases(now=at_hm(2026, 3, 6, 9, 0))
        assert (result.overdue, result.escalated) == (1, 0)
        assert Case.objects.get(pk=case.pk).assigned_region_code == case.assigned_region_code


class TestWorkInBulk:
    """Issue 4's sweep target (10,000 due cases in < 2 s): the statements of a run do not
    grow with the number of due cases, and the bulk writes equal the one-case action."""

    def sweep_statements(self, world: Personas, cases: int, moment: datetime) -> int:
        for _ in range(cases):
            handling_case(world, "open-burning")
            handling_case(world)
            submit(world.resident)
        with CaptureQueriesContext(connection) as queries:
            result = do_sweep_cases(now=moment)
        assert result.overdue == 3 * cases and result.escalated == cases
        return len(queries)

    def test_more_due_cases_take_no_more_statements(self, world: Personas) -> None:
        # 露天焚烧 escalates; 暴露垃圾 does not. All overdue by Friday.
        few = self.sweep_statements(world, 1, at_hm(2026, 3, 6, 9, 0))
        many = self.sweep_statements(world, 3, at_hm(2026, 3, 9, 9, 0))
        assert many == few

    def test_timeline_steps_are_numbered_on_from_each_case_s_last(self, world: Personas) -> None:
        burning = [handling_case(world, "open-burning") for _ in range(2)]
        waiting = submit(world.resident)
        do_sweep_cases(now=at_hm(2026, 3, 6, 9, 0))
        for case in burning:
            steps = list(case.events.values_list("seq", "action"))
            # submit, accept, dispatch, then the sweep's mark and escalation.
            assert [seq for seq, _action in steps] == [1, 2, 3, 4, 5]
            assert [action for _seq, action in steps][-2:] == ["mark_due", "escalate"]
        assert list(waiting.events.values_list("seq", "action")) == [(1, "submit"), (2, "mark_due")]

    def test_a_swept_escalation_is_the_escalation_action_s(self, world: Personas) -> None:
        seed_organisations()
        by_hand = handling_case(world, "open-burning")
        swept = handling_case(world, "open-burning")
        moment = at_hm(2026, 3, 5, 17, 30)
        do_escalate_case(by_hand, actor=None, reason="超期自动上报", now=moment)
        do_sweep_cases(now=moment)
        fields = [
            "assigned_level",
            "assigned_region_code",
            "assigned_organisation_id",
            "assignee_id",
            "status",
            "escalation_count",
            "accept_by",
            "due_at",
            "warn_at",
            "due_state",
        ]
        rows = Case.objects.in_bulk([by_hand.pk, swept.pk])
        assert rows[swept.pk].assigned_organisation_id is not None
        assert [getattr(rows[swept.pk], f) for f in fields] == [
            getattr(rows[by_hand.pk], f) for f in fields
        ]
        hand_step, swept_step = (
            CaseEvent.objects.filter(case=c, action="escalate").get() for c in (by_hand, swept)
        )
        assert (swept_step.from_status, swept_step.to_status, swept_step.data) == (
            hand_step.from_status,
            hand_step.to_status,
            hand_step.data,
        )

    def test_units_staff_ids_answers_as_unit_staff_ids_does(self, world: Personas) -> None:
        seed_organisations()
        case = handling_case(world, "open-burning")
        units = [
            (case.assigned_region_code, case.assigned_organisation_id),
            (TOWNSHIP, None),
            ("152201", None),
            ("152201002001", None),
        ]
        assert units_staff_ids(units) == {unit: unit_staff_ids(*unit) for unit in units}


def test_the_command_prints_a_json_summary_last(world: Personas) -> None:
    out = StringIO()
    call_command("sweep_cases", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith('{"overdue": ')
