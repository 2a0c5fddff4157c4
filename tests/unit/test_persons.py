"""Entity resolution (DESIGN.md section 4): ID, else name + mobile joined to its ID."""

import polars as pl

from pipelines.models.persons import PARTY_COLUMNS, resolve_persons
from pipelines.privacy import person_key

SECRET = b"unit-test-secret"
ID_A = "350825199001011237"
ID_B = "350825198502023456"


def _parties(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=list(PARTY_COLUMNS), orient="row")


def _p(row_id: str, name: str | None, id_number: str | None, phone: str | None,
       kind: str | None = "mobile", index: int = 0, template: str = "petition") -> tuple:
    return (row_id, template, index, name, id_number, phone, kind if phone else None)


def _keys(frame: pl.DataFrame) -> dict[tuple[str, int], str]:
    return {(r["row_id"], r["party_index"]): r["person_key"] for r in frame.iter_rows(named=True)}


def test_valid_id_is_the_identity() -> None:
    links, persons = resolve_persons(_parties(_p("r1", "张三", ID_A, None)), SECRET)
    assert links["person_key"].to_list() == [person_key(f"id:{ID_A}", SECRET)]
    assert persons.row(0, named=True)["id_number"] == ID_A


def test_name_mobile_joins_the_id_seen_with_it_in_any_row() -> None:
    # January: name + mobile only; March: the same name + mobile beside an ID
    parties = _parties(
        _p("jan", "张三", None, "13812341234"),
        _p("mar", "张三", ID_A, "13812341234"),
        _p("apr", "张三", ID_A, None),
    )
    keys = _keys(resolve_persons(parties, SECRET)[0])
    assert len(set(keys.values())) == 1
    assert keys["jan", 0] == person_key(f"id:{ID_A}", SECRET)


def test_name_mobile_with_two_ids_is_not_merged() -> None:
    parties = _parties(
        _p("r1", "张三", ID_A, "13812341234"),
        _p("r2", "张三", ID_B, "13812341234"),
        _p("r3", "张三", None, "13812341234"),
    )
    keys = _keys(resolve_persons(parties, SECRET)[0])
    assert len({keys["r1", 0], keys["r2", 0], keys["r3", 0]}) == 3
    assert keys["r3", 0] == person_key("nm:张三|13812341234", SECRET)


def test_name_alone_and_landlines_never_merge() -> None:
    parties = _parties(
        _p("r1", "李四", None, None),
        _p("r2", "李四", None, None),
        _p("r3", "李四", None, "0597-1234567", kind="landline"),
        _p("r4", "李四", None, "0597-1234567", kind="landline"),
    )
    links, persons = resolve_persons(parties, SECRET)
    assert links["person_key"].n_unique() == 4
    assert set(links["identity_kind"]) == {"row"}
    assert persons.height == 4


def test_same_name_different_mobiles_are_two_people() -> None:
    parties = _parties(_p("r1", "王五", None, "13900000001"), _p("r2", "王五", None, "13900000002"))
    assert resolve_persons(parties, SECRET)[0]["person_key"].n_unique() == 2


def test_every_party_of_a_row_is_resolved() -> None:
    parties = _parties(
        _p("r1", "张三", ID_A, "13812341234", index=0, template="dispute"),
        _p("r1", "李四", ID_B, "13900000001", index=1, template="dispute"),
    )
    keys = _keys(resolve_persons(parties, SECRET)[0])
    assert keys["r1", 1] == person_key(f"id:{ID_B}", SECRET)


def test_persons_carry_raw_and_masked_values() -> None:
    parties = _parties(
        _p("r1", "张三丰", ID_A, "13812341234"),
        _p("r2", "张三丰", ID_A, "13812341234"),
        _p("r3", "张三", ID_A, None),
    )
    person = resolve_persons(parties, SECRET)[1].row(0, named=True)
    assert person["name"] == "张三丰"  # the most frequent spelling
    assert person["name_masked"] == "张**"
    assert person["phone_masked"] == "138****1234"
    assert person["party_rows"] == 3


def test_independent_of_row_order() -> None:
    parties = _parties(
        _p("a", "张三", None, "13812341234"),
        _p("b", "张三", ID_A, "13812341234"),
        _p("c", "张叁", ID_A, "13812341234"),
        _p("d", "赵六", None, None),
        _p("e", "张三", ID_B, "13700000000"),
    )
    first = resolve_persons(parties, SECRET)
    for seed in range(5):
        shuffled = resolve_persons(parties.sample(fraction=1.0, shuffle=True, seed=seed), SECRET)
        assert first[0].equals(shuffled[0])
        assert first[1].equals(shuffled[1])


def test_no_parties_gives_empty_frames() -> None:
    links, persons = resolve_persons(_parties(), SECRET)
    assert links.height == 0 and persons.height == 0
