"""Progress of long work (DESIGN rule 8): one record, a throttled reporter, a CLI line.

The flow for a page or API that starts long work::

    progress = enqueue_with_progress(
        import_residents_task, kind="residents.import", title="导入居民", user=request.user,
        path=str(upload),
    )
    return redirect("core:task_progress", progress.pk)

and inside the task::

    @task()
    def import_residents_task(progress_id: int, path: str) -> dict:
        with ProgressReporter(progress_id) as reporter:
            reporter.set_total(count_rows(path))
            for row in rows(path):
                ...
                reporter.advance()
            reporter.succeed({"url": error_file_url, "label": "下载错误行"})

A management command running the same work inline passes ``stream=self.stdout`` and no
record (``ProgressReporter(None, stream=self.stdout)``) and gets the terminal line.

Progress rows are bookkeeping, not domain state: the action that starts the work writes
the ledger event; the reporter writes only this row, and only now and then — at most once
per ``interval`` seconds plus once per ``every`` items (default: 1 % of the total), so a
league-sized import of 1.4 million rows makes a few hundred writes, not a million.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
import weakref
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import IO, Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.models import ProgressStatus, TaskProgress
from gongzhi.core.scoping import scope_of

logger = logging.getLogger(__name__)

WRITE_INTERVAL_SECONDS = 0.5
MESSAGE_MAX_LENGTH = 300


def start_progress(kind: str, title: str, *, user: Any, total: int | None = None) -> TaskProgress:
    """Create the queued progress record for work ``user`` is about to start."""
    is_user = user is not None and getattr(user, "is_authenticated", False)
    region_code = scope_of(user) if is_user else ""
    return TaskProgress.objects.create(
        user=user if is_user else None,
        region_code=region_code if region_code.isdigit() else "",
        kind=kind,
        title=title,
        total=total,
    )


def enqueue_with_progress(
    task: Any,
    *,
    kind: str,
    title: str,
    user: Any,
    total: int | None = None,
    **kwargs: Any,
) -> TaskProgress:
    """Start a progress record and enqueue ``task(progress_id=…, **kwargs)`` to fill it.

    ``task`` is a django-tasks ``Task`` whose function takes ``progress_id``. With the
    immediate backend (tests) the work has finished when this returns.
    """
    progress = start_progress(kind, title, user=user, total=total)
    result = task.enqueue(progress_id=progress.pk, **kwargs)
    TaskProgress.objects.filter(pk=progress.pk).update(task_id=str(result.id)[:64])
    progress.refresh_from_db()
    return progress


def access_progress(user: Any, progress_id: Any) -> TaskProgress:
    """The user's own progress record, or 404 — someone else's work is not theirs to see."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return TaskProgress.objects.get(pk=progress_id, user=user)
    except (TaskProgress.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def recent_progress(user: Any) -> models.QuerySet[TaskProgress]:
    """The user's own work, newest first (the caller slices or paginates)."""
    if not getattr(user, "is_authenticated", False):
        return TaskProgress.objects.none()
    return TaskProgress.objects.filter(user=user).order_by("-created_at", "-id")


def fail_abandoned(*, idle: timedelta) -> int:
    """Mark as failed the work that says "running" but has not moved for ``idle``.

    A worker killed outright (SIGKILL, a lost machine) cannot mark its task failed, and the
    page would poll a frozen bar for ever. A running reporter writes at least every few
    seconds while it advances, so a long silence means nobody is working on it. Queued
    work is left alone: it is waiting for a worker, not abandoned by one.
    """
    cutoff = timezone.now() - idle
    return TaskProgress.objects.filter(status=ProgressStatus.RUNNING, updated_at__lt=cutoff).update(
        status=ProgressStatus.FAILED,
        error=_("任务中断：后台进程已停止，请重新发起。"),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _failure_message(exc: BaseException) -> str:
    """What the person who started the work is told; internals go to the log only."""
    if isinstance(exc, ValidationError):
        return "；".join(str(message) for message in exc.messages)
    return _("任务执行出错，请联系系统管理员。")


class ProgressReporter:
    """Advances one ``TaskProgress`` from inside the work, writing it only now and then.

    Use as a context manager: entering marks the record running; leaving normally marks
    it succeeded (unless ``succeed`` or ``fail`` was called); an exception marks it
    failed and propagates. ``progress_id=None`` reports to ``stream`` only.
    """

    def __init__(
        self,
        progress_id: int | None,
        *,
        interval: float = WRITE_INTERVAL_SECONDS,
        every: int | None = None,
        stream: IO[str] | None = None,
        label: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.progress_id = progress_id
        self.interval = interval
        self._every = every
        self.stream = stream
        self.label = label
        self.clock = clock
        self.total: int | None = None
        self.done = 0
        self.message = ""
        self.finished = False
        self.writes = 0
        self._pending = 0
        self._last_write = clock()
        if progress_id is not None:
            row = TaskProgress.objects.values("total", "done", "title").get(pk=progress_id)
            self.total, self.done = row["total"], row["done"]
            if self.label is None:
                self.label = row["title"]

    # --- the work calls these ---

    def start(self, message: str = "") -> None:
        """Mark the work running (done on entering the context manager)."""
        self.message = message[:MESSAGE_MAX_LENGTH]
        self._write(status=ProgressStatus.RUNNING)

    def set_total(self, total: int) -> None:
        """Set how many items there are; written at once, since the bar's scale changes."""
        self.total = max(total, self.done)
        self._write()

    def advance(self, n: int = 1, message: str | None = None) -> None:
        """Count ``n`` more items done; writes only when the throttle allows."""
        self.done += n
        self._pending += n
        if message is not None:
            self.message = message[:MESSAGE_MAX_LENGTH]
        if self.total is not None and self.done > self.total:
            # The total was an estimate; grow it rather than show more than 100 %.
            self.total = self.done
        if self._due():
            self._write()
        elif self.stream is not None:
            print_progress(self.stream, self.done, self.total, label=self.label)

    def succeed(self, result: dict[str, Any] | None = None, message: str = "") -> None:
        """Mark the work done, with what it produced (e.g. a link to an output file)."""
        if self.total is None or self.done < self.total:
            # A finished bar reads full; an unknown total becomes what was counted.
            self.total = self.done if self.total is None else self.total
            self.done = self.total
        self.message = message[:MESSAGE_MAX_LENGTH]
        self.finished = True
        self._write(
            status=ProgressStatus.SUCCEEDED,
            result=result or {},
            finished_at=timezone.now(),
        )

    def fail(self, message: str) -> None:
        """Mark the work failed with a reason the person who started it can read."""
        self.message = ""
        self.finished = True
        self._write(status=ProgressStatus.FAILED, error=message, finished_at=timezone.now())

    # --- context manager ---

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.finished:
            return
        if exc is None:
            self.succeed()
        elif isinstance(exc, Exception):
            logger.exception("Task with progress %s failed", self.progress_id)
            self.fail(_failure_message(exc))
        else:
            # The worker is stopping (Ctrl-C, SIGTERM): leave no bar running forever.
            with contextlib.suppress(Exception):
                self.fail(_("任务被中断，请重新发起。"))

    # --- internals ---

    @property
    def every(self) -> int | None:
        if self._every is not None:
            return self._every
        return max(1, self.total // 100) if self.total else None

    def _due(self) -> bool:
        every = self.every
        if every is not None and self._pending >= every:
            return True
        return self.clock() - self._last_write >= self.interval

    def _write(self, **fields: Any) -> None:
        self._pending = 0
        self._last_write = self.clock()
        if self.stream is not None:
            print_progress(
                self.stream,
                self.done,
                self.total,
                label=self.label,
                force=True,
                final=self.finished,
            )
        if self.progress_id is None:
            return
        TaskProgress.objects.filter(pk=self.progress_id).update(
            done=self.done,
            total=self.total,
            message=self.message,
            updated_at=timezone.now(),
            **fields,
        )
        self.writes += 1


# --- the command-line progress line ---

BAR_WIDTH = 10
TTY_REDRAW_SECONDS = 0.1
PLAIN_LINE_SECONDS = 5.0
PLAIN_LINE_PERCENT_STEP = 10


def render_progress(done: int, total: int | None, *, label: str | None = None) -> str:
    """``导入中 ███████░░░ 70% (7,000/10,000)``; with no total, ``导入中 … 7,000``."""
    label = label or _("处理中")
    if not total:
        return f"{label} … {done:,}"
    ratio = min(1.0, done / total)
    filled = int(ratio * BAR_WIDTH)
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    return f"{label} {bar} {int(ratio * 100)}% ({done:,}/{total:,})"


class _LineState:
    __slots__ = ("at", "length", "percent")

    def __init__(self) -> None:
        self.at = float("-inf")
        self.percent = -PLAIN_LINE_PERCENT_STEP
        self.length = 0


_line_states: weakref.WeakKeyDictionary[Any, _LineState] = weakref.WeakKeyDictionary()


def _is_tty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        # Django's OutputWrapper forwards isatty to the wrapped stream.
        isatty = getattr(getattr(stream, "_out", None), "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def print_progress(
    stream: Any,
    done: int,
    total: int | None,
    *,
    label: str | None = None,
    force: bool = False,
    final: bool | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Show progress on ``stream``: one line redrawn in place on a terminal, and on a
    pipe or log file a new line every 10 % or every few seconds (and at the end).

    Call it as often as convenient; it decides itself when to draw.
    """
    if stream is None:
        stream = sys.stdout
    finished = final if final is not None else bool(total) and done >= (total or 0)
    state = _line_states.get(stream)
    if state is None:
        state = _LineState()
        # A stream that cannot be weakly referenced is drawn on every call.
        with contextlib.suppress(TypeError):
            _line_states[stream] = state
    now = clock()
    percent = done * 100 // total if total else 0
    line = render_progress(done, total, label=label)
    tty = _is_tty(stream)
    if tty:
        if not (force or finished) and now - state.at < TTY_REDRAW_SECONDS:
            return
        padding = " " * max(0, state.length - len(line))
        _write_raw(stream, "\r" + line + padding + ("\n" if finished else ""))
        state.length = 0 if finished else len(line)
    else:
        due = (
            finished
            or now - state.at >= PLAIN_LINE_SECONDS
            or (total and percent - state.percent >= PLAIN_LINE_PERCENT_STEP)
        )
        if not due:
            return
        _write_raw(stream, line + "\n")
        state.percent = percent
    state.at = now
    if finished:
        _line_states.pop(stream, None)
    flush = getattr(stream, "flush", None)
    if flush is not None:
        flush()


def _write_raw(stream: Any, text: str) -> None:
    """Write without Django's OutputWrapper adding a line ending of its own."""
    if hasattr(stream, "ending") and hasattr(stream, "_out"):
        stream.write(text, ending="")
    else:
        stream.write(text)
