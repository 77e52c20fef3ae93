"""Reading, validating and loading the shipped factor sets (``ims load-factors``).

Every file is read and checked before anything is written; one bad file
refuses the whole load with messages naming the file, the row, the column and
the problem. Loading is idempotent: an unchanged file changes nothing, a
changed one updates its factors in place (a factor no longer in the file is
archived, never deleted, so inventories that used it keep their trace).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from ims.audit.services import record_change
from ims.factors.dataformat import (
    FACTOR_COLUMNS,
    FORMATS,
    GWP_COLUMNS,
    GWP_FORMAT,
    NUMBER_COLUMNS,
    SIDECAR_TEXT_KEYS,
)
from ims.factors.fields import to_decimal
from ims.factors.models import Category, EmissionFactor, FactorSource, GasBasis, GwpSet, GwpValue, MassUnit, Scope
from ims.factors.units import parse_unit

DATA_DIR = Path(__file__).resolve().parent / "data"
YES_NO = {"yes": True, "no": False}


class FactorsFileError(Exception):
    """One or more files are invalid; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class SourceFile:
    sidecar_path: Path
    meta: dict[str, Any]
    rows: list[dict[str, Any]]
    digest: str

    @property
    def name(self) -> str:
        return self.sidecar_path.name

    @property
    def is_gwp(self) -> bool:
        return bool(self.meta["format"] == GWP_FORMAT)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived)

    def __str__(self) -> str:
        return (
            f"{len(self.files)} sources: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.archived} archived"
        )


def _check_meta(name: str, meta: Any) -> list[str]:
    if not isinstance(meta, dict) or meta.get("format") not in FORMATS:
        return [f"{name}: (top level): 'format' must be one of {', '.join(FORMATS)}"]
    problems = [
        f"{name}: {key}: must be a non-empty text"
        for key in SIDECAR_TEXT_KEYS
        if not isinstance(meta.get(key), str) or not meta[key].strip()
    ]
    if not isinstance(meta.get("year"), int):
        problems.append(f"{name}: year: must be a whole number")
    if not isinstance(meta.get("rows"), int):
        problems.append(f"{name}: rows: must be a whole number")
    if meta.get("gwp_set", "") not in ("", *GwpSet.values):
        problems.append(f"{name}: gwp_set: must be one of {', '.join(GwpSet.values)} or empty")
    if len(str(meta.get("source_sha256", ""))) != 64:
        problems.append(f"{name}: source_sha256: must be 64 hexadecimal digits")
    if not isinstance(meta.get("provenance", {}), dict):
        problems.append(f"{name}: provenance: must be a mapping")
    return problems


def _choice(value: str, choices: list[str], column: str) -> str | None:
    return None if value in choices else f"{column}: “{value}” is not one of {', '.join(choices)}"


def _check_factor(row: dict[str, str]) -> list[str]:
    """Problems of one factor row, as “column: message”."""
    problems: list[str] = []
    for column in ("external_id", "activity", "region", "source_unit", "activity_unit", "source_ref"):
        if not row[column].strip():
            problems.append(f"{column}: is required")
    checks = [
        _choice(row["scope"], Scope.values, "scope"),
        _choice(row["category"], Category.values, "category"),
        _choice(row["gas_basis"], GasBasis.values, "gas_basis"),
        _choice(row["gwp_set"], ["", *GwpSet.values], "gwp_set"),
        _choice(row["market_based"], list(YES_NO), "market_based"),
        *(_choice(row[c], MassUnit.values, c) for c in ("co2e_unit", "co2_unit", "ch4_unit", "n2o_unit")),
    ]
    problems += [p for p in checks if p]
    if not row["year"].isdigit():
        problems.append(f"year: “{row['year']}” is not a year")
    for column in NUMBER_COLUMNS:
        try:
            to_decimal(row[column])
        except Exception:
            problems.append(f"{column}: “{row[column]}” is not a number")
    if not any(row[c].strip() for c in NUMBER_COLUMNS):
        problems.append("co2e: the row gives no figure at all")
    if row["gas_basis"] == GasBasis.CO2E and row["co2e"].strip() and not row["gwp_set"]:
        problems.append("gwp_set: a CO2e figure must say which GWP set it uses")
    try:
        parse_unit(row["activity_unit"])
    except Exception:
        problems.append(f"activity_unit: “{row['activity_unit']}” is not a unit")
    return problems


def _check_gwp(row: dict[str, str]) -> list[str]:
    problems = [] if row["gas"].strip() else ["gas: is required"]
    if p := _choice(row["gwp_set"], GwpSet.values, "gwp_set"):
        problems.append(p)
    try:
        if to_decimal(row["value"]) is None:
            problems.append("value: is required")
    except Exception:
        problems.append(f"value: “{row['value']}” is not a number")
    return problems


