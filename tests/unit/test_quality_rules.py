"""Pure pieces of the validation layer: systemic verdict, a suite on a tiny frame."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from quality.systemic import systemic_verdict


def _health(rows: list[tuple[str, str | None, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["path", "township_code", "status", "error_share"])
    frame["template"] = "petition"
    frame["reason_kind"] = None
    frame["in_latest_batch"] = True
    frame["systemic"] = (frame["status"] == "rejected") | (frame["error_share"] > 0.5)
    return frame


def test_one_township_never_blocks_the_county() -> None:
    health = _health(
        [("a.csv", "350825100", "loaded", 1.0), ("b.xlsx", "350825100", "rejected", 1.0)]
    )
    verdict = systemic_verdict(health, "petition")
    assert len(verdict.systemic_files) == 2 and not verdict.blocks_county


def test_every_file_broken_across_townships_blocks() -> None:
    health = _health([("a", "350825100", "rejected", 1.0), ("b", "350825111", "loaded", 0.9)])
    assert systemic_verdict(health, "petition").blocks_county


def test_one_usable_file_keeps_the_run_going() -> None:
    """Bad files never stop the run for a township that sent a good one."""
    health = _health(
        [
            ("a", "350825100", "rejected", 1.0),
            ("b", "350825111", "loaded", 0.9),
            ("c", "350825200", "loaded", 0.0),
        ]
    )
    verdict = systemic_verdict(health, "petition")
    assert len(verdict.systemic_files) == 2 and not verdict.blocks_county


def test_a_single_bad_row_is_not_systemic() -> None:
    health = _health([("a", "350825100", "loaded", 0.02), ("b", "350825111", "loaded", 0.5)])
    assert not systemic_verdict(health).systemic_files


def test_suite_finds_unknown_township_old_date_and_repeated_number() -> None:
    from quality.suite_run import run_suite

    frame = pd.DataFrame(
        {
            "row_id": ["r5", "r6", "r7"],
            "file_id": ["f"] * 3,
            "sheet_name": ["s"] * 3,
            "excel_row": [5, 6, 7],
            "township_code": ["350825100", "999999999", "350825100"],
            "found_date": [datetime(2024, 3, 1), datetime(1999, 3, 1), datetime(2024, 3, 2)],
            "arrival_date": [datetime(2024, 4, 1)] * 3,
            "case_no": ["A1", "A2", "A1"],
            "people_count": [1, 2, 1],
            "party_name": ["张三", "李四", "王五"],
        }
    )
    run = run_suite("disputes", frame)
    found = {(int(frame.at[f.index, "excel_row"]), f.rule) for f in run.findings}
    assert found == {(6, "township_missing"), (6, "key_date_impossible"), (7, "case_no_duplicate")}
