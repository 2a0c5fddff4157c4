"""What the simulated world is made of: persons, dispute cases, petition events and the
townships that report them.

Plain records, filled in by the simulation (`cases`, `petitions`) and read by the
rendering and the truth; dates later than the world's last day are None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sample_world.idcards import liancheng_area

LEVELS = ("county", "city", "province", "capital")
FORMS = ("online", "letter", "phone", "fax", "visit")


@dataclass(slots=True)
class Person:
    pid: int
    name: str
    id18: str
    mobile: str
    landline: str | None
    home: str
    old_form: bool  # born 19xx and sometimes written with the 15-digit ID


@dataclass(slots=True)
class Case:
    cid: int
    township: str
    case_no: str
    category: str
    category_word: str
    parties: list[int]
    found: date
    resolved: date | None  # effective resolved date (see resolved_known)
    resolved_known: bool  # False: resolved, but the register never gives the date
    unresolved_from: date | None
    risk: str
    people_count: int
    village: str
    summary: str
    unit: str
    leader: str
    measures: str


@dataclass(slots=True)
class Event:
    eid: int
    township: str
    petition_no: str
    pid: int
    day: date
    form: str
    people_count: int
    count_blank: bool
    level: str
    accepted: date | None
    concluded: date | None
    extended: bool
    linked_case_no: str | None
    meeting: date | None
    category: str
    matter: tuple[str, ...]
    village: str
    content: str
    # The case whose dispute register rows carry this event in their petition columns
    # (a dispute that was also petitioned), and whether the petition register lists it too.
    case_row: int | None = None
    in_petition_register: bool = True


@dataclass(slots=True)
class TownshipInfo:
    index: int  # position in this run's township list: register habits follow it
    code: str
    name: str
    aliases: tuple[str, ...]
    villages: list[str]
    has_case_no: bool
    has_petition_no: bool
    dispute_petitions: bool = False  # its dispute register carries petition columns
    case_prefix: str | None = None  # case-number prefix (province mode); None: by name


@dataclass
class World:
    seed: int
    start: date
    months: int
    periods: list[date]
    end: date
    as_of: date
    townships: list[TownshipInfo]
    persons: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    case_events: dict[int, int] = field(default_factory=dict)  # case id -> event on its rows
    # ID division code by birth year, for people the world invents (noise rows too)
    id_area: Callable[[int], str] = liancheng_area
