"""Encrypt a workbook reproducibly, as an office does to "protect" a register.

Encryption normally uses random salts and keys; the RNG is swapped for a seeded one (and
the container's clock for a fixed time) so the bytes stay the same run after run.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo


@contextmanager
def _seeded_crypto(rng: random.Random, when: datetime) -> Iterator[None]:
    """msoffcrypto draws salts/keys from `secrets` and stamps the OLE container with
    datetime.now(); both are swapped for seeded/fixed values while encrypting."""
    import msoffcrypto.method.container.ecma376_encrypted as container
    import msoffcrypto.method.ecma376_agile as agile

    class _Fixed(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> _Fixed:
            return cls(when.year, when.month, when.day, when.hour, when.minute)

    original_random, original_dt = agile._random_buffer, container.datetime
    agile._random_buffer = lambda n: rng.randbytes(n)
    container.datetime = _Fixed
    try:
        yield
    finally:
        agile._random_buffer, container.datetime = original_random, original_dt


def encrypt(data: bytes, password: str, rng: random.Random, when: datetime) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with _seeded_crypto(rng, when):
        OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()
