"""The gap report: what a consultant hands to management before a certification audit.

One set of figures (:func:`gap_report_data`), two renderings: a spreadsheet
(:func:`gap_report_xlsx`) and a PDF (:func:`gap_report_pdf`, from the
``readiness/gap_report.html`` template). The checks run once; clauses,
assessments, evidence, applicability decisions and mandated documented
information are read in bulk, so the number of queries does not grow with the
number of clauses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ims.readiness.checks import Outcome, Status, run_all
from ims.readiness.models import Applicability, Assessment, EvidenceLink
from ims.readiness.selectors import RequirementState, edition_readiness, editions_in_scope
from ims.standards.models import Clause, Edition, MandatedInformation
from ims.web.pdf import render_pdf

# How many gaps per standard the summary lists; the edition sections list them all.
TOP_GAPS = 10
OPEN_ACTIONS_NOTE = (
    "The corrective-action register is not in IMS yet: open actions are the owner, due date and notes "
    "recorded on each requirement's assessment."
)
CHECK_LABEL = {Status.FAIL: "fail", Status.NO_DATA: "no data yet", Status.PASS: "pass"}
CHECK_ORDER = {Status.FAIL: 0, Status.NO_DATA: 1, Status.PASS: 2}
NOT_ASSESSED = "—"


@dataclass(frozen=True)
class Evidence:
    record_type: str
    record_id: str
    label: str

    def __str__(self) -> str:
        return f"{self.label} ({self.record_type}:{self.record_id})"


@dataclass
class RequirementRow:
    """One requirement clause with everything the report says about it."""

    state: RequirementState
    justification: str = ""
    owner: str = ""
    due_date: dt.date | None = None
    notes: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    overdue: bool = False

    @property
    def clause(self) -> Clause:
        return self.state.clause

    @property
    def applicable(self) -> bool:
        return self.state.applicable

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def status_label(self) -> str:
        return str(Assessment.Status(self.status).label) if self.applicable else NOT_ASSESSED

    @property
    def failing(self) -> list[Outcome]:
        return self.state.failing

    @property
    def mandated(self) -> list[MandatedInformation]:
        return list(self.clause.mandated.all())  # prefetched by edition_readiness

    @property
    def weight(self) -> float:
        return self.state.weight

    @property
    def is_gap(self) -> bool:
        return self.applicable and (bool(self.failing) or self.weight < 1)

    @property
    def has_action(self) -> bool:
        return bool(self.owner or self.due_date or self.notes)

    @property
    def reasons(self) -> list[str]:
        """Why it is a gap, in plain words: failing checks, else the documents it needs, else its status."""
        if self.failing:
            return [o.result.explanation for o in self.failing]
        if self.mandated:
            return ["Mandates documented information: " + "; ".join(m.what for m in self.mandated)]
        return [f"Status: {self.status_label.lower()}"]


@dataclass(frozen=True)
class GroupScore:
    number: str
    title: str
    score: float


@dataclass(frozen=True)
class Section:
    """A clause group of one edition: its requirement rows and score (None when none applies)."""

    number: str
    title: str
    score: float | None
    rows: list[RequirementRow]


@dataclass
class EditionReport:
    edition: Edition
    score: float
    groups: list[GroupScore]
    requirements: list[RequirementRow]
    gaps: list[RequirementRow]  # in the order they block certification (EditionReadiness.gaps)
    titles: dict[str, str] = field(default_factory=dict)  # clause group number -> title

    @property
    def top_gaps(self) -> list[RequirementRow]:
        return self.gaps[:TOP_GAPS]

    @property
    def applicable_count(self) -> int:
        return sum(1 for r in self.requirements if r.applicable)

    @property
    def not_applicable(self) -> list[RequirementRow]:
        return [r for r in self.requirements if not r.applicable]

    @property
    def sections(self) -> list[Section]:
        """The requirements under their clause group, in document order."""
        scores = {g.number: g.score for g in self.groups}
        grouped: dict[str, list[RequirementRow]] = defaultdict(list)
        for row in self.requirements:
            grouped[row.clause.number.split(".")[0]].append(row)
        return [Section(n, self.titles.get(n, ""), scores.get(n), rows) for n, rows in grouped.items()]


@dataclass(frozen=True)
class CheckRow:
    key: str
    title: str
    clauses: str
    status: Status
    explanation: str

    @property
    def status_label(self) -> str:
        return CHECK_LABEL[self.status]


@dataclass(frozen=True)
class GroupRow:
    """One clause group across the editions in scope (None where an edition has nothing to score)."""

    number: str
    title: str
    scores: list[float | None]


@dataclass
class GapReport:
    organisation: str | None
    generated_at: dt.datetime
    editions: list[EditionReport]
    checks: list[CheckRow]
    open_actions_note: str = OPEN_ACTIONS_NOTE

    @property
    def date(self) -> dt.date:
        return timezone.localdate(self.generated_at)

    @property
    def group_rows(self) -> list[GroupRow]:
        titles: dict[str, str] = {}
        for report in self.editions:
            for g in report.groups:
                titles.setdefault(g.number, g.title)
        scores = [{g.number: g.score for g in report.groups} for report in self.editions]
        return [
            GroupRow(number, title, [s.get(number) for s in scores])
            for number, title in sorted(titles.items(), key=lambda i: _numeric(i[0]))
        ]

    @property
    def open_actions(self) -> list[tuple[EditionReport, RequirementRow]]:
        """Gaps someone has taken on (owner, due date or notes), soonest due first."""
        rows = [(e, r) for e in self.editions for r in e.gaps if r.has_action]
        return sorted(rows, key=lambda i: (i[1].due_date or dt.date.max, i[0].edition.label, i[1].clause.sort_key))


def _numeric(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**6, number)


# ---------------------------------------------------------------------------------------------- data


def gap_report_data(editions: Sequence[Edition] | None = None) -> GapReport:
    """Everything the gap report shows, for the given editions (default: the editions in scope)."""
    from ims.org.models import Organisation

    chosen = list(editions_in_scope() if editions is None else editions)
    now = timezone.now()
    outcomes = run_all(now)
    states = [edition_readiness(e, outcomes) for e in chosen]
    rows = _requirement_rows([r for s in states for r in s.requirements], timezone.localdate(now))
    titles = _group_titles(chosen)
    reports = []
    for state in states:
        own = titles.get(state.edition.pk, {})
        groups = [GroupScore(g, own.get(g, ""), v) for g, v in state.by_group().items()]
        requirements = [rows[r.clause.pk] for r in state.requirements]
        gaps = [rows[r.clause.pk] for r in state.gaps()]
        reports.append(EditionReport(state.edition, state.score, groups, requirements, gaps, own))
    organisation = Organisation.objects.filter(pk=1).values_list("name", flat=True).first()
    return GapReport(organisation, now, reports, _check_rows(outcomes, chosen))


def _requirement_rows(states: list[RequirementState], today: dt.date) -> dict[int, RequirementRow]:
    """A row per requirement, by clause id: three queries whatever the number of clauses."""
    clauses = [s.clause for s in states]
    ids = [c.pk for c in clauses]
    justification = dict(
        Applicability.objects.filter(clause_id__in=ids, applicable=False).values_list("clause_id", "justification")
    )
    by_clause, by_hs = _assessments(clauses)
    rows = {}
    for state in states:
        clause = state.clause
        common = clause.common and clause.hs_number
        assessment = by_hs.get(clause.hs_number) if common else by_clause.get(clause.pk)
        row = RequirementRow(state, justification.get(clause.pk, ""))
        if assessment is not None:
            _fill_from(row, assessment, today)
        rows[clause.pk] = row
    return rows


def _fill_from(row: RequirementRow, assessment: Assessment, today: dt.date) -> None:
    row.owner = str(assessment.owner) if assessment.owner else ""
    row.due_date = assessment.due_date
    row.notes = assessment.notes.strip()
    row.evidence = [Evidence(e.record_type, e.record_id, e.label) for e in assessment.evidence.all()]
    row.overdue = bool(row.due_date and row.due_date < today and row.is_gap)


def _assessments(clauses: list[Clause]) -> tuple[dict[int, Assessment], dict[str, Assessment]]:
    """The assessments that answer these clauses: by clause id, and the shared ones by HS number."""
    hs_numbers = {c.hs_number for c in clauses if c.common and c.hs_number}
    found = (
        Assessment.objects.filter(Q(clause_id__in=[c.pk for c in clauses]) | Q(hs_number__in=hs_numbers))
        .select_related("owner")
        .prefetch_related(Prefetch("evidence", queryset=EvidenceLink.objects.order_by("added_at", "pk")))
    )
    by_clause: dict[int, Assessment] = {}
    by_hs: dict[str, Assessment] = {}
    for assessment in found:
        if assessment.hs_number:
            by_hs[assessment.hs_number] = assessment
        elif assessment.clause_id is not None:
            by_clause[assessment.clause_id] = assessment
    return by_clause, by_hs


def _group_titles(editions: list[Edition]) -> dict[int, dict[str, str]]:
    """The titles of the top-level clauses (4 Context of the organization …) per edition id."""
    titles: dict[int, dict[str, str]] = defaultdict(dict)
    top = Clause.objects.filter(edition__in=editions, parent__isnull=True).values_list("edition_id", "number", "title")
    for edition_id, number, title in top:
        titles[edition_id][number] = title
    return titles


def _check_rows(outcomes: list[Outcome], editions: list[Edition]) -> list[CheckRow]:
    """The checks that concern a standard in scope, failing first, then no data, then passing."""
    names = {e.standard.code: e.standard.name for e in editions}
    relevant = [o for o in outcomes if any(c.standard in names for c in o.check.clauses)]
    relevant.sort(key=lambda o: (CHECK_ORDER[o.result.status], o.check.key))
    return [
        CheckRow(
            o.check.key,
            o.check.title,
            ", ".join(f"{names.get(c.standard, c.standard)} {c.number}" for c in o.check.clauses),
            o.result.status,
            o.result.explanation,
        )
        for o in relevant
    ]


# ---------------------------------------------------------------------------------------------- XLSX

COLUMNS = (
    ("Clause", 9),
    ("Title", 38),
    ("Applicable", 11),
    ("Justification", 32),
    ("Status", 14),
    ("Owner", 18),
    ("Due", 12),
    ("Evidence", 34),
    ("Failing checks", 45),
    ("Documented information", 45),
    ("Notes", 40),
)
# A spreadsheet treats text starting with these as a formula (or DDE) once the cell is edited.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="E8F1FB")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def gap_report_xlsx(report: GapReport) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    _summary_sheet(summary, report)
    used = {"summary"}
    for edition in report.editions:
        _edition_sheet(book.create_sheet(_sheet_title(edition.edition, used)), edition)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(edition: Edition, used: set[str]) -> str:
    """A legal, unique sheet name (at most 31 characters, none of []:*?/\\), e.g. "ISO 9001 (2015)"."""
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{edition.standard.name} ({edition.code})").strip()[:31] or "Edition"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _safe(value: Any) -> Any:
    """Text without characters XML forbids; empty text as an empty cell."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value or None
    return value


