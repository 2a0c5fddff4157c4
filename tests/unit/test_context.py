"""Township and period of a sheet: content first, then sheet name, then file name."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.ingest.context import (
    find_year_month,
    parse_report_date,
    resolve_period,
    resolve_place,
    resolve_township,
    township_from_column,
)
from pipelines.ingest.layout import find_table
from tests.support import DISPUTE_HEADER, grid


@pytest.mark.parametrize(
    "text,code",
    [
        ("莲峰镇", "350825100"),
        ("莲峰", "350825100"),
        ("宣和乡", "350825111"),
        ("宣和", "350825111"),
        ("隔川乡", "350825110"),
        ("赖源乡", "350825209"),
        ("连城县莲峰镇2025年3月矛盾纠纷排查化解台账", "350825100"),
        ("填报单位：宣和乡人民政府", "350825111"),
        (" 莲 峰 镇 ", "350825100"),
    ],
)
def test_resolve_township(text: str, code: str) -> None:
    found = resolve_township(text)
    assert found is not None and found.code == code


def test_unknown_township() -> None:
    assert resolve_township("连城县信访局") is None
    assert resolve_township("") is None
    assert resolve_township(None) is None


def test_township_column_most_common_resolvable() -> None:
    values = pl.Series(["莲峰镇", "莲峰", "宣和乡", None, "某某村", "莲峰镇"])
    found = township_from_column(values)
    assert found is not None and found.code == "350825100"
    assert township_from_column(pl.Series(["x", None], dtype=pl.Utf8)) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("莲峰镇2025年3月矛盾纠纷排查化解台账", (2025, 3)),
        ("2025年03月", (2025, 3)),
        ("莲峰镇_2025-03_纠纷.xlsx", (2025, 3)),
        ("202503莲峰.xlsx", (2025, 3)),
        ("2025.3", (2025, 3)),
        ("2025年12月", (2025, 12)),
        ("3月份台账", (None, 3)),
        ("三月", (None, 3)),
        ("十二月", (None, 12)),
        ("2025年度台账", (2025, None)),
        ("台账", (None, None)),
        ("20250403_莲峰镇.xlsx", (None, None)),
    ],
)
def test_find_year_month(text: str, expected: tuple[int | None, int | None]) -> None:
    assert find_year_month(text) == expected


def test_report_date_is_not_the_period() -> None:
    assert find_year_month("填报单位：莲峰镇 填报日期：2025年4月3日") == (None, None)


def test_parse_report_date() -> None:
    assert parse_report_date("2025年4月3日") == date(2025, 4, 3)
    assert parse_report_date("2025-04-03") == date(2025, 4, 3)
    assert parse_report_date("2025/4/3") == date(2025, 4, 3)
    assert parse_report_date("2025年2月30日") is None
    assert parse_report_date(None) is None


def test_period_month_only_title_takes_year_from_file_name() -> None:
    period, source = resolve_period(
        [
            ("title", "莲峰镇3月份矛盾纠纷台账"),
            ("sheet_name", "Sheet1"),
            ("file_name", "莲峰镇2025.xlsx"),
        ],
        None,
    )
    assert period == date(2025, 3, 1) and source == "title"


def test_period_month_only_title_takes_year_from_report_date() -> None:
    sources = [("title", "12月份台账"), ("sheet_name", "Sheet1"), ("file_name", "台账.xlsx")]
    assert resolve_period(sources, date(2026, 1, 4)) == (date(2025, 12, 1), "title")
    sources = [("title", "3月份台账"), ("sheet_name", "Sheet1"), ("file_name", "台账.xlsx")]
    assert resolve_period(sources, date(2025, 4, 4)) == (date(2025, 3, 1), "title")
    assert resolve_period(sources, None) == (None, None)


def test_period_from_title_beats_file_name() -> None:
    sources = [("title", "2025年3月台账"), ("sheet_name", "4月"), ("file_name", "2025年5月.xlsx")]
    assert resolve_period(sources, None) == (date(2025, 3, 1), "title")


def test_period_per_sheet_in_multi_month_workbook() -> None:
    sources = [
        ("title", "莲峰镇矛盾纠纷台账"),
        ("sheet_name", "2月"),
        ("file_name", "莲峰镇2025年.xlsx"),
    ]
    assert resolve_period(sources, None) == (date(2025, 2, 1), "sheet_name")


def _row(*cells: str | None) -> list[str | None]:
    return list(cells)


def test_place_from_title_and_report_row() -> None:
    g = grid(
        [
            _row("宣和乡3月份矛盾纠纷排查化解台账"),
            _row("填报单位：宣和乡综治中心", None, None, "填报日期：2025年4月3日"),
            DISPUTE_HEADER,
            _row("1", "A1", None, "张三", None, None, None, "2025-03-05", "已化解"),
        ]
    )
    layout = find_table(g)
    assert layout is not None
    place = resolve_place(layout, "Sheet1", "台账.xlsx")
    assert place.township_code == "350825111" and place.township_source == "title"
    assert place.period == date(2025, 3, 1) and place.period_source == "title"
    assert place.report_date == date(2025, 4, 3)


def test_place_from_column_then_names() -> None:
    g = grid(
        [
            _row("矛盾纠纷排查化解台账"),
            DISPUTE_HEADER,
            _row("1", "A1", "隔川乡", "张三", None, None, None, "2025-03-05", "已化解"),
            _row("2", "A2", "隔川镇", "李四", None, None, None, "2025-03-06", "已化解"),
        ]
    )
    layout = find_table(g)
    assert layout is not None
    place = resolve_place(layout, "2025年3月", "汇总.xlsx")
    assert place.township_code == "350825110" and place.township_source == "column"
    assert place.period == date(2025, 3, 1) and place.period_source == "sheet_name"

    bare = grid(
        [_row("台账"), ["当事人", "排查时间", "化解状态"], _row("张三", "2025-03-05", "是")]
    )
    layout = find_table(bare)
    assert layout is not None
    place = resolve_place(layout, "Sheet1", "莲峰_202503.xlsx")
    assert place.township_code == "350825100" and place.township_source == "file_name"
    assert place.period == date(2025, 3, 1) and place.period_source == "file_name"
    place = resolve_place(layout, "Sheet1", "汇总.xlsx")
    assert place.township is None and place.period is None
