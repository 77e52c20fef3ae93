"""Pages of the GHG inventory and the environmental dashboard: tables, SVG charts, CSV, “show calculation”.

Charts are drawn on the server (:mod:`ims.spc.svg`), so the same SVG appears
on screen and in a PDF report, and each is followed by its data table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from ims.core.errors import ValidationFailed
from ims.ghg import dashboard as dash
from ims.ghg import inventory, selectors, tracing
from ims.ghg.models import EmissionSource
from ims.monitoring.models import Category, Series
from ims.spc.svg import Series as Line
from ims.spc.svg import bar_chart_svg
from ims.tabular.export import csv_bytes


def _int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    try:
        return int(raw) if raw else None
    except ValueError:
        raise ValidationFailed({name: ["Give a whole number."]}) from None


def _filters(request: HttpRequest) -> dict[str, Any]:
    latest = EmissionSource.objects.order_by("-year").values_list("year", flat=True).first()
    year = _int(request, "year") or latest or timezone.now().year
    site_id = _int(request, "site")
    sites = selectors.visible_sites(request.user)
    site_ids = selectors.site_ids_for(request.user, site_id)
    return {"year": year, "site_id": site_id, "site_ids": site_ids, "sites": sites}


def calculation_url(figure: inventory.Figure) -> str:
    query = {"source": figure.source.pk, "month": f"{figure.month:%Y-%m}", "method": figure.method}
    return f"{reverse('ghg:calculation')}?{urlencode(query)}"


def _inventory_tables(year: int, site_ids: list[int], sites: Any) -> list[dash.Table]:
    by_scope = dash.co2e_by_scope(year=year, site_ids=site_ids)
    labels = dash.month_labels(year)
    monthly = dash.Table(
        "scope-month",
        f"kg CO2e by scope and month, {year}",
        ["Month", *(label for _k, label in dash.SCOPES)],
        [[labels[m], *(dash.kg(by_scope[k][m]) for k, _l in dash.SCOPES)] for m in range(12)],
    )
    per_site = dash.co2e_by_site(year=year, site_ids=site_ids)
    names = {s.pk: s.name for s in sites}
    by_site = dash.Table(
        "site",
        f"kg CO2e by site, {year} (scopes 1, 2 market-based and 3)",
        ["Site", "kg CO2e"],
        [[names.get(sid, str(sid)), dash.kg(kg)] for sid, kg in sorted(per_site.items())],
    )
    return [monthly, by_site]


def _scope_chart(year: int, by_scope: dict[str, list[float]], keys: tuple[str, ...], ident: str, title: str) -> str:
    names = dict(dash.SCOPES)
    return bar_chart_svg(
        title=title,
        description=f"{title}: kg CO2e per month of {year}; the figures are in the table below.",
        x_labels=dash.month_labels(year),
        bars=[Line(names[k], by_scope[k]) for k in keys],
        y_label="kg CO2e",
        element_id=ident,
    )


def inventory_page(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    year, site_ids = f["year"], f["site_ids"]
    scope = request.GET.get("scope", "")
    by_scope = dash.co2e_by_scope(year=year, site_ids=site_ids)
    figures = inventory.figures(year=year, site_ids=site_ids, scope=scope)
    charts = [
        _scope_chart(year, by_scope, ("1", "2-market", "3"), "ghg-scopes", "CO2e by scope and month"),
        _scope_chart(year, by_scope, ("2-location", "2-market"), "ghg-scope2", "Scope 2: location- and market-based"),
    ]
    context = {
        **f,
        "scope": scope,
        "gwp_set": inventory.gwp_set(),
        "tables": _inventory_tables(year, site_ids, f["sites"]),
        "charts": charts,
        "figures": [(x, calculation_url(x)) for x in figures],
    }
    return render(request, "ghg/inventory.html", context)


def inventory_csv(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    header = ["Source", "Series", "Site", "Scope", "Scope 3 category", "Month", "Method", "Quantity", "Unit", "kg CO2e"]
    rows = [
        [
            x.source.pk,
            x.source.series.reference,
            x.source.series.site.name,
            x.source.scope,
            x.source.scope3_category or "",
            f"{x.month:%Y-%m}",
            x.method,
            str(x.quantity),
            x.source.series.unit,
            str(x.kg_co2e),
        ]
        for x in inventory.figures(year=f["year"], site_ids=f["site_ids"])
    ]
    return _csv(f"ghg-inventory-{f['year']}.csv", header, rows)


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def calculation_page(request: HttpRequest) -> HttpResponse:
    source = selectors.source_get(request.user, _int(request, "source") or 0)
    try:
        month = dt.date.fromisoformat(f"{request.GET.get('month', '')[:7]}-01")
    except ValueError:
        raise Http404("Give the month as YYYY-MM.") from None
    trace = tracing.trace(source=source, month=month, method=request.GET.get("method", inventory.LOCATION))
    return render(request, "ghg/calculation.html", {"trace": trace, "source": source})


def _production(request: HttpRequest, site_ids: list[int]) -> tuple[Series | None, list[Series]]:
    choices = list(Series.objects.filter(site_id__in=site_ids, category=Category.PRODUCTION).order_by("reference"))
    wanted = _int(request, "production")
    chosen = next((s for s in choices if s.pk == wanted), choices[0] if choices else None)
    return chosen, choices


def _dashboard_tables(year: int, site_ids: list[int], production: Series | None) -> list[dash.Table]:
    labels = dash.month_labels(year)
    resources = {r: dash.resource_by_month(year=year, site_ids=site_ids, resource=r) for r in dash.RESOURCES}
    previous = {r: dash.resource_by_month(year=year - 1, site_ids=site_ids, resource=r) for r in dash.RESOURCES}
    co2e = dash.co2e_by_scope(year=year, site_ids=site_ids)
    co2e_prev = dash.co2e_by_scope(year=year - 1, site_ids=site_ids)
    made = dash.production_by_month(year=year, series=production)
    made_prev = dash.production_by_month(year=year - 1, series=production)
    unit_of = {r: dash.UNIT_LABELS[u] for r, (_c, u) in dash.RESOURCES.items()}
    resource_table = dash.Table(
        "resources",
        f"Energy, water and waste by month, {year}",
        ["Month", *(f"{r.capitalize()} ({unit_of[r]})" for r in dash.RESOURCES)],
        [[labels[m], *(dash.kg(resources[r][m]) for r in dash.RESOURCES)] for m in range(12)],
    )

    def total(scopes: dict[str, list[float]]) -> float:
        return sum(sum(scopes[k]) for k in ("1", "2-market", "3"))

    lines = [(f"{r.capitalize()} ({unit_of[r]})", sum(resources[r]), sum(previous[r])) for r in dash.RESOURCES]
    lines.append(("CO2e, kg (scopes 1, 2 market, 3)", total(co2e), total(co2e_prev)))
    unit = production.unit if production is not None else ""
    yoy_rows = []
    for name, now, before in lines:
        intensity, intensity_before = dash.ratio(now, sum(made)), dash.ratio(before, sum(made_prev))
        change = dash.yoy(now, before)
        yoy_rows.append(
            [
                name,
                dash.kg(before),
                dash.kg(now),
                "—" if change is None else f"{change:+.1f} %",
                "—" if intensity_before is None else f"{intensity_before:.4g}",
                "—" if intensity is None else f"{intensity:.4g}",
            ]
        )
    yoy_table = dash.Table(
        "year-on-year",
        f"Year on year and intensity per {unit or 'unit of production'}"
        + (f" of {production.reference}" if production else ""),
        ["Indicator", str(year - 1), str(year), "Change", f"Per {unit} {year - 1}", f"Per {unit} {year}"],
        yoy_rows,
    )
    return [resource_table, yoy_table]


def dashboard(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    year, site_ids = f["year"], f["site_ids"]
    production, productions = _production(request, site_ids)
    by_scope = dash.co2e_by_scope(year=year, site_ids=site_ids)
    energy = dash.resource_by_month(year=year, site_ids=site_ids, resource="energy")
    charts = [
        _scope_chart(year, by_scope, ("1", "2-market", "3"), "dash-scopes", "CO2e by scope and month"),
        bar_chart_svg(
            title="Energy by month",
            description=f"Energy (electricity and gas) in kWh per month of {year}; the figures are in the table.",
            x_labels=dash.month_labels(year),
            bars=[Line("Energy (kWh)", energy)],
            y_label="kWh",
            element_id="dash-energy",
        ),
    ]
    latest = dash.latest_figures(year=year, site_ids=site_ids)
    context = {
        **f,
        "gwp_set": inventory.gwp_set(),
        "production": production,
        "productions": productions,
        "charts": charts,
        "tables": [*_inventory_tables(year, site_ids, f["sites"]), *_dashboard_tables(year, site_ids, production)],
        "diversion": dash.diversion_rate(year=year, site_ids=site_ids),
        "latest": [(x, calculation_url(x)) for x in latest],
        "query": request.GET.urlencode(),
    }
    return render(request, "ghg/dashboard.html", context)


def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    f = _filters(request)
    production, _choices = _production(request, f["site_ids"])
    tables = [
        *_inventory_tables(f["year"], f["site_ids"], f["sites"]),
        *_dashboard_tables(f["year"], f["site_ids"], production),
    ]
    found = next((t for t in tables if t.key == table), None)
    if found is None:
        raise Http404("No such table.")
    return _csv(f"ghg-{table}-{f['year']}.csv", found.header, found.rows)
