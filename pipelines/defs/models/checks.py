"""Invariant checks on the marts: business rules stated as SQL (STYLE.md point 5)."""

import dagster as dg

from pipelines.defs.resources import WarehouseResource

TOWNSHIP_MONTHLY = dg.AssetKey(["marts", "township_monthly"])
COUNTY_SUMMARY = dg.AssetKey(["marts", "county_summary"])

ADDITIVE = (
    "new_cases", "resolved_cases", "petition_batches", "petition_persons",
    "group_petitions", "escalated_petitions",
)
RATES = {
    TOWNSHIP_MONTHLY: (
        "resolution_rate", "timely_acceptance_rate", "on_time_conclusion_rate",
        "one_time_resolution_rate", "first_visit_meeting_rate",
    ),
}
RATES[COUNTY_SUMMARY] = RATES[TOWNSHIP_MONTHLY]

_RECONCILE_SQL = f"""
with months as (
    select extract(year from month) as year, month, {", ".join(ADDITIVE)}, open_cases,
        max(month) over (partition by extract(year from month)) as last_month
    from marts.township_monthly
),
summed as (
    select year, {", ".join(f"sum({c}) as {c}" for c in ADDITIVE)},
        sum(open_cases) filter (where month = last_month) as open_cases
    from months group by year
)
select coalesce(s.year, c.year) as year
from summed s full join marts.county_summary c on c.year = s.year
where {" or ".join(f"s.{c} is distinct from c.{c}" for c in (*ADDITIVE, "open_cases"))}
order by 1
"""


@dg.asset_check(asset=COUNTY_SUMMARY, additional_deps=[TOWNSHIP_MONTHLY], blocking=True)
def county_summary_reconciles(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Per year, the township_monthly rows add up to county_summary (new, resolved, 批次,
    人次, group and escalated petitions; open cases at the year's last month). A failure
    means the two marts count different cases or events: a join dropped or doubled rows,
    or the marts were built from different runs."""
    with warehouse.connect() as con:
        years = [row[0] for row in con.execute(_RECONCILE_SQL).fetchall()]
    return dg.AssetCheckResult(
        passed=not years, metadata={"years_not_reconciling": [int(y) for y in years]}
    )


def _rates_check(asset: dg.AssetKey) -> dg.AssetChecksDefinition:
    table = ".".join(asset.path)
    columns = RATES[asset]
    where = " or ".join(f"{c} not between 0 and 100" for c in columns)

    @dg.asset_check(asset=asset, name="rates_within_0_100", blocking=True)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        """Every rate column is a percentage between 0 and 100, or null (denominator 0). A
        failure means a numerator counts something its denominator does not (for example
        on-time conclusions of events that were never counted as due)."""
        with warehouse.connect() as con:
            bad = con.execute(f"select count(*) from {table} where {where}").fetchone()
        count = int(bad[0]) if bad else 0
        return dg.AssetCheckResult(passed=count == 0, metadata={"rows_out_of_range": count})

    return _check


rate_checks = [_rates_check(TOWNSHIP_MONTHLY), _rates_check(COUNTY_SUMMARY)]


@dg.asset_check(asset=TOWNSHIP_MONTHLY, blocking=True)
def every_township_every_month(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every township of reference.townships has exactly one row in every month of the
    range. A failure means a township would silently vanish from a leadership chart (or be
    counted twice): the month grid or the township list lost or duplicated rows."""
    with warehouse.connect() as con:
        row = con.execute(
            """
            with expected as (
                select m.month, t.township_code
                from (select distinct month from marts.township_monthly) m
                cross join reference.townships t
            ),
            actual as (
                select month, township_code, count(*) as n
                from marts.township_monthly group by 1, 2
            )
            select count(*) from expected e
            full join actual a using (month, township_code)
            where a.n is distinct from 1 or e.township_code is null
            """
        ).fetchone()
    count = int(row[0]) if row else 0
    return dg.AssetCheckResult(passed=count == 0, metadata={"missing_or_duplicate_cells": count})
