"""Vocabulary mapping over pipelines/reference/vocab.yaml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.vocab import (
    Mapped,
    map_category,
    map_extended,
    map_form,
    map_level,
    map_risk,
    map_status,
)
from pipelines.reference.load import vocab


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("已化解", "resolved"),
        ("化解成功", "resolved"),
        ("已办结", "resolved"),
        ("是", "resolved"),
        (" 已 化 解 ", "resolved"),
        ("化解中", "in_progress"),
        ("正在化解", "in_progress"),
        ("稳控中", "in_progress"),
        ("未化解", "unresolved"),
        ("否", "unresolved"),
        ("resolved", "resolved"),
    ],
)
def test_status(raw: str, value: str) -> None:
    assert map_status(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("红", "high"),
        ("高", "high"),
        ("黄", "medium"),
        ("中", "medium"),
        ("绿", "low"),
        ("蓝", "low"),
        ("低", "low"),
        ("低风险", "low"),
    ],
)
def test_risk(raw: str, value: str) -> None:
    assert map_risk(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("网络", "online"),
        ("来信", "letter"),
        ("电话", "phone"),
        ("传真", "fax"),
        ("走访", "visit"),
        ("来访", "visit"),
    ],
)
def test_form(raw: str, value: str) -> None:
    assert map_form(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("本县", "county"), ("赴市", "city"), ("赴省", "province"), ("进京", "capital")],
)
def test_level(raw: str, value: str) -> None:
    assert map_level(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("是", True),
        ("延期", True),
        ("Y", True),
        ("y", True),
        ("否", False),
        ("N", False),
        ("True", True),
        ("false", False),
    ],
)
def test_extended(raw: str, value: bool) -> None:
    assert map_extended(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("婚姻家庭", "婚姻家庭"),
        ("婚姻家庭纠纷", "婚姻家庭"),
        ("婚姻家庭类", "婚姻家庭"),
        ("土地纠纷", "土地山林"),
        ("劳资纠纷", "劳动社保"),
        ("邻里", "邻里纠纷"),  # a missing 纠纷
        ("医疗", "医疗卫生"),  # 医疗纠纷 without 纠纷
        ("其它", "其他"),
    ],
)
def test_category(raw: str, value: str) -> None:
    assert map_category(raw) == Mapped(value)


def test_unknown_words() -> None:
    assert map_status("待定") == Mapped(None, "value_unknown")
    assert map_risk("紫") == Mapped(None, "value_unknown")
    assert map_form("托人转交") == Mapped(None, "value_unknown")
    assert map_level("赴乡") == Mapped(None, "value_unknown")
    assert map_extended("也许") == Mapped(None, "value_unknown")
    assert map_category("外星人") == Mapped("其他", "category_unknown")


@pytest.mark.parametrize("raw", [None, "", " ", "/", "无"])
def test_empty(raw: str | None) -> None:
    for fn in (map_status, map_risk, map_form, map_level, map_extended, map_category):
        assert fn(raw) == Mapped(None)


def test_every_vocab_word_maps_to_its_value() -> None:
    fields = {
        "status": map_status,
        "risk_level": map_risk,
        "form": map_form,
        "level": map_level,
        "extended": map_extended,
        "category": map_category,
    }
    for field, fn in fields.items():
        for value, words in vocab()[field].items():
            for word in words:
                assert fn(str(word)) == Mapped(value), (field, word)


MAPPERS = [map_status, map_risk, map_form, map_level, map_extended, map_category]


@given(st.text(), st.sampled_from(MAPPERS))
def test_never_raises_and_is_a_fixed_point(raw: str, fn: object) -> None:
    assert callable(fn)
    result = fn(raw)
    if result.value is not None:
        assert fn(str(result.value)).value == result.value
