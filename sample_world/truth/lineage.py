"""The lineage truth: every file sent (files.csv), every data row with the outcome the
warehouse must reach (rows.csv), and every issue it must report (issues.csv).

Collected as the inbox is written, from the specs the files are made of, so each row's
sheet and Excel row number are where the writer put it.
"""

from __future__ import annotations

from pathlib import Path

from sample_world.broken import BrokenFile
from sample_world.layout.specs import FileSpec
from sample_world.truth import write_csv

FILES_COLUMNS = (
    "file",
    "expected_status",
    "reason_kind",
    "township_code",
    "template",
    "period",
    "data_rows",
)
ROWS_COLUMNS = ("file", "sheet", "excel_row", "template", "expected")
ISSUES_COLUMNS = ("file", "sheet", "excel_row", "field", "rule", "severity")


class Lineage:
    """The three lineage files' rows, in the order the files are written."""

    def __init__(self) -> None:
        self.files: list[dict] = []
        self.rows: list[dict] = []
        self.issues: list[dict] = []

    def register(self, spec: FileSpec, status: str = "loaded") -> None:
        """A register file: `loaded`, or `superseded` by a later resubmission (its rows
        are then expected superseded and its issues are never reported)."""
        n = 0
        for sheet in spec.sheets:
            for excel_row, row in sheet.data:
                n += 1
                expected = "superseded" if status == "superseded" else row.expected
                self.rows.append(
                    {
                        "file": spec.path,
                        "sheet": sheet.name,
                        "excel_row": excel_row,
                        "template": spec.template,
                        "expected": expected,
                    }
                )
                if status == "loaded":
                    for f, rule, severity in row.issues:
                        self.issues.append(
                            {
                                "file": spec.path,
                                "sheet": sheet.name,
                                "excel_row": excel_row,
                                "field": f,
                                "rule": rule,
                                "severity": severity,
                            }
                        )
        self.files.append(
            {
                "file": spec.path,
                "expected_status": status,
                "reason_kind": "",
                "township_code": spec.township_code,
                "template": spec.template,
                "period": spec.period.isoformat(),
                "data_rows": n,
            }
        )

    def rejected(self, b: BrokenFile) -> None:
        """A file the warehouse must reject, with the reason kind it must give."""
        self.files.append(
            {
                "file": b.path,
                "expected_status": "rejected",
                "reason_kind": b.reason_kind,
                "township_code": b.township_code,
                "template": b.template,
                "period": b.period.isoformat() if b.period else "",
                "data_rows": 0,
            }
        )

    def write(self, truth: Path) -> None:
        """files.csv sorted by path; rows.csv and issues.csv in the order written."""
        self.files.sort(key=lambda r: r["file"])
        write_csv(truth / "files.csv", self.files, FILES_COLUMNS)
        write_csv(truth / "rows.csv", self.rows, ROWS_COLUMNS)
        write_csv(truth / "issues.csv", self.issues, ISSUES_COLUMNS)
