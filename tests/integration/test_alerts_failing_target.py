"""A target that is down (a closed port) is retried a bounded number of times, logged as
failed, never fails the data run, and loses nothing: a digest no target took is offered
again on the next run."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.runner import run_nightly
from tests.conftest import HttpReceiver, SmtpReceiver, free_port
from tests.integration.test_alerts import EMAIL, ID18, MOBILE, TOWNSHIPS, write_coordinators
from tests.support import TEST_PII_KEY, World

pytestmark = pytest.mark.integration

AS_OF = date(2025, 2, 10)
PASSWORD = "s3cret-smtp-pass"
WEBHOOK_TOWNSHIP = "350825100"


def _rows(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def down_then_up(
    small_world: World,
    tmp_path_factory: pytest.TempPathFactory,
    smtp_server: SmtpReceiver,
    http_receiver: HttpReceiver,
) -> dict[str, object]:
    root = tmp_path_factory.mktemp("alerts_down")
    home, inbox = root / "home", root / "inbox"
    shutil.copytree(small_world.inbox, inbox)
    out: dict[str, object] = {"home": home}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        mp.setenv("DISPUTES_COORDINATORS_FILE", str(write_coordinators(root / "coord.yaml")))
        closed = f"mailto://alerts:{PASSWORD}@127.0.0.1:{free_port()}?mode=insecure&from=a@b.test"
        mp.setenv("DISPUTES_SMTP_URL", closed)
        mp.setenv(f"DISPUTES_WEBHOOK_URL_{WEBHOOK_TOWNSHIP}", http_receiver.url("down/hook"))
        started = time.monotonic()
        out["down"] = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        out["down_seconds"] = time.monotonic() - started
        out["down_log"] = _rows(
            home,
            "select township_code, target_kind, target, status, attempts, error"
            " from alerts.sent_alerts order by township_code, target_kind",
        )
        out["down_told"] = {
            r[0] for r in _rows(home, "select township_code from alerts.alerted_items")
        }
        mp.setenv("DISPUTES_SMTP_URL", smtp_server.url())
        out["dry_run"] = CliRunner().invoke(
            app, ["alerts", "--dry-run", "--home", str(home), "--as-of", AS_OF.isoformat()]
        )
        out["after_dry_run_log"] = _rows(home, "select count(*) from alerts.sent_alerts")[0][0]
        mails = len(smtp_server.messages)
        out["up"] = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        out["up_mails"] = smtp_server.messages[mails:]
    return out


def test_data_run_succeeds_while_the_server_is_down(down_then_up: dict) -> None:
    assert down_then_up["down"].success, down_then_up["down"].failure
    assert down_then_up["up"].success, down_then_up["up"].failure


def test_failed_email_retried_and_logged(down_then_up: dict) -> None:
    emails = [r for r in down_then_up["down_log"] if r[1] == "email"]
    assert {r[0] for r in emails} == set(TOWNSHIPS)
    for _code, _kind, target, status, attempts, error in emails:
        assert status == "failed" and attempts == 3
        assert error and PASSWORD not in error and PASSWORD not in target
    # bounded: 3 townships x 3 attempts with 0.05 s / 0.1 s waits, not a hang
    assert down_then_up["down_seconds"] < 120


def test_other_target_still_delivered(down_then_up: dict) -> None:
    webhooks = [r for r in down_then_up["down_log"] if r[1] == "webhook"]
    assert [(r[0], r[3], r[4]) for r in webhooks] == [(WEBHOOK_TOWNSHIP, "sent", 1)]
    assert down_then_up["down_told"] == {WEBHOOK_TOWNSHIP}


def test_digest_no_target_took_is_sent_when_the_server_is_back(down_then_up: dict) -> None:
    got = sorted(address for m in down_then_up["up_mails"] for address in m.to)
    assert got == sorted(EMAIL[c] for c in TOWNSHIPS if c != WEBHOOK_TOWNSHIP)


def test_dry_run_prints_untold_digests_and_records_nothing(down_then_up: dict) -> None:
    result = down_then_up["dry_run"]
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for code, name in TOWNSHIPS.items():
        assert (f"【矛盾纠纷排查数据提醒】{name}" in text) == (code != WEBHOOK_TOWNSHIP)
    assert "nothing sent" in text
    assert not ID18.search(result.output) and not MOBILE.search(result.output)
    assert down_then_up["after_dry_run_log"] == len(down_then_up["down_log"])
    assert PASSWORD not in result.output
