"""Split multi-party cells ("张三、李四") into one record per person.

A register row often names several parties in one cell, with their IDs and phones in the
same order in the neighbouring cells. The name cell defines how many parties there are;
IDs and phones are paired by position. When the counts disagree the pairing may be wrong,
so every party of that row carries `count_mismatch` and the caller can warn instead of
silently linking a person to someone else's ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.ingest.normalize.text import clean_text

_DELIMITERS = re.compile(r"[、，,;；/\n]+")
# "张三等5人", "张三等人", "张三等": the cell names a representative of a group.
_GROUP_SUFFIX = re.compile(r"等\s*(?:\d+|[一二两三四五六七八九十百]+)?\s*[人名]?$")
# A trailing note in brackets: "张三(户主)", "李四（代理人）".
_NOTE_SUFFIX = re.compile(r"\s*\([^()]*\)$")
# Whitespace separates two numbers only when every piece is long enough to be one
# (a phone has 7+ digits); "0597 1234567" and "138 1234 1234" stay whole.
_MIN_NUMBER_PIECE = 7


@dataclass(frozen=True)
class PartyCells:
    """One party's cells as text (cleaned, not yet normalized), in cell order."""

    position: int
    name: str | None
    id_number: str | None
    phone: str | None
    count_mismatch: bool = False


class PartyList(list[PartyCells]):
    """The parties of one row; `mismatch` is True when the ID or phone count disagreed
    with the names (the same flag every party carries as `count_mismatch`)."""

    mismatch: bool = False


def _tokens(cell: str | None) -> list[str]:
    text = clean_text(cell)
    if text is None:
        return []
    return [t for t in (clean_text(p) for p in _DELIMITERS.split(text)) if t is not None]


def _clean_name(token: str) -> str | None:
    name = _NOTE_SUFFIX.sub("", token)
    name = _GROUP_SUFFIX.sub("", name)
    return clean_text("".join(name.split()))


def split_names(cell: str | None) -> list[str]:
    """Names in a cell; whitespace splits names only when each piece has 2+ characters
    (a space typed inside "张 三" to align columns does not make two people)."""
    names: list[str] = []
    for token in _tokens(cell):
        pieces = token.split()
        chunks = pieces if len(pieces) > 1 and all(len(p) >= 2 for p in pieces) else [token]
        for chunk in chunks:
            name = _clean_name(chunk)
            if name is not None:
                names.append(name)
    return names


def split_numbers(cell: str | None) -> list[str]:
    """ID or phone tokens in a cell, in order."""
    out: list[str] = []
    for token in _tokens(cell):
        pieces = token.split()
        if len(pieces) > 1 and all(len(p) >= _MIN_NUMBER_PIECE for p in pieces):
            out.extend(pieces)
        else:
            out.append(token)
    return out


def split_parties(names: str | None, ids: str | None, phones: str | None) -> PartyList:
    """Pair the name, ID and phone cells of one row by position. Never raises.

    The names define the count. With one name, the phone cell stays whole (one person
    listing two numbers is normal; the phone normalizer takes the first usable one). A
    row with no name but an ID or phone yields one party without a name. Extra IDs or
    phones beyond the names are not attached to anyone; the mismatch is flagged on the
    returned list (`.mismatch`) and on each party (`count_mismatch`).
    """
    name_list = split_names(names)
    id_list = split_numbers(ids)
    phone_list = split_numbers(phones)
    if not name_list:
        if not id_list and not phone_list:
            return PartyList()
        name_list_opt: list[str | None] = [None]
    else:
        name_list_opt = list(name_list)
    count = len(name_list_opt)
    if count == 1:
        whole = clean_text(phones)
        phone_list = [whole] if whole is not None else []
    mismatch = len(id_list) not in (0, count) or len(phone_list) not in (0, count)
    parties = PartyList(
        PartyCells(
            position=i,
            name=name,
            id_number=id_list[i] if i < len(id_list) else None,
            phone=phone_list[i] if i < len(phone_list) else None,
            count_mismatch=mismatch,
        )
        for i, name in enumerate(name_list_opt)
    )
    parties.mismatch = mismatch
    return parties
