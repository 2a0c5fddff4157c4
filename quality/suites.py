"""Expectation suites for the staging frames, as code (Great Expectations 1.x).

A suite is a list of `Check`s: a typed GX expectation (named by class, built lazily so that
importing this module does not import GX, ~5 s) plus the issue rule a failing row becomes,
the field it points at, and which row rules already cover the same cell. The frames are the
pandas form of staging rows (one frame per template, one for parties) with their lineage;
`result_format="COMPLETE"` returns every failing row's index, which maps back to
file / sheet / Excel row and, through the sheet's columns, to the column the coordinator sees.

The row rules in `pipelines.ingest.stage` decide cell by cell while staging; the suites
assert that the staged frame honours the contract (docs/contracts.md) and catch what a
single cell cannot show: unknown townships, dates outside the plausible range, numbers
repeated within a sheet, and any regression in the normalizers.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.reference import load

SUITE_VERSION = "2026.11-2"
DOCS_SITE = "local_site"
EARLIEST_DATE = datetime(2000, 1, 1)
MOBILE_OR_LANDLINE = r"^(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})$"
ID_STATUS_OK = ["valid", "upgraded", "missing"]


@dataclass(frozen=True)
class Check:
    """One expectation and what a failing row means for the coordinator.

    ``rule`` is an issue code of quality/issues.py, or ``"id_{value}"``-style via
    ``rule_from_value`` (the failing value names the rule). ``covers``: row rules that
    already report the same cell differently (a null phone is phone_missing *or*
    phone_invalid); a finding is dropped when the rules reported any of them.
    ``repeats_only``: for uniqueness, the first occurrence is not the mistake.
    """

    expectation: str
    kwargs: dict[str, Any]
    rule: str
    field: str
    covers: tuple[str, ...] = ()
    rule_from_value: str | None = None
    repeats_only: bool = False
    other_field: str | None = None

    @property
    def name(self) -> str:
        target = (
            self.kwargs.get("column")
            or self.kwargs.get("column_A")
            or "+".join(self.kwargs.get("column_list", []))
        )
        return f"{self.expectation}:{target}:{self.rule}"


def _known_townships() -> list[str]:
    return [t.code for t in load.townships()]


def _vocab_values(kind: str) -> list[str]:
    return list(load.vocab()[kind])


def _not_null(column: str, rule: str, fld: str, **kw: Any) -> Check:
    return Check("ExpectColumnValuesToNotBeNull", {"column": column}, rule, fld, **kw)


def _in_set(column: str, values: list[Any], rule: str, fld: str, **kw: Any) -> Check:
    return Check(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, rule, fld, **kw
    )


def _not_before(later: str, earlier: str, rule: str, fld: str, **kw: Any) -> Check:
    """``later`` >= ``earlier`` where both are present."""
    return Check(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {
            "column_A": later,
            "column_B": earlier,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        rule,
        fld,
        **kw,
    )


def _common(key_date: str, number: str) -> list[Check]:
    return [
        _not_null("township_code", "township_missing", "township"),
        _in_set("township_code", _known_townships(), "township_missing", "township"),
        _not_null(
            key_date,
            "key_date_missing",
            key_date,
            covers=("key_date_unparseable", "key_date_impossible"),
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": key_date, "min_value": EARLIEST_DATE},
            "key_date_impossible",
            key_date,
        ),
        _not_before("report_date", key_date, "key_date_impossible", key_date),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": "people_count", "min_value": 1},
            "people_count_invalid",
            "people_count",
        ),
        _not_null("people_count", "people_count_invalid", "people_count"),
        _in_set("category", _vocab_values("category"), "category_unknown", "category"),
        _in_set("category_raw", [], "category_unknown", "category"),  # domain set per run
        _not_null(
            "party_name", "party_name_missing", "party_name", covers=("party_count_mismatch",)
        ),
        Check(
            "ExpectCompoundColumnsToBeUnique",
            {
                "column_list": ["file_id", "sheet_name", number],
                "ignore_row_if": "any_value_is_missing",
            },
            "case_no_duplicate",
            number,
            repeats_only=True,
        ),
    ]


def _petition_columns() -> list[Check]:
    """Date order, receipt and word checks of the petition columns (信访工作条例 Art. 22-34
    count from 信访日期 and 受理日期); shared by petition rows and petitioned dispute rows."""
    return [
        *[
            _not_before(d, "petition_date", "date_order", d, other_field="petition_date")
            for d in ("accepted_date", "concluded_date", "meeting_date")
        ],
        _not_before(
            "concluded_date",
            "accepted_date",
            "date_order",
            "concluded_date",
            other_field="accepted_date",
        ),
        *[
            _not_before("report_date", d, "date_after_receipt", d)
            for d in ("accepted_date", "concluded_date", "meeting_date")
        ],
        _in_set("form", _vocab_values("form"), "value_unknown", "form"),
        _in_set("level", _vocab_values("level"), "value_unknown", "level"),
    ]


@cache
def suites() -> dict[str, list[Check]]:
    """The suites by frame name: disputes, petitions, parties."""
    disputes = [
        *_common("found_date", "case_no"),
        _not_before(
            "resolved_date", "found_date", "date_order", "resolved_date", other_field="found_date"
        ),
        _not_before("report_date", "resolved_date", "date_after_receipt", "resolved_date"),
        _in_set("status", _vocab_values("status"), "value_unknown", "status"),
        _in_set("risk_level", _vocab_values("risk_level"), "value_unknown", "risk_level"),
        # a dispute that was also petitioned: its petition columns obey the petition rules
        _not_before("report_date", "petition_date", "date_after_receipt", "petition_date"),
        *_petition_columns(),
    ]
    petitions = [
        *_common("petition_date", "petition_no"),
        *_petition_columns(),
    ]
    parties = [
        _in_set("id_status", ID_STATUS_OK, "id_checksum", "id_number", rule_from_value="id_"),
        _not_null("phone", "phone_missing", "phone", covers=("phone_invalid",)),
        Check(
            "ExpectColumnValuesToMatchRegex",
            {"column": "phone", "regex": MOBILE_OR_LANDLINE},
            "phone_invalid",
            "phone",
        ),
        _in_set("phone_kind", ["mobile", "landline"], "phone_invalid", "phone"),
    ]
    return {"disputes": disputes, "petitions": petitions, "parties": parties}


@dataclass(frozen=True)
class Finding:
    """A failing row of one expectation, with lineage (row index into the frame)."""

    index: int
    check: Check
    value: Any
    rule: str


@dataclass
class SuiteRun:
    name: str
    rows: int
    findings: list[Finding] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)  # check name -> failing rows
    results: Any = None  # the GX ExpectationSuiteValidationResult (for Data Docs)


_GX_LOCK = threading.Lock()


@cache
def _gx() -> Any:
    """Import GX once per process and give back (module, expectations, context)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import tqdm
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # No progress bars, and no tqdm monitor thread: the ingest forks worker processes in
    # this same process, and a fork while another thread holds a lock can hang the child.
    tqdm.tqdm.monitor_interval = 0
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, gxe, context


