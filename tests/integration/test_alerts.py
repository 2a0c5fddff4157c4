"""Issue 8 acceptance: coordinator digests through a real SMTP server and a real HTTP
receiver on 127.0.0.1, after real nightly_job runs on the generator's world.

Three runs on one home: the world (minus one January register), the same inbox again, then
the inbox with one new bad sheet for 揭乐乡.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from openpyxl import load_workbook

from pipelines.runner import RunOutcome, run_nightly
from tests.conftest import HttpReceiver, ReceivedMail, SmtpReceiver
from tests.integration.test_feedback import party_names, raw_pii_in
from tests.support import TEST_PII_KEY, World

pytestmark = pytest.mark.integration

AS_OF = date(2025, 2, 10)  # past the due day (5th): January registers are owed
TOWNSHIPS = {"350825100": "莲峰镇", "350825111": "宣和镇", "350825200": "揭乐乡"}
EMAIL = {code: f"coord-{code}@town.test" for code in TOWNSHIPS}
MISSING_FILE = "2025-01/莲峰镇2025年1月矛盾纠纷排查化解台账.xlsx"
NEW_SHEET = "2025-02/揭乐乡2025年2月信访事项登记台账.csv"
NEW_SHEET_ISSUES = (
    "select count(distinct (i.rule, coalesce(i.field, ''), coalesce(i.value_masked, '')))"
    " from quality.row_issues i join raw.files f using (file_id) where f.file_name = ?"
)
BACKFILL_SHEET = "2025-02/揭乐乡2025年2月信访事项登记台账(重报).csv"
NEW_SHEET_ID = "352627198001011235"
NEW_SHEET_NAMES = ("张测试", "李测试")
NEW_SHEET_FOLDER = "feedback/揭乐乡/"

SUMMARY = re.compile(r"数据质量问题 (\d+) 条（错误 (\d+) 条，警告 (\d+) 条）")
ID18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# As of 2025-02-10 a digest lists the registers of the last three months (2024-11 on) and
# sums up the older ones in one line: per township, that line's findings, files and months.
RECENT = date(2024, 11, 1)
OLDER_FINDINGS = """
    select f.township_code,
           count(distinct (i.file_id, i.rule, coalesce(i.field, ''), coalesce(i.value_masked, ''))),
           count(distinct i.file_id), min(f.period), max(f.period)
    from quality.row_issues i join raw.files f using (file_id)
    where f.status = 'loaded' and f.period < date '2024-11-01'
    group by 1
