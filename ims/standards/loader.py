"""Reading, validating and loading the standards files.

All files are parsed and validated (JSON Schema, then the rules a schema
cannot express) before anything is written; one bad file refuses the whole
load with messages naming the file, the path inside it and the problem.
Loading is idempotent: an unchanged file changes nothing, and a changed file
updates titles and summaries in place, so assessments that refer to clauses
are never lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from jsonschema import Draft202012Validator, FormatChecker

from ims.audit.services import record_change
from ims.standards.models import (
    Clause,
    Edition,
    EditionChange,
    HsClause,
    MandatedInformation,
    Standard,
    clause_sort_key,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMAS = {
    "ims-standard/1": "standard.schema.json",
    "ims-edition-mapping/1": "mapping.schema.json",
    "ims-harmonized-structure/1": "harmonized-structure.schema.json",
}


class StandardsFileError(Exception):
    """One or more files are invalid; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class SourceFile:
    path: Path
    format: str
    data: dict[str, Any]
    digest: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn)

    def __str__(self) -> str:
        return (
            f"{len(self.files)} files: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.withdrawn} withdrawn"
        )


@cache
def _validator(format_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / SCHEMAS[format_name]).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _where(data: Any, path: list[str | int]) -> str:
    """A readable location such as ``clauses[0 "4"].children[2 "4.3"].summary``."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            label = f' "{node["number"]}"' if isinstance(node, dict) and "number" in node else ""
            out += f"[{part}{label}]"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out += f".{part}" if out else part
    return out or "(top level)"


def read_file(path: Path) -> tuple[SourceFile | None, list[str]]:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        return None, [f"{path.name}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})"]
    if not isinstance(data, dict) or data.get("format") not in SCHEMAS:
        return None, [f"{path.name}: (top level): 'format' must be one of {', '.join(sorted(SCHEMAS))}"]
    problems = [
        f"{path.name}: {_where(data, list(error.absolute_path))}: {error.message}"
        for error in sorted(_validator(data["format"]).iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]
    return SourceFile(path, data["format"], data, hashlib.sha256(raw).hexdigest()), problems


def _walk(clauses: list[dict[str, Any]], parent: str | None = None) -> Iterator[tuple[dict[str, Any], str | None]]:
    for clause in clauses:
        yield clause, parent
        yield from _walk(clause.get("children", []), clause["number"])


def _edition_key(source: SourceFile) -> str:
    return f"{source.data['standard']['code']}:{source.data['edition']['code']}"


def check_rules(sources: list[SourceFile]) -> list[str]:
    """What the schemas cannot say: numbering, references between files."""
    problems: list[str] = []
    hs_numbers = {c["number"] for s in sources if s.format == "ims-harmonized-structure/1" for c in s.data["clauses"]}
    editions: dict[str, set[str]] = {}
    for source in (s for s in sources if s.format == "ims-standard/1"):
        key = _edition_key(source)
        if key in editions:
            problems.append(f"{source.name}: edition {key} is defined twice")
        numbers: set[str] = set()
        allows = source.data["edition"]["allows_exclusions"]
        for clause, parent in _walk(source.data["clauses"]):
            number, where = clause["number"], f"{source.name}: clause {clause['number']}"
            if number in numbers:
                problems.append(f"{where}: the number appears twice")
            numbers.add(number)
            if parent is None and "." in number:
                problems.append(f"{where}: a top-level clause must be a main clause number (4 to 10)")
            if parent is not None and (
                not number.startswith(parent + ".") or number.count(".") != parent.count(".") + 1
            ):
                problems.append(f"{where}: is not a direct sub-clause of {parent}")
            if clause.get("common") and not clause.get("hs"):
                problems.append(f"{where}: a common requirement needs its Harmonized Structure counterpart (hs)")
            if clause.get("hs") and hs_numbers and clause["hs"] not in hs_numbers:
                problems.append(f"{where}: hs {clause['hs']} is not a Harmonized Structure clause")
            if clause.get("excludable") and not allows:
                problems.append(f"{where}: excludable, but this edition allows no exclusions")
            if not clause["requirements"] and clause.get("documented_information"):
                problems.append(f"{where}: mandates documented information but carries no requirements")
        editions[key] = numbers
    for source in (s for s in sources if s.format == "ims-standard/1"):
        supersedes = source.data["edition"].get("supersedes")
        if supersedes and supersedes not in editions:
            problems.append(f"{source.name}: edition.supersedes: {supersedes} is not a loaded edition")
    for source in (s for s in sources if s.format == "ims-edition-mapping/1"):
        for side in ("from", "to"):
            if source.data[side] not in editions:
                problems.append(f"{source.name}: {side}: {source.data[side]} is not a loaded edition")
        for i, change in enumerate(source.data["changes"]):
            for side in ("from", "to"):
                number, known = change.get(side), editions.get(source.data[side], set())
                if number and known and number not in known:
                    problems.append(
                        f"{source.name}: changes[{i}].{side}: clause {number} is not in {source.data[side]}"
                    )
    return problems


def read_all(directory: Path = DATA_DIR) -> list[SourceFile]:
    """Parse and validate every file; raise StandardsFileError listing every problem."""
    sources, problems = [], []
    paths = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not paths:
        raise StandardsFileError([f"{directory}: no standards files (*.yaml) found"])
    for path in paths:
        source, found = read_file(path)
        problems += found
        if source is not None and not found:
            sources.append(source)
    if not problems:
        problems = check_rules(sources)
    if problems:
        raise StandardsFileError(problems)
    return sources


def load(directory: Path = DATA_DIR, *, by: Any = None) -> LoadReport:
    """Validate every file, then load them all in one transaction."""
    sources = read_all(directory)
    order = {"ims-harmonized-structure/1": 0, "ims-standard/1": 1, "ims-edition-mapping/1": 2}
    report = LoadReport(files=[s.name for s in sources])
    with transaction.atomic():
        for source in sorted(sources, key=lambda s: order[s.format]):
            if source.format == "ims-harmonized-structure/1":
                _load_hs(source, report)
            elif source.format == "ims-standard/1":
                _load_edition(source, report)
            else:
                _load_mapping(source, report)
        _link_supersedes(sources)
        if report.changed:
            record_change(action="load_standards", by=by, record_type="standards.edition", note=str(report))
    return report


def _upsert(model: type[Any], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


def _load_hs(source: SourceFile, report: LoadReport) -> None:
    for clause in source.data["clauses"]:
        _upsert(
            HsClause,
            {"number": clause["number"]},
            {
                "title": clause["title"],
                "summary": clause.get("summary", ""),
                "sort_key": clause_sort_key(clause["number"]),
            },
            report,
        )


def _load_edition(source: SourceFile, report: LoadReport) -> None:
    meta, ed = source.data["standard"], source.data["edition"]
    standard = _upsert(
        Standard,
        {"code": meta["code"]},
        {"name": meta["name"], "title": meta["title"], "discipline": meta.get("discipline", "")},
        report,
    )
    edition = _upsert(
        Edition,
        {"standard": standard, "code": ed["code"]},
        {
            "label": ed["label"],
            "published": date.fromisoformat(ed["published"]),
            "amendments": ed.get("amendments", []),
            "allows_exclusions": ed["allows_exclusions"],
            "exclusion_rule": ed.get("exclusion_rule", ""),
            "source_file": source.name,
            "content_hash": source.digest,
        },
        report,
    )
    seen: set[str] = set()
    by_number: dict[str, Clause] = {}
    for data, parent in _walk(source.data["clauses"]):
        clause = _upsert(
            Clause,
            {"edition": edition, "number": data["number"]},
            {
                "title": data["title"],
                "parent": by_number.get(parent) if parent else None,
                "requirements": data["requirements"],
                "summary": data.get("summary", ""),
                "hs_number": data.get("hs", ""),
                "common": data.get("common", False),
                "excludable": data.get("excludable", False),
                "sort_key": clause_sort_key(data["number"]),
                "withdrawn": False,
            },
            report,
        )
        by_number[data["number"]] = clause
        seen.add(data["number"])
        _load_mandated(clause, data.get("documented_information", []))
    for gone in edition.clauses.exclude(number__in=seen).filter(withdrawn=False):
        gone.withdrawn = True
        gone.save(update_fields=["withdrawn"])
        report.withdrawn += 1


def _load_mandated(clause: Clause, items: list[dict[str, str]]) -> None:
    wanted = [(item["kind"], item["what"]) for item in items]
    current = list(clause.mandated.order_by("position").values_list("kind", "what"))
    if current != wanted:
        clause.mandated.all().delete()
        MandatedInformation.objects.bulk_create(
            [MandatedInformation(clause=clause, kind=k, what=w, position=i) for i, (k, w) in enumerate(wanted)]
        )


def _edition_by_key(key: str) -> Edition:
    code, year = key.split(":")
    return Edition.objects.get(standard__code=code, code=year)


def _link_supersedes(sources: list[SourceFile]) -> None:
    for source in (s for s in sources if s.format == "ims-standard/1"):
        edition = _edition_by_key(_edition_key(source))
        key = source.data["edition"].get("supersedes")
        target = _edition_by_key(key) if key else None
        if edition.supersedes_id != (target.pk if target else None):
            edition.supersedes = target
            edition.save(update_fields=["supersedes"])


def _load_mapping(source: SourceFile, report: LoadReport) -> None:
    old, new = _edition_by_key(source.data["from"]), _edition_by_key(source.data["to"])
    wanted = [(c.get("from", ""), c.get("to", ""), c["change"], c.get("note", "")) for c in source.data["changes"]]
    existing = EditionChange.objects.filter(from_edition=old, to_edition=new).order_by("id")
    current = list(existing.values_list("from_number", "to_number", "change", "note"))
    if current == wanted:
        report.unchanged += len(wanted)
        return
    if current:
        report.updated += len(wanted)
    else:
        report.created += len(wanted)
    existing.delete()
    EditionChange.objects.bulk_create(
        [
            EditionChange(from_edition=old, to_edition=new, from_number=f, to_number=t, change=c, note=n)
            for f, t, c, n in wanted
        ]
    )
