"""The CLI's progress: a rich bar per step on the terminal, nothing when not a terminal.

A cron job's mail or a log file piped from `disputes run` must hold the summary only, not
a thousand redraws of a bar, so ``terminal_progress`` gives ``None`` unless the console is
a terminal (rich decides: a TTY, and not TERM=dumb). Drawn on stderr, so stdout (the
summary) stays what a script parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pipelines.progress import count_text


class RichProgress:
    """``pipelines.progress.Progress`` drawn by rich: one line per step, the current one
    moving (``files read 12/886``), the finished ones kept above it."""

    def __init__(self, bars: Progress) -> None:
        self._bars = bars
        self._task: TaskID | None = None
        self._step, self._count = "", 0
        self._total: int | None = None
        self._step_line: TaskID | None = None

    def step(self, name: str) -> None:
        """The Dagster step now running, on a line of its own at the top. Only the label of
        that line changes: a step event may come from the event watcher's thread (a
        persistent instance), so it never touches the counted lines below."""
        if self._step_line is None:
            self._step_line = self._bars.add_task(f"step {name}", total=None)
        else:
            self._bars.update(self._step_line, description=f"step {name}")
        # Drawn now, not at the next tick (10 a second): a step of 50 ms is named too.
        self._bars.refresh()

    def close(self) -> None:
        """The run is over: finish the current counted line and the step line."""
        self.done()
        if self._step_line is not None:
            self._bars.update(self._step_line, total=1, completed=1, description="run done")

    def start(self, step: str, total: int | None = None) -> None:
        self.done()
        self._step, self._total, self._count = step, total, 0
        self._task = self._bars.add_task(self._label(), total=total)
        self._bars.refresh()

    def _label(self) -> str:
        return f"{self._step} {count_text(self._count, self._total)}"

    def advance(self, n: int = 1) -> None:
        if self._task is None:
            return
        self._count += n
        self._bars.update(self._task, advance=n, description=self._label())

    def done(self) -> None:
        """Mark the current step finished (its bar full), if there is one."""
        if self._task is None:
            return
        label = self._label() if self._total is not None else self._step
        self._bars.update(self._task, total=max(self._count, 1), completed=max(self._count, 1))
        self._bars.update(self._task, description=f"{label} done")
        self._task = None


@contextmanager
def terminal_progress(console: Console) -> Iterator[RichProgress | None]:
    """A live ``RichProgress`` on ``console`` if it is a terminal, else ``None``."""
    if not console.is_terminal:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    sink = RichProgress(bars)
    with bars:
        try:
            yield sink
        finally:
            sink.close()
