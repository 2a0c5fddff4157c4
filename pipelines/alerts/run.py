"""Compose and send: the coordinator digests of one run, and the data team's failure notice.

Entry points for the Dagster asset, the run-failure sensor and ``disputes alerts``. A
delivery failure is logged in alerts.sent_alerts and returned, never raised: alerts must not
fail the data run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from pipelines.alerts import findings
from pipelines.alerts.attachments import feedback_workbooks
from pipelines.alerts.compose import Digest, compose_digests, digest_hash, fresh_items
from pipelines.alerts.config import AlertConfig, Target, load_alert_config
from pipelines.alerts.digest_text import is_recent, recent_cutoff
from pipelines.alerts.log import (
    already_alerted,
    has_table,
    latest_alerted_as_of,
    now_local,
    record_delivery,
    record_digest_delivered,
)
from pipelines.alerts.send import Delivery, deliver
from pipelines.privacy import scrub

log = logging.getLogger(__name__)


@dataclass
class AlertRun:
    digests: list[Digest] = field(default_factory=list)
    deliveries: list[tuple[Digest, Target, Delivery]] = field(default_factory=list)
    unconfigured: dict[str, tuple[str, ...]] = field(default_factory=dict)
    without_targets: list[str] = field(default_factory=list)
    dry_run: bool = False

    def metadata(self) -> dict[str, int | bool]:
        return {
            "dry_run": self.dry_run,
            "digests": len(self.digests),
            "items": sum(len(d.items) for d in self.digests),
            "deliveries_sent": sum(1 for *_, d in self.deliveries if d.status == "sent"),
            "deliveries_failed": sum(1 for *_, d in self.deliveries if d.status == "failed"),
            "townships_without_targets": len(self.without_targets),
        }


def collect_items(con: duckdb.DuckDBPyConnection, as_of: date, township_codes: list[str]):
    """Every current finding (told before or not) for the configured townships."""
    items: list[findings.Item] = []
    if has_table(con, "raw", "files") and has_table(con, "quality", "row_issues"):
        items += findings.quality_items(con)
    if has_table(con, "raw", "sheets"):
        items += findings.missing_sheet_items(con, as_of, township_codes)
    items += findings.deadline_items(con)
    items += findings.petitioner_items(con)
    return items


def compose(
    con: duckdb.DuckDBPyConnection, as_of: date, feedback_dir: Path, config: AlertConfig
) -> list[Digest]:
    """Every configured township's digest of what it was not told before, with the
    workbooks of the recent files it lists (pipelines/alerts/attachments.py)."""
    codes = sorted(config.coordinators)
    items = collect_items(con, as_of, codes)
    told = already_alerted(con)
    fresh = fresh_items(items, told, codes)
    cutoff = recent_cutoff(as_of)
    workbooks = {}
    for code, township_items in fresh.items():
        findings = [i for i in township_items if i.kind == "quality_issue"]
        if findings:
            listed = [i for i in findings if is_recent(i, cutoff)]
            workbooks[code] = feedback_workbooks(feedback_dir, code, findings, listed)
    recipients = {code: r.name for code, r in config.coordinators.items()}
    return compose_digests(
        items,
        told,
        recipients,
        config.township_names,
        as_of,
        attachments_for={code: w.attached for code, w in workbooks.items()},
        folder_for={code: w.folder for code, w in workbooks.items() if w.folder},
    )


def coordinator_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    feedback_dir: Path,
    config: AlertConfig | None = None,
    run_id: str | None = None,
    dry_run: bool = False,
) -> AlertRun:
    """Compose every township's digest of new items and (unless ``dry_run``) send it to each
    of the coordinator's targets, logging every delivery. A digest's items count as told
    once at least one target took it; if every target failed they are offered again next run.
    A dry run reads only: nothing is sent or recorded."""
    config = config or load_alert_config()
    latest = latest_alerted_as_of(con)
    if not dry_run and latest is not None and as_of < latest:
        # A re-run for a past date (a backfill): coordinators were already told about later
        # dates, so news "as of" an earlier one would be stale. Compose, send nothing.
        log.warning(
            "as_of %s is before the last alerted as_of %s: a backfill, nothing sent", as_of, latest
        )
        dry_run = True
    result = AlertRun(digests=compose(con, as_of, feedback_dir, config), dry_run=dry_run)
    for digest in result.digests:
        recipient = config.coordinators[digest.township_code]
        if recipient.unconfigured:
            result.unconfigured[digest.township_code] = recipient.unconfigured
        if dry_run:
            continue
        if not recipient.targets:
            result.without_targets.append(digest.township_code)
            continue
        delivered = False
        for target in recipient.targets:
            started = now_local()
            outcome = deliver(
                target,
                digest.title,
                digest.body,
                digest.attachments,
                attempts=config.attempts,
                backoff_seconds=config.backoff_seconds,
            )
            attached = digest.attachments if target.takes_attachments else ()
            record_delivery(
                con,
                audience="coordinator",
                township_code=digest.township_code,
                recipient=digest.recipient,
                target=target,
                title=digest.title,
                body=digest.body,
                digest_hash=digest.digest_hash,
                delivery=outcome,
                run_id=run_id,
                started_at=started,
                item_count=len(digest.items),
                counts=digest.counts,
                attachments="; ".join(p.name for p in attached) or None,
            )
            result.deliveries.append((digest, target, outcome))
            delivered = delivered or outcome.status == "sent"
        if delivered:
            record_digest_delivered(con, digest, as_of)
    if result.without_targets:
        # One line, not one per township: a fresh install has no targets at all.
        log.warning(
            "no alert target configured for %d township(s) (%s); their digests stay unsent "
            "(see pipelines/reference/coordinators.yaml)",
            len(result.without_targets),
            ", ".join(result.without_targets),
        )
    return result


def notify_data_team(
    title: str,
    body: str,
    *,
    config: AlertConfig | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    run_id: str | None = None,
) -> list[tuple[Target, Delivery]]:
    """Send a (scrubbed) notice to every data-team target; log it when ``con`` is given."""
    config = config or load_alert_config()
    title, body = scrub(title), scrub(body)
    outcomes = []
    for target in config.data_team.targets:
        started = now_local()
        outcome = deliver(
            target, title, body, attempts=config.attempts, backoff_seconds=config.backoff_seconds
        )
        outcomes.append((target, outcome))
        if con is not None:
            record_delivery(
                con,
                audience="data_team",
                township_code=None,
                recipient=config.data_team.name,
                target=target,
                title=title,
                body=body,
                digest_hash=digest_hash("data_team", []) if run_id is None else run_id,
                delivery=outcome,
                run_id=run_id,
                started_at=started,
            )
    return outcomes
