"""What one expectation is: a typed GX expectation named by class, plus what a failing row
means for the coordinator. The class is named, not imported, so that building suites does
not import GX (~5 s); quality/gx_runtime.py turns a `Check` into the GX object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One expectation and what a failing row means for the coordinator.

    ``rule`` is an issue code of pipelines/vocabulary/rules.py, or ``"id_{value}"``-style via
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
        """The check's identity within its suite: expectation, every column it reads, rule
        and the field a failing row is attributed to. (Named by the first column alone,
        the 化解时间 and 领导见面日期 receipt checks were one name, and a finding of one took
        the other's field.)"""
        return f"{self.expectation}:{'+'.join(self.columns)}:{self.rule}:{self.field}"

    @property
    def columns(self) -> list[str]:
        """The frame columns the expectation reads (it is skipped when one is absent)."""
        kw = self.kwargs
        return [kw[k] for k in ("column", "column_A", "column_B") if k in kw] + list(
            kw.get("column_list", [])
        )


def not_null(column: str, rule: str, fld: str, **kw: Any) -> Check:
    return Check("ExpectColumnValuesToNotBeNull", {"column": column}, rule, fld, **kw)


def in_set(column: str, values: list[Any], rule: str, fld: str, **kw: Any) -> Check:
    return Check(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, rule, fld, **kw
    )


def not_before(later: str, earlier: str, rule: str, fld: str, **kw: Any) -> Check:
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
