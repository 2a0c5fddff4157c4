"""parse_count: people counts, blank meaning one person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.numbers import CountValue, parse_count


@pytest.mark.parametrize(
    ("raw", "n"),
    [
        ("5", 5),
        ("5.0", 5),
        ("5人", 5),
        ("５", 5),
        (" 12 ", 12),
        ("五人", 5),
        ("两人", 2),
        ("1", 1),
        ("30名", 30),
        ("6人次", 6),
    ],
)
def test_counts(raw: str, n: int) -> None:
    assert parse_count(raw) == CountValue(n)


@pytest.mark.parametrize("raw", [None, "", " ", "/", "无"])
def test_blank_is_one(raw: str | None) -> None:
    assert parse_count(raw) == CountValue(1)


@pytest.mark.parametrize(
    "raw", ["0", "-1", "3.5", "abc", "多人", "350825198001011234", "1e3", "5-6"]
)
def test_invalid_is_one_with_issue(raw: str) -> None:
    assert parse_count(raw) == CountValue(1, "people_count_invalid")


@given(st.text())
def test_never_raises_and_is_a_fixed_point(raw: str) -> None:
    result = parse_count(raw)
    assert result.value >= 1
    assert parse_count(str(result.value)) == CountValue(result.value)


@given(st.integers(1, 9999))
def test_integers_round_trip(n: int) -> None:
    assert parse_count(str(n)) == CountValue(n)
    assert parse_count(f"{n}.0") == CountValue(n)
