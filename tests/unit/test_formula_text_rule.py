"""The formula-text rule on its own (pipelines/formula_text.py); the files the product
writes are opened in tests/integration/test_formula_text.py."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from openpyxl import Workbook

from pipelines.formula_text import csv_frame, csv_text, looks_like_formula, text_cells


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("=1+1", "'=1+1"),
        ("+86 13800138000", "'+86 13800138000"),
        ("-", "'-"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("张三", "张三"),
        (" =1+1", " =1+1"),  # a leading space: not in OWASP's list
        ("1+1", "1+1"),
        ("", ""),
        ("'=1+1", "'=1+1"),  # already prefixed: starts with ', left alone
    ],
)
def test_csv_text(text: str, field: str) -> None:
    assert csv_text(text) == field
    assert looks_like_formula(text) == (field != text)


def test_csv_frame_touches_text_columns_only() -> None:
    frame = pl.DataFrame(
        {
            "text": ["=1+1", "-", None, "张三"],
            "number": [-1, -2, 3, None],
            "amount": [-1.5, 0.0, None, 2.0],
            "day": [date(2025, 3, 1), None, None, None],
        }
    )
    out = csv_frame(frame)
    assert out["text"].to_list() == ["'=1+1", "'-", None, "张三"]
    assert out.drop("text").equals(frame.drop("text"))
    assert out.schema == frame.schema
    assert out.write_csv() == (
        "text,number,amount,day\n'=1+1,-1,-1.5,2025-03-01\n'-,-2,0.0,\n,3,,\n张三,,2.0,\n"
    )


def test_text_cells_turns_formulas_and_error_codes_assigned_as_text() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "=1+1"
    ws["A2"] = "#N/A"
    ws["A3"] = "-2+3"
    ws["A4"] = 5
    assert [ws[f"A{r}"].data_type for r in range(1, 5)] == ["f", "e", "s", "n"]
    assert text_cells(wb) == 2
    assert [(ws[f"A{r}"].data_type, ws[f"A{r}"].value) for r in range(1, 5)] == [
        ("s", "=1+1"),
        ("s", "#N/A"),
        ("s", "-2+3"),
        ("n", 5),
    ]
