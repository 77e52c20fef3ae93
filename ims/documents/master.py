"""The master list of documents: the document register an auditor asks for (7.5.3), and its coverage.

One set of figures (:func:`master_list`), three renderings: the page, a
spreadsheet (:func:`master_xlsx`) and an A4 PDF (:func:`master_pdf`, from the
``documents/master_pdf.html`` template). Every table is read in bulk, so the
number of queries does not grow with the number of documents.

Coverage answers "is each documented information the standards say to
*maintain* a current controlled document?": an item is covered when a
document linked to its clause has an effective revision and is not past its
next review. The readiness check for 7.5 (:mod:`ims.documents.checks`) reads
the same answer for the whole organisation.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.accounts.models import Membership
from ims.documents.models import (
    OPEN_STATUSES,
    Acknowledgement,
    Distribution,
    DocType,
    Document,
    Revision,
    RevisionStatus,
)
from ims.documents.selectors import documents_visible_to
from ims.org.models import Site
from ims.standards.models import Clause, Edition, MandatedInformation
from ims.tabular.export import neutralise, xlsx_bytes
from ims.web.pdf import render_pdf

S = RevisionStatus
_CLAUSES = Document.clauses.through
_SITES = Document.sites.through


# ---------------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class MasterRow:
    """One document of the register with what an auditor reads about it."""

    document: Document
    effective: Revision | None
    in_progress: str  # status label of a revision being prepared, "" when none
    withdrawn: bool  # no effective revision because the last one was made obsolete
    sites: list[Site]
    clauses: list[Clause]
    overdue: bool
    acknowledged: int
    asked: int

    @property
    def sites_label(self) -> str:
        return ", ".join(s.code for s in self.sites) or "All sites"

    @property
    def clauses_label(self) -> str:
        return "; ".join(clause_label(c) for c in self.clauses)

    @property
    def acknowledged_percent(self) -> int | None:
        return round(100 * self.acknowledged / self.asked) if self.asked else None

    @property
    def retention(self) -> str:
        d = self.document
        if d.retention_years is None:
            return ""
        years = f"{d.retention_years} year{'s' if d.retention_years != 1 else ''}"
        return f"{years}. {d.disposal}" if d.disposal else years


def clause_label(clause: Clause) -> str:
    """'ISO 9001 7.5': the standard's name and the clause number (the edition shows in the coverage)."""
    return f"{clause.edition.standard.name} {clause.number}"


# ---------------------------------------------------------------------------------------------- coverage


class Cover(StrEnum):
    COVERED = "covered"
    NO_DOCUMENT = "no_document"
    NOT_EFFECTIVE = "not_effective"
    REVIEW_OVERDUE = "review_overdue"
    NOT_APPLICABLE = "not_applicable"


COVER_LABELS = {
    Cover.COVERED: "covered",
    Cover.NO_DOCUMENT: "no document",
    Cover.NOT_EFFECTIVE: "not effective",
    Cover.REVIEW_OVERDUE: "review overdue",
    Cover.NOT_APPLICABLE: "not applicable",
}


@dataclass(frozen=True)
class Coverage:
    """One mandated "maintain" item of an edition in scope and the documents that do (or should) cover it."""

    item: MandatedInformation
    status: Cover
    documents: tuple[Document, ...] = ()  # covering ones when covered, else the linked ones that fall short
    justification: str = ""  # why the clause is not applicable

    @property
    def clause(self) -> Clause:
        return self.item.clause

    @property
    def edition(self) -> Edition:
        return self.item.clause.edition

    @property
    def label(self) -> str:
        """'ISO 9001:2015 8.5.1 Characteristics of the products …'."""
        return f"{self.edition.label} {self.clause.number} {self.item.what}"

    @property
    def status_label(self) -> str:
        return COVER_LABELS[self.status]

    @property
    def ok(self) -> bool:
        return self.status in (Cover.COVERED, Cover.NOT_APPLICABLE)

    @property
    def reason(self) -> str:
        numbers = ", ".join(d.number for d in self.documents)
        many = len(self.documents) > 1
        if self.status == Cover.COVERED:
            return f"Covered by {numbers}."
        if self.status == Cover.NOT_APPLICABLE:
            why = self.justification.rstrip(". ")
            return f"Clause declared not applicable: {why}." if why else "Clause declared not applicable."
        if self.status == Cover.REVIEW_OVERDUE:
            dates = ", ".join(f"{d.number} since {d.next_review:%Y-%m-%d}" for d in self.documents if d.next_review)
            return f"Review overdue ({dates})."
        if self.status == Cover.NOT_EFFECTIVE:
            return f"Not effective: {numbers} {'have' if many else 'has'} no effective revision."
        return "No document: no controlled document is linked to this clause."


