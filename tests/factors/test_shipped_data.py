"""The shipped data files: figures exactly as in the official tables, with citation, licence and provenance."""

from __future__ import annotations

import csv
import filecmp
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ims.factors.extract.common import excel_number
from ims.factors.extract.editions import EDITIONS
from ims.factors.extract.run import run
from ims.factors.loader import DATA_DIR

SOURCE_DIR = Path("/work/shared/data/emission-factors")

# SHA-256 of each official file, as recorded in the README of the reference-data folder.
README_SHA256 = {
    "uk-desnz-2025": "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94",
    "uk-desnz-2024": "8e4d5ae5355f71d3a6b2a5d4ae09ebb3391385cf0b7801a39a957a0e68ed445e",
    "us-epa-hub-2025": "db9085f182e50c7fd9106a902986434fb41ef0426afc953acb40f61a495e8a76",
    "gwp-openclimatedata-0.13.1": "9b80412cb5aeeb91038ef84145a10cdab0ab202cbb623cb14d2ec35ec2454f36",
}


def rows(key: str) -> dict[str, dict[str, str]]:
    with (DATA_DIR / f"{key}.csv").open(encoding="utf-8", newline="") as stream:
        return {r["external_id"]: r for r in csv.DictReader(stream)}


def sidecar(key: str) -> dict:
    return yaml.safe_load((DATA_DIR / f"{key}.yaml").read_text(encoding="utf-8"))


# (ID, column, value): the README's verified values, then values checked by hand in the official files.
DESNZ_2025 = [
    ("7_400_4000_5_1", "co2e", "0.177"),  # README: Factors by Category J3066, UK electricity per kWh
    ("1_100_1004_6_1", "co2e", "0.18296"),  # README: J83, natural gas per kWh (Gross CV)
    ("1_101_1011_8_1", "co2e", "2.57082"),  # README: J187, diesel (average biofuel blend) per litre
    ("1_100_1003_8_1", "co2e", "1.55713"),  # J59, LPG per litre
    ("3_201_2120_3_1", "co2e", "3943"),  # J650, R404A, Kyoto products only, per kg
    ("13_402_4000_5_1", "co2e", "0.01853"),  # J3627, T&D of UK electricity per kWh
    ("17_404_4005_1_1", "co2e", "0.1913"),  # J3944, water supply per cubic metre
    ("18_405_4006_1_1", "co2e", "0.17088"),  # J3946, water treatment per cubic metre
    ("21_316_3170_11_1", "co2e", "0.11704"),  # J4450, long-haul flight, economy, with RF, per passenger.km
    ("7_400_4000_5_1", "co2", "0.17489"),  # J3067, kg CO2e of CO2
    ("7_400_4000_5_1", "ch4", "0.0009"),  # J3068, kg CO2e of CH4
    ("7_400_4000_5_1", "n2o", "0.00122"),  # J3069, kg CO2e of N2O
    # J5431 is stored as the double 3.3152000000000005E-6; Excel shows 3.3152E-06.
    ("25_313_3141_11_1", "ch4", "0.0000033152"),
]
DESNZ_2024 = [
    ("7_400_4000_5_1", "co2e", "0.20705"),  # README: CSV line 3061; condensed set 'UK electricity'!E25
    ("1_100_1004_6_1", "co2e", "0.1829"),  # README: CSV line 78; condensed set Fuels!D42
    ("1_101_1011_8_1", "co2e", "2.51279"),  # README: CSV line 182; condensed set Fuels!D72
    ("1_100_1003_8_1", "co2e", "1.55713"),  # CSV line 54, LPG per litre
    ("3_201_2120_3_1", "co2e", "3943"),  # CSV line 645, R404A
    ("13_402_4000_5_1", "co2e", "0.0183"),  # CSV line 3622, T&D
    ("17_404_4005_1_1", "co2e", "0.15311"),  # CSV line 3939, water supply per cubic metre
    ("18_405_4006_1_1", "co2e", "0.18574"),  # CSV line 3941, water treatment per cubic metre
    ("21_316_3170_11_1", "co2e", "0.20011"),  # CSV line 4445, long-haul economy with RF
    ("1_100_1004_6_1", "n2o", "0.00009"),  # CSV line 81, written 9e-05
]
EPA_2025 = [
    ("T1.natural-gas.mmbtu", "co2", "53.06"),  # README: E38, kg CO2 per mmBtu
    ("T1.natural-gas.scf", "co2", "0.05444"),  # README: H38, kg CO2 per scf
    ("T2.diesel-fuel", "co2", "10.21"),  # README: D107, kg CO2 per gallon
    ("T2.motor-gasoline", "co2", "8.78"),  # README: D112, kg CO2 per gallon
    ("T6.US-Average", "co2", "771.523"),  # README: E366, lb CO2 per MWh
    ("T6.CAMX", "co2", "436.655"),  # E342 (stored as 436.65499999999997)
    ("T6.CAMX", "ch4", "0.025"),  # F342, lb CH4 per MWh
    ("T6.CAMX", "n2o", "0.003"),  # G342, lb N2O per MWh
    ("T1.propane-gas.scf", "co2", "0.15463"),  # H43
    ("T12.r-404a", "co2e", "3943"),  # D567, 100-year GWP of R-404A
    ("T9.corrugated-containers.landfilled", "co2e", "1"),  # E449, metric tons CO2e per short ton
    ("T10.bus", "co2", "0.066"),  # D512, kg CO2 per passenger-mile
    ("T10.bus", "ch4", "0.0046"),  # E512, g CH4 per passenger-mile
    ("T10.bus", "n2o", "0.0019"),  # F512, g N2O per passenger-mile
    # D490 is a computed double 3.5205384954666674E-3: taken at Excel's 15 significant digits.
    ("T9.asphalt-concrete.recycled", "co2e", "0.00352053849546667"),
]


