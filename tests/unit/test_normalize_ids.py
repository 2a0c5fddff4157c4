"""normalize_id: GB 11643 IDs, 15->18 upgrade, and the ways Excel damages them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from pipelines.ingest.normalize.ids import IdValue, normalize_id, upgrade_15

VALID = "430521197212047494"  # DESIGN.md section 10's example
VALID_X = "11010519491231002X"  # check digit X


def with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_examples_have_good_check_digits() -> None:
    assert ric.calc_check_digit(VALID) == VALID[-1]
    assert ric.is_valid(VALID_X)


def test_area_code_is_not_checked() -> None:
    # stdnum's birth-place table rejects 430521 (邵东, now a city) and raises KeyError for
    # some other codes; area tables age, so only check digit and birth date are checked.
    assert normalize_id(VALID).status == "valid"
    assert normalize_id(with_check("15093019990101000")).status == "valid"


@pytest.mark.parametrize(
    "raw",
    [
        VALID,
        f"'{VALID}",
        f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ",
        "４３０５２１１９７２１２０４７４９４",
        f"{VALID}.0",
    ],
)
def test_valid_forms(raw: str) -> None:
    assert normalize_id(raw) == IdValue(VALID, "valid", None)


def test_lowercase_x() -> None:
    assert normalize_id(VALID_X.lower()) == IdValue(VALID_X, "valid", None)
    assert normalize_id("'" + VALID_X.lower()).value == VALID_X


def test_fifteen_digits_upgrade() -> None:
    old = VALID[:6] + VALID[8:17]
    assert len(old) == 15
    assert normalize_id(old) == IdValue(VALID, "upgraded", None)
    assert upgrade_15(old) == VALID


@pytest.mark.parametrize(
    "raw",
    [
        "4.30521E+17",
        "4.305211972120475e+17",
        "4.30521197212047E17",
        "430521197212047488",  # what a float64 gives back for VALID
        "430521197212047000",  # Excel's 15 significant digits
        "430521197212047488.0",
    ],
)
def test_lost_precision(raw: str) -> None:
    assert normalize_id(raw) == IdValue(None, "lost_precision", "id_lost_precision")


@pytest.mark.parametrize("raw", ["430521197212047495", "11010519491231002Y"[:-1] + "3"])
def test_checksum(raw: str) -> None:
    assert normalize_id(raw) == IdValue(None, "checksum", "id_checksum")


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "张三",
        "4305211972120474",  # 16 digits
        "4305211972120474941",  # 19 digits
        with_check("43052119721332749"),  # month 13, good check digit
        with_check("43052118991231749"),  # born before 1900
        with_check("43052130000101749"),  # born in the future
        "430521721332749",  # 15 digits, month 13
        "43052119721204749Y",
    ],
)
def test_malformed(raw: str) -> None:
    assert normalize_id(raw) == IdValue(None, "malformed", "id_malformed")


@pytest.mark.parametrize("raw", [None, "", " ", "/", "无", "'"])
def test_missing(raw: str | None) -> None:
    result = normalize_id(raw)
    assert result == IdValue(None, "missing", None)
    assert not result.is_valid


@given(st.text())
def test_never_raises_and_is_a_fixed_point(raw: str) -> None:
    result = normalize_id(raw)
    assert (result.value is not None) == (result.status in ("valid", "upgraded"))
    again = normalize_id(result.value)
    assert again.value == result.value
    if result.value is not None:
        assert again.status == "valid"


areas = st.integers(110000, 829999).map(str)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    body = draw(areas) + draw(births).strftime("%Y%m%d") + draw(sequences)
    return with_check(body)


@given(valid_ids())
def test_random_valid_ids_are_valid(id18: str) -> None:
    assert normalize_id(id18) == IdValue(id18, "valid", None)
    assert normalize_id(id18.lower()).value == id18


@given(valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_one_changed_digit_is_never_valid(id18: str, pos: int, shift: int) -> None:
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    old = alphabet.index(id18[pos])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == id18[pos]:
        return
    changed = id18[:pos] + new + id18[pos + 1 :]
    result = normalize_id(changed)
    assert result.value is None
    assert result.status in ("checksum", "lost_precision")


@given(areas, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_upgrade_round_trips(area: str, born: date, seq: str) -> None:
    old = area + born.strftime("%y%m%d") + seq
    result = normalize_id(old)
    assert result.status == "upgraded"
    assert result.value is not None
    assert ric.calc_check_digit(result.value) == result.value[-1]
    assert result.value[:6] + result.value[8:17] == old
    assert normalize_id(result.value) == IdValue(result.value, "valid", None)


@given(st.text("0123456789xX '.E+-１２", max_size=24))
def test_id_like_text_is_a_fixed_point(raw: str) -> None:
    result = normalize_id(raw)
    assert normalize_id(result.value).value == result.value
