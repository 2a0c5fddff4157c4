"""Expected figures (DESIGN.md section 5) computed from the simulated world.

Never from the rendered sheets: the point of the truth files is to check that the
warehouse recovers the world through all the mess. Figures are accumulated per
(township, month) as numerator/denominator counters, so quarters, years and the county
are sums of cells and every computation is linear in the number of world items.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pipelines.samples.world import LEVELS, World, month_index

TOWNSHIP_MONTHLY_COLUMNS = (
    "month",
    "township_code",
    "township_name",
    "new_cases",
    "resolved_cases",
    "open_cases",
    "resolution_rate",
    "petition_batches",
    "petition_persons",
    "yoy_batches_pct",
    "yoy_persons_pct",
    "timely_acceptance_rate",
    "on_time_conclusion_rate",
    "one_time_resolution_rate",
    "first_visit_meeting_rate",
    "group_petitions",
    "escalated_petitions",
)
_COUNTERS = (
    "new",
    "resolved",
    "found_resolved",
    "open",
    "batches",
    "persons",
    "timely_num",
    "timely_den",
    "ontime_num",
    "ontime_den",
    "onetime_num",
    "onetime_den",
    "meet_num",
    "meet_den",
    "group",
    "escalated",
)


def rate(num: int, den: int) -> str:
    """Percent with one decimal, half up; empty (null) when the denominator is 0."""
    if den == 0:
        return ""
    value = Decimal(num * 100) / Decimal(den)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def yoy(this: int, earlier: int | None) -> str:
    if not earlier:
        return ""
    return rate(this - earlier, earlier)


def _limit(extended: bool) -> int:
    return 90 if extended else 60


def compute(world: World) -> dict[str, list[dict]]:
    n = world.months
    codes = [t.code for t in world.townships]
    cells = {(code, m): dict.fromkeys(_COUNTERS, 0) for code in codes for m in range(n)}
    cat: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    as_of = world.as_of

    def mi(d: date | None) -> int | None:
        if d is None:
            return None
        k = month_index(d, world.start)
        return k if 0 <= k < n else None

    for c in world.cases:
        fm, rm = mi(c.found), mi(c.resolved)
        if fm is not None:
            cells[c.township, fm]["new"] += 1
            cat[fm, c.township, c.category][0] += 1
            if c.resolved is not None:
                cells[c.township, fm]["found_resolved"] += 1
        if rm is not None:
            cells[c.township, rm]["resolved"] += 1
            cat[rm, c.township, c.category][1] += 1
        first_open = fm if fm is not None else 0
        last_open = (rm - 1) if rm is not None else n - 1
        for k in range(first_open, last_open + 1):
            cells[c.township, k]["open"] += 1

    matters: dict[tuple, list] = {}
    for e in world.events:
        m = mi(e.day)
        if m is None:
            continue
        cell = cells[e.township, m]
        cell["batches"] += 1
        cell["persons"] += e.people_count
        cat[m, e.township, e.category][2] += 1
        cat[m, e.township, e.category][3] += e.people_count
        cell["group"] += e.people_count >= 5
        cell["escalated"] += e.level != "county"
        if e.accepted is not None:
            cell["timely_den"] += 1
            cell["timely_num"] += (e.accepted - e.day).days <= 15
        elif (as_of - e.day).days > 15:
            cell["timely_den"] += 1
        limit = _limit(e.extended)
        if e.concluded is not None and e.accepted is not None:
            cell["ontime_den"] += 1
            cell["ontime_num"] += (e.concluded - e.accepted).days <= limit
        elif e.accepted is not None and (as_of - e.accepted).days > limit:
            cell["ontime_den"] += 1
        matters.setdefault(e.matter, []).append(e)
    for evs in matters.values():
        first = min(evs, key=lambda e: (e.day, e.eid))
        latest = max(evs, key=lambda e: (e.day, e.eid))
        first_m = mi(first.day)
        # Only events inside the period were grouped into matters above.
        assert first_m is not None
        cell = cells[first.township, first_m]
        if latest.concluded is not None:
            cell["onetime_den"] += 1
            cell["onetime_num"] += len(evs) == 1
        cell["meet_den"] += 1
        cell["meet_num"] += first.meeting is not None and 0 <= (first.meeting - first.day).days <= 7

    township_rows = []
    for m, period in enumerate(world.periods):
        for t in world.townships:
            counts = cells[t.code, m]
            prev = cells[t.code, m - 12] if m >= 12 else None
            township_rows.append(
                _row(
                    {"month": period.isoformat(), "township_code": t.code, "township_name": t.name},
                    counts,
                    prev,
                )
            )
    category_rows = [
        {
            "month": world.periods[m].isoformat(),
            "township_code": code,
            "category": name,
            "new_cases": v[0],
            "resolved_cases": v[1],
            "petition_batches": v[2],
            "petition_persons": v[3],
        }
        for (m, code, name), v in sorted(cat.items())
        if any(v)
    ]
    county_rows = _county(world, cells)
    return {
        "township_monthly": township_rows,
        "category_monthly": category_rows,
        "county_summary": county_rows,
        "repeat_petitioners": _repeat_rows(world, matters),
        "overdue_petitions": _overdue_rows(world),
    }


def _row(head: dict, c: dict[str, int], prev: dict[str, int] | None) -> dict:
    return head | {
        "new_cases": c["new"],
        "resolved_cases": c["resolved"],
        "open_cases": c["open"],
        "resolution_rate": rate(c["found_resolved"], c["new"]),
        "petition_batches": c["batches"],
        "petition_persons": c["persons"],
        "yoy_batches_pct": yoy(c["batches"], prev["batches"] if prev else None),
        "yoy_persons_pct": yoy(c["persons"], prev["persons"] if prev else None),
        "timely_acceptance_rate": rate(c["timely_num"], c["timely_den"]),
        "on_time_conclusion_rate": rate(c["ontime_num"], c["ontime_den"]),
        "one_time_resolution_rate": rate(c["onetime_num"], c["onetime_den"]),
        "first_visit_meeting_rate": rate(c["meet_num"], c["meet_den"]),
        "group_petitions": c["group"],
        "escalated_petitions": c["escalated"],
    }


def _repeat_dates(world: World) -> dict[int, date]:
    """Per person, the day they became a repeat petitioner (second distinct day on one
    matter)."""
    days: dict[tuple, set[date]] = defaultdict(set)
    for e in world.events:
        days[e.pid, e.matter].add(e.day)
    out: dict[int, date] = {}
    for (pid, _), ds in days.items():
        if len(ds) >= 2:
            second = sorted(ds)[1]
            if pid not in out or second < out[pid]:
                out[pid] = second
    return out


def _county(world: World, cells: dict) -> list[dict]:
    years = sorted({p.year for p in world.periods})
    codes = [t.code for t in world.townships]
    per_year: dict[int, dict[str, int]] = {}
    repeat = _repeat_dates(world)
    rows = []
    for y in years:
        ms = [m for m, p in enumerate(world.periods) if p.year == y]
        total = dict.fromkeys(_COUNTERS, 0)
        for code in codes:
            for m in ms:
                for k, v in cells[code, m].items():
                    if k != "open":
                        total[k] += v
            total["open"] += cells[code, ms[-1]]["open"]
        per_year[y] = total
        prev = per_year.get(y - 1)
        row = _row({"year": y}, total, prev)
        row["repeat_petitioners"] = sum(1 for d in repeat.values() if d <= date(y, 12, 31))
        rows.append(row)
    return rows


def _repeat_rows(world: World, matters: dict[tuple, list]) -> list[dict]:
    by_person: dict[int, list] = defaultdict(list)
    for e in world.events:
        by_person[e.pid].append(e)
    latest_concluded = {
        key: max(evs, key=lambda e: (e.day, e.eid)).concluded is not None
        for key, evs in matters.items()
    }
    rows = []
    for pid in sorted(by_person):
        evs = by_person[pid]
        if len(evs) < 2:
            continue
        person = world.persons[pid]
        per_matter: dict[tuple, set[date]] = defaultdict(set)
        for e in evs:
            per_matter[e.matter].add(e.day)
        repeat_matters = sum(1 for ds in per_matter.values() if len(ds) >= 2)
        rows.append(
            {
                "id_number": person.id18,
                "name": person.name,
                "petition_events": len(evs),
                "matters": len(per_matter),
                "repeat_matters": repeat_matters,
                "first_petition_date": min(e.day for e in evs).isoformat(),
                "last_petition_date": max(e.day for e in evs).isoformat(),
                "highest_level": LEVELS[max(LEVELS.index(e.level) for e in evs)],
                "group_events": sum(e.people_count >= 5 for e in evs),
                "open_matters": sum(not latest_concluded[k] for k in per_matter),
                "is_repeat": str(repeat_matters > 0).lower(),
                "is_escalated": str(any(e.level != "county" for e in evs)).lower(),
            }
        )
    return rows


def _overdue_rows(world: World) -> list[dict]:
    as_of = world.as_of
    numbered = {t.code for t in world.townships if t.has_petition_no}
    rows = []
    for e in world.events:
        if e.concluded is not None:
            continue
        if e.accepted is None:
            stage, deadline = "acceptance", e.day + timedelta(days=15)
        else:
            stage, deadline = "conclusion", e.accepted + timedelta(days=_limit(e.extended))
        if deadline < as_of + timedelta(days=7):
            rows.append(
                {
                    "township_code": e.township,
                    "petition_no": e.petition_no if e.township in numbered else "",
                    "id_number": world.persons[e.pid].id18,
                    "petition_date": e.day.isoformat(),
                    "stage": stage,
                    "deadline": deadline.isoformat(),
                    "days_overdue": (as_of - deadline).days,
                }
            )
    return rows


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...] | list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


COUNTY_COLUMNS = ("year",) + TOWNSHIP_MONTHLY_COLUMNS[3:] + ("repeat_petitioners",)
CATEGORY_COLUMNS = (
    "month",
    "township_code",
    "category",
    "new_cases",
    "resolved_cases",
    "petition_batches",
    "petition_persons",
)
REPEAT_COLUMNS = (
    "id_number",
    "name",
    "petition_events",
    "matters",
    "repeat_matters",
    "first_petition_date",
    "last_petition_date",
    "highest_level",
    "group_events",
    "open_matters",
    "is_repeat",
    "is_escalated",
)
OVERDUE_COLUMNS = (
    "township_code",
    "petition_no",
    "id_number",
    "petition_date",
    "stage",
    "deadline",
    "days_overdue",
)
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


def write_figures(truth: Path, world: World) -> dict[str, int]:
    figs = compute(world)
    write_csv(truth / "township_monthly.csv", figs["township_monthly"], TOWNSHIP_MONTHLY_COLUMNS)
    write_csv(truth / "category_monthly.csv", figs["category_monthly"], CATEGORY_COLUMNS)
    write_csv(truth / "county_summary.csv", figs["county_summary"], COUNTY_COLUMNS)
    write_csv(truth / "repeat_petitioners.csv", figs["repeat_petitioners"], REPEAT_COLUMNS)
    write_csv(truth / "overdue_petitions.csv", figs["overdue_petitions"], OVERDUE_COLUMNS)
    return {k: len(v) for k, v in figs.items()}