def read_file(sidecar_path: Path) -> tuple[SourceFile | None, list[str]]:
    name = sidecar_path.name
    raw = sidecar_path.read_bytes()
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        return None, [f"{name}: not valid YAML ({exc})"]
    problems = _check_meta(name, meta)
    if problems:
        return None, problems
    data_path = sidecar_path.parent / meta["data_file"]
    if not data_path.is_file():
        return None, [f"{name}: data_file: {meta['data_file']} not found"]
    data = data_path.read_bytes()
    columns = GWP_COLUMNS if meta["format"] == GWP_FORMAT else FACTOR_COLUMNS
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    if tuple(reader.fieldnames or ()) != columns:
        return None, [f"{data_path.name}: row 1: the header must be {','.join(columns)}"]
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    check = _check_gwp if meta["format"] == GWP_FORMAT else _check_factor
    key = ("gas", "gwp_set") if meta["format"] == GWP_FORMAT else ("external_id",)
    for number, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            problems.append(f"{data_path.name}: row {number}: has {len(row)} cells, expected {len(columns)}")
            continue
        problems += [f"{data_path.name}: row {number}: {p}" for p in check(row)]
        ident = tuple(row[k] for k in key)
        if ident in seen:
            problems.append(
                f"{data_path.name}: row {number}: {'/'.join(ident)} appears again (first on row {seen[ident]})"
            )
        seen.setdefault(ident, number)
        rows.append(row)
    if len(rows) != meta["rows"]:
        problems.append(f"{name}: rows: says {meta['rows']}, {data_path.name} has {len(rows)}")
    digest = hashlib.sha256(raw + b"\0" + data).hexdigest()
    return SourceFile(sidecar_path, meta, rows, digest), problems


def read_all(directory: Path = DATA_DIR) -> list[SourceFile]:
    """Parse and check every file; raise FactorsFileError listing every problem."""
    paths = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not paths:
        raise FactorsFileError([f"{directory}: no factor files (*.yaml) found"])
    sources, problems = [], []
    for path in paths:
        source, found = read_file(path)
        problems += found
        if source is not None:
            sources.append(source)
    keys = [s.meta["key"] for s in sources]
    problems += [
        f"{s.name}: key: {s.meta['key']} is used by another file" for s in sources if keys.count(s.meta["key"]) > 1
    ]
    if problems:
        raise FactorsFileError(problems)
    return sources


def load(directory: Path = DATA_DIR, *, by: Any = None) -> LoadReport:
    """Check every file, then load them all in one transaction."""
    sources = read_all(directory)
    report = LoadReport(files=[s.name for s in sources])
    with transaction.atomic():
        for source in sources:
            _load_source(source, report)
        if report.changed:
            record_change(action="load_factors", by=by, record_type="factors.factorsource", note=str(report))
    return report


def _source_values(source: SourceFile) -> dict[str, Any]:
    meta = source.meta
    return {
        "publisher": meta["publisher"],
        "title": meta["title"],
        "edition": meta["edition"],
        "year": meta["year"],
        "licence": meta["licence"],
        "licence_url": meta.get("licence_url") or "",
        "attribution": meta["attribution"],
        "url": meta.get("url") or "",
        "gwp_set": meta.get("gwp_set") or "",
        "source_file": meta["source_file"],
        "sha256": meta["source_sha256"],
        "provenance": meta.get("provenance") or {},
        "notes": meta.get("notes") or "",
        "data_file": source.sidecar_path.name,
        "shipped": True,
    }


def _load_source(source: SourceFile, report: LoadReport) -> None:
    record = FactorSource.objects.filter(key=source.meta["key"]).first()
    if record is not None and record.data_hash == source.digest:
        report.unchanged += len(source.rows)
        return
    values = _source_values(source)
    if record is None:
        record = FactorSource.objects.create(key=source.meta["key"], **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    if source.is_gwp:
        _load_gwp(record, source.rows, report)
    else:
        _load_factors(record, source.rows, report)
    record.data_hash, record.loaded_at = source.digest, timezone.now()
    record.save()


def _load_gwp(record: FactorSource, rows: list[dict[str, str]], report: LoadReport) -> None:
    existing = {(g.gwp_set, g.gas): g for g in GwpValue.objects.filter(source=record)}
    for row in rows:
        value = Decimal(row["value"])
        current = existing.pop((row["gwp_set"], row["gas"]), None)
        if current is None:
            GwpValue.objects.update_or_create(
                gwp_set=row["gwp_set"], gas=row["gas"], defaults={"value": value, "source": record}
            )
            report.created += 1
        elif current.value != value or str(current.value) != row["value"]:
            current.value = value
            current.save(update_fields=["value"])
            report.updated += 1
        else:
            report.unchanged += 1
    for gone in existing.values():
        gone.delete()
        report.archived += 1


def _factor_values(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {k: row[k] for k in FACTOR_COLUMNS if k not in ("external_id", "year", "market_based")}
    for column in NUMBER_COLUMNS:
        values[column] = to_decimal(row[column])
    values["year"] = int(row["year"])
    values["market_based"] = YES_NO[row["market_based"]]
    values["archived_at"] = None
    return values


def _same(factor: EmissionFactor, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        current = getattr(factor, name)
        if name in NUMBER_COLUMNS:
            if (None if current is None else format(current, "f")) != (None if value is None else format(value, "f")):
                return False
        elif current != value:
            return False
    return True


def _load_factors(record: FactorSource, rows: list[dict[str, str]], report: LoadReport) -> None:
    existing = {f.external_id: f for f in EmissionFactor.objects.filter(source=record)}
    new: list[EmissionFactor] = []
    for row in rows:
        values = _factor_values(row)
        factor = existing.pop(row["external_id"], None)
        if factor is None:
            new.append(EmissionFactor(source=record, external_id=row["external_id"], **values))
        elif _same(factor, values):
            report.unchanged += 1
        else:
            for name, value in values.items():
                setattr(factor, name, value)
            factor.version += 1
            factor.save()
            report.updated += 1
    EmissionFactor.objects.bulk_create(new, batch_size=500)
    report.created += len(new)
    now = timezone.now()
    for gone in existing.values():
        if gone.archived_at is None:
            gone.archived_at, gone.version = now, gone.version + 1
            gone.save(update_fields=["archived_at", "version", "updated_at"])
            report.archived += 1