def _is_overdue(document: Document, today: dt.date) -> bool:
    return document.next_review is not None and document.next_review < today


def _within(clause: Clause | None) -> Q:
    """Clauses equal to ``clause`` or below it (7.5 takes in 7.5.3), as a filter on Clause."""
    if clause is None:
        return Q()
    return Q(pk=clause.pk) | Q(edition_id=clause.edition_id, number__startswith=f"{clause.number}.")


def coverage(
    documents: QuerySet[Document],
    *,
    editions: Sequence[Edition],
    today: dt.date,
    clause: Clause | None = None,
) -> list[Coverage]:
    """Each mandated "maintain" item of ``editions`` (under ``clause`` if given), judged on ``documents``."""
    from ims.readiness.models import Applicability

    wanted = MandatedInformation.objects.filter(
        kind=MandatedInformation.Kind.MAINTAIN, clause__edition__in=list(editions), clause__withdrawn=False
    )
    if clause is not None:
        wanted = wanted.filter(clause__in=Clause.objects.filter(_within(clause)))
    items = list(
        wanted.select_related("clause__edition__standard").order_by(
            "clause__edition__standard__code", "clause__edition__code", "clause__sort_key", "position"
        )
    )
    clause_ids = {i.clause_id for i in items}
    excluded = dict(
        Applicability.objects.filter(clause_id__in=clause_ids, applicable=False).values_list(
            "clause_id", "justification"
        )
    )
    # A record is retained evidence, not a maintained document: it never covers an item to maintain.
    current = documents.filter(archived_at__isnull=True).exclude(doc_type=DocType.RECORD)
    linked: dict[int, list[int]] = defaultdict(list)
    for clause_id, document_id in _CLAUSES.objects.filter(
        clause_id__in=clause_ids, document_id__in=current.values("pk")
    ).values_list("clause_id", "document_id"):
        linked[clause_id].append(document_id)
    ids = {d for ds in linked.values() for d in ds}
    found = {d.pk: d for d in Document.objects.filter(pk__in=ids).order_by("number")}
    effective = set(
        Revision.objects.filter(document_id__in=ids, status=S.EFFECTIVE).values_list("document_id", flat=True)
    )
    result = []
    for item in items:
        docs = sorted((found[d] for d in linked.get(item.clause_id, [])), key=lambda d: d.number)
        result.append(_judge(item, docs, effective, excluded, today))
    return result


def _judge(
    item: MandatedInformation, docs: list[Document], effective: set[int], excluded: dict[int, str], today: dt.date
) -> Coverage:
    if item.clause_id in excluded:
        return Coverage(item, Cover.NOT_APPLICABLE, justification=excluded[item.clause_id].strip())
    in_force = [d for d in docs if d.pk in effective]
    good = [d for d in in_force if not _is_overdue(d, today)]
    if good:
        return Coverage(item, Cover.COVERED, tuple(good))
    if in_force:
        return Coverage(item, Cover.REVIEW_OVERDUE, tuple(in_force))
    if docs:
        return Coverage(item, Cover.NOT_EFFECTIVE, tuple(docs))
    return Coverage(item, Cover.NO_DOCUMENT)


# ---------------------------------------------------------------------------------------------- audience


def audiences(document_ids: Iterable[int]) -> dict[int, set[int]]:
    """Active people asked to read each document (named, by role or by site), by document id.

    The same rule as :func:`ims.documents.services.audience`, for many documents in four queries.
    """
    entries = list(
        Distribution.objects.filter(document_id__in=list(document_ids)).values_list(
            "document_id", "user_id", "role", "site_id"
        )
    )
    roles = {role for _, _, role, _ in entries if role}
    sites = {site for _, _, _, site in entries if site}
    by_role: dict[str, set[int]] = defaultdict(set)
    by_site: dict[int, set[int]] = defaultdict(set)
    if roles or sites:
        members = Membership.objects.filter(Q(role__in=roles) | Q(site_id__in=sites))
        for user_id, role, site_id in members.values_list("user_id", "role", "site_id"):
            by_role[role].add(user_id)
            if site_id is not None:
                by_site[site_id].add(user_id)
    people: dict[int, set[int]] = defaultdict(set)
    for document_id, user_id, role, site_id in entries:
        if user_id:
            people[document_id].add(user_id)
        elif role:
            people[document_id] |= by_role[role]
        elif site_id:
            people[document_id] |= by_site[site_id]
    everyone = {u for us in people.values() for u in us}
    active = set(get_user_model().objects.filter(pk__in=everyone, is_active=True).values_list("pk", flat=True))
    return {d: us & active for d, us in people.items()}


