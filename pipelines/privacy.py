"""Pseudonymous person keys and the masks that are all of a person that leaves the
pipeline database.

person_key is an HMAC, not a plain hash: ID numbers have so little entropy (area, birth
date, 3-digit sequence) that an unkeyed SHA-256 could be reversed by enumeration. The key
comes from DISPUTES_PII_KEY; a run that is not the demo refuses to start without it
(``require_pii_key``), and the demo uses a fixed demo key, with a warning, because keys
made with it are not protected.

The masks take cell text or normalized values: None gives None, an empty or placeholder
cell ("/", "无") gives "", anything else a masked string; they never raise. ``scrub`` is the
last guard on free text that leaves (alerts, masked feedback workbooks): it lives here, not
in pipelines.alerts, so quality/ can use it without depending on the alerting side.

``mask_field`` is the one place that decides how a register field is shown outside the
pipeline database (issue values, feedback twins): by its kind in FIELD_KINDS.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import warnings
from typing import Literal, overload

from pipelines.ingest.normalize.phones import normalize_phone
from pipelines.ingest.normalize.text import compact

PII_KEY_ENV = "DISPUTES_PII_KEY"
_ID18 = re.compile(r"(?<![0-9])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9])")
_ID15 = re.compile(r"(?<![0-9])(\d{6})\d{5}(\d{4})(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)\d{4}(\d{4})(?![0-9])")
# A date cell as the reader gives it (fastexcel's text of an Excel date: midnight time).
_DATE_CELL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$")
_DEMO_KEY = b"disputes-warehouse-demo-key-not-for-production"
_warned = False


def pii_secret() -> bytes:
    """The HMAC secret from DISPUTES_PII_KEY, or the demo key (warns once per process)."""
    global _warned
    value = os.environ.get(PII_KEY_ENV)
    if value:
        return value.encode("utf-8")
    if not _warned:
        _warned = True
        warnings.warn(
            f"{PII_KEY_ENV} is not set: person keys use a fixed demo key and are not "
            "protected. Set it for real data.",
            RuntimeWarning,
            stacklevel=2,
        )
    return _DEMO_KEY


class MissingPiiKey(RuntimeError):
    """A real run without DISPUTES_PII_KEY: its person keys would be made with the public
    demo key, which anyone can recompute from an ID number."""

    def __init__(self) -> None:
        super().__init__(
            f"{PII_KEY_ENV} is not set: a run on real data needs its own secret key for "
            "person keys (the demo key is public, so its keys protect nobody). Set it, e.g. "
            f"`export {PII_KEY_ENV}=$(python -c 'import secrets; print(secrets.token_hex(32))')`"
            ", keep it with the server's other secrets and never change it (every person "
            "key depends on it); `disputes demo` runs on the bundled samples without one."
        )


def require_pii_key(*, demo: bool = False) -> None:
    """Refuse a run that is not the demo when DISPUTES_PII_KEY is unset (MissingPiiKey).

    The demo says so explicitly (``demo=True``) and then runs with the demo key, warned.
    """
    if not demo and not os.environ.get(PII_KEY_ENV):
        raise MissingPiiKey()


def person_key(identity: str, secret: bytes) -> str:
    """HMAC-SHA256 (hex) of a normalized identity string."""
    return hmac.new(secret, identity.encode("utf-8"), hashlib.sha256).hexdigest()


@overload
def mask_name(name: str) -> str: ...
@overload
def mask_name(name: None) -> None: ...
def mask_name(name: str | None) -> str | None:
    """Keep the surname character: "张三丰" -> "张**", "张三" -> "张*"; one character -> "*"."""
    if name is None:
        return None
    text = compact(name)
    if text is None:
        return ""
    if len(text) == 1:
        return "*"
    return text[0] + "*" * (len(text) - 1)


@overload
def mask_phone(phone: str) -> str: ...
@overload
def mask_phone(phone: None) -> None: ...
def mask_phone(phone: str | None) -> str | None:
    """Mobile "13812341234" -> "138****1234"; landline "0597-1234567" -> "0597-*****67";
    anything else keeps only its last two digits."""
    if phone is None:
        return None
    text = compact(phone)
    if text is None:
        return ""
    parsed = normalize_phone(text)
    if parsed.kind == "mobile" and parsed.value:
        return parsed.value[:3] + "****" + parsed.value[-4:]
    if parsed.kind == "landline" and parsed.value:
        area, local = parsed.value.split("-", 1)
        return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    return _mask_keep_tail(text, 2)


def _mask_keep_tail(text: str, keep: int) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    hidden = set(positions[:-keep]) if len(positions) > keep else set(positions)
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


@overload
def mask_id(id_number: str) -> str: ...
@overload
def mask_id(id_number: None) -> None: ...
def mask_id(id_number: str | None) -> str | None:
    """First 6 (area) and last 4 kept: "350825********123X". Shorter text than 14
    characters is masked completely (it reveals nothing useful and may be a fragment)."""
    if id_number is None:
        return None
    text = compact(id_number)
    if text is None:
        return ""
    text = re.sub(r"\s", "", text).upper()
    if len(text) < 14:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def scrub(text: str) -> str:
    """Mask any full ID number (18 or old 15 digits) or mobile number left in ``text``,
    whatever its source (defence in depth: a remark, a message, a summary line)."""
    text = _ID18.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _ID15.sub(lambda m: m.group(1) + "*" * 5 + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


FieldKind = Literal["name", "id_number", "phone", "official", "free_text", "plain"]

# How each register field is shown outside warehouse.duckdb. A field not listed is plain.
# The 包案领导 (leader) is an official, named by role and not a petitioner (DESIGN.md
# section 6), but his cell holds a person's name, and the same name may be a party's
# elsewhere in the county: no guard (the snapshot's, the feedback twin's) can tell the two
# apart, so wherever the cell leaves it is masked like a name, the role kept where it stands
# ("李伟伟（政法委员）" -> "李**（政法委员）" in the feedback twin).
FIELD_KINDS: dict[str, FieldKind] = {
    "party_name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "leader": "official",
    "summary": "free_text",
    "content": "free_text",
    "measures": "free_text",
    "remarks": "free_text",
}
PERSON_KINDS: frozenset[FieldKind] = frozenset({"name", "id_number", "phone", "official"})


def shown_text(value: str) -> str:
    """A cell's text as the coordinator typed it: a date cell without its midnight time
    ("2025-03-05 00:00:00" -> "2025-03-05"); anything else unchanged."""
    m = _DATE_CELL.match(value.strip())
    return m.group(1) if m else value


SHOWN_CHARS = 60  # a value shown in a message is cut here: it points at the cell, no more


def field_kind(field: str | None) -> FieldKind:
    """The kind of ``field`` (a canonical field name of pipelines/vocabulary/fields.py)."""
    return FIELD_KINDS.get(field or "", "plain")


@overload
def mask_field(field: str | None, value: str) -> str: ...
@overload
def mask_field(field: str | None, value: None) -> None: ...
def mask_field(field: str | None, value: str | None) -> str | None:
    """``value`` of ``field`` as it may appear outside the pipeline database.

    name and official: mask_name; id_number: mask_id; phone: mask_phone (the whole value:
    a caller with a multi-party cell masks each part). free_text: IDs and mobiles
    scrubbed, then cut to SHOWN_CHARS. plain: as written, cut to SHOWN_CHARS.

    A date cell is shown as the coordinator typed it, 2025-03-05: the reader reads every
    cell as text, and an Excel date cell's text is "2025-03-05 00:00:00" (DESIGN.md s.7).
    This is the one place a cell becomes shown text, so no message special-cases dates.
    """
    if value is None:
        return None
    value = shown_text(value)
    kind = field_kind(field)
    if kind in ("name", "official"):
        return mask_name(value)
    if kind == "id_number":
        return mask_id(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "free_text":
        return scrub(value)[:SHOWN_CHARS]
    return value[:SHOWN_CHARS]