def _append(sheet: Worksheet, values: Iterable[Any], *, font: Font | None = None) -> None:
    """Add a row; text that a spreadsheet could read as a formula stays text."""
    cleaned = [_safe(v) for v in values]
    sheet.append(cleaned)
    for column in range(1, len(cleaned) + 1):
        cell = sheet.cell(sheet.max_row, column)
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cell.quotePrefix = True  # and the spreadsheet keeps it text when someone edits the cell
        elif isinstance(cell.value, dt.date):
            cell.number_format = DATE_FORMAT
        if font is not None:
            cell.font = font
        cell.alignment = WRAP


def _header(sheet: Worksheet, values: list[str]) -> None:
    _append(sheet, values, font=BOLD)
    for column in range(1, len(values) + 1):
        sheet.cell(sheet.max_row, column).fill = HEADER_FILL


def _lines(items: Iterable[object]) -> str:
    return "\n".join(str(i) for i in items)


def _edition_sheet(sheet: Worksheet, report: EditionReport) -> None:
    _header(sheet, [name for name, _ in COLUMNS])
    for row in report.requirements:
        _append(sheet, _xlsx_row(row))
    for i, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{sheet.max_row}"


def _xlsx_row(row: RequirementRow) -> list[Any]:
    return [
        row.clause.number,
        row.clause.title,
        "Yes" if row.applicable else "No",
        row.justification,
        row.status_label,
        row.owner,
        row.due_date,
        _lines(row.evidence),
        _lines(f"{o.check.title}: {o.result.explanation}" for o in row.failing),
        _lines(f"{m.get_kind_display()}: {m.what}" for m in row.mandated),
        row.notes,
    ]