# ---------------------------------------------------------------------------------------------- the list


@dataclass
class MasterList:
    organisation: str | None
    generated_at: dt.datetime
    today: dt.date
    rows: list[MasterRow]
    coverage: list[Coverage]
    editions: list[Edition]
    standard: str = ""  # the filter, as chosen
    clause: Clause | None = None
    standards: list[tuple[str, str]] = field(default_factory=list)  # (code, name) to filter by

    @property
    def uncovered(self) -> list[Coverage]:
        return [c for c in self.coverage if not c.ok]

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue)

    @property
    def filter_label(self) -> str:
        parts = []
        if self.clause is not None:
            parts.append(f"{self.clause.edition.label} {self.clause.number} {self.clause.title}")
        elif self.standard:
            parts.append(dict(self.standards).get(self.standard, self.standard))
        return "; ".join(parts)


def _standards(editions: Sequence[Edition]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for e in Edition.objects.select_related("standard").order_by("standard__code"):
        seen.setdefault(e.standard.code, e.standard.name)
    for e in editions:
        seen.setdefault(e.standard.code, e.standard.name)
    return sorted(seen.items())


def master_list(
    user: Any, *, standard: str = "", clause_id: int | None = None, today: dt.date | None = None
) -> MasterList:
    """The register of every non-archived document ``user`` may see, filtered by standard or clause.

    A clause filter takes in the clause's sub-clauses; an unknown standard or clause filters nothing out.
    """
    from ims.org.models import Organisation
    from ims.readiness.selectors import editions_in_scope

    now = timezone.now()
    day = today or timezone.localdate(now)
    editions = editions_in_scope()
    known = _standards(editions)
    standard = standard if standard in dict(known) else ""
    clause = None
    if clause_id is not None:
        clause = Clause.objects.select_related("edition__standard").filter(pk=clause_id).first()
    visible = documents_visible_to(user)
    documents = visible.filter(archived_at__isnull=True)
    if clause is not None:
        documents = documents.filter(
            Exists(
                _CLAUSES.objects.filter(document_id=OuterRef("pk"), clause__in=Clause.objects.filter(_within(clause)))
            )
        )
    elif standard:
        documents = documents.filter(
            Exists(_CLAUSES.objects.filter(document_id=OuterRef("pk"), clause__edition__standard__code=standard))
        )
    # The coverage of the clause's own edition, even one not in scope (e.g. the next edition, ahead of a transition).
    scope = (
        [clause.edition] if clause is not None else [e for e in editions if e.standard.code == standard or not standard]
    )
    return MasterList(
        organisation=Organisation.objects.filter(pk=1).values_list("name", flat=True).first(),
        generated_at=now,
        today=day,
        rows=rows_for(documents.order_by("number", "pk"), today=day),
        coverage=coverage(visible, editions=scope, today=day, clause=clause),
        editions=scope,
        standard=standard,
        clause=clause,
        standards=known,
    )


def rows_for(documents: QuerySet[Document], *, today: dt.date) -> list[MasterRow]:
    """A row per document: a fixed number of queries, whatever the number of documents."""
    docs = list(documents.select_related("owner"))
    ids = [d.pk for d in docs]
    sites: dict[int, list[Site]] = defaultdict(list)
    for link in _SITES.objects.filter(document_id__in=ids).select_related("site").order_by("site__code"):
        sites[link.document_id].append(link.site)
    clauses: dict[int, list[Clause]] = defaultdict(list)
    for c in _CLAUSES.objects.filter(document_id__in=ids).select_related("clause__edition__standard"):
        clauses[c.document_id].append(c.clause)
    effective = {r.document_id: r for r in Revision.objects.filter(document_id__in=ids, status=S.EFFECTIVE)}
    labels = dict(S.choices)
    in_progress = {
        d: str(labels[s])
        for d, s in Revision.objects.filter(document_id__in=ids, status__in=OPEN_STATUSES).values_list(
            "document_id", "status"
        )
    }
    withdrawn = set(
        Revision.objects.filter(document_id__in=[i for i in ids if i not in effective], status=S.OBSOLETE).values_list(
            "document_id", flat=True
        )
    )
    people = audiences(ids)
    done: dict[int, set[int]] = defaultdict(set)
    for revision_id, user_id in Acknowledgement.objects.filter(
        revision_id__in=[r.pk for r in effective.values()]
    ).values_list("revision_id", "user_id"):
        done[revision_id].add(user_id)
    rows = []
    for d in docs:
        asked = people.get(d.pk, set())
        current = effective.get(d.pk)
        rows.append(
            MasterRow(
                document=d,
                effective=current,
                in_progress=in_progress.get(d.pk, ""),
                withdrawn=d.pk in withdrawn,
                sites=sites[d.pk],
                clauses=sorted(clauses[d.pk], key=lambda c: (c.edition.standard.code, c.edition.code, c.sort_key)),
                overdue=current is not None and _is_overdue(d, today),
                acknowledged=len(asked & done[current.pk]) if current else 0,
                asked=len(asked),
            )
        )
    return rows


def clause_choices(user: Any) -> list[tuple[str, list[Clause]]]:
    """Clauses worth filtering by, per edition: those a visible document serves, and those mandating a document."""
    from ims.readiness.selectors import editions_in_scope

    served = _CLAUSES.objects.filter(
        document_id__in=documents_visible_to(user).filter(archived_at__isnull=True).values("pk")
    ).values("clause_id")
    mandated = MandatedInformation.objects.filter(
        kind=MandatedInformation.Kind.MAINTAIN, clause__edition__in=editions_in_scope()
    ).values("clause_id")
    clauses = (
        Clause.objects.filter(Q(pk__in=served) | Q(pk__in=mandated))
        .select_related("edition__standard")
        .order_by("edition__standard__code", "edition__code", "sort_key")
    )
    grouped: dict[str, list[Clause]] = {}
    for c in clauses:
        grouped.setdefault(c.edition.label, []).append(c)
    return list(grouped.items())


# ---------------------------------------------------------------------------------------------- XLSX

REGISTER_HEADER = (
    "Number",
    "Title",
    "Type",
    "Effective revision",
    "Effective since",
    "Revision in progress or withdrawn",
    "Owner",
    "Sites",
    "Clauses served",
    "Next review",
    "Review overdue",
    "Acknowledged",
    "Asked to read",
    "Retention",
)
COVERAGE_HEADER = ("Standard", "Clause", "Clause title", "Documented information to maintain", "Status", "Why")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register_row(row: MasterRow) -> list[Any]:
    d, current = row.document, row.effective
    return [
        d.number,
        d.title,
        d.get_doc_type_display(),
        current.number if current else None,
        timezone.localdate(current.effective_at) if current and current.effective_at else None,
        row.in_progress or ("Withdrawn" if row.withdrawn else ""),
        str(d.owner),
        row.sites_label,
        row.clauses_label,
        d.next_review,
        "yes" if row.overdue else "no",
        row.acknowledged if row.asked else None,
        row.asked or None,
        row.retention,
    ]


def _coverage_row(c: Coverage) -> list[Any]:
    return [c.edition.label, c.clause.number, c.clause.title, c.item.what, c.status_label, c.reason]


def master_xlsx(master: MasterList) -> bytes:
    """The register on one sheet, the coverage of mandated documents on a second."""
    from openpyxl import load_workbook  # imported when a workbook is made
    from openpyxl.styles import Font

    register = xlsx_bytes(REGISTER_HEADER, (_register_row(r) for r in master.rows), title="Master list")
    book = load_workbook(io.BytesIO(register))
    sheet = book.create_sheet("Mandated documents")
    sheet.append(list(COVERAGE_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in master.coverage:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in _coverage_row(c)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    for column, width in zip("ABCDEF", (16, 9, 40, 60, 15, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- PDF


def master_pdf(master: MasterList, *, base_url: str) -> bytes:
    """The master list as an A4 landscape PDF; nothing is fetched over the network."""
    return render_pdf("documents/master_pdf.html", {"master": master}, base_url=base_url)
