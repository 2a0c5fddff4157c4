"""split_parties: several parties in one cell, paired with IDs and phones by position."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.parties import (
    PartyCells,
    split_names,
    split_numbers,
    split_parties,
)

ID1 = "350825198001011234"
ID2 = "350825198202021235"


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("张三", ["张三"]),
        ("张三、李四", ["张三", "李四"]),
        ("张三，李四,王五", ["张三", "李四", "王五"]),
        ("张三;李四；王五/赵六", ["张三", "李四", "王五", "赵六"]),
        ("张三\n李四", ["张三", "李四"]),
        ("张三 李四", ["张三", "李四"]),
        ("张  三", ["张三"]),  # spaces typed to align a two-character name
        ("张三等5人", ["张三"]),
        ("张三等５人", ["张三"]),
        ("张三等人", ["张三"]),
        ("张三、李四等十人", ["张三", "李四"]),
        ("张三（户主）", ["张三"]),
        ("张三、、李四、", ["张三", "李四"]),
        ("/", []),
        (None, []),
    ],
)
def test_split_names(cell: str | None, names: list[str]) -> None:
    assert split_names(cell) == names


@pytest.mark.parametrize(
    ("cell", "tokens"),
    [
        (f"{ID1}、{ID2}", [ID1, ID2]),
        (f"{ID1}\n{ID2}", [ID1, ID2]),
        (f"{ID1} {ID2}", [ID1, ID2]),
        ("138 1234 1234", ["138 1234 1234"]),
        ("0597 5812345", ["0597 5812345"]),
        ("13812341234 13912341234", ["13812341234", "13912341234"]),
    ],
)
def test_split_numbers(cell: str, tokens: list[str]) -> None:
    assert split_numbers(cell) == tokens


def test_pairs_by_position() -> None:
    assert not split_parties("张三、李四", ID1 + "、" + ID2, None).mismatch
    assert split_parties("张三、李四", f"{ID1}，{ID2}", "13812341234；13912341234") == [
        PartyCells(0, "张三", ID1, "13812341234", False),
        PartyCells(1, "李四", ID2, "13912341234", False),
    ]


def test_single_party_keeps_whole_phone_cell() -> None:
    parties = split_parties("张三等5人", ID1, "13812341234 / 0597-5812345")
    assert parties == [PartyCells(0, "张三", ID1, "13812341234 / 0597-5812345", False)]


def test_missing_ids_and_phones_are_none() -> None:
    assert split_parties("张三、李四", None, "") == [
        PartyCells(0, "张三", None, None, False),
        PartyCells(1, "李四", None, None, False),
    ]


def test_count_mismatch_is_flagged_not_guessed() -> None:
    fewer = split_parties("张三、李四", ID1, None)
    assert [p.id_number for p in fewer] == [ID1, None]
    assert all(p.count_mismatch for p in fewer)
    assert fewer.mismatch
    more = split_parties("张三", f"{ID1}、{ID2}", None)
    assert more == [PartyCells(0, "张三", ID1, None, True)]
    phones = split_parties("张三、李四", None, "13812341234、13912341234、13712341234")
    assert [p.phone for p in phones] == ["13812341234", "13912341234"]
    assert all(p.count_mismatch for p in phones)


def test_no_name_but_id_is_one_party() -> None:
    assert split_parties(None, ID1, "13812341234") == [
        PartyCells(0, None, ID1, "13812341234", False)
    ]
    assert split_parties("无", "/", None) == []


@given(st.text(), st.text(), st.text())
def test_never_raises(names: str, ids: str, phones: str) -> None:
    parties = split_parties(names, ids, phones)
    assert [p.position for p in parties] == list(range(len(parties)))
    assert {p.count_mismatch for p in parties} <= {parties.mismatch}


@given(st.text())
def test_names_are_a_fixed_point(cell: str) -> None:
    names = split_names(cell)
    assert split_names("、".join(names)) == names


cjk_names = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4
).filter(lambda n: "等" not in n)


@given(st.lists(cjk_names, min_size=1, max_size=6), st.sampled_from(["、", "，", ",", "；", "\n"]))
def test_joined_names_split_back(names: list[str], sep: str) -> None:
    assert split_names(sep.join(names)) == names