@pytest.mark.parametrize(
    ("key", "external_id", "column", "value"),
    [("uk-desnz-2025", *v) for v in DESNZ_2025]
    + [("uk-desnz-2024", *v) for v in DESNZ_2024]
    + [("us-epa-hub-2025", *v) for v in EPA_2025],
)
def test_figures_are_exactly_as_published(key, external_id, column, value):
    assert rows(key)[external_id][column] == value


def test_epa_figures_carry_their_units_and_gwp_sets():
    epa = rows("us-epa-hub-2025")
    camx = epa["T6.CAMX"]
    assert (camx["region"], camx["activity_unit"], camx["gas_basis"], camx["co2_unit"]) == ("CAMX", "MWh", "mass", "lb")
    assert epa["T1.natural-gas.scf"]["ch4_unit"] == "g"
    assert epa["T6.US-Average"]["region"] == "US"
    # Table 9's note: waste factors are CO2e with AR4 GWPs, unlike the rest of the Hub (AR5).
    assert {r["gwp_set"] for r in epa.values() if r["category"] == "waste"} == {"AR4"}
    assert epa["T9.corrugated-containers.landfilled"]["co2e_unit"] == "t"
    assert epa["T11.hfc-134a"]["gwp_set"] == "AR5"


def test_gwp_values_are_as_published():
    with (DATA_DIR / "gwp-openclimatedata-0.13.1.csv").open(encoding="utf-8") as stream:
        values = {(r["gas"], r["gwp_set"]): r["value"] for r in csv.DictReader(stream)}
    # README, lines 12, 13 and 57 of globalwarmingpotentials.csv
    assert [values["CH4", s] for s in ("AR4", "AR5", "AR6")] == ["25", "28", "27.9"]
    assert [values["N2O", s] for s in ("AR4", "AR5", "AR6")] == ["298", "265", "273"]
    assert [values["SF6", s] for s in ("AR4", "AR5", "AR6")] == ["22800", "23500", "25200"]
    assert values["HFC134a", "AR5"] == rows("us-epa-hub-2025")["T11.hfc-134a"]["co2e"] == "1300"


