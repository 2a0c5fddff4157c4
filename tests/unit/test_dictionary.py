"""The data dictionary file is complete in itself and warehouse/README.md is rendered from it."""

from warehouse.dictionary import README_PATH, coverage_gaps, load_dictionary, render_readme
from warehouse.publish import PUBLISHED_MARTS, QUALITY_TABLES


def test_readme_is_current() -> None:
    """Fails when dictionary.yaml changed without `disputes dictionary --write`."""
    assert README_PATH.read_text(encoding="utf-8") == render_readme(load_dictionary())


def test_every_published_table_is_in_the_dictionary() -> None:
    tables = load_dictionary()
    expected = {f"marts.{m}" for m in PUBLISHED_MARTS} | {f"quality.{q}" for q in QUALITY_TABLES}
    expected |= {"quality.snapshot", "quality.snapshot_tables"}
    assert set(tables) == expected


def test_every_entry_has_grain_and_both_languages() -> None:
    for table in load_dictionary().values():
        assert table.grain.startswith("one row"), table.name
        assert table.zh and table.en, table.name
        assert table.columns, table.name
        for col in table.columns:
            assert col.zh.strip() and col.en.strip(), f"{table.name}.{col.name}"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in col.zh), f"{table.name}.{col.name}"


def test_coverage_gaps_names_both_directions() -> None:
    tables = load_dictionary()
    published = {"marts.county_summary": ["year", "brand_new_figure"]}
    undocumented, unpublished = coverage_gaps(published, tables)
    assert undocumented == ["marts.county_summary.brand_new_figure"]
    assert "marts.county_summary.new_cases" in unpublished
