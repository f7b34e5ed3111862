"""Progress on long work (``import``, full exports): a Rich bar on standard error at a
terminal, shown once the work has run for :data:`SHOW_AFTER` seconds, so a quick command
never flickers. Never in a pipe or a file (standard error not a terminal), so nothing a
script reads changes. Transient: it is cleared when the work ends, or is interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SHOW_AFTER = 1.0  # seconds


class Steps:
    """One command's work, a stage at a time, on one line of the bar."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar
        self._task: Any = None

    def stage(self, label: str, total: int | None = None) -> None:
        """Now doing ``label``: out of ``total`` steps (see :meth:`advance`), or, without a
        total, working for as long as the elapsed time says."""
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(label, total=total)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)


@contextmanager
def progress() -> Iterator[Steps]:
    """Steps shown on standard error at a terminal after :data:`SHOW_AFTER` seconds."""
    from .context import stderr_is_tty

    if not stderr_is_tty():
        yield Steps()
        return
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    from ..render import make_console

    class Count(ProgressColumn):
        """``12,000/100,000`` for a stage with a total; nothing for one without."""

        def render(self, task: Any) -> Text:
            return Text(f"{int(task.completed):,}/{int(task.total):,}" if task.total else "")

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        Count(),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    shown = _Later(bar)
    try:
        yield Steps(bar)
    finally:
        shown.stop()


class _Later:
    """Start ``bar`` after SHOW_AFTER seconds unless stopped first; stop it either way."""

    def __init__(self, bar: Any) -> None:
        self._bar, self._lock, self._stopped = bar, threading.Lock(), False
        self._timer = threading.Timer(SHOW_AFTER, self._start)
        self._timer.daemon = True
        self._timer.start()

    def _start(self) -> None:
        with self._lock:
            if not self._stopped:
                self._bar.start()

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            self._bar.stop()  # a bar never started stops at once