def _summary_sheet(sheet: Worksheet, report: GapReport) -> None:
    _append(sheet, ["Gap report — certification readiness"], font=HEADING)
    _append(sheet, ["Organisation", report.organisation or "Not recorded yet"])
    _append(sheet, ["Date", report.date])
    _append(sheet, ["Open actions", report.open_actions_note])
    _summary_scores(sheet, report)
    _section(sheet, "Automatic evidence checks", ["Check", "Clauses", "Result", "Why"])
    for c in report.checks:
        _append(sheet, [c.title, c.clauses, c.status_label, c.explanation])
    _summary_gaps(sheet, report)
    for i, width in enumerate([28, 45, 16, 60, 50, 18, 12], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _summary_scores(sheet: Worksheet, report: GapReport) -> None:
    header = ["Standard", "Score (%)", "Applicable requirements", "Not applicable", "Gaps"]
    _section(sheet, "Score per standard", header)
    for e in report.editions:
        _append(sheet, [e.edition.label, e.score, e.applicable_count, len(e.not_applicable), len(e.gaps)])
    _section(
        sheet, "Score per clause group (%)", ["Clause group", "Title", *(e.edition.label for e in report.editions)]
    )
    for g in report.group_rows:
        _append(sheet, [g.number, g.title, *g.scores])


def _summary_gaps(sheet: Worksheet, report: GapReport) -> None:
    title = f"Top gaps per standard, what blocks certification first (at most {TOP_GAPS} each)"
    _section(sheet, title, ["Standard", "Clause", "Title", "Status", "Why it is a gap", "Owner", "Due"])
    for e in report.editions:
        for r in e.top_gaps:
            reasons = _lines(r.reasons)
            _append(
                sheet, [e.edition.label, r.clause.number, r.clause.title, r.status_label, reasons, r.owner, r.due_date]
            )
    title = "Open actions (gaps with an owner, a due date or notes)"
    _section(sheet, title, ["Standard", "Clause", "Title", "Owner", "Due", "Notes"])
    for e, r in report.open_actions:
        _append(sheet, [e.edition.label, r.clause.number, r.clause.title, r.owner, r.due_date, r.notes])


def _section(sheet: Worksheet, title: str, header: list[str]) -> None:
    sheet.append([])
    _append(sheet, [title], font=HEADING)
    _header(sheet, header)


# ---------------------------------------------------------------------------------------------- PDF


def gap_report_pdf(report: GapReport, *, base_url: str) -> bytes:
    """The report as an A4 PDF; relative links resolve against ``base_url``, nothing is fetched."""
    return render_pdf("readiness/gap_report.html", {"report": report, "top_gaps": TOP_GAPS}, base_url=base_url)
