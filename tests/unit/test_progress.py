"""Progress sinks on their own: the bounded log lines (a hand-made clock, so the 5-second
rule is exercised without waiting), the tee, the runner's slot, and the rich sink drawn on
a real rich console that is (or is not) a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from pipelines.cli_progress import terminal_progress
from pipelines.progress import NULL, LogProgress, Tee, attached, attached_sink


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_log_lines_every_tenth_never_per_file() -> None:
    lines: list[str] = []
    clock = Clock()
    sink = LogProgress(lines.append, clock=clock)
    sink.start("files read", 50)
    for _ in range(50):
        clock.now += 0.01  # 50 files in half a second: only the tenths speak
        sink.advance()
    sink.done()
    assert lines == [
        "files read: 0/50",
        "files read: 5/50 (10%)",
        "files read: 10/50 (20%)",
        "files read: 15/50 (30%)",
        "files read: 20/50 (40%)",
        "files read: 25/50 (50%)",
        "files read: 30/50 (60%)",
        "files read: 35/50 (70%)",
        "files read: 40/50 (80%)",
        "files read: 45/50 (90%)",
        "files read: 50/50 done in 0.5 s",
    ]


def test_a_big_advance_past_several_tenths_is_one_line() -> None:
    lines: list[str] = []
    sink = LogProgress(lines.append, clock=Clock())
    sink.start("rows staged", 1000)
    sink.advance(350)  # one sheet of 350 rows passes 10%, 20% and 30% at once
    sink.advance(10)  # 36%: no new tenth
    sink.advance(40)  # 40%
    sink.done()
    assert lines == [
        "rows staged: 0/1,000",
        "rows staged: 350/1,000 (35%)",
        "rows staged: 400/1,000 (40%)",
        "rows staged: 400/1,000 done in 0.0 s",
    ]


def test_a_slow_step_speaks_every_five_seconds() -> None:
    lines: list[str] = []
    clock = Clock()
    sink = LogProgress(lines.append, clock=clock)
    sink.start("files read", 1000)
    for _ in range(12):  # 12 files, 2 s each: 24 s, far from the first tenth (100 files)
        clock.now += 2.0
        sink.advance()
    sink.done()
    # Lines at 6 s (3 files), 12 s (6), 18 s (9), 24 s (12): every 5 s or more, not per file.
    assert lines == [
        "files read: 0/1,000",
        "files read: 3/1,000 (0%)",
        "files read: 6/1,000 (0%)",
        "files read: 9/1,000 (0%)",
        "files read: 12/1,000 (1%)",
        "files read: 12/1,000 done in 24.0 s",
    ]


def test_unknown_total_speaks_by_time_only() -> None:
    lines: list[str] = []
    clock = Clock()
    sink = LogProgress(lines.append, clock=clock)
    sink.start("files checked")
    for _ in range(100):
        sink.advance()
    clock.now = 7.0
    sink.advance()
    sink.done()
    assert lines == [
        "files checked: started",
        "files checked: 101",
        "files checked: 101 done in 7.0 s",
    ]


def test_tee_and_the_runner_slot() -> None:
    first: list[str] = []
    second: list[str] = []
    tee = Tee(LogProgress(first.append, clock=Clock()), LogProgress(second.append, clock=Clock()))
    tee.start("rows staged", 2)
    tee.advance(2)
    tee.done()
    assert first == second == ["rows staged: 0/2", "rows staged: 2/2 done in 0.0 s"]
    assert attached_sink() is NULL
    with attached(tee):
        assert attached_sink() is tee
    assert attached_sink() is NULL
    with attached(None):
        assert attached_sink() is NULL


def test_no_terminal_no_bar_and_nothing_written() -> None:
    out = io.StringIO()
    console = Console(file=out)  # a StringIO is not a terminal
    with terminal_progress(console) as bars:
        assert bars is None
    assert out.getvalue() == ""


def test_terminal_bar_shows_counts_and_steps() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with terminal_progress(console) as bars:
        assert bars is not None
        bars.step("raw/registers")
        bars.start("files read", 3)
        bars.advance()
        bars.advance(2)
        bars.done()
        bars.step("staging_registers")
        bars.start("rows staged", 40)
        bars.advance(40)
    text = out.getvalue()
    assert "files read 3/3 done" in text
    assert "rows staged 40/40 done" in text  # finished by the run's end, not left moving
    assert "step raw/registers" in text and "step staging_registers" in text
    assert "run done" in text
