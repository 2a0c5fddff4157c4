"""Canonical fields of each register template, in the order of the raw tables.

Derived from the header synonym file so a new field is added in one place.
"""

from __future__ import annotations

from pipelines.reference.load import header_synonyms

TEMPLATES = ("dispute", "petition")

FIELDS: dict[str, tuple[str, ...]] = {
    template: tuple(header_synonyms()[template]) for template in TEMPLATES
}
