"""normalize_phone: mobiles and landlines however they were typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.phones import PhoneValue, normalize_phone

MOBILE = PhoneValue("13812341234", "mobile", None)
LANDLINE = PhoneValue("0597-5812345", "landline", None)


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        "138 1234 1234",
        "138-1234-1234",
        "+86 138 1234 1234",
        "+8613812341234",
        "86-13812341234",
        "8613812341234",
        "008613812341234",
        "１３８１２３４１２３４",
        "'13812341234",
        "13812341234.0",
        "13812341234 / 13912341234",
    ],
)
def test_mobile_forms(raw: str) -> None:
    assert normalize_phone(raw) == MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "0597-5812345",
        "05975812345",
        "0597 5812345",
        "(0597)5812345",
        "（0597）5812345",
        "+86 597 5812345",
        "０５９７－５８１２３４５",
    ],
)
def test_landline_forms(raw: str) -> None:
    assert normalize_phone(raw) == LANDLINE


def test_design_example_and_other_area_codes() -> None:
    assert normalize_phone("0597-1234567").value == "0597-1234567"
    assert normalize_phone("01087654321") == PhoneValue("010-87654321", "landline", None)
    assert normalize_phone("0591-87654321").value == "0591-87654321"


def test_first_usable_number_wins() -> None:
    assert normalize_phone("无效/0597-5812345") == LANDLINE


@pytest.mark.parametrize("raw", [None, "", "  ", "/", "无"])
def test_missing(raw: str | None) -> None:
    assert normalize_phone(raw) == PhoneValue(None, None, "phone_missing")


@pytest.mark.parametrize(
    "raw",
    [
        "1234567",
        "5812345",
        "1381234123",
        "138123412345",
        "12812341234",
        "14012345678",
        "abc",
        "0000-0000000",
        "不详",
    ],
)
def test_invalid(raw: str) -> None:
    assert normalize_phone(raw) == PhoneValue(None, None, "phone_invalid")


@given(st.text())
def test_never_raises_and_is_a_fixed_point(raw: str) -> None:
    result = normalize_phone(raw)
    assert (result.value is None) == (result.kind is None) == (result.issue is not None)
    if result.value is not None:
        assert normalize_phone(result.value) == result


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.sampled_from(["", " ", "-"]))
def test_valid_mobiles_survive_separators(digits: str, sep: str) -> None:
    result = normalize_phone(digits)
    if result.value is None:  # a range phonenumbers does not know
        return
    typed = sep.join([digits[:3], digits[3:7], digits[7:]])
    assert normalize_phone(typed) == result
    assert normalize_phone("+86" + typed) == result


@given(st.text("0123456789 +-()（）.86/、", max_size=24))
def test_phone_like_text_is_a_fixed_point(raw: str) -> None:
    result = normalize_phone(raw)
    if result.value is not None:
        assert normalize_phone(result.value) == result


# Mobile- and landline-shaped digit strings, including the carrier-select prefix 179xx.
_MOBILE_DIGITS = st.from_regex(r"\A1(?:79[0-9]{2}|[3-9][0-9]{3})[0-9]{6}\Z", fullmatch=True)
_LANDLINE_DIGITS = st.from_regex(r"\A0[0-9]{9,11}\Z", fullmatch=True)


@given(_MOBILE_DIGITS)
def test_mobile_fast_parse_is_the_library_parse(digits: str) -> None:
    """The shortcut builds exactly what phonenumbers.parse(digits, "CN") returns."""
    import phonenumbers

    from pipelines.ingest.normalize.phones import _parse_mobile

    try:
        expected = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:  # 17900002200: the prefix leaves too little
        with pytest.raises(phonenumbers.NumberParseException):
            _parse_mobile(digits)
        return
    assert _parse_mobile(digits) == expected


@given(st.one_of(_MOBILE_DIGITS, _LANDLINE_DIGITS))
def test_validity_as_the_library_states_it(digits: str) -> None:
    """normalize_phone agrees with the library's own validity and type of the number
    (is_valid_number and number_type), which the normalizer no longer asks separately."""
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    result = normalize_phone(digits)
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:  # not a number to the library: invalid
        assert result == PhoneValue(None, None, "phone_invalid")
        return
    valid, kind = phonenumbers.is_valid_number(number), phonenumbers.number_type(number)
    if digits.startswith("1"):
        expected = valid and kind in {T.MOBILE, T.FIXED_LINE_OR_MOBILE}
        assert (result.kind == "mobile") == expected
        assert result.value == (digits if expected else None)
    else:
        # A valid fixed line still needs a geographic area code to be written 0AAA-N.
        if result.kind == "landline":
            assert valid and kind in {T.FIXED_LINE, T.FIXED_LINE_OR_MOBILE}
            assert result.value is not None
            assert result.value.replace("-", "") == digits
        else:
            assert not (valid and kind in {T.FIXED_LINE, T.FIXED_LINE_OR_MOBILE}) or (
                phonenumbers.length_of_geographical_area_code(number) <= 0
            )
