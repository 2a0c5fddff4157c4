"""Systemic failures: when a file, or the whole county's batch, is beyond row-level repair.

A file is *systemic* when it could not be read at all (rejected) or more than half of its
data rows are in error (quarantined). One township's bad file is that township's problem:
its rows stay quarantined, its coordinator gets the feedback workbook, the others' marts
are built. The county is *systemic* - and downstream marts are blocked - only when no file
of the latest ingest batch is usable AND the bad files come from at least two townships (a
reader or template regression, a broken export - not one coordinator's sheet). A batch
with any usable file is never blocked: bad files never stop the run for the townships that
sent good ones (a non-negotiable of the project), and the ingest is incremental, so marts
built without the bad files still hold every earlier register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"
# Rejected without being read (a symlink in the inbox, pipelines/ingest/walk.py): says
# nothing about the reader or the templates, so it is no part of the county's verdict.
NEVER_READ = ("not_regular_file",)
FILE_ERROR_SHARE = 0.5  # > 50% of a file's rows in error -> the file is systemic
COUNTY_MIN_TOWNSHIPS = 2  # every file of the batch systemic, from this many townships -> block


@dataclass
class SystemicVerdict:
    batch_files: int
    systemic_files: list[dict[str, object]] = field(default_factory=list)
    townships: int = 0

    @property
    def share(self) -> float:
        return len(self.systemic_files) / self.batch_files if self.batch_files else 0.0

    @property
    def blocks_county(self) -> bool:
        return (
            self.batch_files > 0
            and len(self.systemic_files) == self.batch_files
            and self.townships >= COUNTY_MIN_TOWNSHIPS
        )


def file_health(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute((SQL_DIR / "file_health.sql").read_text(encoding="utf-8")).df()
    frame["systemic"] = (frame["status"] == "rejected") | (frame["error_share"] > FILE_ERROR_SHARE)
    return frame


def systemic_verdict(health: pd.DataFrame, template: str | None = None) -> SystemicVerdict:
    """The verdict over the latest batch; ``template`` narrows the files to one register
    kind (rejected files whose template is unknown count for every kind)."""
    batch = health[health["in_latest_batch"].fillna(False).astype(bool)]
    batch = batch[~batch["reason_kind"].isin(NEVER_READ)]
    if template is not None:
        batch = batch[(batch["template"] == template) | batch["template"].isna()]
    bad = batch[batch["systemic"]]
    townships = bad["township_code"].fillna("unknown:" + bad["path"]).nunique()
    files = [
        {
            "path": r.path,
            "township_code": r.township_code,
            "status": r.status,
            "reason_kind": r.reason_kind,
            "error_share": round(float(r.error_share), 3),
        }
        for r in bad.itertuples(index=False)
    ]
    return SystemicVerdict(batch_files=len(batch), systemic_files=files, townships=int(townships))
