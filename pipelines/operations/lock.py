"""One writer on warehouse.duckdb: an OS file lock on DISPUTES_HOME/warehouse.lock.

``fcntl.flock`` is held for the whole run and released by the kernel when the process
exits, however it exits (kill -9 included), so a dead run never leaves a stale lock: the
file itself stays, only the lock on it matters. The holder writes its pid, start time and
run id into the file, so a second run can say who is in the way.

Within one process the lock is reentrant: ``disputes run`` takes it before the Dagster run
starts (so a busy warehouse never even creates a run), and the run's WarehouseResource
takes it again, which is what protects runs the Dagster daemon launches (schedule, sensor,
UI). flock locks belong to an open file description, so a second open in the same process
would block on itself; the count below avoids that.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.operations.permissions import PRIVATE_FILE, private_file

LOCK_WAIT_ENV = "DISPUTES_LOCK_WAIT"
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as the holder wrote it (any field may be unknown)."""

    pid: int | None
    started: str | None
    run_id: str | None

    def describe(self) -> str:
        started = "?"
        if self.started:
            try:
                started = datetime.fromisoformat(self.started).astimezone().strftime("%H:%M")
            except ValueError:
                started = self.started
        run = (self.run_id or "?")[:8]
        return f"pid {self.pid or '?'}, started {started}, run {run}"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse lock and did not let go within the wait."""

    def __init__(self, lock_file: Path, holder: Holder, waited: float) -> None:
        self.lock_file = lock_file
        self.holder = holder
        self.waited = waited
        super().__init__(
            f"another run ({holder.describe()}) holds the warehouse; waited {waited:.0f} s "
            f"(lock file {lock_file}; wait longer with --wait SECONDS or {LOCK_WAIT_ENV})"
        )


@dataclass
class _Held:
    fd: int
    count: int
    holder: Holder


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


def default_wait() -> float:
    """Seconds to wait for the lock when the caller does not say: DISPUTES_LOCK_WAIT or 0."""
    value = os.environ.get(LOCK_WAIT_ENV, "").strip()
    return float(value) if value else 0.0


def read_holder(lock_file: Path) -> Holder:
    """What the current (or last) holder wrote; unknown fields when unreadable."""
    try:
        data = json.loads(lock_file.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    return Holder(data.get("pid"), data.get("started"), data.get("run_id"))


def is_held(lock_file: Path) -> Holder | None:
    """The holder if some process holds the lock now (this one included), else None."""
    if lock_file.resolve() in _held:
        return _held[lock_file.resolve()].holder
    try:
        fd = os.open(lock_file, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return read_holder(lock_file)
        raise
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _acquire(lock_file: Path, wait: float, run_id: str | None) -> _Held:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    private_file(lock_file)
    start = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        waited = time.monotonic() - start
        if waited >= wait:
            os.close(fd)
            raise WarehouseBusy(lock_file, read_holder(lock_file), waited)
        time.sleep(min(POLL_SECONDS, max(wait - waited, 0.01)))
    holder = Holder(os.getpid(), datetime.now(UTC).isoformat(timespec="seconds"), run_id)
    payload = json.dumps({"pid": holder.pid, "started": holder.started, "run_id": run_id})
    os.ftruncate(fd, 0)
    os.pwrite(fd, payload.encode("utf-8"), 0)
    os.fsync(fd)
    return _Held(fd, 1, holder)


@contextmanager
def hold_warehouse(
    lock_file: Path, *, wait: float | None = None, run_id: str | None = None
) -> Iterator[Holder]:
    """Hold the writer lock for the block; raise WarehouseBusy after ``wait`` seconds
    (default: DISPUTES_LOCK_WAIT or 0) if another process holds it."""
    key = lock_file.resolve()
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
    if held is None:
        held = _acquire(key, default_wait() if wait is None else wait, run_id)
        with _guard:
            _held[key] = held
    try:
        yield held.holder
    finally:
        with _guard:
            held.count -= 1
            last = held.count == 0
            if last:
                del _held[key]
        if last:
            os.ftruncate(held.fd, 0)
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)
