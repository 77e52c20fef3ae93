"""Imports of complaints and survey results from CSV or XLSX, validated whole: all or nothing.

A CRM's export of complaints is matched on its own id (*external ref*): a row
already recorded is left as it is, so the same file can be sent again. Survey
results go into one survey: one row per response, one column per question
(its code), each score checked against the question's scale. A customer code
that is not known refuses the file, naming the row and the column.
"""

from __future__ import annotations

from typing import IO, Any

from ims.core.errors import ValidationFailed
from ims.feedback.models import Complaint, Customer, Survey
from ims.feedback.services import complaint_create, response_add
from ims.org.models import Site
from ims.processes.models import Process
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

COMPLAINT_COLUMNS = [
    Column("external ref", help="The CRM's own id of the complaint; a known one is skipped"),
    Column("customer", required=True, help="Customer code, e.g. AGRITECH (the customer must exist)"),
    Column("received on", required=True, parse=values.date, aliases=("received",), help="YYYY-MM-DD"),
    Column("description", required=True, aliases=("complaint",)),
    Column("title"),
    Column("site", help="Site code; empty: the customer's only site"),
    Column("order ref", aliases=("order",), help="Order, delivery or invoice number"),
    Column("product ref", aliases=("product",), help="Part number or product"),
    Column("response due", parse=values.date, help="YYYY-MM-DD; empty: received on + the usual response time"),
    Column("process", help="Process reference, e.g. PRC-07"),
]

RESPONSE_COLUMNS = [
    Column("external ref", help="The survey tool's id of the response; a known one is skipped"),
    Column("customer", required=True, help="Customer code (the customer must exist)"),
    Column("answered on", required=True, parse=values.date, aliases=("date",), help="YYYY-MM-DD"),
    Column("respondent", help="Who answered"),
    Column("comment", aliases=("comments",)),
]


def _customers() -> dict[str, Customer]:
    return {c.code.lower(): c for c in Customer.objects.filter(archived_at__isnull=True)}


def _customer(customers: dict[str, Customer], code: Any) -> Customer:
    found = customers.get(str(code).strip().lower())
    if found is None:
        raise ValidationFailed({"customer": [f"“{code}” is not a customer code; add the customer first."]})
    return found


def import_complaints(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COMPLAINT_COLUMNS, key="external ref")
    customers = _customers()
    sites = {s.code.lower(): s for s in Site.objects.filter(archived_at__isnull=True)}
    processes = {p.reference.lower(): p for p in Process.objects.filter(archived_at__isnull=True)}

    def write(row: ParsedRow) -> str:
        data = row.values
        customer = _customer(customers, data["customer"])
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        process = None
        if data["process"]:
            process = processes.get(str(data["process"]).lower())
            if process is None:
                raise ValidationFailed({"process": [f"“{data['process']}” is not a process reference."]})
        external = data["external ref"] or ""
        if external and Complaint.objects.filter(external_ref=external).exists():
            return "unchanged"
        complaint_create(
            by=by,
            customer=customer,
            site=site,
            received_on=data["received on"],
            description=data["description"],
            title=data["title"] or "",
            order_ref=data["order ref"] or "",
            product_ref=data["product ref"] or "",
            response_due=data["response due"],
            external_ref=external,
            process=process,
        )
        return "created"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report


def response_columns(survey: Survey) -> list[Column]:
    """The fixed columns, then one per question, named by its code (or its text)."""
    questions = [
        Column(q.code, aliases=(" ".join(q.text.split()).lower(),), help=f"{q.text} ({q.scale})")
        for q in survey.questions.order_by("position")
    ]
    return [*RESPONSE_COLUMNS, *questions]


def import_responses(*, by: Any, survey: Survey, stream: IO[bytes]) -> ImportReport:
    columns = response_columns(survey)
    codes = [c.name for c in columns[len(RESPONSE_COLUMNS) :]]
    rows, ignored = parse(stream, columns, key="external ref")
    customers = _customers()

    def write(row: ParsedRow) -> str:
        data = row.values
        customer = _customer(customers, data["customer"])
        external = data["external ref"] or ""
        if external and survey.responses.filter(external_ref=external).exists():
            return "unchanged"
        response_add(
            by=by,
            survey=survey,
            customer=customer,
            answered_on=data["answered on"],
            scores={code: data[code] for code in codes if data[code] not in (None, "")},
            respondent=data["respondent"] or "",
            comment=data["comment"] or "",
            external_ref=external,
        )
        return "created"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