def gx_context() -> Any:
    return _gx()[2]


def build_suite(name: str, checks: list[Check]) -> Any:
    """The GX ExpectationSuite object of one frame's checks (meta carries the rule)."""
    gx, gxe, _ = _gx()
    suite = gx.ExpectationSuite(name=f"staging_{name}")
    for check in checks:
        cls = getattr(gxe, check.expectation)
        suite.add_expectation(cls(**check.kwargs, meta={"rule": check.rule, "check": check.name}))
    return suite


def prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the suite sees it (one place for derived columns)."""
    del name
    return frame.reset_index(drop=True)


def _domain_checks(name: str, frame: pd.DataFrame) -> list[Check]:
    """Fill per-run domains: category words are known when the vocab maps them."""
    from pipelines.ingest.normalize import map_category

    out = []
    for check in suites()[name]:
        if check.kwargs.get("column") == "category_raw" and "category_raw" in frame:
            words = [
                w for w in frame["category_raw"].dropna().unique() if map_category(w).issue is None
            ]
            check = Check(
                check.expectation, {**check.kwargs, "value_set": words}, check.rule, check.field
            )
        if all(c in frame for c in _columns(check)):
            out.append(check)
    return out


def _columns(check: Check) -> list[str]:
    kw = check.kwargs
    return [kw[k] for k in ("column", "column_A", "column_B") if k in kw] + list(
        kw.get("column_list", [])
    )


def _ensure_docs_site(context: Any, docs_dir: Path) -> None:
    """One local Data Docs site (HTML files) at ``docs_dir``; moved if the path changed."""
    config = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    sites = context.list_data_docs_sites()
    if DOCS_SITE in sites:
        if sites[DOCS_SITE]["store_backend"]["base_directory"] == str(docs_dir):
            return
        context.delete_data_docs_site(DOCS_SITE)
    context.add_data_docs_site(site_name=DOCS_SITE, site_config=config)


def run_suite(name: str, frame: pd.DataFrame, *, docs_dir: Path | None = None) -> SuiteRun:
    """Validate one frame; every failing row of every expectation becomes a Finding.

    With ``docs_dir``, the checkpoint also renders GX Data Docs (HTML) there."""
    frame = prepare(name, frame)
    run = SuiteRun(name=name, rows=len(frame))
    if frame.empty:
        return run
    checks = _domain_checks(name, frame)
    by_name = {c.name: c for c in checks}
    with _GX_LOCK:
        gx, _, context = _gx()
        suite = context.suites.add_or_update(build_suite(name, checks))
        asset_name = f"staging_{name}"
        source = context.data_sources.add_or_update_pandas("staging")
        try:
            asset = source.get_asset(asset_name)
        except LookupError:
            asset = source.add_dataframe_asset(asset_name)
        batch_def = next(iter(asset.batch_definitions), None) or (
            asset.add_batch_definition_whole_dataframe("whole")
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"validate_{name}", data=batch_def, suite=suite)
        )
        actions = []
        if docs_dir is not None:
            _ensure_docs_site(context, docs_dir)
            actions.append(
                gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])
            )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"staging_{name}",
                validation_definitions=[definition],
                actions=actions,
                result_format={"result_format": "COMPLETE"},
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        results = next(iter(outcome.run_results.values()))
    run.results = results
    for result in results.results:
        check = by_name[result.expectation_config.meta["check"]]
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {check.name} raised: {result.exception_info}")
        if result.success:
            continue
        indexes = list(result.result.get("unexpected_index_list") or [])
        if check.repeats_only:
            indexes = _repeats(frame, _columns(check), indexes)
        run.failed[check.name] = len(indexes)
        for idx in indexes:
            value = frame.at[idx, check.kwargs["column"]] if "column" in check.kwargs else None
            rule = check.rule
            if check.rule_from_value and isinstance(value, str):
                rule = f"{check.rule_from_value}{value}"
            run.findings.append(Finding(int(idx), check, value, rule))
    return run


def _repeats(frame: pd.DataFrame, columns: list[str], indexes: list[int]) -> list[int]:
    """Of the rows sharing a key, all but the first in sheet order (Excel row)."""
    if not indexes:
        return []
    sub = frame.loc[indexes].sort_values("excel_row")
    return [int(i) for i in sub.index[sub.duplicated(subset=columns, keep="first")]]
