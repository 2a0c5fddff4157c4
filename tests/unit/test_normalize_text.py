"""clean_text / compact: the common first step of every normalizer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.text import clean_text, compact


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张三  ", "张三"),
        ("乡（镇）", "乡(镇)"),
        ("１２３ＡＢＣ", "123ABC"),
        ("'350825198001011234", "350825198001011234"),
        ("联 系\n电  话", "联 系 电 话"),
        ("\u3000全角空格\u3000", "全角空格"),
        ("a\u200bb", "ab"),
        ("/", None),
        ("／", None),
        ("无", None),
        ("-", None),
        ("—", None),
        ("", None),
        ("   ", None),
        ("' /", None),
        (None, None),
        ("无锡", "无锡"),
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("联 系 电 话", "联系电话"),
        ("身份证号\n（必填）", "身份证号(必填)"),
        (" 3508 2519 ", "35082519"),
        ("无", None),
        (None, None),
    ],
)
def test_compact(raw: str | None, expected: str | None) -> None:
    assert compact(raw) == expected


@given(st.text())
def test_clean_text_is_a_fixed_point(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@given(st.text())
def test_compact_is_a_fixed_point(raw: str) -> None:
    once = compact(raw)
    assert compact(once) == once
    if once is not None:
        assert "".join(once.split()) == once
