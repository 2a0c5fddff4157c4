"""Turn candidate findings into quality.row_issues records and quarantine entries.

A candidate is dropped when the row rules (or an earlier candidate) already reported the
same sheet, Excel row, field and rule, or a rule that covers the same cell. The rest get the
row rules' Chinese message and masked value; one with severity error also puts its row in
quarantine, kept with its original text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import duckdb
import pandas as pd

from pipelines.ingest.normalize import clean_text
from pipelines.privacy import mask_field
from pipelines.vocabulary.fields import FIELDS
from pipelines.vocabulary.rules import ERROR, RULES, Issue
from quality.candidates import Candidate

Key = tuple[str, str, int, str]  # file_id, sheet_name, excel_row, field


def _known_issues(con: duckdb.DuckDBPyConnection) -> dict[Key, set[str]]:
    known: dict[Key, set[str]] = defaultdict(set)
    for file_id, sheet, row, fld, rule in con.execute(
        "select file_id, sheet_name, excel_row, coalesce(field, ''), rule"
        " from quality.row_issues"
        " where (file_id, sheet_name) in (select file_id, sheet_name from validation_pending)"
    ).fetchall():
        known[(file_id, sheet, row, fld)].add(rule)
    return known


def _raw_cells(
    con: duckdb.DuckDBPyConnection, template: str, keys: list[tuple[str, str, int]]
) -> dict[tuple[str, str, int], dict[str, Any]]:
    if not keys:
        return {}
    wanted = pd.DataFrame(keys, columns=["file_id", "sheet_name", "excel_row"])
    con.register("validation_keys", wanted)
    cols = ", ".join(f"r.{c}" for c in ("excel_row", *FIELDS[template]))
    cursor = con.execute(
        f"select r.file_id, r.sheet_name, {cols} from raw.{template}_rows r"
        " join validation_keys k on k.file_id = r.file_id and k.sheet_name = r.sheet_name"
        " and k.excel_row = r.excel_row"
    )
    names = [d[0] for d in cursor.description]
    out = {}
    for values in cursor.fetchall():
        record = dict(zip(names, values, strict=True))
        key = (record.pop("file_id"), record.pop("sheet_name"), int(record["excel_row"]))
        out[key] = record
    con.unregister("validation_keys")
    return out


def new_records(
    con: duckdb.DuckDBPyConnection,
    candidates: list[Candidate],
    sheets: dict[tuple[str, str], dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The row_issues records of the candidates not yet reported, and the rows they
    quarantine by row_id. ``sheets``: path, template, township and columns per pending
    sheet (the temp table validation_pending must exist)."""
    known = _known_issues(con)
    fresh: list[Candidate] = []
    for c in candidates:
        seen = known[(c.file_id, c.sheet_name, c.excel_row, c.field)]
        if c.rule in seen or seen.intersection(c.covers):
            continue
        seen.add(c.rule)
        fresh.append(c)
    by_template: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    for c in fresh:
        by_template[c.template].add((c.file_id, c.sheet_name, c.excel_row))
    raw = {t: _raw_cells(con, t, sorted(keys)) for t, keys in by_template.items()}
    records: list[dict[str, Any]] = []
    quarantine: dict[str, dict[str, Any]] = {}
    for c in fresh:
        sheet = sheets[(c.file_id, c.sheet_name)]
        cells = raw[c.template].get((c.file_id, c.sheet_name, c.excel_row), {})
        column = sheet["columns"].get(c.field, {})
        header = column.get("header")
        other = sheet["columns"].get(c.other_field or "", {}).get("header") or c.other_field
        value = c.value
        if value is None:
            value = mask_field(c.field, clean_text(cells.get(c.field)))
        issue = Issue(c.excel_row, c.field, c.rule, value, other)
        severity = RULES[c.rule][0]
        message = issue.message_zh(header)
        records.append(
            {
                "file_id": c.file_id,
                "file_path": sheet["path"],
                "sheet_name": c.sheet_name,
                "excel_row": c.excel_row,
                "template": c.template,
                "township_code": sheet["township_code"],
                "field": c.field,
                "column_header": header,
                "column_letter": column.get("letter"),
                "value_masked": value,
                "rule": c.rule,
                "severity": severity,
                "message_zh": message,
                "source": c.source,
            }
        )
        if severity == ERROR:
            entry = quarantine.setdefault(
                c.row_id,
                {
                    "row_id": c.row_id,
                    "file_id": c.file_id,
                    "sheet_name": c.sheet_name,
                    "excel_row": c.excel_row,
                    "template": c.template,
                    "township_code": sheet["township_code"],
                    "reasons": [],
                    "cells_json": json.dumps(cells, ensure_ascii=False, default=str),
                },
            )
            entry["reasons"].append(message)
    return records, quarantine
