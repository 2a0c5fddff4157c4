"""Alert composition, configuration and delivery retries as plain functions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.alerts.compose import compose_digests, digest_hash, scrub
from pipelines.alerts.config import Target, load_alert_config
from pipelines.alerts.findings import Item, missing_sheet_items, previous_period, township_codes
from pipelines.alerts.send import deliver
from tests.conftest import free_port
from warehouse.db import ensure_schema

AS_OF = date(2025, 3, 10)


def _item(code: str, key: str, kind: str = "quality_issue", severity: str = "warning") -> Item:
    return Item(code, kind, key, f"第3行 {key}", "a.xlsx", severity)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证 352627198001011234 有误", "身份证 352627********1234 有误"),
        ("号码35262719800101123X", "号码352627********123X"),
        ("电话13812345678。", "电话138****5678。"),
        ("电话+86 13812345678", "电话138****5678"),
    ],
)
def test_scrub_masks_ids_and_mobiles(text: str, masked: str) -> None:
    assert scrub(text) == masked


def test_scrub_leaves_dates_masks_and_rows_alone() -> None:
    text = "第12行「信访日期」2025-03-05，138****5678，352627********1234，20250305"
    assert scrub(text) == text


def test_one_digest_per_township_with_only_new_items() -> None:
    items = [_item("A", "k1"), _item("A", "k2", severity="error"), _item("B", "k3")]
    items += [_item("C", "k4")]  # C has no coordinator: no digest
    digests = compose_digests(
        items,
        already_alerted={("B", "k3"), ("A", "k1")},
        recipients={"A": "甲镇联络员", "B": "乙镇联络员"},
        township_names={"A": "甲镇", "B": "乙镇"},
        as_of=AS_OF,
    )
    (digest,) = digests
    assert digest.township_code == "A" and [i.key for i in digest.items] == ["k2"]
    assert digest.counts["quality_issues"] == 1 and digest.counts["quality_errors"] == 1
    assert "数据质量问题 1 条（错误 1 条，警告 0 条）" in digest.body
    assert digest.title == "【矛盾纠纷排查数据提醒】甲镇 2025-03-10"


def test_same_key_twice_is_one_item() -> None:
    (digest,) = compose_digests(
        [_item("A", "k1"), _item("A", "k1")], set(), {"A": "x"}, {"A": "甲镇"}, AS_OF
    )
    assert len(digest.items) == 1


def test_digest_hash_ignores_order() -> None:
    a, b = _item("A", "k1"), _item("A", "k2")
    assert digest_hash("A", [a, b]) == digest_hash("A", [b, a]) != digest_hash("B", [a, b])


def test_long_sections_are_capped() -> None:
    items = [_item("A", f"k{n:03}") for n in range(60)]
    (digest,) = compose_digests(items, set(), {"A": "x"}, {"A": "甲镇"}, AS_OF)
    assert "数据质量问题 60 条" in digest.body and "另有" in digest.body
    assert digest.body.count("第3行") < 40


def test_previous_period() -> None:
    assert previous_period(date(2025, 1, 6)) == date(2024, 12, 1)
    assert previous_period(date(2025, 3, 31)) == date(2025, 2, 1)


def test_missing_registers_only_after_the_due_day() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    con.execute(
        "insert into raw.sheets (file_id, sheet_name, status, template, township_code, period)"
        " values ('f', 's', 'loaded', 'petition', '350825100', '2025-02-01')"
    )
    assert missing_sheet_items(con, date(2025, 3, 5), ["350825100"]) == []
    items = missing_sheet_items(con, date(2025, 3, 6), ["350825100", "350825101"])
    assert sorted((i.township_code, i.key) for i in items) == [
        ("350825100", "missing:dispute:2025-02-01"),
        ("350825101", "missing:dispute:2025-02-01"),
        ("350825101", "missing:petition:2025-02-01"),
    ]
    assert "2025年2月《矛盾纠纷排查化解台账》尚未收到" in items[0].line


def test_petitioner_townships_by_name_alias_or_code() -> None:
    assert township_codes("莲峰镇,宣和乡") == ["350825100", "350825111"]
    assert township_codes(["350825200"]) == ["350825200"]


def test_config_reads_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "email: {url_env: T_SMTP}\n"
        "data_team: {name: 数据组, email: team@x.test}\n"
        "townships:\n"
        "  '350825100': {name: 莲峰镇, coordinator: 联络员甲, email: a@x.test,\n"
        "                wecom_key_env: T_WECOM, dingtalk_token_env: T_DING,\n"
        "                webhook_url_env: T_HOOK}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("T_SMTP", "mailtos://u:pw@smtp.x.test?from=n@x.test")
    monkeypatch.setenv("T_WECOM", "secret-key")
    monkeypatch.delenv("T_DING", raising=False)
    monkeypatch.delenv("T_HOOK", raising=False)
    config = load_alert_config(path)
    recipient = config.coordinators["350825100"]
    kinds = {t.kind: t for t in recipient.targets}
    assert set(kinds) == {"email", "wecom"}
    assert kinds["email"].url.endswith("&to=a@x.test&format=text")
    assert kinds["wecom"].url == "wecombot://secret-key"
    assert all("secret" not in t.label and "pw" not in t.label for t in recipient.targets)
    assert recipient.unconfigured == ("dingtalk (T_DING unset)", "webhook (T_HOOK unset)")
    assert config.data_team.targets[0].label == "email:team@x.test"
    assert config.township_names == {"350825100": "莲峰镇"}


def test_versioned_file_covers_every_township() -> None:
    from pipelines.reference.load import townships

    config = load_alert_config()
    assert set(config.coordinators) == {t.code for t in townships()}


def test_delivery_retries_with_a_growing_short_backoff() -> None:
    waits: list[float] = []
    target = Target("webhook", f"json://127.0.0.1:{free_port()}/x", "webhook:$T")
    outcome = deliver(target, "t", "b", attempts=3, backoff_seconds=0.5, sleep=waits.append)
    assert outcome.status == "failed" and outcome.attempts == 3 and outcome.error
    assert waits == [0.5, 1.0]
