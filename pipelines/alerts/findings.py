"""What a township's coordinator may need to hear about, read from warehouse.duckdb.

Each finding is an ``Item`` with a stable key; the digest lists only items whose key is not
yet in ``alerts.alerted_items`` for that township. A quality item is one finding (file,
rule, column, value) with its rows, not one cell (quality/feedback/findings.py groups, as
for the 问题汇总 sheet). Every line is built from columns that are already masked
(``quality.row_issues.message_zh``, ``name_masked``, ``phone_masked``).

Marts are another module's (models/marts/*.sql); a mart not built yet yields no items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipelines.reference.load import county, townships
from quality.feedback.findings import group_findings
from warehouse.db import fetch_dicts

TEMPLATE_ZH = {"dispute": "矛盾纠纷排查化解台账", "petition": "信访事项登记台账"}
LEVEL_ZH = {"county": "本县", "city": "赴市", "province": "赴省", "capital": "进京"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Item:
    """One thing to tell a township. ``key`` is what the sent log remembers; the other
    fields let the digest summarize a backlog instead of listing it."""

    township_code: str
    kind: str  # quality_issue | file_rejected | missing_sheet | deadline | petitioner
    key: str
    line: str
    file_name: str | None = None
    severity: str | None = None
    period: date | None = None  # the register month of the item's file
    rows: tuple[tuple[str, int], ...] = ()  # (sheet, excel row) a quality finding names
    legacy_keys: tuple[str, ...] = ()  # the per-cell keys a sent log before issue 12 holds
    state: str | None = None  # deadline: overdue | due_soon; petitioner: repeat+escalated
    rank: int = 0  # within its kind, higher is more urgent (days overdue, petition events)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    return fetch_dicts(con, sql, list(params))


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows}


# Lines of a finding name at most this many rows in the digest ("第12、15、31行等共200行");
# the marked-up workbook shows every one.
ROWS_IN_DIGEST = 3


def quality_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """One item per finding (quality/feedback/findings.py: file, rule, column, value) of
    the sheets currently loaded (a superseded file's issues are moot), files rejected whole
    and workbooks with sheets that could not be placed, for files whose township is known
    (for a rejected file, guessed from its name at landing)."""
    issues = _rows(
        con,
        """
        select distinct
            coalesce(i.township_code, f.township_code) as township_code,
            i.file_id, f.file_name, f.period, i.sheet_name, i.excel_row, i.rule, i.severity,
            coalesce(i.field, '') as field, i.column_header, i.column_letter, i.value_masked,
            i.message_zh
        from quality.row_issues as i
        join raw.files as f on f.file_id = i.file_id
        where f.status = 'loaded' and coalesce(i.township_code, f.township_code) is not null
        order by 1, f.file_name, i.sheet_name, i.excel_row, i.rule, field
        """,
    )
    by_file: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in issues:
        by_file.setdefault((r["township_code"], r["file_id"]), []).append(r)
    items: list[Item] = []
    for (code, _), file_issues in by_file.items():
        first = file_issues[0]
        for finding in group_findings(file_issues):
            legacy = tuple(
                f"issue:{finding.file_id}:{sheet}:{row}:{finding.rule}:{finding.field}"
                for sheet, row in finding.rows
            )
            items.append(
                Item(
                    code,
                    "quality_issue",
                    finding.key,
                    finding.line(ROWS_IN_DIGEST),
                    first["file_name"],
                    finding.severity,
                    period=first["period"],
                    rows=finding.rows,
                    legacy_keys=legacy,
                )
            )
    rejected = _rows(
        con,
        """
        select file_id, file_name, township_code, status, period,
               coalesce(reason_zh, '无法读取') as reason_zh
        from raw.files
        where township_code is not null
          and (status = 'rejected' or (status = 'loaded' and reason_zh is not null))
        order by township_code, file_name
        """,
    )
    for r in rejected:
        if r["status"] == "rejected":
            line = f"文件《{r['file_name']}》未能导入：{r['reason_zh']}"
        else:  # loaded, but some sheets could not be placed
            line = f"文件《{r['file_name']}》部分工作表未能导入：{r['reason_zh']}"
        items.append(
            Item(
                r["township_code"],
                "file_rejected",
                f"file:{r['file_id']}",
                line,
                r["file_name"],
                "error",
                period=r["period"],
            )
        )
    return items


def previous_period(as_of: date) -> date:
    return date(as_of.year - 1, 12, 1) if as_of.month == 1 else date(as_of.year, as_of.month - 1, 1)


def missing_sheet_items(
    con: duckdb.DuckDBPyConnection, as_of: date, township_codes: Iterable[str]
) -> list[Item]:
    """After the due day (county.yaml register_due_day), each township owes both registers
    for the previous month; one item per register not loaded."""
    due_day = int(county().get("register_due_day", 5))
    if as_of.day <= due_day:
        return []
    period = previous_period(as_of)
    loaded = {
        (r[0], r[1])
        for r in con.execute(
            "select distinct township_code, template from raw.sheets"
            " where status = 'loaded' and period = ?",
            [period],
        ).fetchall()
    }
    items = []
    for code in sorted(township_codes):
        for template, name_zh in TEMPLATE_ZH.items():
            if (code, template) in loaded:
                continue
            line = (
                f"{period.year}年{period.month}月《{name_zh}》尚未收到"
                f"（应于每月{due_day}日前报送上月台账）"
            )
            items.append(
                Item(code, "missing_sheet", f"missing:{template}:{period.isoformat()}", line)
            )
    return items


STAGE_ZH = {"acceptance": "受理期限", "conclusion": "办结期限"}


def deadline_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """Petitions overdue or due within 7 days, from marts.overdue_petitions (event_id,
    township_code, name_masked, petition_date, stage, deadline, days_overdue). An event told
    as due-soon is told again once overdue, and again at its next stage: both are in the key.
    """
    if not {"event_id", "deadline", "days_overdue"} <= _columns(con, "marts", "overdue_petitions"):
        return []
    rows = _rows(
        con,
        "select event_id, township_code, name_masked, petition_date, stage, deadline,"
        " days_overdue from marts.overdue_petitions order by deadline, event_id",
    )
    items = []
    for r in rows:
        days = int(r["days_overdue"])
        state = "overdue" if days > 0 else "due_soon"
        limit = STAGE_ZH.get(r["stage"], "办理期限")
        status = f"已逾期{days}天" if days > 0 else f"{-days}天后到期" if days else "今日到期"
        line = (
            f"{r['name_masked'] or '（未具名）'}（{r['petition_date']}信访），"
            f"{limit}{r['deadline']}，{status}"
        )
        key = f"deadline:{r['event_id']}:{r['stage']}:{state}"
        items.append(Item(str(r["township_code"]), "deadline", key, line, state=state, rank=days))
    return items


def township_codes(value: Any) -> list[str]:
    """marts.repeat_petitioners.townships as codes, whether a list or a joined string of
    codes or names."""
    parts = value if isinstance(value, list | tuple) else re.split(r"[,，、;；|\s]+", str(value))
    by_name = {}
    for t in townships():
        by_name[t.code] = t.code
        by_name[t.name] = t.code
        for alias in t.aliases:
            by_name[alias] = t.code
    return sorted({by_name[p] for p in (str(p).strip() for p in parts) if p in by_name})


def petitioner_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """A new repeat (重复信访) or escalated (越级) petitioner, told to every township the
    person petitioned in; masked name and phone only. The flags are part of the key, so a
    repeat petitioner who later goes to a higher level is told again."""
    cols = _columns(con, "marts", "repeat_petitioners")
    if not {"person_key", "townships"} <= cols:
        return []
    items = []
    for r in _rows(con, "select * from marts.repeat_petitioners order by person_key"):
        flags = []
        if r.get("is_repeat"):
            flags.append(("repeat", "重复信访"))
        if r.get("is_escalated"):
            level = LEVEL_ZH.get(str(r.get("highest_level")), "")
            flags.append(("escalated", f"越级信访{f'（{level}）' if level else ''}"))
        if not flags:
            continue
        who = r.get("name_masked") or "（未具名）"
        phone = f"（{r['phone_masked']}）" if r.get("phone_masked") else ""
        events = f"信访{r['petition_events']}次，" if r.get("petition_events") else ""
        line = f"{who}{phone}：{events}{'、'.join(text for _, text in flags)}"
        state = "+".join(flag for flag, _ in flags)
        key = f"petitioner:{r['person_key']}:{state}"
        rank = int(r.get("petition_events") or 0)
        for code in township_codes(r["townships"]):
            items.append(Item(code, "petitioner", key, line, state=state, rank=rank))
    return items
