"""The analysis of the improvement register as charts with their data tables, a workbook and a PDF.

One set of figures (:func:`ims.improvement.analysis.analysis_data`), three
renderings: the page and the PDF share the ``improvement/_analysis_body.html``
template and its server-side SVG charts (each with the table of its figures,
for people who cannot see the chart); the workbook has one sheet per table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from ims.improvement.analysis import Analysis, CostTotals, Pareto
from ims.spc.svg import DataTable, Series, bar_chart_svg
from ims.tabular.export import neutralise
from ims.web.pdf import render_pdf

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARETO_TITLES = {"cause": "cause category", "process": "process", "type": "type"}
COST_TITLES = {"month": "Month", "process": "Process", "cause": "Cause category", "type": "Type"}


def num(value: Decimal | int | None, places: int = 1) -> str:
    """A figure for a table: thousands separated by a thin space, fixed decimals."""
    if value is None:
        return "—"
    text = f"{Decimal(value):,.{places}f}"
    return text.replace(",", "\u202f")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    table: DataTable
    note: str = ""


def _svg(**kwargs: Any) -> SafeString:
    return mark_safe(bar_chart_svg(**kwargs))  # noqa: S308  (every label and title is escaped by bar_chart_svg)


def pareto_chart(pareto: Pareto) -> Chart:
    what = PARETO_TITLES[pareto.by]
    few = pareto.vital_few
    description = (
        f"Pareto of {pareto.total} events by {what}, most frequent first: "
        + "; ".join(f"{b.label} {b.events} ({b.share} %, cumulative {b.cumulative} %)" for b in pareto.bars)
        + (f". The first {len(few)} make up {few[-1].cumulative} % of the events." if few else ".")
    )
    note = ""
    if pareto.unclassified:
        missing = "no process" if pareto.by == "process" else "no recorded cause yet"
        n = pareto.unclassified
        note = f"{n} event{'s' if n != 1 else ''} with {missing} {'are' if n != 1 else 'is'} not in this chart."
    return Chart(
        f"pareto-{pareto.by}",
        f"Events by {what} (Pareto)",
        _svg(
            title=f"Events by {what}",
            description=description,
            x_labels=[b.label for b in pareto.bars],
            bars=[Series("events", [b.events for b in pareto.bars])],
            line=Series("cumulative %", [float(b.cumulative) for b in pareto.bars]),
            percent_line=True,
            integer=True,
            y_label="events",
            element_id=f"pareto-{pareto.by}",
        ),
        DataTable(
            caption=f"Events by {what}",
            header=(what.capitalize(), "Events", "Share %", "Cumulative %"),
            rows=tuple((b.label, str(b.events), num(b.share), num(b.cumulative)) for b in pareto.bars),
        ),
        note,
    )


def flow_chart(analysis: Analysis) -> Chart:
    months = analysis.flow
    description = (
        "Events reported and closed per month, and still open at each month's end: "
        + "; ".join(f"{m.label} reported {m.reported}, closed {m.closed}, open {m.open_at_end}" for m in months)
        + "."
    )
    return Chart(
        "flow",
        "Open and closed per month",
        _svg(
            title="Events reported and closed per month",
            description=description,
            x_labels=[m.label for m in months],
            bars=[Series("reported", [m.reported for m in months]), Series("closed", [m.closed for m in months])],
            line=Series("open at month end", [m.open_at_end for m in months]),
            integer=True,
            y_label="events",
            element_id="flow",
        ),
        DataTable(
            caption="Events reported and closed per month",
            header=("Month", "Reported", "Closed", "Open at month end"),
            rows=tuple((m.label, str(m.reported), str(m.closed), str(m.open_at_end)) for m in months),
        ),
    )


def ageing_chart(analysis: Analysis) -> Chart:
    buckets = analysis.core.ageing
    description = f"{analysis.open_now} open events by days open: " + "; ".join(
        f"{b.label} {b.events}" for b in buckets
    )
    return Chart(
        "ageing",
        "Ageing of open events",
        _svg(
            title="Open events by days open",
            description=description + ".",
            x_labels=[b.label for b in buckets],
            bars=[Series("open events", [b.events for b in buckets])],
            integer=True,
            y_label="open events",
            element_id="ageing",
        ),
        DataTable(
            caption=f"Open events by days open, on {analysis.today:%Y-%m-%d}",
            header=("Days open", "Open events"),
            rows=tuple((b.label, str(b.events)) for b in buckets),
        ),
    )


def money_chart(totals: CostTotals) -> Chart:
    rows = totals.rows
    c = totals.currency
    description = (
        f"Failure costs per month of occurrence, in {c}: "
        + "; ".join(f"{r.key} internal {num(r.internal, 2)}, external {num(r.external, 2)}" for r in rows)
        + f". Total {num(totals.total.money, 2)} {c}."
    )
    return Chart(
        "money",
        f"What poor quality costs us ({c})",
        _svg(
            title=f"Failure costs per month, {c}",
            description=description,
            x_labels=[r.key for r in rows],
            bars=[
                Series("internal failure", [float(r.internal) for r in rows]),
                Series("external failure", [float(r.external) for r in rows]),
            ],
            y_label=c,
            element_id="money",
        ),
        DataTable(
            caption=f"Failure costs per month, {c}",
            header=("Month", f"Internal ({c})", f"External ({c})", f"Total ({c})"),
            rows=tuple((r.key, num(r.internal, 2), num(r.external, 2), num(r.money, 2)) for r in rows),
        ),
    )


def co2e_chart(totals: CostTotals) -> Chart:
    rows = totals.rows
    description = (
        "kg CO2e of wasted material and extra energy per month of occurrence: "
        + "; ".join(f"{r.key} {num(r.kg_co2e)}" for r in rows)
        + f". Total {num(totals.total.kg_co2e)} kg CO2e."
    )
    return Chart(
        "co2e",
        "What poor quality costs the environment (kg CO2e)",
        _svg(
            title="kg CO2e of poor quality per month",
            description=description,
            x_labels=[r.key for r in rows],
            bars=[Series("kg CO2e", [float(r.kg_co2e) for r in rows])],
            y_label="kg CO2e",
            element_id="co2e",
        ),
        DataTable(
            caption="kg CO2e of wasted material and extra energy per month",
            header=("Month", "kg CO2e", "Material wasted (kg)"),
            rows=tuple((r.key, num(r.kg_co2e), num(r.mass_kg)) for r in rows),
        ),
    )


def charts(analysis: Analysis) -> dict[str, Chart]:
    core = analysis.core
    found = {f"pareto_{by}": pareto_chart(p) for by, p in core.paretos.items()}
    found["flow"] = flow_chart(analysis)
    found["ageing"] = ageing_chart(analysis)
    found["money"] = money_chart(core.costs["month"])
    found["co2e"] = co2e_chart(core.costs["month"])
    return found


def cost_table(totals: CostTotals) -> DataTable:
    c = totals.currency
    title = COST_TITLES[totals.by]
    rows = [
        (r.label, num(r.internal, 2), num(r.external, 2), num(r.money, 2), num(r.kg_co2e), num(r.mass_kg))
        for r in [*totals.rows, totals.total]
        if totals.by != "month" or r.money or r.kg_co2e or r is totals.total
    ]
    return DataTable(
        caption=f"Cost of poor quality by {title.lower()}",
        header=(title, f"Internal ({c})", f"External ({c})", f"Total ({c})", "kg CO2e", "Material wasted (kg)"),
        rows=tuple(rows),
    )


def context(analysis: Analysis) -> dict[str, Any]:
    """What ``improvement/_analysis_body.html`` renders."""
    return {
        "a": analysis,
        "charts": charts(analysis),
        "cost_tables": [cost_table(analysis.core.costs[by]) for by in ("process", "cause", "type")],
        "total": analysis.core.costs["month"].total,
        "other_currency": analysis.core.costs["month"].other_currency_events,
    }


# --- the workbook ------------------------------------------------------------------------


def _sheet(book: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
    for i, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(r[i - 1])) for r in rows)])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))


def analysis_xlsx(analysis: Analysis) -> bytes:
    """The figures of the analysis as a workbook: numbers as numbers, one sheet per table."""
    from openpyxl import Workbook  # imported when a workbook is made: it weighs on every worker otherwise

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    w = analysis.window
    c = analysis.currency
    core = analysis.core
    summary = [
        ("Period", f"{w.since:%Y-%m-%d} to {w.until:%Y-%m-%d}"),
        ("Events in the period", core.paretos["type"].total),
        ("Open now", analysis.open_now),
        ("Overdue now", analysis.overdue_total),
        ("Average days to close", analysis.closing[0].average_days),
        (f"Failure costs ({c})", core.costs["month"].total.money),
        ("kg CO2e of poor quality", core.costs["month"].total.kg_co2e),
    ]
    _sheet(book, "Summary", ("Figure", "Value"), summary)
    for by, p in core.paretos.items():
        rows = [(b.label, b.events, b.share, b.cumulative) for b in p.bars]
        _sheet(book, f"Pareto by {by}", (PARETO_TITLES[by].capitalize(), "Events", "Share %", "Cumulative %"), rows)
    _sheet(
        book,
        "Open and closed",
        ("Month", "Reported", "Closed", "Open at month end"),
        [(m.label, m.reported, m.closed, m.open_at_end) for m in analysis.flow],
    )
    _sheet(book, "Ageing", ("Days open", "Open events"), [(b.label, b.events) for b in core.ageing])
    _sheet(
        book,
        "Days to close",
        ("Type", "Events closed", "Average days"),
        [(r.label, r.events, r.average_days) for r in analysis.closing],
    )
    _sheet(
        book,
        "Overdue",
        ("Reference", "Title", "Site", "Owner", "Late", "Due", "Days late"),
        [
            (o.event.reference, o.event.title, o.event.site.name, str(o.event.owner or ""), o.step, o.due, o.days_late)
            for o in analysis.overdue
        ],
    )
    _sheet(
        book,
        "Recurrences",
        ("Process", "Cause", "Events", "Still open", "First", "Last", "References"),
        [
            (r.process, r.cause, r.events, r.still_open, r.first.date(), r.last.date(), ", ".join(r.references))
            for r in analysis.recurrences
        ],
    )
    for by in ("month", "process", "cause", "type"):
        totals = core.costs[by]
        _sheet(
            book,
            f"Costs by {by}",
            (COST_TITLES[by], f"Internal ({c})", f"External ({c})", f"Total ({c})", "kg CO2e", "Material (kg)"),
            [(r.label, r.internal, r.external, r.money, r.kg_co2e, r.mass_kg) for r in [*totals.rows, totals.total]],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def analysis_pdf(analysis: Analysis, *, organisation: str, base_url: str) -> bytes:
    """The analysis as an A4 PDF from the page's own template; nothing is fetched from the network."""
    data = {**context(analysis), "organisation": organisation}
    return render_pdf("improvement/analysis_pdf.html", data, base_url=base_url)
