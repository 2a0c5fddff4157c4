"""Statutory and logical row rules (信访工作条例 2022), as data.

Applied once, per row, where the row is staged (pipelines/ingest/stage.py): a later date
before the date it counts from (受理 before 信访, 办结 before 受理, 化解 before 排查) is an
error; a group visit with more than 5 representatives is a warning (Art. 20). No date may
be after the file's receipt and a resolved case needs its date: also applied there, with
the parse-level checks. The deadline state of open petitions is computed over the
warehouse by quality/deadlines.py.
"""

from __future__ import annotations

# (later, earlier): the later date must not precede the earlier one. Petition dates count
# from the petition (Art. 22/23) and conclusion from acceptance (Art. 34); a dispute row's
# petition columns follow the petition register's rules.
_PETITION_ORDER = (
    ("accepted_date", "petition_date"),
    ("concluded_date", "petition_date"),
    ("concluded_date", "accepted_date"),
    ("meeting_date", "petition_date"),
)
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "dispute": (("resolved_date", "found_date"), *_PETITION_ORDER),
    "petition": _PETITION_ORDER,
}
MAX_GROUP_REPRESENTATIVES = 5  # Art. 20: a group visit names at most 5 representatives
