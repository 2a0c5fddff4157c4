"""Entity resolution: which register parties are the same person (DESIGN.md section 4).

Identity, strongest first:
1. a valid 18-digit ID (staging has already upgraded 15-digit IDs and nulled invalid ones);
2. name + mobile, when both are known. A name + mobile that also appears beside exactly
   one valid ID joins that ID's person, wherever and whenever the two were seen together
   (resolution runs over all rows at once, so an ID seen in March claims a name + mobile
   seen in January);
3. nothing usable (name alone, landline only, no party data): a key unique to the row.
   Name alone never merges anyone.

A name + mobile seen beside two or more different IDs is ambiguous (two people sharing a
phone, or a typo in one ID): we do not guess which ID it belongs to, so its rows without an
ID stay a person of their own keyed by name + mobile, and each ID stays its own person.

Python/polars rather than SQL because the rule reads as a two-pass lookup, and the HMAC
key needs the secret, which never enters the database. The result does not depend on the
order of the input rows.
"""

from __future__ import annotations

import polars as pl

from pipelines.privacy import mask_name, mask_phone, person_key

PARTY_COLUMNS = ("row_id", "template", "party_index", "name", "id_number", "phone", "phone_kind")


def _with_identity(parties: pl.DataFrame) -> pl.DataFrame:
    mobile = pl.when(pl.col("phone_kind") == "mobile").then(pl.col("phone"))
    frame = parties.select(PARTY_COLUMNS).with_columns(
        name_mobile=pl.when(pl.col("name").is_not_null() & mobile.is_not_null())
        .then(pl.concat_str([pl.col("name"), pl.lit("|"), mobile]))
        .otherwise(None)
    )
    # name + mobile -> the one ID it was seen with (ambiguous ones are left out)
    joined = (
        frame.filter(pl.col("id_number").is_not_null() & pl.col("name_mobile").is_not_null())
        .group_by("name_mobile")
        .agg(pl.col("id_number").unique().alias("ids"))
        .filter(pl.col("ids").list.len() == 1)
        .select("name_mobile", pl.col("ids").list.first().alias("joined_id"))
    )
    return frame.join(joined, on="name_mobile", how="left").with_columns(
        identity=pl.when(pl.col("id_number").is_not_null())
        .then(pl.concat_str([pl.lit("id:"), pl.col("id_number")]))
        .when(pl.col("joined_id").is_not_null())
        .then(pl.concat_str([pl.lit("id:"), pl.col("joined_id")]))
        .when(pl.col("name_mobile").is_not_null())
        .then(pl.concat_str([pl.lit("nm:"), pl.col("name_mobile")]))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("row:"),
                    pl.col("row_id"),
                    pl.lit("#"),
                    pl.col("party_index").cast(pl.String),
                ]
            )
        ),
        identity_kind=pl.when(pl.col("id_number").is_not_null() | pl.col("joined_id").is_not_null())
        .then(pl.lit("id"))
        .when(pl.col("name_mobile").is_not_null())
        .then(pl.lit("name_mobile"))
        .otherwise(pl.lit("row")),
    )


def _mode(column: str) -> pl.Expr:
    """Most frequent non-null value; ties go to the smallest, so row order never matters."""
    return pl.col(column).drop_nulls().mode().sort().first()


def resolve_persons(parties: pl.DataFrame, secret: bytes) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parties (staging.parties columns) -> (party_persons, persons).

    party_persons: one row per (row_id, party_index): template, person_key, identity_kind.
    persons: one row per person_key: identity_kind, id_number, name, phone (raw PII, stays
    in warehouse.duckdb), name_masked, phone_masked, party_rows.
    """
    frame = _with_identity(parties)
    identities = frame.select("identity").unique()
    keys = identities.with_columns(
        person_key=pl.col("identity").map_elements(
            lambda identity: person_key(identity, secret), return_dtype=pl.String
        )
    )
    frame = frame.join(keys, on="identity", how="left")
    party_persons = frame.select(
        "row_id", "template", "party_index", "person_key", "identity_kind"
    ).sort("row_id", "party_index")
    mobile = pl.when(pl.col("phone_kind") == "mobile").then(pl.col("phone"))
    persons = (
        frame.with_columns(mobile=mobile)
        .group_by("person_key")
        .agg(
            pl.col("identity_kind").first(),
            pl.col("identity").first(),
            _mode("name").alias("name"),
            _mode("mobile").alias("mobile"),
            _mode("phone").alias("any_phone"),
            pl.len().alias("party_rows"),
        )
        .with_columns(
            id_number=pl.when(pl.col("identity").str.starts_with("id:")).then(
                pl.col("identity").str.slice(3)
            ),
            phone=pl.coalesce("mobile", "any_phone"),
        )
        .with_columns(
            name_masked=pl.col("name").map_elements(mask_name, return_dtype=pl.String),
            phone_masked=pl.col("phone").map_elements(mask_phone, return_dtype=pl.String),
        )
        .select(
            "person_key",
            "identity_kind",
            "id_number",
            "name",
            "phone",
            "name_masked",
            "phone_masked",
            "party_rows",
        )
        .sort("person_key")
    )
    return party_persons, persons
