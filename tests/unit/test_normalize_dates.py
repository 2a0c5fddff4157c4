"""parse_date: every date form of DESIGN.md section 3, and its issue codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.dates import DateValue, parse_date

MARCH = date(2025, 3, 1)
D = date(2025, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "45721",
        "45721.0",
        "45721.5",
        "2025-03-05",
        "2025-03-05 00:00:00",
        "2025-03-05T00:00:00",
        "2025-3-5 14:30",
        "2025/3/5",
        "2025/03/05 00:00:00",
        "2025.3.5",
        "2025年3月5日",
        "2025年3月5号",
        "2025年 3月 5日",
        "20250305",
        "２０２５年３月５日",
        "'2025-03-05",
        " 2025-03-05 ",
    ],
)
def test_forms(raw: str) -> None:
    assert parse_date(raw) == DateValue(D, None)


def test_month_day_takes_the_period_year() -> None:
    assert parse_date("3月5日", period=MARCH) == DateValue(D, None)
    assert parse_date("3月5号", period=MARCH).value == D
    assert parse_date("2月28日", period=MARCH).value == date(2025, 2, 28)


def test_month_day_after_the_period_is_last_year() -> None:
    # A December case listed again in the January register.
    assert parse_date("12月20日", period=date(2025, 1, 1)).value == date(2024, 12, 20)
    assert parse_date("3月31日", period=MARCH).value == date(2025, 3, 31)
    assert parse_date("4月1日", period=MARCH).value == date(2024, 4, 1)


def test_month_day_without_period_is_unparseable() -> None:
    assert parse_date("3月5日") == DateValue(None, "unparseable")


@pytest.mark.parametrize("raw", [None, "", "  ", "/", "无", "—"])
def test_missing(raw: str | None) -> None:
    assert parse_date(raw) == DateValue(None, "missing")


@pytest.mark.parametrize(
    "raw",
    [
        "待定",
        "2025-13-45",
        "2025年13月1日",
        "2025-03-32",
        "3.5",
        "1",
        "123",
        "abc",
        "2025年3月",
        "99999",
        "12345",
        "2025-3",
    ],
)
def test_unparseable(raw: str) -> None:
    assert parse_date(raw, period=MARCH) == DateValue(None, "unparseable")


@pytest.mark.parametrize(
    "raw", ["2025年2月30日", "2025-02-29", "2025-04-31", "20250230", "1850-01-01", "3025-03-05"]
)
def test_impossible(raw: str) -> None:
    assert parse_date(raw) == DateValue(None, "impossible")


def test_impossible_month_day() -> None:
    assert parse_date("2月30日", period=MARCH) == DateValue(None, "impossible")


def test_leap_day() -> None:
    assert parse_date("2024年2月29日").value == date(2024, 2, 29)


def test_serial_range() -> None:
    # 1990-01-01 and 2100-12-31 are the bounds; 1900 serials are not dates here.
    assert parse_date("32874").value == date(1990, 1, 1)
    assert parse_date("73415").value == date(2100, 12, 31)
    assert parse_date("32873").issue == "unparseable"


periods = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 1)).map(
    lambda d: d.replace(day=1)
)


@given(st.text(), st.none() | periods)
def test_never_raises_and_is_a_fixed_point(raw: str, period: date | None) -> None:
    result = parse_date(raw, period=period)
    assert (result.value is None) == (result.issue is not None)
    if result.value is not None:
        assert parse_date(result.value.isoformat(), period=period) == DateValue(result.value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_written_forms_round_trip(d: date) -> None:
    for text in (
        d.isoformat(),
        f"{d.isoformat()} 00:00:00",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
    ):
        assert parse_date(text).value == d, text


@given(periods, st.integers(1, 12), st.integers(1, 28))
def test_month_day_never_after_period_month(period: date, month: int, day: int) -> None:
    value = parse_date(f"{month}月{day}日", period=period).value
    assert value is not None
    assert (value.year, value.month) <= (period.year, period.month)
    assert (period.year - value.year) in (0, 1)


@given(st.text("0123456789-/. :年月日号T", max_size=22), st.none() | periods)
def test_date_like_text_is_a_fixed_point(raw: str, period: date | None) -> None:
    result = parse_date(raw, period=period)
    if result.value is not None:
        assert parse_date(result.value.isoformat()) == DateValue(result.value)
