"""The shipped standards files are complete, valid and consistent.

The expected clause lists below are written independently of the data files,
from the published tables of contents, so a missing or misnumbered sub-clause
fails here.
"""

from __future__ import annotations

import pytest

from ims.standards.loader import DATA_DIR, load, read_all
from ims.standards.models import Clause, Edition, EditionChange

ISO_9001_2015 = """
4 4.1 4.2 4.3 4.4 4.4.1 4.4.2
5 5.1 5.1.1 5.1.2 5.2 5.2.1 5.2.2 5.3
6 6.1 6.1.1 6.1.2 6.2 6.2.1 6.2.2 6.3
7 7.1 7.1.1 7.1.2 7.1.3 7.1.4 7.1.5 7.1.5.1 7.1.5.2 7.1.6 7.2 7.3 7.4 7.5 7.5.1 7.5.2 7.5.3 7.5.3.1 7.5.3.2
8 8.1 8.2 8.2.1 8.2.2 8.2.3 8.2.3.1 8.2.3.2 8.2.4 8.3 8.3.1 8.3.2 8.3.3 8.3.4 8.3.5 8.3.6
8.4 8.4.1 8.4.2 8.4.3 8.5 8.5.1 8.5.2 8.5.3 8.5.4 8.5.5 8.5.6 8.6 8.7 8.7.1 8.7.2
9 9.1 9.1.1 9.1.2 9.1.3 9.2 9.2.1 9.2.2 9.3 9.3.1 9.3.2 9.3.3
10 10.1 10.2 10.2.1 10.2.2 10.3
""".split()

ISO_14001_2015 = """
4 4.1 4.2 4.3 4.4
5 5.1 5.2 5.3
6 6.1 6.1.1 6.1.2 6.1.3 6.1.4 6.2 6.2.1 6.2.2
7 7.1 7.2 7.3 7.4 7.4.1 7.4.2 7.4.3 7.5 7.5.1 7.5.2 7.5.3
8 8.1 8.2
9 9.1 9.1.1 9.1.2 9.2 9.2.1 9.2.2 9.3
10 10.1 10.2 10.3
""".split()

TITLES = {
    ("iso9001", "2015", "7.1.5"): "Monitoring and measuring resources",
    ("iso9001", "2015", "8.7"): "Control of nonconforming outputs",
    ("iso9001", "2015", "9.1.2"): "Customer satisfaction",
    ("iso9001", "2015", "10.2"): "Nonconformity and corrective action",
    ("iso14001", "2015", "6.1.2"): "Environmental aspects",
    ("iso14001", "2015", "6.1.4"): "Planning action",
    ("iso14001", "2015", "8.2"): "Emergency preparedness and response",
    ("iso14001", "2015", "9.1.2"): "Evaluation of compliance",
    ("iso14001", "2026", "5.3"): "Roles, responsibilities and authorities",
    ("iso14001", "2026", "6.1.5"): "Planning action",
    ("iso14001", "2026", "6.3"): "Planning of changes",
}


@pytest.fixture
def shipped(db):
    load(DATA_DIR)


def numbers(code: str, year: str) -> list[str]:
    return list(
        Clause.objects.filter(edition__standard__code=code, edition__code=year).values_list("number", flat=True)
    )


def test_every_shipped_file_is_valid():
    names = {s.name for s in read_all(DATA_DIR)}
    assert {"harmonized-structure.yaml", "iso9001-2015.yaml", "iso14001-2015.yaml", "iso14001-2026.yaml"} <= names
    assert "iso14001-2015-to-2026.yaml" in names


def test_iso_9001_2015_is_complete_to_the_sub_clause(shipped):
    assert sorted(numbers("iso9001", "2015")) == sorted(ISO_9001_2015)


def test_iso_14001_2015_is_complete_to_the_sub_clause(shipped):
    assert sorted(numbers("iso14001", "2015")) == sorted(ISO_14001_2015)


def test_iso_14001_2026_has_the_new_and_renumbered_clauses(shipped):
    found = set(numbers("iso14001", "2026"))
    assert {"6.1.4", "6.1.5", "6.3"} <= found
    assert {c for c in ISO_14001_2015 if c.count(".") == 0} <= found
    context = Clause.objects.get(edition__standard__code="iso14001", edition__code="2026", number="4.1").summary.lower()
    for condition in ("pollution", "resource", "climate", "biodiversity", "ecosystem"):
        assert condition in context


@pytest.mark.parametrize(("key", "title"), list(TITLES.items()))
def test_key_titles_are_exact(shipped, key, title):
    code, year, number = key
    assert Clause.objects.get(edition__standard__code=code, edition__code=year, number=number).title == title


def test_every_requirement_clause_has_a_summary_and_headings_do_not_mandate_documents(shipped):
    assert not Clause.objects.filter(requirements=True, summary="").exists()
    assert not Clause.objects.filter(requirements=False, mandated__isnull=False).exists()


def test_only_9001_allows_exclusions(shipped):
    assert Edition.objects.get(standard__code="iso9001").allows_exclusions
    assert not Edition.objects.filter(standard__code="iso14001", allows_exclusions=True).exists()
    assert not Clause.objects.filter(edition__standard__code="iso14001", excludable=True).exists()


def test_the_same_number_means_different_requirements(shipped):
    quality = Clause.objects.get(edition__standard__code="iso9001", number="9.1.2")
    environment = Clause.objects.get(edition__standard__code="iso14001", edition__code="2015", number="9.1.2")
    assert quality.title != environment.title
    assert not quality.common
    assert not environment.common


def test_the_mandated_documents_include_the_ones_auditors_ask_for(shipped):
    def kinds(code: str, year: str, number: str) -> set[str]:
        clause = Clause.objects.get(edition__standard__code=code, edition__code=year, number=number)
        return set(clause.mandated.values_list("kind", flat=True))

    assert "maintain" in kinds("iso9001", "2015", "4.3")
    assert "maintain" in kinds("iso9001", "2015", "5.2.2") | kinds("iso9001", "2015", "5.2.1")
    assert "retain" in kinds("iso9001", "2015", "9.2.2")
    assert "maintain" in kinds("iso14001", "2015", "6.1.2")
    assert "retain" in kinds("iso14001", "2015", "9.1.2")


def test_the_edition_mapping_covers_every_clause_of_both_editions(shipped):
    old = set(numbers("iso14001", "2015"))
    new = set(numbers("iso14001", "2026"))
    mapping = EditionChange.objects.filter(from_edition__code="2015", to_edition__code="2026")
    assert old == {m.from_number for m in mapping if m.from_number}
    assert new == {m.to_number for m in mapping if m.to_number}
    assert mapping.get(to_number="6.3").change == "new"
    assert mapping.get(from_number="6.1.4").to_number == "6.1.5"


def test_loading_the_shipped_files_twice_changes_nothing(shipped):
    report = load(DATA_DIR)
    assert (report.created, report.updated, report.withdrawn) == (0, 0, 0)
