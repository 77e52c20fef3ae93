"""``ims load-factors``: every file checked before anything is written, idempotent, updates in place."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ims.audit.models import AuditEntry
from ims.factors.loader import DATA_DIR, FactorsFileError, load
from ims.factors.models import EmissionFactor, FactorSource, GwpValue
from tests.factors.conftest import factor


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped files: the 2025 DESNZ set and the GWP values."""
    for name in ("uk-desnz-2025", "gwp-openclimatedata-0.13.1"):
        for ext in ("csv", "yaml"):
            shutil.copy(DATA_DIR / f"{name}.{ext}", tmp_path / f"{name}.{ext}")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def counts() -> tuple[int, int, int]:
    return FactorSource.objects.count(), EmissionFactor.objects.count(), GwpValue.objects.count()


def test_it_loads_every_shipped_set_with_its_citation(db):
    report = load()
    assert counts() == (4, 817 + 817 + 312, 230)
    assert (report.created, report.updated, report.archived) == (817 + 817 + 312 + 230, 0, 0)
    electricity = factor("7_400_4000_5_1", 2025)
    assert str(electricity.co2e) == "0.177"
    assert (electricity.scope, electricity.category, electricity.region) == ("2", "electricity", "GB")
    assert electricity.source.key == "uk-desnz-2025"
    assert electricity.source.licence == "Open Government Licence v3.0"
    assert electricity.source.sha256 == "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94"
    assert str(factor("25_313_3141_11_1", 2025).ch4) == "0.0000033152"
    assert str(GwpValue.objects.get(gwp_set="AR6", gas="CH4").value) == "27.9"


def test_loading_twice_changes_nothing(db, data):
    load(data)
    before = list(EmissionFactor.objects.values_list("id", "version", "co2e"))
    entries = AuditEntry.objects.count()
    report = load(data)
    assert (report.created, report.updated, report.archived, report.unchanged) == (0, 0, 0, 817 + 230)
    assert list(EmissionFactor.objects.values_list("id", "version", "co2e")) == before
    assert AuditEntry.objects.count() == entries, "an unchanged load writes no audit entry"


def test_a_new_edition_of_a_file_updates_in_place_and_archives_what_left(db, data):
    load(data)
    kept = factor("7_400_4000_5_1")
    edit(data / "uk-desnz-2025.csv", ",0.177,kg,", ",0.178,kg,")
    lines = (data / "uk-desnz-2025.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = lines.pop(1).split(",")[0]
    (data / "uk-desnz-2025.csv").write_text("".join(lines), encoding="utf-8")
    edit(data / "uk-desnz-2025.yaml", "rows: 817", "rows: 816")
    report = load(data)
    assert (report.created, report.updated, report.archived) == (0, 1, 1)
    kept.refresh_from_db()
    assert (str(kept.co2e), kept.version) == ("0.178", 2)
    assert factor(dropped).archived_at is not None
    assert AuditEntry.objects.filter(action="load_factors").count() == 2


def test_a_broken_file_refuses_the_whole_load(db, data):
    edit(data / "uk-desnz-2025.csv", ",0.177,kg,", ",0.17x,kg,")
    edit(data / "uk-desnz-2025.csv", "natural_gas,GB", "gas,GB")
    with pytest.raises(FactorsFileError) as refused:
        load(data)
    assert refused.value.problems == [
        "uk-desnz-2025.csv: row 6: category: “gas” is not one of electricity, natural_gas, diesel, petrol, lpg, "
        "fuel_oil, refrigerant, water_supply, water_treatment, waste, business_travel, material, other",
        "uk-desnz-2025.csv: row 425: co2e: “0.17x” is not a number",
    ]
    assert counts() == (0, 0, 0), "the valid GWP file was not loaded either"


def test_a_sidecar_must_cite_its_source(db, data):
    edit(data / "uk-desnz-2025.yaml", "licence: Open Government Licence v3.0", "licence: ''")
    edit(data / "gwp-openclimatedata-0.13.1.yaml", "rows: 230", "rows: 231")
    with pytest.raises(FactorsFileError) as refused:
        load(data)
    assert refused.value.problems == [
        "gwp-openclimatedata-0.13.1.yaml: rows: says 231, gwp-openclimatedata-0.13.1.csv has 230",
        "uk-desnz-2025.yaml: licence: must be a non-empty text",
    ]


def test_units_and_duplicates_are_checked(db, data):
    edit(data / "uk-desnz-2025.csv", ",litres,litre,", ",litres,litres of fuel,")
    csv_path = data / "uk-desnz-2025.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    csv_path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    edit(data / "uk-desnz-2025.yaml", "rows: 817", "rows: 818")
    with pytest.raises(FactorsFileError) as refused:
        load(data)
    assert refused.value.problems == [
        "uk-desnz-2025.csv: row 3: activity_unit: “litres of fuel” is not a unit",
        "uk-desnz-2025.csv: row 819: 1_100_1000_15_1 appears again (first on row 2)",
    ]


def test_the_command_reports_and_refuses(db, data):
    out = StringIO()
    call_command("load_factors", "--dir", str(data), stdout=out)
    assert out.getvalue() == "Emission factor library: 2 sources: 1047 created, 0 updated, 0 unchanged, 0 archived.\n"
    edit(data / "uk-desnz-2025.csv", ",kWh (Gross CV),kWh,", ",kWh (Gross CV),,")
    with pytest.raises(CommandError) as refused:
        call_command("load_factors", "--dir", str(data))
    assert str(refused.value) == (
        "Nothing loaded; fix these problems:\n"
        "  uk-desnz-2025.csv: row 5: activity_unit: is required\n"
        "  uk-desnz-2025.csv: row 5: activity_unit: “” is not a unit"
    )