@pytest.mark.parametrize("key", ["uk-desnz-2025", "uk-desnz-2024"])
def test_per_gas_parts_add_up_to_the_total_within_the_publishers_rounding(key):
    checked = 0
    for row in rows(key).values():
        if not row["co2e"] or not any(row[g] for g in ("co2", "ch4", "n2o")):
            continue
        parts = sum(Decimal(row[g] or "0") for g in ("co2", "ch4", "n2o"))
        # DESNZ rounds each published figure to 5 decimal places on its own.
        assert abs(parts - Decimal(row["co2e"])) <= Decimal("0.00001"), row["external_id"]
        checked += 1
    assert checked == 177


@pytest.mark.parametrize("key", list(README_SHA256))
def test_each_file_cites_its_source_licence_and_the_official_files_hash(key):
    meta = sidecar(key)
    assert meta["source_sha256"] == README_SHA256[key]
    for key_ in ("attribution", "licence", "publisher"):
        assert meta[key_].strip(), key_
    assert meta["provenance"]["repository"]
    assert meta["rows"] == sum(1 for _ in (DATA_DIR / meta["data_file"]).open(encoding="utf-8")) - 1


def test_open_government_licence_attribution_is_the_required_statement():
    for key in ("uk-desnz-2025", "uk-desnz-2024"):
        meta = sidecar(key)
        assert meta["licence"] == "Open Government Licence v3.0"
        assert meta["attribution"].startswith(
            "Contains public sector information licensed under the Open Government Licence v3.0."
        )
    assert "converted from XLSX to CSV" in sidecar("uk-desnz-2024")["attribution"]


def test_what_ships():
    counts = {key: len(rows(key)) for key in ("uk-desnz-2025", "uk-desnz-2024", "us-epa-hub-2025")}
    assert counts == {"uk-desnz-2025": 817, "uk-desnz-2024": 817, "us-epa-hub-2025": 312}
    categories = {r["category"] for r in rows("uk-desnz-2025").values()}
    assert categories == {
        "electricity",
        "natural_gas",
        "diesel",
        "petrol",
        "lpg",
        "fuel_oil",
        "refrigerant",
        "water_supply",
        "water_treatment",
        "waste",
        "business_travel",
        "material",
    }


@pytest.mark.skipif(
    not SOURCE_DIR.is_dir(),
    reason=f"the official tables are not at {SOURCE_DIR}: extraction determinism not checked",
)
def test_extracting_again_gives_byte_identical_files(tmp_path):
    run(SOURCE_DIR, tmp_path)
    committed = sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".csv", ".yaml"))
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    _, mismatch, errors = filecmp.cmpfiles(DATA_DIR, tmp_path, committed, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (0.13388999999999998, "0.13389"),  # a computed double; Excel shows 0.13389
        (3.3152000000000005e-06, "0.0000033152"),
        (4.860776705385985e-06, "0.00000486077670538599"),  # stored 4.8607767053859851E-6; Excel shows 15 digits
        (1e-05, "0.00001"),
        (3943, "3943"),
        (2598.2600000000002, "2598.26"),
        (0.0, "0"),
    ],
)
def test_a_cell_is_taken_as_excel_shows_it(cell, text):
    assert excel_number(cell, where="test") == text


def test_extraction_refuses_a_file_it_was_not_written_for(tmp_path):
    for edition in EDITIONS:
        (tmp_path / edition.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / edition.path).write_bytes(b"not the official table")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as refused:
        call_command("extract_factors", "--source", str(tmp_path), "--out", str(out))
    assert str(refused.value) == (
        f"Nothing written: {tmp_path}/uk-desnz/ghg-conversion-factors-2025-flat-format.xlsx: SHA-256 is "
        "1992daa59244b12814113a3ed8127930498b70a936b456f10c62249d1e0dbca6, not the "
        "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94 of 2025, version 1 (flat file); "
        "check the new file's layout and add it to ims/factors/extract/editions.py"
    )
    assert not out.exists()
