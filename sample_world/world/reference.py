"""Which county a world simulates: its townships and the local facts its people carry.

County mode simulates the deployment's county from `pipelines/reference` (the default,
`CountyRef.deployed()`); province mode (`sample_world.province`) builds one `CountyRef` per
county of the province and runs the same county generator on each. Everything a world
needs to know about "where" is here, so the county generator stays the only generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines.reference import load
from sample_world import idcards


@dataclass(frozen=True)
class CountyRef:
    code: str
    name: str
    townships: tuple[load.Township, ...]
    # ID area code for someone born in a given year (division codes change over time and
    # stdnum checks the code against the birth year).
    id_area: Callable[[int], str] = idcards.liancheng_area
    landline_prefix: str = "0597"
    # Case-number prefixes (pinyin initials) by township code, ahead of the county
    # generator's own table of 连城 names; empty in county mode.
    case_prefixes: dict[str, str] = field(default_factory=dict)
    register_due_day: int = 5

    @classmethod
    def deployed(cls) -> CountyRef:
        """The county this deployment serves (pipelines/reference)."""
        county = load.county()
        return cls(
            code=str(county["county_code"]),
            name=str(county["county_name"]),
            townships=load.townships(),
            register_due_day=int(county.get("register_due_day", 5)),
        )
