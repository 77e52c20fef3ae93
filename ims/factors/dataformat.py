"""The IMS data format of shipped factor sets: one CSV of rows plus a YAML sidecar per source edition.

Written by ``ims extract-factors`` from the official tables and read by
``ims load-factors``. The sidecar carries the citation, the licence and its
attribution statement, the provenance and the SHA-256 of the official file;
the CSV carries one factor (or one GWP value) per row, figures as exact
decimal text.
"""

from __future__ import annotations

FACTORS_FORMAT = "ims-emission-factors/1"
GWP_FORMAT = "ims-gwp-values/1"
FORMATS = (FACTORS_FORMAT, GWP_FORMAT)

FACTOR_COLUMNS = (
    "external_id",
    "scope",
    "category",
    "region",
    "year",
    "activity",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "column_text",
    "source_unit",
    "activity_unit",
    "co2e",
    "co2e_unit",
    "co2",
    "ch4",
    "n2o",
    "gas_basis",
    "co2_unit",
    "ch4_unit",
    "n2o_unit",
    "gwp_set",
    "market_based",
    "source_ref",
    "notes",
)

GWP_COLUMNS = ("gas", "gwp_set", "value", "source_ref")

NUMBER_COLUMNS = ("co2e", "co2", "ch4", "n2o")

SIDECAR_TEXT_KEYS = (
    "key",
    "publisher",
    "title",
    "edition",
    "licence",
    "attribution",
    "source_file",
    "source_sha256",
    "data_file",
)
