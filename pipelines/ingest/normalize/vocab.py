"""Map the words townships write (status, risk, form, level, 延期, category) to the
warehouse's values, using the versioned word lists in pipelines/reference/vocab.yaml.

The lists are data: a new spelling is added to the YAML, not to this code. Matching is
done after `clean_text` with whitespace removed and case folded, and tolerates a trailing
"纠纷"/"类". The warehouse's own values map to themselves, so mapping is idempotent.

Categories are matched more loosely, because county registers are written by many hands
(DESIGN.md section 3: 山林土地 for 土地山林, 土地纠纷（山林）): a written word and every
directory word are reduced to a *core* (`category_core`: brackets and separators dropped,
trailing 纠纷/矛盾/争议/问题/类 dropped from each part), and a written word maps when its core
is a directory word's core, else when its set of characters is the set of exactly one
category's words ("word order"). A set shared by two categories is ambiguous: not guessed,
reported like an unknown word. An unknown word counts as 其他 but keeps its core as its
`category_key`, so two different unknown words of one person stay two matters (section 4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, TypeVar

from pipelines.ingest.normalize.text import compact
from pipelines.reference.load import vocab

T = TypeVar("T", str, bool)

VALUE_UNKNOWN = "value_unknown"
CATEGORY_UNKNOWN = "category_unknown"
CATEGORY_OTHER = "其他"

_SUFFIXES = ("类纠纷", "纠纷", "类")


@dataclass(frozen=True)
class Mapped(Generic[T]):
    """A mapped vocabulary cell: the value (None when empty or unknown) and the issue."""

    value: T | None
    issue: str | None = None


def _key(text: str) -> str:
    return text.casefold()


@cache
def _lookup(field: str) -> Mapping[str, str | bool]:
    """Word -> value for one vocab.yaml section; the values themselves are words too."""
    table: dict[str, str | bool] = {}
    for value, words in vocab()[field].items():
        for word in [value, str(value), *(words or [])]:
            text = compact(str(word))
            if text is not None:
                table.setdefault(_key(text), value)
    return table


def _candidates(text: str) -> Iterable[str]:
    yield text
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            yield text[: -len(suffix)]


def _match(field: str, raw: str | None) -> tuple[bool, str | bool | None]:
    """(was empty, value or None when unknown)."""
    text = compact(raw)
    if text is None:
        return True, None
    table = _lookup(field)
    for candidate in _candidates(_key(text)):
        if candidate in table:
            return False, table[candidate]
    return False, None


def _map_str(field: str, raw: str | None) -> Mapped[str]:
    try:
        empty, value = _match(field, raw)
    except Exception:  # a broken cell must not stop a file
        empty, value = False, None
    if empty:
        return Mapped(None)
    if isinstance(value, str):
        return Mapped(value)
    return Mapped(None, VALUE_UNKNOWN)


def map_status(raw: str | None) -> Mapped[str]:
    """化解状态/是否化解 -> resolved | in_progress | unresolved."""
    return _map_str("status", raw)


def map_risk(raw: str | None) -> Mapped[str]:
    """风险等级 -> high | medium | low."""
    return _map_str("risk_level", raw)


def map_form(raw: str | None) -> Mapped[str]:
    """信访形式 -> online | letter | phone | fax | visit (信访工作条例 Art. 17)."""
    return _map_str("form", raw)


def map_level(raw: str | None) -> Mapped[str]:
    """信访层级/去向 -> county | city | province | capital."""
    return _map_str("level", raw)


def map_extended(raw: str | None) -> Mapped[bool]:
    """是否延期 -> True/False; empty -> None (the caller decides what empty means)."""
    try:
        empty, value = _match("extended", raw)
    except Exception:
        empty, value = False, None
    if empty:
        return Mapped(None)
    if isinstance(value, bool):
        return Mapped(value)
    return Mapped(None, VALUE_UNKNOWN)


# After NFKC full-width brackets are ASCII; the others have no half-width form.
_CATEGORY_SEPARATORS = re.compile(r"[()\[\]{}<>《》【】〔〕「」『』〈〉、,;:/\\|·.。_+\-—~]+")
_CATEGORY_SUFFIXES = ("纠纷", "矛盾", "争议", "问题", "类")


def _strip_suffixes(part: str) -> str:
    """Drop trailing 纠纷/矛盾/争议/问题/类, repeatedly ("婚姻家庭类纠纷" -> 婚姻家庭); a part
    that is nothing but such words becomes empty."""
    stripped = True
    while stripped:
        stripped = False
        for suffix in _CATEGORY_SUFFIXES:
            if part.endswith(suffix):
                part = part[: -len(suffix)]
                stripped = True
    return part


def category_core(raw: str | None) -> str | None:
    """The cleaned form of a category word, what matching and matter identity compare:
    NFKC, no whitespace, case folded, brackets and separators dropped, trailing
    纠纷/矛盾/争议/问题/类 dropped from each part ("土地纠纷（山林）" -> 土地山林). A word that
    is nothing but those words ("矛盾纠纷") keeps its compact form. None when empty."""
    text = compact(raw)
    if text is None:
        return None
    text = _key(text)
    parts = (_strip_suffixes(p) for p in _CATEGORY_SEPARATORS.split(text))
    core = "".join(parts)
    return core or _CATEGORY_SEPARATORS.sub("", text) or text


@dataclass(frozen=True)
class CategoryDirectory:
    """The category directory indexed for matching: core -> category, and set of
    characters -> the categories with a word of that set (more than one: ambiguous)."""

    by_core: Mapping[str, str]
    by_chars: Mapping[frozenset[str], frozenset[str]]

    @classmethod
    def build(cls, directory: Mapping[str, Iterable[str] | None]) -> CategoryDirectory:
        by_core: dict[str, str] = {}
        by_chars: dict[frozenset[str], set[str]] = {}
        for category, words in directory.items():
            for word in [category, *(words or [])]:
                core = category_core(str(word))
                if core is None:
                    continue
                by_core.setdefault(core, category)
                by_chars.setdefault(frozenset(core), set()).add(category)
        return cls(by_core, {chars: frozenset(cats) for chars, cats in by_chars.items()})

    def match(self, raw: str | None) -> tuple[str | None, str | None]:
        """(category or None when unknown or ambiguous, core); (None, None) when empty."""
        core = category_core(raw)
        if core is None:
            return None, None
        if core in self.by_core:
            return self.by_core[core], core
        candidates = self.by_chars.get(frozenset(core), frozenset())
        if len(candidates) == 1:
            return next(iter(candidates)), core
        return None, core


@cache
def category_directory() -> CategoryDirectory:
    """The directory of pipelines/reference/vocab.yaml, indexed once per process."""
    return CategoryDirectory.build(vocab()["category"])


@lru_cache(maxsize=1 << 14)
def _category(raw: str | None) -> tuple[str | None, str | None]:
    try:
        return category_directory().match(raw)
    except Exception:  # a broken cell must not stop a file
        return None, compact(raw)


def map_category(raw: str | None) -> Mapped[str]:
    """问题类别/纠纷类别 -> the directory's category; an unknown or ambiguous word -> 其他
    with a warning (category_unknown)."""
    value, core = _category(raw)
    if core is None:
        return Mapped(None)
    if value is not None:
        return Mapped(value)
    return Mapped(CATEGORY_OTHER, CATEGORY_UNKNOWN)


def category_key(raw: str | None) -> str | None:
    """What a matter's identity takes for its category (DESIGN.md section 4): the
    directory's word when the written word maps, else the written word as cleaned (its
    core), so 林权争议 and 祠堂修缮 of one person are two matters while both count as 其他."""
    value, core = _category(raw)
    return value if value is not None else core
