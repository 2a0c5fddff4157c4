"""Vocabulary mapping over pipelines/reference/vocab.yaml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.ingest.normalize.vocab import (
    CategoryDirectory,
    Mapped,
    category_core,
    category_key,
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
        ("村务管理", "村务管理"),  # categories county registers use (issue 12)
        ("宅基地", "宅基地"),
        ("宅基地纠纷", "宅基地"),  # no longer under 土地山林: its own category
        ("物业纠纷", "物业管理"),
        ("消费纠纷", "消费纠纷"),
        ("校园纠纷", "校园纠纷"),
        ("旅游纠纷", "旅游纠纷"),
    ],
)
def test_category(raw: str, value: str) -> None:
    assert map_category(raw) == Mapped(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("山林土地", "土地山林"),  # word order: the same characters as 土地山林
        ("家庭婚姻", "婚姻家庭"),
        ("土地纠纷（山林）", "土地山林"),  # full-width brackets: 土地 + 山林
        ("土地(山林)纠纷", "土地山林"),
        ("【土地】山林", "土地山林"),
        ("土地、山林", "土地山林"),
        ("村（居）务管理", "村务管理"),  # the bracketed 居 is in the directory's synonym
        ("婚姻家庭类纠纷", "婚姻家庭"),  # suffixes dropped repeatedly
        ("邻里矛盾", "邻里纠纷"),
        ("合同争议", "合同债务"),  # 合同纠纷 without its suffix
        ("劳资问题", "劳动社保"),
        (" 土 地 山 林 ", "土地山林"),
        ("ＴＥＳＴ", "其他"),  # full-width letters fold, and still mean nothing
    ],
)
def test_category_variants(raw: str, value: str) -> None:
    assert map_category(raw).value == value


@pytest.mark.parametrize(
    ("raw", "core"),
    [
        ("土地纠纷（山林）", "土地山林"),
        ("林权争议", "林权"),
        ("祠堂修缮类", "祠堂修缮"),
        ("矛盾纠纷", "矛盾纠纷"),  # nothing but suffix words: kept whole
        ("  祠堂 修缮 ", "祠堂修缮"),
        ("/", None),
    ],
)
def test_category_core(raw: str, core: str | None) -> None:
    assert category_core(raw) == core


def test_ambiguous_character_set_is_not_guessed() -> None:
    # Two categories with words of one character set: a written word in a third order
    # could be either, so it is unmapped; each exact word still maps to its own.
    directory = CategoryDirectory.build({"甲类": ["土地山林"], "乙类": ["林山地土"]})
    assert directory.match("土地山林") == ("甲类", "土地山林")
    assert directory.match("林山地土") == ("乙类", "林山地土")
    assert directory.match("山林土地") == (None, "山林土地")
    assert directory.match("地土林山纠纷") == (None, "地土林山")


def test_unknown_category_keeps_its_cleaned_word_as_key() -> None:
    assert map_category("祠堂修缮纠纷") == Mapped("其他", "category_unknown")
    assert category_key("祠堂修缮纠纷") == "祠堂修缮"
    assert category_key("祖坟迁葬") == "祖坟迁葬"  # another word: another matter
    assert category_key("山林土地") == "土地山林"  # a mapped word: the directory's word
    assert category_key("其它") == "其他"
    assert category_key(None) is None


def test_no_word_is_under_two_categories() -> None:
    # Adding a synonym is a one-line change to vocab.yaml; this keeps it from making the
    # directory contradict itself (the same cleaned word under two categories).
    seen: dict[str, str] = {}
    for category, words in vocab()["category"].items():
        for word in [category, *words]:
            core = category_core(str(word))
            assert core is not None
            assert seen.setdefault(core, category) == category, (word, category, seen[core])


def test_generator_words_map_as_the_generator_expects() -> None:
    # sample_world renders directory words (from vocab.yaml) and a few words it expects to be
    # unknown; the looser matching must not map those.
    from sample_world.world.draws import UNKNOWN_CATEGORY_WORDS

    for word in UNKNOWN_CATEGORY_WORDS:
        assert map_category(word) == Mapped("其他", "category_unknown"), word


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
