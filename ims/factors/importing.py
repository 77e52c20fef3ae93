"""Importing own emission factors from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from ims.core.errors import ValidationFailed
from ims.factors.models import Category, EmissionFactor, GwpSet, Scope
from ims.factors.services import factor_create, factor_update
from ims.org.models import Site
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse


def _choice(choices: list[tuple[str, Any]]) -> Any:
    return lambda raw: values.choice(raw, {str(code): str(label) for code, label in choices})


def _year(raw: Any) -> int:
    number = values.decimal(raw)
    if number != number.to_integral_value() or not 1990 <= number <= 2100:
        raise values.CellError(f"“{values.text(raw)}” is not a year")
    return int(number)


COLUMNS = [
    Column("reference", help="Stable key (EF-007 or the supplier's); a row with a known reference updates it"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("year", parse=_year, required=True),
    Column("region", required=True, help="GB, US, an eGRID subregion, a country or grid code"),
    Column("scope", parse=_choice(Scope.choices), required=True, help="1, 2, 3 or outside"),
    Column("category", parse=_choice(Category.choices), required=True),
    Column("activity", required=True),
    Column("unit", aliases=("activity unit",), required=True, help="A unit such as kWh, litre, tonne, km"),
    Column("source unit", help="The unit as the supplier writes it (default: the unit)"),
    Column("kg co2e", aliases=("co2e",), parse=values.decimal, required=True, help="kg CO2e per unit"),
    Column("kg co2e of co2", aliases=("co2",), parse=values.decimal),
    Column("kg co2e of ch4", aliases=("ch4",), parse=values.decimal),
    Column("kg co2e of n2o", aliases=("n2o",), parse=values.decimal),
    Column("gwp set", parse=_choice(GwpSet.choices), required=True, help="AR4, AR5 or AR6"),
    Column("market based", parse=values.boolean),
    Column("valid from", parse=values.date),
    Column("valid to", parse=values.date),
    Column("citation", help="Where the figure comes from: supplier, contract, measurement"),
    Column("notes"),
]


# The file's column for each field a service may refuse, so a problem names the column the person sees.
FIELD_COLUMNS = {
    "external_id": "reference",
    "activity_unit": "unit",
    "source_unit": "source unit",
    "co2e": "kg co2e",
    "co2": "kg co2e of co2",
    "ch4": "kg co2e of ch4",
    "n2o": "kg co2e of n2o",
    "gwp_set": "gwp set",
    "market_based": "market based",
    "valid_from": "valid from",
    "valid_to": "valid to",
}


def _in_file_terms(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed({FIELD_COLUMNS.get(field, field): msgs for field, msgs in exc.errors.items()})


def import_factors(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        try:
            return write_row(row)
        except ValidationFailed as exc:
            raise _in_file_terms(exc) from None

    def write_row(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        fields = {
            "year": data["year"],
            "region": data["region"],
            "scope": data["scope"],
            "category": data["category"],
            "activity": data["activity"],
            "activity_unit": data["unit"],
            "source_unit": data["source unit"] or "",
            "co2e": data["kg co2e"],
            "co2": data["kg co2e of co2"],
            "ch4": data["kg co2e of ch4"],
            "n2o": data["kg co2e of n2o"],
            "gwp_set": data["gwp set"],
            "market_based": bool(data["market based"]),
            "valid_from": data["valid from"],
            "valid_to": data["valid to"],
            "citation": data["citation"] or "",
            "notes": data["notes"] or "",
        }
        reference = data["reference"] or ""
        existing = (
            EmissionFactor.objects.filter(source__isnull=True, external_id=reference).first() if reference else None
        )
        if existing is None:
            factor_create(by=by, site=site, external_id=reference, **fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.external_id} belongs to {existing.site_label}; factors do not move."]}
            )
        before = existing.version
        updated = factor_update(by=by, factor=existing, version=existing.version, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
