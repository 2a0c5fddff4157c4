"""Delivering one message to one apprise target, with bounded retries and a short backoff.

Never raises for a delivery problem: the outcome (status, attempts, last error) is returned
for the alert log. Errors are taken from apprise's own log and scrubbed of the target URL,
which may hold a password or a bot token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import apprise

from pipelines.alerts.config import Target
from pipelines.privacy import scrub


@dataclass(frozen=True)
class Delivery:
    status: str  # sent | failed
    attempts: int
    error: str | None = None


def _error_text(captured: str, target: Target) -> str:
    lines = [ln.split(" - ", 2)[-1].strip() for ln in captured.splitlines() if ln.strip()]
    text = " | ".join(dict.fromkeys(lines)) or "delivery failed"
    return scrub(text.replace(target.url, target.label))[:500]


def _attempt(target: Target, title: str, body: str, attachments: Sequence[Path]) -> str | None:
    """One try; None when the target accepted the message, else the error text."""
    notifier = apprise.Apprise()
    with apprise.LogCapture(level=logging.WARNING) as captured:
        if not notifier.add(target.url):
            return f"invalid apprise URL for {target.label}"
        attach = None
        if attachments and target.takes_attachments:
            attach = apprise.AppriseAttachment()
            for path in attachments:
                attach.add(str(path))
        try:
            ok = notifier.notify(
                title=title, body=body, body_format=apprise.NotifyFormat.TEXT, attach=attach
            )
        except Exception as exc:  # apprise plugins may raise on odd network states
            return _error_text(f"{type(exc).__name__}: {exc}", target)
        return None if ok else _error_text(captured.getvalue(), target)  # type: ignore[union-attr]


def deliver(
    target: Target,
    title: str,
    body: str,
    attachments: Sequence[Path] = (),
    *,
    attempts: int = 3,
    backoff_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Try up to ``attempts`` times, waiting ``backoff_seconds * n`` after the n-th failure."""
    error: str | None = None
    for n in range(1, attempts + 1):
        error = _attempt(target, title, body, attachments)
        if error is None:
            return Delivery("sent", n)
        if n < attempts:
            sleep(backoff_seconds * n)
    return Delivery("failed", attempts, error)
