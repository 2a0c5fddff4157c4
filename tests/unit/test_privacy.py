"""Person keys and the masks that leave the pipeline database."""

from __future__ import annotations

import hashlib
import hmac
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import privacy
from pipelines.privacy import (
    mask_field,
    mask_id,
    mask_name,
    mask_phone,
    person_key,
    pii_secret,
    scrub,
)
from quality.feedback.mask import mask_cell


def test_person_key_is_hmac_sha256_hex() -> None:
    key = person_key("id:35082519800101123X", b"secret")
    expected = hmac.new(b"secret", b"id:35082519800101123X", hashlib.sha256).hexdigest()
    assert key == expected
    assert len(key) == 64
    assert person_key("id:35082519800101123X", b"other") != key
    assert person_key("nm:张三|13812341234", b"secret") != key


def test_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTES_PII_KEY", "k1")
    assert pii_secret() == b"k1"


def test_demo_secret_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPUTES_PII_KEY", raising=False)
    monkeypatch.setattr(privacy, "_warned", False)
    with pytest.warns(RuntimeWarning, match="DISPUTES_PII_KEY"):
        first = pii_secret()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pii_secret() == first


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("张", "*"),
        (" 张 三 ", "张*"),
        (None, None),
        ("", ""),
        ("/", ""),
    ],
)
def test_mask_name(raw: str | None, masked: str | None) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("0597-1234567", "0597-*****67"),
        ("010-87654321", "010-******21"),
        ("12345", "***45"),
        (None, None),
    ],
)
def test_mask_phone(raw: str | None, masked: str | None) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("35082519800101123X", "350825********123X"),
        ("35082519800101123x", "350825********123X"),
        ("350825800101123", "350825*****1123"),
        ("4.30521E+17", "***********"),
        (None, None),
    ],
)
def test_mask_id(raw: str | None, masked: str | None) -> None:
    assert mask_id(raw) == masked


digits = st.text("0123456789", min_size=18, max_size=18)


@given(digits)
def test_masked_id_hides_birth_date_and_sequence(id18: str) -> None:
    masked = mask_id(id18)
    assert masked is not None
    assert masked[6:14] == "********"
    assert id18[6:14] not in masked or id18[6:14] == "********"


@given(st.text())
def test_masks_never_raise_or_keep_most_digits(raw: str) -> None:
    for fn in (mask_name, mask_phone, mask_id):
        out = fn(raw)
        assert out is None or isinstance(out, str)
    phone = mask_phone(raw)
    if phone is not None:
        assert sum(c.isdigit() for c in phone) <= 7


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("旧证 350825800101123 未换", "旧证 350825*****1123 未换"),
        ("352627198001011234、13812345678", "352627********1234、138****5678"),
        ("编号 XF20250305001 日期 20250305", "编号 XF20250305001 日期 20250305"),
        ("3508258001011234", "3508258001011234"),  # 16 digits: neither an ID nor a mobile
    ],
)
def test_scrub_masks_old_ids_too(text: str, masked: str) -> None:
    assert scrub(text) == masked


@pytest.mark.parametrize(
    ("text", "field", "masked", "parts"),
    [
        ("张三、李四", "party_name", "张*、李*", ["张三", "李四"]),
        ("张三丰，张三等5人", "party_name", "张**，张*等5人", ["张三丰", "张三"]),
        ("李伟伟（政法委员）", "leader", "李**（政法委员）", ["李伟伟"]),
        ("张 三", "party_name", "张*", ["张三"]),
        (
            "35082519800101123X、352627198001011234",
            "id_number",
            "350825********123X、352627********1234",
            ["35082519800101123X", "352627198001011234"],
        ),
        ("13812345678 0597-1234567", "phone", "138****5678 0597-*****67", None),
        ("/", "phone", "/", []),
    ],
)
def test_mask_cell_masks_each_party_in_place(
    text: str, field: str, masked: str, parts: list[str] | None
) -> None:
    out, found = mask_cell(text, field)
    assert out == masked
    if parts is not None:
        assert found == parts


@given(st.lists(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), min_size=1, max_size=4))
def test_masked_phone_cell_keeps_no_full_mobile(phones: list[str]) -> None:
    out, _ = mask_cell("、".join(phones), "phone")
    assert all(p not in out for p in phones)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("party_name", "张三丰", "张**"),
        ("party_name", "/", ""),
        ("id_number", "35082519800101123X", "350825********123X"),
        ("phone", "13812341234", "138****1234"),
        ("phone", "0597-1234567", "0597-*****67"),
        # An official's name may be a party's elsewhere: masked like a name.
        ("leader", "王书记", "王**"),
        ("summary", "张三反映13812341234被占地", "张三反映138****1234被占地"),
        ("remarks", "身份证35082519800101123X", "身份证350825********123X"),
        ("status", "已化解", "已化解"),
        ("case_no", "A" * 70, "A" * 60),
        ("summary", "纠" * 70, "纠" * 60),
        (None, "整行", "整行"),
        ("party_name", None, None),
        ("category", None, None),
    ],
)
def test_mask_field_by_kind(field: str | None, value: str | None, shown: str | None) -> None:
    assert mask_field(field, value) == shown


def test_field_kinds_name_real_register_fields() -> None:
    """A misspelt field in FIELD_KINDS would silently show that field plain."""
    from pipelines.vocabulary.fields import FIELDS

    known = {f for fields in FIELDS.values() for f in fields}
    assert set(privacy.FIELD_KINDS) <= known


def test_masked_workbook_masks_parties_and_officials() -> None:
    """The masked twin: party and 包案领导 cells masked part by part, the parties' names
    also where they stand in a free cell (备注)."""
    from openpyxl import Workbook

    from quality.feedback.mask import mask_workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(["当事人", "身份证号", "联系电话", "包案领导", "备注"])
    ws.append(["张三丰、李四", "35082519800101123X", "13812341234", "王书记", "张三丰反映"])
    ws.append(["赵六", None, None, "李四", None])
    columns = {
        "party_name": {"letter": "A"},
        "id_number": {"letter": "B"},
        "phone": {"letter": "C"},
        "leader": {"letter": "D"},
        "remarks": {"letter": "E"},
    }
    mask_workbook(wb, {"台账": {"columns": columns}}, {"台账": {2, 3}}, {})
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("张**、李*", "350825********123X", "138****1234", "王**", "张**反映")
    assert rows[2] == ("赵*", None, None, "李*", None)
