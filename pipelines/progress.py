"""Progress of a long step, told to whoever watches: a tiny protocol and two plain sinks.

The core steps (ingest, staging) accept a ``Progress`` and call ``start(step, total)``,
``advance(n)`` and ``done()``; they never know who listens. The listeners live where the
output goes: the CLI draws a rich bar on a terminal (pipelines/cli_progress.py), a Dagster
asset writes log lines (``LogProgress`` bound to ``context.log.info``). This module imports
nothing of ours, nor rich nor dagster, so ingest can use it (layer 0).

``disputes run`` executes the job in its own process, but a terminal sink is a live object
of that process, not configuration: run config is serialized into the run's storage, and a
run the daemon launches has no terminal at all. So the runner attaches the sink here for
the duration of its in-process run (``attached``), and the assets read it
(``attached_sink``); with nothing attached it is ``NULL``. One run per process at a time
holds anyway (the writer lock), so one slot is enough.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    """What a long step reports. ``total`` None: the step's size is not known."""

    def start(self, step: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def done(self) -> None: ...


class NullProgress:
    """Reports to no one: the default, and what a run without a watcher gets."""

    def start(self, step: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def done(self) -> None:
        pass


NULL = NullProgress()


def count_text(count: int, total: int | None) -> str:
    """``1,200/27,000`` (or ``1,200`` when the total is unknown): the one way counts read."""
    return f"{count:,}" if total is None else f"{count:,}/{total:,}"


class LogProgress:
    """Log lines at a bounded rate: one at the start, one each time another tenth (``1 /
    parts``) of the total is passed or ``seconds`` went by since the last line, one when
    done. A run log is read by people; a line per file of 50,000 would bury everything else.
    At most ``2 + parts + duration / seconds`` lines per step.
    """

    def __init__(
        self,
        log: Callable[[str], None],
        *,
        parts: int = 10,
        seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log, self._parts, self._seconds, self._clock = log, parts, seconds, clock
        self._step, self._count, self._part = "", 0, 0
        self._total: int | None = None
        self._started = self._last = 0.0

    def start(self, step: str, total: int | None = None) -> None:
        self._step, self._total, self._count, self._part = step, total, 0, 0
        self._started = self._last = self._clock()
        self._log(f"{step}: {count_text(0, total)}" if total is not None else f"{step}: started")

    def advance(self, n: int = 1) -> None:
        self._count += n
        now = self._clock()
        # Whole parts passed, in integers: 0.1 * 30 is 3.0000000000000004 in floats.
        part = self._count * self._parts // self._total if self._total else 0
        finished = self._total is not None and self._count >= self._total
        if (part > self._part or now - self._last >= self._seconds) and not finished:
            share = f" ({100 * self._count // self._total}%)" if self._total else ""
            self._log(f"{self._step}: {count_text(self._count, self._total)}{share}")
            self._last = now
        self._part = max(self._part, part)

    def done(self) -> None:
        elapsed = self._clock() - self._started
        counts = count_text(self._count, self._total)
        self._log(f"{self._step}: {counts} done in {elapsed:.1f} s")


class Tee:
    """Every report to several sinks (the asset's log lines and the CLI's bar)."""

    def __init__(self, *sinks: Progress) -> None:
        self._sinks = sinks

    def start(self, step: str, total: int | None = None) -> None:
        for sink in self._sinks:
            sink.start(step, total)

    def advance(self, n: int = 1) -> None:
        for sink in self._sinks:
            sink.advance(n)

    def done(self) -> None:
        for sink in self._sinks:
            sink.done()


_slot: list[Progress] = [NULL]
_slot_lock = threading.Lock()


@contextmanager
def attached(sink: Progress | None) -> Iterator[None]:
    """Make ``sink`` the one ``attached_sink`` returns while the block runs."""
    with _slot_lock:
        before = _slot[0]
        _slot[0] = sink or NULL
    try:
        yield
    finally:
        with _slot_lock:
            _slot[0] = before


def attached_sink() -> Progress:
    """The sink of the in-process run being executed (``NULL`` when none is attached)."""
    return _slot[0]
