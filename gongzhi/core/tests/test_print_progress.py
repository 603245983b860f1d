"""The command-line progress line: redrawn in place on a terminal, periodic in a log."""

from __future__ import annotations

import io

from django.core.management.base import OutputWrapper

from gongzhi.core.progress import ProgressReporter, print_progress, render_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestRender:
    def test_it_draws_a_bar_with_percent_and_counts(self):
        line = render_progress(7_000, 10_000, label="导入中")

        assert line == "导入中 ███████░░░ 70% (7,000/10,000)"

    def test_a_finished_bar_is_full(self):
        assert render_progress(10, 10, label="导出中") == "导出中 ██████████ 100% (10/10)"

    def test_an_unknown_total_shows_the_count(self):
        assert render_progress(1_234_567, None, label="校验中") == "校验中 … 1,234,567"


class TestTerminal:
    def test_it_redraws_one_line_and_ends_it_when_done(self):
        stream, clock = Terminal(), Clock()

        for done in (1, 5, 10):
            clock.now += 1
            print_progress(stream, done, 10, label="导入中", clock=clock)

        output = stream.getvalue()
        assert output.count("\n") == 1 and output.endswith("\n")
        assert output.count("\r") == 3
        assert output.rstrip("\n").split("\r")[-1] == "导入中 ██████████ 100% (10/10)"

    def test_it_does_not_redraw_faster_than_the_eye(self):
        stream, clock = Terminal(), Clock()

        for done in range(1, 1_000):
            print_progress(stream, done, 1_000, clock=clock)

        assert stream.getvalue().count("\r") == 1

    def test_it_writes_through_a_management_commands_stdout_without_extra_endings(self):
        terminal = Terminal()
        wrapper = OutputWrapper(terminal)
        clock = Clock()

        print_progress(wrapper, 3, 10, label="导入中", clock=clock)

        assert terminal.getvalue() == "\r导入中 ███░░░░░░░ 30% (3/10)"


class TestLog:
    def test_it_writes_a_line_every_ten_percent(self):
        stream, clock = io.StringIO(), Clock()

        for done in range(1, 101):
            print_progress(stream, done, 100, label="导入中", clock=clock)

        lines = stream.getvalue().splitlines()
        assert lines[0] == "导入中 ░░░░░░░░░░ 1% (1/100)"
        assert lines[-1] == "导入中 ██████████ 100% (100/100)"
        assert len(lines) == 11
        assert "\r" not in stream.getvalue()

    def test_slow_work_still_gets_a_line_every_few_seconds(self):
        stream, clock = io.StringIO(), Clock()

        print_progress(stream, 1, 1_000, clock=clock)
        clock.now += 6
        print_progress(stream, 2, 1_000, clock=clock)
        print_progress(stream, 3, 1_000, clock=clock)

        assert len(stream.getvalue().splitlines()) == 2


class TestReporterOnTheCommandLine:
    def test_a_reporter_without_a_record_prints_the_line(self):
        stream = io.StringIO()

        with ProgressReporter(None, stream=stream, label="导入中") as reporter:
            reporter.set_total(4)
            for _ in range(4):
                reporter.advance()

        assert stream.getvalue().splitlines()[-1] == "导入中 ██████████ 100% (4/4)"
