"""Pages of KPIs (9.1.1), control charts with their signals, and measuring equipment (7.1.5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can
from ims.core.errors import ImsError, PermissionRefused
from ims.energy import svg as energy_svg
from ims.kpis import analysis, energy, selectors, services
from ims.kpis.forms import TemplateKpiForm
from ims.kpis.models import Kpi, KpiStatus
from ims.kpis.templates import BY_KEY, TEMPLATES
from ims.monitoring.selectors import series_visible_to
from ims.org.selectors import sites_visible_to
from ims.spc import svg as spc_svg
from ims.web.forms import apply_error

HISTORY_PERIODS = 12


def _latest(kpis: list[Kpi]) -> list[tuple[Kpi, selectors.KpiValue]]:
    today = timezone.localdate()
    return [(kpi, selectors.latest_value(kpi, today=today)) for kpi in kpis]


def kpi_list(request: HttpRequest) -> HttpResponse:
    kpis = list(selectors.kpis_visible_to(request.user).filter(archived_at__isnull=True))
    return render(
        request,
        "kpis/kpi_list.html",
        {
            "rows": _latest(kpis),
            "templates": TEMPLATES,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
        },
    )


def kpi_chart_svg(kpi: Kpi, history: list[selectors.KpiValue]) -> str:
    """The KPI per period as a line, with its target and at-risk threshold as reference lines."""
    n = len(history)
    return spc_svg.plot_svg(
        title=f"{kpi.name} ({kpi.unit})",
        description=f"{kpi.name} per {kpi.get_period_display().lower()}, target {kpi.target:g} {kpi.unit}.",
        x_labels=[v.label for v in history],
        series=[
            spc_svg.Series("target", [kpi.target] * n, "centre"),
            spc_svg.Series("at-risk threshold", [kpi.at_risk] * n, "limit"),
            spc_svg.Series(kpi.name, [v.value for v in history], "data"),
        ],
        y_label=kpi.unit,
        element_id=f"kpi-{kpi.pk}",
    )


def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_get(request.user, pk)
    periods = selectors.recent_periods(kpi.period, count=HISTORY_PERIODS, today=timezone.localdate())
    history = selectors.values(kpi, periods=periods)
    return render(
        request,
        "kpis/kpi_detail.html",
        {
            "record": kpi,
            "terms": selectors.kpi_terms(kpi),
            "history": history,
            "svg": mark_safe(kpi_chart_svg(kpi, history)),  # noqa: S308  (plot_svg escapes every text it writes)
            "objectives": kpi.objectives.all(),
            "processes": kpi.processes.all(),
        },
    )


def kpi_from_template(request: HttpRequest) -> HttpResponse:
    template = BY_KEY.get(request.GET.get("template", ""))
    if template is None:
        return render(request, "kpis/template_choice.html", {"templates": TEMPLATES})
    form = TemplateKpiForm(
        request.POST or None,
        template=template,
        sites=sites_visible_to(request.user),
        series=series_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("role_")}
        try:
            kpi = services.kpi_create_from_template(by=request.user, template=template.key, fill=form.fill(), **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("KPI %(ref)s created.") % {"ref": kpi.reference})
            return redirect("kpis:detail", pk=kpi.pk)
    return render(request, "kpis/template_form.html", {"form": form, "template": template})


def dashboard(request: HttpRequest) -> HttpResponse:
    """Quality and environmental performance at a glance: KPIs by status, charts with open signals."""
    rows = _latest(list(selectors.kpis_visible_to(request.user).filter(archived_at__isnull=True)))
    by_status = {status: [r for r in rows if r[1].status == status] for status in KpiStatus}
    charts = list(selectors.charts_visible_to(request.user).filter(archived_at__isnull=True))
    panels = []
    for chart in charts:
        result = analysis.analyse(chart)
        panels.append((chart, _chart_svg(result), len(result.violations)))
    return render(
        request,
        "kpis/dashboard.html",
        {"by_status": [(s, s.label, by_status[s]) for s in KpiStatus], "panels": panels},
    )


def _chart_svg(result: analysis.Analysis) -> str:
    if result.pair is None:
        return ""
    return mark_safe(  # noqa: S308  (control_chart_svg escapes every text it writes)
        spc_svg.control_chart_svg(
            result.pair.location,
            violations=result.violations,
            labels=result.labels,
            title=f"{result.chart.reference} {result.chart.name}",
            y_label=result.chart.series.unit,
            element_id=f"chart-{result.chart.pk}",
        )
    )


def chart_detail(request: HttpRequest, pk: int) -> HttpResponse:
    chart = selectors.chart_get(request.user, pk)
    result = analysis.analyse(chart)
    table = (
        spc_svg.control_chart_table(result.pair.location, violations=result.violations, labels=result.labels)
        if result.pair
        else None
    )
    signals = list(chart.signals.select_related("event"))
    return render(
        request,
        "kpis/chart_detail.html",
        {
            "record": chart,
            "result": result,
            "svg": _chart_svg(result),
            "table": table,
            "signals": signals,
            "may_report": can(request.user, Action.REPORT, site_id=chart.series.site_id),
        },
    )


def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    signal = selectors.signal_get(request.user, pk)
    return redirect(reverse("kpis:chart_detail", args=[signal.chart_id]) + f"#signal-{signal.pk}")


@require_POST
def signal_event(request: HttpRequest, pk: int) -> HttpResponse:
    signal = selectors.signal_get(request.user, pk)
    had = signal.event_id is not None
    try:
        event = services.signal_open_event(by=request.user, signal=signal)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
        return redirect("kpis:signal_detail", pk=pk)
    reference = getattr(event, "reference", event.pk)
    if had:
        messages.info(request, _("This signal already has its nonconformity, %(ref)s.") % {"ref": reference})
    else:
        messages.success(request, _("Nonconformity %(ref)s opened for this signal.") % {"ref": reference})
    return redirect("kpis:signal_detail", pk=pk)


def equipment_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = list(
        selectors.equipment_visible_to(request.user).filter(archived_at__isnull=True).prefetch_related("series")
    )
    return render(request, "kpis/equipment_list.html", {"rows": [(i, i.overdue(today)) for i in items]})


def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.equipment_get(request.user, pk)
    context: dict[str, Any] = {
        "record": item,
        "overdue": item.overdue(timezone.localdate()),
        "series": item.series.all(),
    }
    return render(request, "kpis/equipment_detail.html", context)


def baseline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The energy baseline: model and validity (refusal reasons in words), expected vs actual, savings, CUSUM."""
    record = selectors.baseline_get(request.user, pk)
    result = energy.analyse(record)
    context: dict[str, Any] = {"record": record, "result": result, "unit": record.energy.unit}
    if result.comparison is not None:
        unit = record.energy.unit
        context["cusum"] = mark_safe(energy_svg.cusum_svg(result.comparison, y_label=unit))  # noqa: S308
        context["expected_actual"] = mark_safe(  # noqa: S308  (the energy SVGs escape every text they write)
            energy_svg.expected_actual_svg(result.comparison, y_label=unit)
        )
        context["table"] = energy_svg.comparison_table(result.comparison)
    return render(request, "kpis/baseline_detail.html", context)
