"""The quality dashboard as figures, for the page and its PDF (ISO 9001 9.1.1, 9.1.3; ISO 14001 9.1.1).

One set of figures, two renderings: the page and the PDF share the
``kpis/_dashboard_body.html`` template and its server-side SVG control charts,
each with the table of its figures for people who cannot see the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ims.kpis import analysis, selectors
from ims.kpis.models import ControlChart, Kpi, KpiStatus
from ims.spc import svg as spc_svg
from ims.spc.svg import DataTable
from ims.web.pdf import render_pdf


@dataclass(frozen=True)
class Panel:
    """One control chart on the dashboard: its picture, its figures and how many rule violations it shows."""

    chart: ControlChart
    svg: SafeString | str
    table: DataTable | None
    violations: int


def chart_svg(result: analysis.Analysis) -> SafeString | str:
    if result.pair is None:
        return ""
    return mark_safe(  # noqa: S308  (control_chart_svg escapes every text it writes)
        spc_svg.control_chart_svg(
            result.pair.location,
            violations=result.violations,
            labels=result.labels,
            title=f"{result.chart.reference} {result.chart.name}",
            y_label=result.y_label,
            element_id=f"chart-{result.chart.pk}",
        )
    )


def chart_table(result: analysis.Analysis) -> DataTable | None:
    """The chart's figures, a row per point, or None when no chart could be worked out."""
    if result.pair is None:
        return None
    return spc_svg.control_chart_table(result.pair.location, violations=result.violations, labels=result.labels)


def panel(chart: ControlChart) -> Panel:
    result = analysis.analyse(chart)
    return Panel(chart, chart_svg(result), chart_table(result), len(result.violations))


def latest_rows(kpis: list[Kpi]) -> list[tuple[Kpi, selectors.KpiValue]]:
    """Each KPI with its value in the last period that has ended."""
    today = timezone.localdate()
    return [(kpi, selectors.latest_value(kpi, today=today)) for kpi in kpis]


def dashboard_context(user: Any) -> dict[str, Any]:
    """What ``kpis/_dashboard_body.html`` renders: the reader's live KPIs by status and their control charts."""
    rows = latest_rows(list(selectors.kpis_visible_to(user).filter(archived_at__isnull=True)))
    by_status = {status: [r for r in rows if r[1].status == status] for status in KpiStatus}
    charts = selectors.charts_visible_to(user).filter(archived_at__isnull=True)
    return {
        "by_status": [(s, s.label, by_status[s]) for s in KpiStatus],
        "rows": rows,
        "panels": [panel(chart) for chart in charts],
        "today": timezone.localdate(),
    }


def dashboard_pdf(context: dict[str, Any], *, organisation: str, base_url: str) -> bytes:
    """The dashboard as an A4 PDF from the page's own template; nothing is fetched from the network."""
    return render_pdf("kpis/dashboard_pdf.html", {**context, "organisation": organisation}, base_url=base_url)
