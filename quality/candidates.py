"""Candidate findings: the failing rows of the GX suites in one shape, before they are
checked against what the row rules already reported (quality/issue_records.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quality.suite_run import SuiteRun

# Parties carry their own template column; the register frames are one template each.
_TEMPLATE_OF = {"disputes": "dispute", "petitions": "petition"}


@dataclass
class Candidate:
    file_id: str
    sheet_name: str
    excel_row: int
    row_id: str
    template: str
    field: str
    rule: str
    source: str
    other_field: str | None = None
    value: str | None = None  # shown instead of the raw cell (already safe)
    covers: tuple[str, ...] = ()


def suite_candidates(run: SuiteRun, frame: pd.DataFrame) -> list[Candidate]:
    """One candidate per failing row of ``run`` (``source`` 'expectations'); ``frame`` is
    the frame the suite ran on, whose lineage columns locate the row."""
    out = []
    for finding in run.findings:
        row = frame.iloc[finding.index]
        template = row["template"] if "template" in frame else _TEMPLATE_OF[run.name]
        out.append(
            Candidate(
                file_id=row["file_id"],
                sheet_name=row["sheet_name"],
                excel_row=int(row["excel_row"]),
                row_id=row["row_id"],
                template=template,
                field=finding.check.field,
                rule=finding.rule,
                source="expectations",
                other_field=finding.check.other_field,
                covers=finding.check.covers,
            )
        )
    return out
