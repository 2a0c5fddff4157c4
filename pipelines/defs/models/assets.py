"""Model layer assets: reference tables, entity resolution, and one asset per SQL model.

SQL model assets are generated from ``models/<schema>/<name>.sql``: key [schema, name],
group = schema, deps read from the SQL, description = the file's leading comment.
"""

from collections.abc import Iterator

import dagster as dg
import duckdb
import polars as pl

from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.models.persons import PARTY_COLUMNS, resolve_persons
from pipelines.models.sql_models import SqlModel, discover, materialize
from pipelines.privacy import pii_secret
from pipelines.reference.load import townships
from warehouse.db import transaction

PARTY_PERSONS = dg.AssetKey(["intermediate", "party_persons"])
PERSONS = dg.AssetKey(["intermediate", "persons"])


def _replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    schema = table.split(".", 1)[0]
    con.execute(f"create schema if not exists {schema}")
    con.register("model_frame", frame.to_arrow())
    try:
        con.execute(f"create or replace table {table} as select * from model_frame")
    finally:
        con.unregister("model_frame")
    return frame.height


@dg.asset(key=["reference", "townships"], group_name="reference", kinds={"duckdb"})
def reference_townships(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The county's townships from pipelines/reference/townships.csv: one row per township
    (township_code, township_name, kind). Every township appears in every month of the
    township marts, whether or not it sent anything."""
    frame = pl.DataFrame(
        [{"township_code": t.code, "township_name": t.name, "kind": t.kind} for t in townships()]
    )
    with warehouse.connect() as con:
        rows = _replace_table(con, "reference.townships", frame)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            PARTY_PERSONS,
            deps=[dg.AssetKey(["staging", "parties"])],
            group_name="intermediate",
            kinds={"duckdb", "polars"},
            description="One row per staged party (row_id, party_index) -> person_key.",
        ),
        dg.AssetSpec(
            PERSONS,
            deps=[dg.AssetKey(["staging", "parties"])],
            group_name="intermediate",
            kinds={"duckdb", "polars"},
            description=(
                "One row per person (person_key): raw name, ID and phone (stay in "
                "warehouse.duckdb) and their masked forms."
            ),
        ),
    ],
)
def resolved_persons(warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    """Entity resolution over all staged parties (DESIGN.md section 4): a valid ID, else
    name + mobile joined to the one ID it was seen with, else a row-unique key; person_key
    is an HMAC with DISPUTES_PII_KEY. See pipelines/models/persons.py."""
    with warehouse.connect() as con:
        parties = con.sql(f"select {', '.join(PARTY_COLUMNS)} from staging.parties").pl()
        party_persons, persons = resolve_persons(parties, pii_secret())
        with transaction(con):  # both tables or neither: person keys must agree
            counts = {
                PARTY_PERSONS: _replace_table(con, "intermediate.party_persons", party_persons),
                PERSONS: _replace_table(con, "intermediate.persons", persons),
            }
    for key, rows in counts.items():
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": rows})


def sql_model_asset(model: SqlModel) -> dg.AssetsDefinition:
    """The Dagster asset that materializes one SQL model."""

    @dg.asset(
        key=[model.schema, model.name],
        deps=[dg.AssetKey(list(dep)) for dep in model.deps],
        group_name=model.schema,
        kinds={"duckdb"},
        description=model.description or None,
        metadata={"sql_path": f"models/{model.schema}/{model.path.name}"},
    )
    def _model(
        warehouse: WarehouseResource, run_settings: RunSettingsResource
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = materialize(con, model, {"as_of": run_settings.as_of_date()})
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _model


sql_model_assets: list[dg.AssetsDefinition] = [sql_model_asset(m) for m in discover()]
