"""Map the words townships write (status, risk, form, level, 延期, category) to the
warehouse's values, using the versioned word lists in pipelines/reference/vocab.yaml.

The lists are data: a new spelling is added to the YAML, not to this code. Matching is
done after `clean_text` with whitespace removed and case folded, and tolerates a trailing
"纠纷"/"类" (and, for categories, a missing "纠纷": "邻里" -> 邻里纠纷). The warehouse's
own values map to themselves, so mapping is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
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


def _candidates(text: str, *, category: bool) -> Iterable[str]:
    yield text
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            yield text[: -len(suffix)]
    if category:
        yield text + "纠纷"


def _match(field: str, raw: str | None) -> tuple[bool, str | bool | None]:
    """(was empty, value or None when unknown)."""
    text = compact(raw)
    if text is None:
        return True, None
    table = _lookup(field)
    for candidate in _candidates(_key(text), category=field == "category"):
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


def map_category(raw: str | None) -> Mapped[str]:
    """问题类别/纠纷类别 -> a canonical category; an unknown word -> 其他 with a warning."""
    try:
        empty, value = _match("category", raw)
    except Exception:
        empty, value = False, None
    if empty:
        return Mapped(None)
    if isinstance(value, str):
        return Mapped(value)
    return Mapped(CATEGORY_OTHER, CATEGORY_UNKNOWN)
