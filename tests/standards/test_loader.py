"""Loading standards files: validated whole, idempotent, updates in place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ims.audit.models import AuditEntry
from ims.standards.loader import StandardsFileError, load
from ims.standards.models import Clause, Edition, EditionChange, HsClause, MandatedInformation
from tests.standards.conftest import edition, write


def counts() -> tuple[int, ...]:
    return (
        Edition.objects.count(),
        Clause.objects.count(),
        HsClause.objects.count(),
        MandatedInformation.objects.count(),
        EditionChange.objects.count(),
    )


def test_it_loads_editions_clauses_documented_information_and_mappings(db, library: Path):
    report = load(library)
    assert report.created > 0
    assert counts() == (2, 9, 4, 2, 5)
    later = Edition.objects.get(standard__code="std", code="2026")
    assert later.supersedes == Edition.objects.get(standard__code="std", code="2015")
    policy = Clause.objects.get(edition=later, number="5.2")
    assert policy.parent.number == "5"
    assert policy.common
    assert policy.hs_number == "5.2"
    assert policy.ref == "std:2026:5.2"
    assert [(m.kind, m.what) for m in policy.mandated.all()] == [("maintain", "the policy")]
    assert EditionChange.objects.get(to_number="4.2").change == "new"


def test_loading_twice_changes_nothing(db, library: Path):
    load(library)
    before = list(Clause.objects.values_list("id", "title", "summary"))
    entries = AuditEntry.objects.count()
    report = load(library)
    assert (report.created, report.updated, report.withdrawn) == (0, 0, 0)
    assert list(Clause.objects.values_list("id", "title", "summary")) == before
    assert AuditEntry.objects.count() == entries, "an unchanged load writes no audit entry"


def test_a_changed_summary_updates_in_place_keeping_the_clause_row(db, library: Path):
    load(library)
    original = Clause.objects.get(edition__code="2015", number="4.1")
    data = edition("std", "2015")
    data["clauses"][0]["children"][0]["summary"] = "A reworded summary of what 4.1 asks, in our own words."
    data["clauses"][0]["children"][0]["title"] = "Understanding the organisation and its context"
    write(library, "std-2015.yaml", data)
    report = load(library)
    clause = Clause.objects.get(pk=original.pk)
    assert clause.summary == "A reworded summary of what 4.1 asks, in our own words."
    assert clause.title == "Understanding the organisation and its context"
    assert report.updated >= 2
    assert AuditEntry.objects.filter(action="load_standards").count() == 2


def test_a_clause_dropped_from_a_file_is_withdrawn_not_deleted(db, library: Path):
    load(library)
    data = edition("std", "2026", supersedes="std:2015")
    write(library, "std-2026.yaml", data)
    mapping = yaml.safe_load((library / "std-map.yaml").read_text())
    mapping["changes"] = [c for c in mapping["changes"] if c.get("to") != "4.2"]
    write(library, "std-map.yaml", mapping)
    load(library)
    assert Clause.objects.get(edition__code="2026", number="4.2").withdrawn


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["clauses"][0]["children"][0].pop("summary"),
            'std-2015.yaml: clauses[0 "4"].children[0 "4.1"]: \'summary\' is a required property',
        ),
        (
            lambda d: d["clauses"][0]["children"][0].update(summary="short"),
            'std-2015.yaml: clauses[0 "4"].children[0 "4.1"].summary: \'short\' is too short',
        ),
        (
            lambda d: d["clauses"][0]["children"][0].update(number="5.1"),
            "std-2015.yaml: clause 5.1: is not a direct sub-clause of 4",
        ),
        (
            lambda d: d["clauses"][1]["children"][0].update(hs="5.9"),
            "std-2015.yaml: clause 5.2: hs 5.9 is not a Harmonized Structure clause",
        ),
        (
            lambda d: d["clauses"][0]["children"][0].update(excludable=True),
            "std-2015.yaml: clause 4.1: excludable, but this edition allows no exclusions",
        ),
        (
            lambda d: d["edition"].update(published="15/01/2015"),
            "std-2015.yaml: edition.published: '15/01/2015' is not a 'date'",
        ),
        (
            lambda d: d["clauses"][0]["children"][0].update(kind="x"),
            'std-2015.yaml: clauses[0 "4"].children[0 "4.1"]: '
            "Additional properties are not allowed ('kind' was unexpected)",
        ),
    ],
)
def test_a_broken_file_is_refused_whole_naming_file_path_and_problem(db, library: Path, mutate, message):
    load(library)
    before = counts()
    data = edition("std", "2015")
    mutate(data)
    write(library, "std-2015.yaml", data)
    with pytest.raises(StandardsFileError) as exc:
        load(library)
    assert message in exc.value.problems
    assert counts() == before


def test_invalid_yaml_names_the_line(db, library: Path):
    (library / "std-2015.yaml").write_text("format: ims-standard/1\nclauses: [\n  - number: '4'\n", encoding="utf-8")
    with pytest.raises(StandardsFileError) as exc:
        load(library)
    assert exc.value.problems[0].startswith("std-2015.yaml: line ")
    assert "not valid YAML" in exc.value.problems[0]


def test_a_mapping_to_an_unknown_clause_is_refused(db, library: Path):
    mapping = yaml.safe_load((library / "std-map.yaml").read_text())
    mapping["changes"].append({"from": "9.9", "to": "9.9", "change": "unchanged"})
    write(library, "std-map.yaml", mapping)
    with pytest.raises(StandardsFileError) as exc:
        load(library)
    assert "std-map.yaml: changes[5].from: clause 9.9 is not in std:2015" in exc.value.problems
    assert Edition.objects.count() == 0


def test_the_command_reports_and_refuses(db, library: Path, capsys):
    call_command("load_standards", "--dir", str(library))
    assert "created" in capsys.readouterr().out
    (library / "std-2015.yaml").write_text("format: nonsense\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("load_standards", "--dir", str(library))
