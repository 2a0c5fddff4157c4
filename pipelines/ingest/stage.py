"""Raw text rows of one sheet -> typed staging rows, party rows and issues.

Python rather than SQL because the work is per cell and messy (dates in six forms, IDs
that lost digits, several parties in one cell). Rows with an error go to quarantine with
their original text; rows with warnings are kept. Nothing is dropped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from pipelines.ingest.context import resolve_township
from pipelines.ingest.normalize import (
    category_key,
    clean_text,
    map_category,
    map_extended,
    map_form,
    map_level,
    map_risk,
    map_status,
    normalize_id,
    normalize_phone,
    parse_count,
    parse_date,
    split_parties,
)
from pipelines.privacy import mask_field
from pipelines.vocabulary.rules import ERROR, REPORT_DATE_FIELD, Issue
from pipelines.vocabulary.statutory import DATE_ORDER, MAX_GROUP_REPRESENTATIVES

# Petition columns a dispute register may carry for a dispute that was also petitioned.
DISPUTE_PETITION_FIELDS = (
    "petition_no",
    "petition_date",
    "form",
    "level",
    "accepted_date",
    "concluded_date",
    "is_extended",
    "meeting_date",
)
OTHER_DATES = {
    "dispute": ["resolved_date"],
    "petition": ["accepted_date", "concluded_date", "meeting_date"],
}
# Monthly registers list open items again and clerks repeat the same dates, words, names
# and numbers, so most cells of a batch are a few thousand distinct texts. Every
# normalizer is pure, so each distinct raw value is normalized once (by the one function
# that defines its rule) and looked up after that; the profile of the sample world had
# 1.3M clean_text calls for 54k rows. The bounds keep a province run's memory flat.
_CACHE = 1 << 16
_TEXT_CACHE = 1 << 18
_normalize_phone = lru_cache(maxsize=_CACHE)(normalize_phone)
_normalize_id = lru_cache(maxsize=_CACHE)(normalize_id)
_parse_date = lru_cache(maxsize=_CACHE)(parse_date)
_clean = lru_cache(maxsize=_TEXT_CACHE)(clean_text)
_count = lru_cache(maxsize=_CACHE)(parse_count)
_split = lru_cache(maxsize=_CACHE)(split_parties)
_category_key = lru_cache(maxsize=_CACHE)(category_key)
_township = lru_cache(maxsize=_CACHE)(resolve_township)
_MAPPERS: dict[Callable[[str | None], Any], Callable[[str | None], Any]] = {
    mapper: lru_cache(maxsize=_CACHE)(mapper)
    for mapper in (map_category, map_extended, map_form, map_level, map_risk, map_status)
}


@dataclass(frozen=True)
class SheetContext:
    """What a row inherits from its sheet and file: lineage and defaults.

    ``arrival_date`` bounds every row date (DESIGN.md s.7): the day, in Asia/Shanghai, the
    file reached us (first seen by the inbox, or its modification time if earlier). The
    typed 填报日期 does not: clerks fill the title before the last entries, so a row dated
    after it but not after the arrival is real and the 填报日期 is stale (one warning per
    sheet, ``report_date_stale``). Without an arrival (never, for a landed file) the
    填报日期 bounds the rows, as before.
    """

    file_id: str
    sheet_name: str
    template: str
    township_code: str | None
    period: date
    report_date: date | None = None  # 填报日期 as typed in the title or footer
    arrival_date: date | None = None
    report_date_row: int | None = None  # Excel row of the 填报日期 line

    @property
    def latest_allowed(self) -> date | None:
        """No row date may be later than this."""
        return self.arrival_date or self.report_date


@dataclass
class StagedSheet:
    rows: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    latest_date: date | None = None  # the sheet's latest usable row date


def row_id(ctx: SheetContext, excel_row: int) -> str:
    return f"{ctx.file_id[:16]}:{ctx.sheet_name}:{excel_row}"


class _RowStager:
    """Stages one row; collects its issues so the caller can decide quarantine."""

    def __init__(self, ctx: SheetContext, cells: dict[str, str | None]) -> None:
        self.ctx = ctx
        self.cells = cells
        self.excel_row = int(cells["excel_row"])  # type: ignore[arg-type]
        self.issues: list[Issue] = []
        self.latest: date | None = None  # latest date of the row not after the arrival

    def flag(self, field_name: str | None, rule: str, *, other: str | None = None) -> None:
        raw = self.cells.get(field_name) if field_name else None
        value = mask_field(field_name, _clean(raw)) if field_name else None
        self.issues.append(Issue(self.excel_row, field_name, rule, value, other))

    def township(self) -> str | None:
        cell = _clean(self.cells.get("township"))
        found = _township(cell) if cell else None
        code = found.code if found else self.ctx.township_code
        if code is None:
            self.flag("township", "township_missing")
        return code

    def date_of(self, field_name: str, *, key: bool = False) -> date | None:
        result = _parse_date(self.cells.get(field_name), period=self.ctx.period)
        if key and result.issue:
            self.flag(field_name, f"key_date_{result.issue}")
        elif result.issue and result.issue != "missing":
            self.flag(field_name, "date_unparseable")
        value = result.value
        if value is not None and self.after_arrival(value):
            self.flag(field_name, "key_date_impossible" if key else "date_after_receipt")
            if key:
                return None
        elif value is not None and (self.latest is None or value > self.latest):
            self.latest = value
        return value

    def after_arrival(self, value: date) -> bool:
        bound = self.ctx.latest_allowed
        return bound is not None and value > bound

    def mapped(self, field_name: str, mapper: Callable[[str | None], Any]) -> Any:
        result = _MAPPERS.get(mapper, mapper)(self.cells.get(field_name))
        if result.issue:
            self.flag(field_name, result.issue)
        return result.value

    def count(self) -> int:
        result = _count(self.cells.get("people_count"))
        if result.issue:
            self.flag("people_count", result.issue)
        return result.value

    def parties(self, rid: str) -> list[dict[str, Any]]:
        split = _split(
            self.cells.get("party_name"), self.cells.get("id_number"), self.cells.get("phone")
        )
        if split.mismatch:
            self.flag("party_name", "party_count_mismatch")
        out = []
        for index, party in enumerate(split):
            id_value = _normalize_id(party.id_number)
            if id_value.issue:
                self.issues.append(
                    Issue(
                        self.excel_row,
                        "id_number",
                        id_value.issue,
                        mask_field("id_number", party.id_number),
                    )
                )
            phone = _normalize_phone(party.phone)
            if phone.issue:
                self.issues.append(
                    Issue(self.excel_row, "phone", phone.issue, mask_field("phone", party.phone))
                )
            out.append(
                {
                    "row_id": rid,
                    "template": self.ctx.template,
                    "party_index": index,
                    "name": _clean(party.name),
                    "id_number": id_value.value,
                    "id_status": id_value.status,
                    "phone": phone.value,
                    "phone_kind": phone.kind,
                }
            )
        return out

    def check_order(self, dates: dict[str, date | None], headers: dict[str, str]) -> None:
        for later, earlier in DATE_ORDER[self.ctx.template]:
            a, b = dates.get(later), dates.get(earlier)
            if a is not None and b is not None and a < b:
                self.flag(later, "date_order", other=headers.get(earlier, earlier))


def _dispute_petition(s: _RowStager) -> dict[str, Any]:
    """The petition columns of a dispute row, typed; all None when the row is not a
    petition event.

    The row is a petition event when any petition cell other than 是否延期 is filled and its
    信访日期 is a usable date. Unlike a petition row, a bad 信访日期 does not quarantine the
    row (the dispute itself is sound): unreadable -> date_unparseable, after the file's
    arrival -> date_after_receipt, missing while other petition cells are filled ->
    petition_date_missing; in each case the row counts as a dispute only.
    """
    empty = dict.fromkeys(DISPUTE_PETITION_FIELDS)
    if not any(
        _clean(s.cells.get(name)) for name in DISPUTE_PETITION_FIELDS if name != "is_extended"
    ):
        return empty
    day = s.date_of("petition_date")
    if day is not None and s.after_arrival(day):
        day = None
    elif day is None and _clean(s.cells.get("petition_date")) is None:
        s.flag("petition_date", "petition_date_missing")
    values = {
        "petition_no": _clean(s.cells.get("petition_no")),
        "petition_date": day,
        "form": s.mapped("form", map_form),
        "level": s.mapped("level", map_level),
        **{name: s.date_of(name) for name in OTHER_DATES["petition"]},
        "is_extended": bool(s.mapped("is_extended", map_extended)),
    }
    if day is None:  # not an event; its dates still go through the order check
        return empty | {name: values[name] for name in OTHER_DATES["petition"]}
    return values


def _dispute_row(s: _RowStager, rid: str, headers: dict[str, str]) -> dict[str, Any]:
    found = s.date_of("found_date", key=True)
    resolved = s.date_of("resolved_date")
    status = s.mapped("status", map_status)
    if status == "resolved" and resolved is None:
        s.flag("resolved_date", "resolved_without_date")
    petition = _dispute_petition(s)
    s.check_order({"found_date": found, "resolved_date": resolved, **petition}, headers)
    # Dates of a petition part without a usable 信访日期 were only needed for the order check.
    if petition["petition_date"] is None:
        petition = dict.fromkeys(DISPUTE_PETITION_FIELDS)
    category = s.mapped("category", map_category)
    return {
        "row_id": rid,
        "township_code": s.township(),
        "case_no": _clean(s.cells.get("case_no")),
        "village": _clean(s.cells.get("village")),
        "category": category,
        "category_raw": _clean(s.cells.get("category")),
        "category_key": _category_key(s.cells.get("category")),
        "people_count": s.count(),
        "summary": _clean(s.cells.get("summary")),
        "found_date": found,
        "responsible_unit": _clean(s.cells.get("responsible_unit")),
        "leader": _clean(s.cells.get("leader")),
        "measures": _clean(s.cells.get("measures")),
        "status": status,
        "resolved_date": resolved,
        "risk_level": s.mapped("risk_level", map_risk),
        "remarks": _clean(s.cells.get("remarks")),
        **petition,
    }


def _petition_row(s: _RowStager, rid: str, headers: dict[str, str]) -> dict[str, Any]:
    dates = {"petition_date": s.date_of("petition_date", key=True)}
    for name in OTHER_DATES["petition"]:
        dates[name] = s.date_of(name)
    s.check_order(dates, headers)
    people = s.count()
    form = s.mapped("form", map_form)
    if form == "visit" and people > MAX_GROUP_REPRESENTATIVES:
        s.issues.append(Issue(s.excel_row, "people_count", "group_over_5_reps", str(people)))
    return {
        "row_id": rid,
        "township_code": s.township(),
        "petition_no": _clean(s.cells.get("petition_no")),
        "form": form,
        "people_count": people,
        "village": _clean(s.cells.get("village")),
        "content": _clean(s.cells.get("content")),
        "category": s.mapped("category", map_category),
        "category_raw": _clean(s.cells.get("category")),
        "category_key": _category_key(s.cells.get("category")),
        "level": s.mapped("level", map_level),
        "is_extended": bool(s.mapped("is_extended", map_extended)),
        "linked_case_no": _clean(s.cells.get("linked_case_no")),
        **dates,
        "remarks": _clean(s.cells.get("remarks")),
    }


_BUILDERS = {"dispute": _dispute_row, "petition": _petition_row}


def _duplicate_numbers(ctx: SheetContext, rows: list[dict[str, str | None]]) -> set[int]:
    """Excel rows whose 编号 already appeared above in the same sheet."""
    field_name = "case_no" if ctx.template == "dispute" else "petition_no"
    seen: Counter[str] = Counter()
    dupes: set[int] = set()
    for cells in rows:
        number = _clean(cells.get(field_name))
        if number:
            seen[number] += 1
            if seen[number] > 1:
                dupes.add(int(cells["excel_row"]))  # type: ignore[arg-type]
    return dupes


def stale_report_date(ctx: SheetContext, latest: date | None) -> Issue | None:
    """The one finding of a sheet whose typed 填报日期 is earlier than its latest row date
    (rows not after the arrival only: a later one is that row's error). It points at the
    填报日期 line (else the title row, Excel row 1); the rows themselves are used."""
    if ctx.report_date is None or latest is None or latest <= ctx.report_date:
        return None
    return Issue(
        ctx.report_date_row or 1,
        REPORT_DATE_FIELD,
        "report_date_stale",
        ctx.report_date.isoformat(),
        latest.isoformat(),
    )


def stage_sheet(
    ctx: SheetContext, rows: Iterable[dict[str, str | None]], headers: dict[str, str]
) -> StagedSheet:
    """Stage every row of one sheet. ``headers`` maps field -> header as shown (for messages)."""
    rows = list(rows)
    out = StagedSheet()
    build = _BUILDERS[ctx.template]
    number_field = "case_no" if ctx.template == "dispute" else "petition_no"
    duplicates = _duplicate_numbers(ctx, rows)
    for cells in rows:
        stager = _RowStager(ctx, cells)
        rid = row_id(ctx, stager.excel_row)
        record = build(stager, rid, headers)
        if stager.excel_row in duplicates:
            stager.flag(number_field, "case_no_duplicate")
        parties = stager.parties(rid)
        out.issues.extend(stager.issues)
        if stager.latest is not None:
            out.latest_date = max(stager.latest, out.latest_date or stager.latest)
        errors = [i for i in stager.issues if i.severity == ERROR]
        if errors:
            out.quarantined.append(
                {
                    "row_id": rid,
                    "township_code": record["township_code"],
                    "reasons_zh": "；".join(
                        i.message_zh(headers.get(i.field or "")) for i in errors
                    ),
                    "cells_json": json.dumps(cells, ensure_ascii=False),
                }
            )
            continue
        record.update(
            file_id=ctx.file_id,
            sheet_name=ctx.sheet_name,
            excel_row=stager.excel_row,
            period=ctx.period,
            report_date=ctx.report_date,
            arrival_date=ctx.arrival_date,
            party_count=len(parties),
        )
        out.rows.append(record)
        out.parties.extend(parties)
    stale = stale_report_date(ctx, out.latest_date)
    if stale is not None:
        out.issues.append(stale)
    return out
