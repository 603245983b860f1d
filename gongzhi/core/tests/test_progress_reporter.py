"""ProgressReporter writes the progress row now and then, not once per item."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.models import ProgressStatus, TaskProgress
from gongzhi.core.progress import ProgressReporter, start_progress


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingReporter(ProgressReporter):
    """Records what each database write held, to see what a watcher would have seen."""

    seen: list[int]

    def __init__(self, *args, **kwargs) -> None:
        self.seen = []
        super().__init__(*args, **kwargs)

    def _write(self, **fields) -> None:
        super()._write(**fields)
        if self.progress_id is not None:
            self.seen.append(TaskProgress.objects.get(pk=self.progress_id).done)


@pytest.fixture
def progress(db) -> TaskProgress:
    return start_progress("test.count", "统计", user=None)


@pytest.mark.django_db
class TestThrottling:
    def test_ten_thousand_quick_items_make_a_hundred_writes(self, progress):
        clock = FakeClock()
        with CountingReporter(progress.pk, clock=clock) as reporter:
            reporter.set_total(10_000)
            for _ in range(10_000):
                reporter.advance()
            intermediate = reporter.writes

        # start + set_total + one write per 1 % + succeed.
        assert intermediate == 2 + 100
        assert reporter.seen[2:5] == [100, 200, 300]

    def test_with_no_total_it_writes_only_when_half_a_second_has_passed(self, progress):
        clock = FakeClock()
        reporter = CountingReporter(progress.pk, clock=clock)
        reporter.start()

        for _ in range(5_000):
            reporter.advance()
        assert reporter.writes == 1
        assert TaskProgress.objects.get(pk=progress.pk).done == 0

        clock.now += 0.5
        reporter.advance()

        assert reporter.writes == 2
        assert TaskProgress.objects.get(pk=progress.pk).done == 5_001

    def test_slow_items_are_each_written(self, progress):
        clock = FakeClock()
        reporter = CountingReporter(progress.pk, clock=clock, every=10_000)
        reporter.start()
        reporter.set_total(3)

        for _ in range(3):
            clock.now += 2
            reporter.advance(message="正在处理")

        assert reporter.seen == [0, 0, 1, 2, 3]
        row = TaskProgress.objects.get(pk=progress.pk)
        assert (row.done, row.total, row.message) == (3, 3, "正在处理")

    def test_an_explicit_every_sets_the_item_step(self, progress):
        reporter = CountingReporter(progress.pk, clock=FakeClock(), every=250)
        reporter.start()

        for _ in range(1_000):
            reporter.advance()

        assert reporter.seen == [0, 250, 500, 750, 1000]


@pytest.mark.django_db
class TestOutcome:
    def test_entering_marks_it_running(self, progress):
        assert progress.status == ProgressStatus.QUEUED

        with ProgressReporter(progress.pk):
            assert TaskProgress.objects.get(pk=progress.pk).status == ProgressStatus.RUNNING

    def test_succeeding_fills_the_bar_and_keeps_the_result(self, progress):
        with ProgressReporter(progress.pk, clock=FakeClock()) as reporter:
            reporter.set_total(10)
            reporter.advance(7)
            reporter.succeed(
                {"url": "/media/exports/regions.xlsx", "label": "下载"}, message="导出 7 行"
            )

        row = TaskProgress.objects.get(pk=progress.pk)
        assert row.status == ProgressStatus.SUCCEEDED
        assert (row.done, row.total, row.percent) == (10, 10, 100)
        assert row.result == {"url": "/media/exports/regions.xlsx", "label": "下载"}
        assert row.message == "导出 7 行"
        assert row.finished_at is not None
        assert row.is_finished

    def test_leaving_normally_succeeds_with_what_was_counted(self, progress):
        with ProgressReporter(progress.pk, clock=FakeClock()) as reporter:
            reporter.advance(42)

        row = TaskProgress.objects.get(pk=progress.pk)
        assert (row.status, row.done, row.total) == (ProgressStatus.SUCCEEDED, 42, 42)

    def test_an_error_marks_it_failed_without_internals_and_propagates(self, progress):
        with pytest.raises(KeyError), ProgressReporter(progress.pk):
            raise KeyError("database password is hunter2")

        row = TaskProgress.objects.get(pk=progress.pk)
        assert row.status == ProgressStatus.FAILED
        assert row.error == "任务执行出错，请联系系统管理员。"
        assert "hunter2" not in row.error
        assert row.finished_at is not None

    def test_a_validation_error_tells_its_reason(self, progress):
        with pytest.raises(ValidationError), ProgressReporter(progress.pk):
            raise ValidationError("第 3 行：身份证号校验位不正确")

        assert TaskProgress.objects.get(pk=progress.pk).error == "第 3 行：身份证号校验位不正确"

    def test_fail_keeps_the_reason_given(self, progress):
        with ProgressReporter(progress.pk) as reporter:
            reporter.fail("文件不是 Excel 格式")

        row = TaskProgress.objects.get(pk=progress.pk)
        assert (row.status, row.error) == (ProgressStatus.FAILED, "文件不是 Excel 格式")

    def test_counting_past_an_estimated_total_grows_the_total(self, progress):
        with ProgressReporter(progress.pk, clock=FakeClock(), every=1) as reporter:
            reporter.set_total(5)
            reporter.advance(8)
            row = TaskProgress.objects.get(pk=progress.pk)
            assert (row.done, row.total) == (8, 8)


@pytest.mark.django_db
class TestStartProgress:
    def test_it_records_who_started_it_and_where(self, personas):
        progress = start_progress("test.count", "统计", user=personas.staff_a, total=5)

        assert progress.user == personas.staff_a
        assert progress.region_code == personas.staff_a.region_code
        assert (progress.status, progress.total, progress.done) == (ProgressStatus.QUEUED, 5, 0)
        assert progress.percent == 0

    def test_an_unknown_total_has_no_percent(self, progress):
        assert progress.percent is None


@pytest.mark.django_db
def test_an_interrupted_worker_leaves_the_task_failed_not_running(progress):
    with pytest.raises(KeyboardInterrupt), ProgressReporter(progress.pk):
        raise KeyboardInterrupt

    row = TaskProgress.objects.get(pk=progress.pk)
    assert (row.status, row.error) == (ProgressStatus.FAILED, "任务被中断，请重新发起。")
