"""What a township's coordinator may need to hear about, read from warehouse.duckdb.

Each finding is an ``Item`` with a stable key; the digest lists only items whose key is not
yet in ``alerts.alerted_items`` for that township. Every line is built from columns that
are already masked (``quality.row_issues.message_zh``, ``name_masked``, ``phone_masked``).

Marts are another module's; their columns are read by name from the table as it is, with a
few accepted spellings (see ``_pick``), and a missing mart simply yields no items.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipelines.reference.load import county, townships

TEMPLATE_ZH = {"dispute": "矛盾纠纷排查化解台账", "petition": "信访事项登记台账"}
LEVEL_ZH = {"county": "本县", "city": "赴市", "province": "赴省", "capital": "进京"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Item:
    township_code: str
    kind: str  # quality_issue | file_rejected | missing_sheet | deadline | petitioner
    key: str
    line: str
    file_name: str | None = None
    severity: str | None = None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows}


def _pick(columns: set[str], *candidates: str) -> str | None:
    return next((c for c in candidates if c in columns), None)


def quality_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """Row issues of sheets currently loaded (a superseded file's issues are moot), and
    files rejected whole, for files whose township is known."""
    issues = _rows(
        con,
        """
        select distinct
            coalesce(i.township_code, f.township_code) as township_code,
            i.file_id, f.file_name, i.sheet_name, i.excel_row, i.rule, i.severity,
            coalesce(i.field, '') as field, i.message_zh
        from quality.row_issues as i
        join raw.files as f on f.file_id = i.file_id
        where f.status = 'loaded' and coalesce(i.township_code, f.township_code) is not null
        order by 1, f.file_name, i.sheet_name, i.excel_row, i.rule, field
        """,
    )
    seen: set[tuple[str, str]] = set()
    items: list[Item] = []
    for r in issues:
        key = f"issue:{r['file_id']}:{r['sheet_name']}:{r['excel_row']}:{r['rule']}:{r['field']}"
        if (r["township_code"], key) in seen:
            continue
        seen.add((r["township_code"], key))
        severity = SEVERITY_ZH.get(r["severity"], r["severity"])
        line = f"[{severity}] 工作表「{r['sheet_name']}」{r['message_zh']}"
        items.append(
            Item(r["township_code"], "quality_issue", key, line, r["file_name"], r["severity"])
        )
    rejected = _rows(
        con,
        """
        select file_id, file_name, township_code, coalesce(reason_zh, '无法读取') as reason_zh
        from raw.files
        where status = 'rejected' and township_code is not null
        order by township_code, file_name
        """,
    )
    for r in rejected:
        line = f"文件《{r['file_name']}》未能导入：{r['reason_zh']}"
        items.append(
            Item(
                r["township_code"],
                "file_rejected",
                f"file:{r['file_id']}",
                line,
                r["file_name"],
                "error",
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


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def deadline_items(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Item]:
    """Petitions overdue or due within 7 days, from marts.overdue_petitions. An event seen
    as due-soon is told again once it is overdue (the state is part of the key)."""
    cols = _columns(con, "marts", "overdue_petitions")
    if "township_code" not in cols:
        return []
    event_col = _pick(
        cols, "event_key", "event_id", "petition_event_key", "petition_key", "petition_no", "row_id"
    )
    limit_col = _pick(
        cols, "limit_date", "deadline_date", "due_date", "deadline", "conclusion_limit_date"
    )
    overdue_col = _pick(cols, "days_overdue", "overdue_days", "days_past_limit")
    left_col = _pick(cols, "days_to_limit", "days_left", "days_remaining", "days_until_due")
    kind_col = _pick(cols, "limit_kind", "deadline_kind", "deadline_type", "stage")
    items = []
    for r in _rows(con, "select * from marts.overdue_petitions order by all"):
        limit = r.get(limit_col) if limit_col else None
        limit = limit.date() if hasattr(limit, "date") and callable(limit.date) else limit
        if r.get("is_overdue") is not None:
            overdue = bool(r["is_overdue"])
        elif overdue_col and r.get(overdue_col) is not None:
            overdue = int(r[overdue_col]) > 0
        elif isinstance(limit, date):
            overdue = limit < as_of
        else:
            overdue = True
        if isinstance(limit, date):
            delta = (as_of - limit).days
        elif overdue_col and r.get(overdue_col) is not None:
            delta = int(r[overdue_col])
        elif left_col and r.get(left_col) is not None:
            delta = -int(r[left_col])
        else:
            delta = None
        event = r.get(event_col) if event_col else None
        if event is None:
            event = _digest(r.get("person_key"), r.get("petition_date"), limit)
        state = "overdue" if overdue else "due_soon"
        who = r.get("name_masked") or "（未具名）"
        when = f"{r['petition_date']}信访" if r.get("petition_date") else "信访事项"
        what = f"{r[kind_col]}期限" if kind_col and r.get(kind_col) else "办理期限"
        limit_text = f"{what}{limit}" if limit else what
        if overdue:
            status = f"已逾期{delta}天" if delta is not None and delta > 0 else "已逾期"
        else:
            status = f"{-delta}天后到期" if delta is not None and delta < 0 else "即将到期"
        line = f"{who}（{when}），{limit_text}，{status}"
        items.append(Item(str(r["township_code"]), "deadline", f"deadline:{event}:{state}", line))
    return items


def _township_codes(value: Any) -> list[str]:
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
        key = f"petitioner:{r['person_key']}:{'+'.join(flag for flag, _ in flags)}"
        for code in _township_codes(r["townships"]):
            items.append(Item(code, "petitioner", key, line))
    return items
