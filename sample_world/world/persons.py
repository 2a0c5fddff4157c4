"""The shared pool of persons: parties to disputes and petitioners.

People petition in several townships and are parties in several cases, so persons are
one county-wide pool, created lazily (in a fixed township order, which keeps the world a
pure function of its arguments) and reused across registers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sample_world import idcards, names
from sample_world.world.model import Person

_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)


class PersonPool:
    """Lazily created persons with unique IDs and mobiles, and reuse across registers."""

    def __init__(
        self,
        seed: int,
        id_area: Callable[[int], str] = idcards.liancheng_area,
        landline_prefix: str = "0597",
    ) -> None:
        self.rng = random.Random(f"{seed}:persons")
        self.id_area = id_area
        self.landline_prefix = landline_prefix
        self.persons: list[Person] = []
        self.by_home: dict[str, list[int]] = {}
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def _mobile(self) -> str:
        while True:
            m = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if m not in self.phones:
                self.phones.add(m)
                return m

    def _landline(self) -> str:
        while True:
            m = f"{self.landline_prefix}-{self.rng.choice('58')}{self.rng.randrange(10**6):06d}"
            if m not in self.phones:
                self.phones.add(m)
                return m

    def new(self, home: str) -> Person:
        rng = self.rng
        while True:
            birth = date(rng.randint(1940, 2000), 1, 1) + timedelta(days=rng.randrange(365))
            female = rng.random() < 0.45
            id18 = idcards.make_id(rng, birth, female, self.id_area)
            # Valid by construction (area code matches the birth year; the unit tests
            # check every ID with stdnum), so no per-person validation cost here.
            if id18 not in self.ids:
                break
        self.ids.add(id18)
        p = Person(
            pid=len(self.persons),
            name=names.person_name(rng),
            id18=id18,
            mobile=self._mobile(),
            landline=self._landline() if rng.random() < 0.08 else None,
            home=home,
            old_form=birth.year < 2000 and rng.random() < 0.06,
        )
        self.persons.append(p)
        self.by_home.setdefault(home, []).append(p.pid)
        return p

    def pick(self, rng: random.Random, home: str, reuse: float) -> int:
        """A person for a register of `home`: often someone already known (a neighbour in
        another case, a petitioner who is also a dispute party), sometimes from elsewhere."""
        if self.persons and rng.random() < reuse:
            if rng.random() < 0.1:
                return rng.randrange(len(self.persons))
            local = self.by_home.get(home)
            if local:
                return local[rng.randrange(len(local))]
        return self.new(home).pid