"""
OVERDUE_BY_TOWNSHIP = "select township_code, count(*) from marts.overdue_petitions group by 1"
FLAGGED_TOWNSHIPS = "select townships from marts.repeat_petitioners where is_repeat or is_escalated"


@dataclass
class Stage:
    outcome: RunOutcome
    mails: list[ReceivedMail]
    posts: list[tuple[str, dict]]


def write_coordinators(path: Path, *, attempts: int = 3) -> Path:
    config = {
        "delivery": {"attempts": attempts, "backoff_seconds": 0.05},
        "email": {"url_env": "DISPUTES_SMTP_URL"},
        "data_team": {"name": "数据组", "webhook_url_env": "DISPUTES_WEBHOOK_URL_DATA_TEAM"},
        "townships": {
            code: {
                "name": name,
                "coordinator": f"{name}联络员",
                "email": EMAIL[code],
                "webhook_url_env": f"DISPUTES_WEBHOOK_URL_{code}",
            }
            for code, name in TOWNSHIPS.items()
        },
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _bad_sheet(path: Path, remark: str = "") -> None:
    """A new petition register for 揭乐乡, February 2025, laid out like the township's CSVs:
    one row with 信访日期 "待定" (an error) and an ID with a wrong check digit."""
    header = (
        "信访编号,来信来访日期,来访方式,信访人姓名,身份证号,联 系 电 话,人数,乡(镇),村,"
        "主要诉求,信访类别,信访层级,受理日期,办结日期,是否延期,领导接访日期,备注"
    )
    rows = [
        "揭乐乡2025年2月信访事项登记台账" + "," * 16,
        "填报单位：揭乐乡信访办      填报日期：2025年2月8日" + "," * 16,
        header,
        f"XF20259001,待定,来访,{NEW_SHEET_NAMES[0]},{NEW_SHEET_ID},13900001111,1,揭乐乡,"
        "小头村,小头村反映道路问题,邻里纠纷,本县,,,,,",
        f"XF20259002,2025/2/3,来访,{NEW_SHEET_NAMES[1]},,13900002222,1,揭乐乡,新田村,"
        f"新田村反映用水问题,邻里纠纷,本县,2025/2/5,,,,{remark}",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def stages(
    small_world: World,
    tmp_path_factory: pytest.TempPathFactory,
    smtp_server: SmtpReceiver,
    http_receiver: HttpReceiver,
) -> dict[str, object]:
    root = tmp_path_factory.mktemp("alerts")
    home, inbox = root / "home", root / "inbox"
    shutil.copytree(small_world.inbox, inbox)
    (inbox / MISSING_FILE).unlink()
    out: dict[str, object] = {"home": home}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        mp.setenv("DISPUTES_COORDINATORS_FILE", str(write_coordinators(root / "coord.yaml")))
        mp.setenv("DISPUTES_SMTP_URL", smtp_server.url())
        for code in TOWNSHIPS:
            mp.setenv(f"DISPUTES_WEBHOOK_URL_{code}", http_receiver.url(f"hook/{code}"))
        for name in ("first", "again", "new_sheet", "backfill"):
            if name == "new_sheet":
                _bad_sheet(inbox / NEW_SHEET)
            if name == "backfill":  # a resubmitted bad sheet, but the run is for a past date
                _bad_sheet(inbox / BACKFILL_SHEET, remark="重报")
            mails, posts = len(smtp_server.messages), len(http_receiver.posts)
            as_of = AS_OF - timedelta(days=40) if name == "backfill" else AS_OF
            outcome = run_nightly(home=home, inbox=inbox, as_of=as_of)
            out[name] = Stage(outcome, smtp_server.messages[mails:], http_receiver.posts[posts:])
            out[f"{name}_log_rows"] = _query(home, "select count(*) from alerts.sent_alerts")[0][0]
            if name == "first":  # what the first digests were made from
                out["first_issue_counts"] = _issue_counts(home)
                out["first_overdue"] = dict(_query(home, OVERDUE_BY_TOWNSHIP))
                out["first_flagged"] = [r[0] for r in _query(home, FLAGGED_TOWNSHIPS)]
                out["first_feedback"] = _feedback_files(home)
                out["first_recent_feedback"] = _feedback_files(home, since=RECENT)
                out["first_older"] = {r[0]: r[1:] for r in _query(home, OLDER_FINDINGS)}
            if name == "new_sheet":  # before the backfill stage supersedes that file
                out["new_sheet_issues"] = _query(home, NEW_SHEET_ISSUES, [Path(NEW_SHEET).name])
    return out


def _query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _feedback_files(home: Path, since: date | None = None) -> dict[str, set[str]]:
    """Per township: the masked feedback workbooks present for its loaded files with issues
    (the ones an alert may carry), of registers from ``since`` on when given."""
    rows = _query(
        home,
        "select distinct f.township_code, f.file_name from quality.row_issues i"
        " join raw.files f using (file_id) where f.status = 'loaded'"
        " and (f.period >= ? or ?::date is null)",
        [since, since],
    )
    out: dict[str, set[str]] = {}
    for code, name in rows:
        workbook = f"{Path(name).stem}_问题反馈_脱敏.xlsx"
        if code in TOWNSHIPS and (home / "feedback" / TOWNSHIPS[code] / workbook).is_file():
            out.setdefault(code, set()).add(workbook)
    return out


def _code_of(mail: ReceivedMail) -> str:
    (address,) = mail.to
    return next(code for code, a in EMAIL.items() if a == address)


def _issue_counts(home: Path) -> dict[str, tuple[int, int]]:
    """Findings of loaded files per township, (errors, warnings): one per (file, rule,
    column, value) however many rows repeat it (DESIGN.md s.7)."""
    rows = _query(
        home,
        """
        select township_code,
               count(*) filter (where severity = 'error'),
               count(*) filter (where severity = 'warning')
        from (
            select distinct coalesce(i.township_code, f.township_code) as township_code,
                   i.file_id, i.rule, coalesce(i.field, ''), coalesce(i.value_masked, ''),
                   i.severity
            from quality.row_issues i join raw.files f using (file_id)
            where f.status = 'loaded'
        )
        group by 1
        """,
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def test_runs_succeed(stages: dict) -> None:
    for name in ("first", "again", "new_sheet"):
        assert stages[name].outcome.success, stages[name].outcome.failure


def test_first_run_one_digest_per_township_per_target(stages: dict) -> None:
    first: Stage = stages["first"]
    with_issues = {code for code in stages["first_issue_counts"] if code in TOWNSHIPS}
    assert with_issues, "the sample world has quality issues"
    by_township = Counter(_code_of(m) for m in first.mails)
    assert set(by_township) >= with_issues
    assert all(n == 1 for n in by_township.values()), by_township
    assert Counter(path for path, _ in first.posts) == {f"/hook/{c}": 1 for c in by_township}


def test_digest_is_chinese_with_the_warehouse_counts(stages: dict) -> None:
    counts = stages["first_issue_counts"]
    for mail in stages["first"].mails:
        code = _code_of(mail)
        assert "矛盾纠纷排查数据提醒" in mail.subject and TOWNSHIPS[code] in mail.subject
        cjk = sum(1 for c in mail.body if "\u4e00" <= c <= "\u9fff")
        assert cjk > len(mail.body) / 3
        errors, warnings = counts.get(code, (0, 0))
        match = SUMMARY.search(mail.body)
        if errors + warnings == 0:
            assert match is None
            continue
        assert match, mail.body[:300]
        assert tuple(map(int, match.groups())) == (errors + warnings, errors, warnings)


def test_first_digests_read_on_a_phone(stages: dict) -> None:
    """Thirteen months of registers at once: every digest (mail and webhook alike) is at
    most 30 lines, the months before 2024-11 are one line, and overdue petitions and
    repeat/escalated petitioners are counted with at most three of each listed."""
    first: Stage = stages["first"]
    assert first.mails
    for text in [m.body for m in first.mails] + [p.get("message", "") for _, p in first.posts]:
        assert len(text.splitlines()) <= 30, text
    for mail in first.mails:
        lines = mail.body.splitlines()
        older = stages["first_older"].get(_code_of(mail))
        if older:
            findings, files, start, end = older
            span = f"{start.year}年{start.month}月至{end.year}年{end.month}月"
            assert f"{span}另有问题 {findings} 条（{files} 个文件），标注表见反馈文件夹。" in lines
        # a section has 5 lines at most: its heading and every item when they fit in 4,
        # else the 3 most urgent and a line for the rest
        code = _code_of(mail)
        overdue = stages["first_overdue"].get(code, 0)
        people = sum(1 for towns in stages["first_flagged"] if TOWNSHIPS[code] in towns)
        listed = sum(1 for ln in lines if re.search(r"信访），(受理|办结)期限", ln))
        assert listed == (overdue if overdue <= 4 else 3), (overdue, mail.body)
        listed = sum(1 for ln in lines if re.search(r"：信访\d+次，", ln))
        assert listed == (people if people <= 4 else 3), (people, mail.body)
    assert any(stages["first_older"].get(_code_of(m)) for m in first.mails)
    assert max(stages["first_overdue"].values()) > 4


def test_overdue_and_repeat_counts_match_the_marts(stages: dict) -> None:
    overdue, flagged = stages["first_overdue"], stages["first_flagged"]
    for mail in stages["first"].mails:
        code = _code_of(mail)
        n_overdue = re.search(r"逾期或7日内到期信访 (\d+) 件", mail.body)
        assert (int(n_overdue.group(1)) if n_overdue else 0) == overdue.get(code, 0)
        people = sum(1 for towns in flagged if TOWNSHIPS[code] in towns.split(","))
        n_people = re.search(r"重复/越级信访人 (\d+) 人", mail.body)
        assert (int(n_people.group(1)) if n_people else 0) == people


def test_missing_register_past_due_day_is_told(stages: dict) -> None:
    (mail,) = [m for m in stages["first"].mails if _code_of(m) == "350825100"]
    assert "2025年1月《矛盾纠纷排查化解台账》尚未收到" in mail.body
    assert "2025年1月《信访事项登记台账》尚未收到" not in mail.body


def test_rejected_files_reach_their_township(stages: dict) -> None:
    """A file that could not be read is routed by its name to its coordinator, with the
    reason in Chinese; a file naming no township reaches no coordinator."""
    home = stages["home"]
    rejected = _query(
        home, "select file_name, township_code from raw.files where status = 'rejected'"
    )
    assert any(code for _, code in rejected) and any(code is None for _, code in rejected)
    for name, code in rejected:
        bodies = [m.body for m in stages["first"].mails if _code_of(m) == code]
        told = [b for b in bodies if f"文件《{name}》未能导入" in b]
        assert len(told) == (1 if code in TOWNSHIPS else 0), name


def test_feedback_workbooks_attached_to_email_only(stages: dict) -> None:
    """The masked twins of the marked-up copies of the township's files with issues in the
    months the digest lists (as of 2025-02-10: 2024-11 on), at most 5; the body names the
    folder of the full copies instead of attaching them."""
    for mail in stages["first"].mails:
        code = _code_of(mail)
        recent = stages["first_recent_feedback"].get(code, set())
        assert set(mail.attachments) <= recent
        assert len(mail.attachments) == min(5, len(recent))
        if stages["first_feedback"].get(code):
            line = f"完整标注版（含当事人信息，仅限内网）：feedback/{TOWNSHIPS[code]}/，"
            assert line in mail.body
    assert any(m.attachments for m in stages["first"].mails)
    (new_mail,) = stages["new_sheet"].mails
    assert new_mail.attachments == ["揭乐乡2025年2月信访事项登记台账_问题反馈_脱敏.xlsx"]
    assert f"完整标注版（含当事人信息，仅限内网）：{NEW_SHEET_FOLDER}，" in new_mail.body
    assert any(NEW_SHEET_FOLDER in p.get("message", "") for _, p in stages["new_sheet"].posts)
    for stage in ("first", "new_sheet"):
        assert all(not payload.get("attachments") for _, payload in stages[stage].posts)


def test_attachments_show_no_raw_id_phone_or_name(stages: dict) -> None:
    """Every workbook a coordinator received, opened from the bytes the SMTP server got."""
    names = party_names(stages["home"]) | set(NEW_SHEET_NAMES)
    received = [
        (name, data)
        for stage in ("first", "new_sheet")
        for mail in stages[stage].mails
        for name, data in mail.files.items()
    ]
    assert len(received) >= 2 and all(data for _, data in received)
    for name, data in received:
        wb = load_workbook(io.BytesIO(data))
        leaks = raw_pii_in(wb, names)
        assert not leaks, (name, leaks[:5])
        texts = [str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r]
        assert not any(NEW_SHEET_ID in t for t in texts)


def test_second_run_with_nothing_new_sends_nothing(stages: dict) -> None:
    again: Stage = stages["again"]
    assert again.mails == [] and again.posts == []
    assert stages["again_log_rows"] == stages["first_log_rows"]


def test_new_bad_sheet_triggers_one_new_digest(stages: dict) -> None:
    new: Stage = stages["new_sheet"]
    assert [_code_of(m) for m in new.mails] == ["350825200"]
    assert [path for path, _ in new.posts] == ["/hook/350825200"]
    body = new.mails[0].body
    assert "揭乐乡2025年2月信访事项登记台账.csv" in body and "待定" in body
    # only the new sheet's issues: every quality line belongs to it
    new_file_issues = stages["new_sheet_issues"][0][0]
    assert int(SUMMARY.search(body).group(1)) == new_file_issues >= 1


def test_no_raw_id_phone_or_name_in_any_message(stages: dict, small_world: World) -> None:
    with (small_world.truth / "repeat_petitioners.csv").open(encoding="utf-8") as fh:
        names = {r["name"] for r in csv.DictReader(fh) if len(r["name"]) >= 2}
    names |= set(NEW_SHEET_NAMES)
    texts = []
    for name in ("first", "again", "new_sheet"):
        stage: Stage = stages[name]
        texts += [m.subject + "\n" + m.body for m in stage.mails]
        texts += [p.get("title", "") + "\n" + p.get("message", "") for _, p in stage.posts]
    texts += [r[0] for r in _query(stages["home"], "select title || body from alerts.sent_alerts")]
    assert len(texts) > 6
    for text in texts:
        assert not ID18.search(text), ID18.search(text)
        assert not MOBILE.search(text), MOBILE.search(text)
        assert NEW_SHEET_ID not in text
        leaked = [n for n in names if n in text]
        assert not leaked, leaked


def test_every_delivery_is_in_the_alert_log(stages: dict) -> None:
    rows = _query(
        stages["home"],
        "select township_code, target_kind, status, attempts, digest_hash, run_id, error"
        " from alerts.sent_alerts",
    )
    delivered = sum(len(stages[n].mails) + len(stages[n].posts) for n in ("first", "new_sheet"))
    assert len(rows) == delivered
    assert all(r[2] == "sent" and r[3] == 1 and r[4] and r[5] and r[6] is None for r in rows)
    told = _query(stages["home"], "select count(*) from alerts.alerted_items")[0][0]
    assert told > 0


def test_backfill_for_a_past_date_tells_no_one(stages: dict) -> None:
    """After coordinators were told as of AS_OF, a re-run as of 40 days earlier (even with
    a new bad sheet in the inbox) sends nothing and records nothing as told."""
    backfill = stages["backfill"]
    assert backfill.outcome.success, backfill.outcome.failure
    assert backfill.mails == [] and backfill.posts == []
    assert stages["backfill_log_rows"] == stages["new_sheet_log_rows"]
