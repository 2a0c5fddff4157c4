"""Cell text cleaning shared by every normalizer.

Township sheets are typed by hand in Excel and WPS: full-width digits and brackets, stray
spaces, a leading apostrophe that forces a cell to text, and placeholder words ("/", "无")
that mean "nothing here". Every other normalizer starts from `clean_text` so they all agree
on what an empty cell is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# After NFKC (which turns "／" into "/" and "－" into "-"), these mean the cell is empty.
EMPTY_TOKENS = frozenset({"", "/", "\\", "无", "-", "--", "—", "——", "─", "空"})

# Invisible characters that str.split() does not treat as whitespace but Excel pastes in.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A cell forced to text in Excel starts with an apostrophe; WPS sometimes leaves a backtick.
_LEADING_QUOTES = "'`"
# Clean-up steps are repeated until nothing changes (NFKC of joined pieces can compose
# again); a couple of passes settle every real input, the bound keeps hostile input cheap.
_MAX_PASSES = 4


def _clean_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = " ".join(text.split())
    text = text.lstrip(_LEADING_QUOTES).strip()
    return text


def _settle(text: str, step: Callable[[str], str]) -> str:
    for _ in range(_MAX_PASSES):
        new = step(text)
        if new == text:
            break
        text = new
    return text


def clean_text(raw: str | None) -> str | None:
    """Normalize one cell to canonical text, or None when it is empty or a placeholder.

    NFKC folds full-width characters to half-width, inner whitespace collapses to one
    space, and the Excel text-prefix apostrophe is dropped. The result is a fixed point:
    cleaning it again returns it unchanged.
    """
    if raw is None:
        return None
    try:
        text = _settle(str(raw), _clean_once)
    except Exception:  # never raise on a cell, whatever it holds
        return None
    return None if text in EMPTY_TOKENS else text


def _compact_once(text: str) -> str:
    return "".join(_clean_once(text).split())


def compact(raw: str | None) -> str | None:
    """Clean the cell and remove all whitespace: for codes, IDs and header matching.

    Headers arrive as "联 系 电 话" or split over two lines; codes get spaces typed into
    them. Placeholders still mean empty (None).
    """
    if raw is None:
        return None
    try:
        text = _settle(str(raw), _compact_once)
    except Exception:
        return None
    return None if text in EMPTY_TOKENS else text
