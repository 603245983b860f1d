"""The deadline sweep: marks due-soon and overdue cases, escalates per category, touches
only the rows that are due, and is idempotent (one ledger event per run)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import TOWNSHIP, Personas
from gongzhi.cases.enums import CaseStatus, DueState, ResponsibleLevel
from gongzhi.cases.models import Case, CaseEvent, Notification
from gongzhi.cases.sweep import do_sweep_cases
from gongzhi.cases.tests.conftest import at_hm, closed_case, handling_case, submit
from gongzhi.ledger.models import Event, EventType

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


def test_the_command_prints_a_json_summary_last(world: Personas) -> None:
    out = StringIO()
    call_command("sweep_cases", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith('{"overdue": ')
