"""Truth of the overdue petitions mart: one row per unconcluded petition whose acceptance
or conclusion deadline has passed by as_of, or falls within the week after it."""

from __future__ import annotations

from datetime import timedelta

from sample_world.truth.calc import limit_days
from sample_world.world.model import World

OVERDUE_COLUMNS = (
    "township_code",
    "petition_no",
    "id_number",
    "petition_date",
    "stage",
    "deadline",
    "days_overdue",
)


def overdue_petitions(world: World) -> list[dict]:
    as_of = world.as_of
    numbered = {t.code for t in world.townships if t.has_petition_no}
    rows = []
    for e in world.events:
        if e.concluded is not None:
            continue
        if e.accepted is None:
            stage, deadline = "acceptance", e.day + timedelta(days=15)
        else:
            stage, deadline = "conclusion", e.accepted + timedelta(days=limit_days(e.extended))
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
