"""Pages of the GHG inventory and the environmental dashboard: tables, SVG charts, CSV, PDF, “show calculation”.

Emission sources and contractual instruments are listed, created, edited and
removed here; every write goes through :mod:`ims.ghg.services`.

Charts are drawn on the server (:mod:`ims.spc.svg`), so the same SVG appears
on screen and in a PDF report, and each is followed by its data table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.core.errors import ConflictError, ImsError, PermissionRefused, ValidationFailed
from ims.factors.models import EmissionFactor
from ims.factors.selectors import factors_visible_to
from ims.ghg import dashboard as dash
from ims.ghg import inventory, report, selectors, services, tracing
from ims.ghg.forms import (
    InstrumentCreateForm,
    InstrumentEditForm,
    SourceCreateForm,
    SourceEditForm,
)
from ims.ghg.models import EmissionSource, Scope
from ims.monitoring.models import Category, Series
from ims.org.models import Organisation, Site
from ims.spc.svg import Series as Line
from ims.spc.svg import bar_chart_svg
from ims.tabular.export import csv_bytes
from ims.web.forms import apply_error
from ims.web.pdf import PDF_TYPE


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


def _today(f: dict[str, Any]) -> dt.date:
    """Today where the figures are: the chosen site's date, else the organisation's (``TIME_ZONE``)."""
    site = next((s for s in f["sites"] if s.pk == f["site_id"]), None)
    return timezone.localdate(timezone=ZoneInfo(site.time_zone)) if site is not None else timezone.localdate()


def _dashboard_tables(
    year: int, site_ids: list[int], production: Series | None, today: dt.date | None = None
) -> list[dash.Table]:
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

    # Like for like: in the year still running, only the months that have ended, in both years.
    months = dash.ended_months(year=year, today=today or timezone.localdate())

    def upto(values: list[float]) -> float:
        return sum(values[:months])

    def total(scopes: dict[str, list[float]]) -> float:
        return sum(upto(scopes[k]) for k in ("1", "2-market", "3"))

    lines = [(f"{r.capitalize()} ({unit_of[r]})", upto(resources[r]), upto(previous[r])) for r in dash.RESOURCES]
    lines.append(("CO2e, kg (scopes 1, 2 market, 3)", total(co2e), total(co2e_prev)))
    unit = production.unit if production is not None else ""
    yoy_rows = []
    for name, now, before in lines:
        intensity, intensity_before = dash.ratio(now, upto(made)), dash.ratio(before, upto(made_prev))
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
    # The columns name the months too, so the CSV (which has no caption) says what it compares.
    span = {0: "no months ", 1: f"{labels[0]} ", 12: ""}.get(months, f"{labels[0]}–{labels[months - 1]} ")
    yoy_table = dash.Table(
        "year-on-year",
        f"Year on year and intensity per {unit or 'unit of production'}"
        + (f" of {production.reference}" if production else "")
        + f": {dash.months_span(months, year)}",
        [
            "Indicator",
            f"{span}{year - 1}",
            f"{span}{year}",
            "Change",
            f"Per {unit} {span}{year - 1}",
            f"Per {unit} {span}{year}",
        ],
        yoy_rows,
    )
    return [resource_table, yoy_table]


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """What the dashboard shows, for the page and its PDF alike."""
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
    return {
        **f,
        "site": next((s for s in f["sites"] if s.pk == f["site_id"]), None),
        "gwp_set": inventory.gwp_set(),
        "production": production,
        "productions": productions,
        "charts": charts,
        "tables": [
            *_inventory_tables(year, site_ids, f["sites"]),
            *_dashboard_tables(year, site_ids, production, _today(f)),
        ],
        "diversion": dash.diversion_rate(year=year, site_ids=site_ids),
        "left_out": dash.left_out(site_ids=site_ids),
        "latest": [(x, calculation_url(x)) for x in latest],
        "query": request.GET.urlencode(),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "ghg/dashboard.html", _dashboard_context(request))


def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard as an A4 PDF for the management review, with the page's filters."""
    context = _dashboard_context(request)
    organisation = Organisation.objects.values_list("name", flat=True).first() or "IMS"
    pdf = report.dashboard_pdf(context, organisation=organisation, base_url=request.build_absolute_uri("/"))
    site = context["site"]
    name = f"environmental-dashboard-{context['year']}" + (f"-{slugify(site.code)}" if site is not None else "")
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    f = _filters(request)
    production, _choices = _production(request, f["site_ids"])
    tables = [
        *_inventory_tables(f["year"], f["site_ids"], f["sites"]),
        *_dashboard_tables(f["year"], f["site_ids"], production, _today(f)),
    ]
    found = next((t for t in tables if t.key == table), None)
    if found is None:
        raise Http404("No such table.")
    return _csv(f"ghg-{table}-{f['year']}.csv", found.header, found.rows)


# --- emission sources and contractual instruments ---------------------------------------


SOURCE_INITIAL = ("series", "year", "scope", "scope3_category", "factor", "market_factor", "notes")


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _list_query(year: int, site_id: int | None) -> str:
    return urlencode({"year": year, **({"site": site_id} if site_id else {})})


def _offered(factors: Any, series: Series, *also: EmissionFactor | None) -> list[EmissionFactor]:
    """The factors listed for ``series``, plus those already chosen (an archived one stays selectable)."""
    offered = selectors.factors_for(factors, series, gwp=inventory.gwp_set())
    known = {f.pk for f in offered}
    return [*offered, *(f for f in also if f is not None and f.pk not in known)]


def source_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.sources_visible_to(request.user).filter(year=f["year"], series__site_id__in=f["site_ids"])
    rows = [
        {
            "source": s,
            "may_change": can(request.user, Action.CHANGE, site_id=s.series.site_id),
            "may_remove": can(request.user, Action.DELETE, site_id=s.series.site_id),
        }
        for s in qs.order_by("scope", "series__reference")
    ]
    context = {
        **f,
        "rows": rows,
        "may_create": can(request.user, Action.CREATE, anywhere=True),
        "query": _list_query(f["year"], f["site_id"]),
    }
    return render(request, "ghg/source_list.html", context)


def source_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create emission sources."))
    candidates = visible(Series.objects.filter(archived_at__isnull=True), request.user, Action.CREATE)
    candidates = candidates.select_related("site").order_by("reference")
    asked = request.POST if request.method == "POST" else request.GET
    raw = asked.get("series", "")
    series = candidates.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    factors = factors_visible_to(request.user)
    initial: dict[str, Any] = {"year": _filters(request)["year"], "scope": Scope.SCOPE_1}
    initial.update({k: v for k, v in request.GET.items() if k in SOURCE_INITIAL})
    form = SourceCreateForm(
        request.POST if request.method == "POST" else None,
        series=candidates,
        refresh_url=reverse("ghg:source_create"),
        factors=factors,
        offered=_offered(factors, series) if series is not None else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("%(series)s is an emission source for %(year)d.")
                % {"series": source.series.reference, "year": source.year},
            )
            return redirect(f"{reverse('ghg:source_list')}?{_list_query(source.year, None)}")
    status = 422 if request.method == "POST" else 200
    return render(request, "ghg/source_form.html", {"form": form, "creating": True}, status=status)


def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(request.user, pk)
    site = source.series.site
    require(request.user, Action.CHANGE, site_id=site.pk, what=f"emission sources of {site}")
    factors = factors_visible_to(request.user)
    initial: dict[str, Any] = {name: getattr(source, name) for name in services.SOURCE_FIELDS}
    initial["version"] = source.version
    form = SourceEditForm(
        request.POST or None,
        factors=factors,
        offered=_offered(factors, source.series, source.factor, source.market_factor),
        initial=initial,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.source_update(by=request.user, source=source, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Emission source %(series)s saved.") % {"series": source.series.reference})
            return redirect(f"{reverse('ghg:source_list')}?{_list_query(source.year, None)}")
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": source, "conflict": conflict}
    return render(request, "ghg/source_form.html", context, status=status)


def _remove(request: HttpRequest, *, back: str, delete: Callable[[int], None], done: str) -> HttpResponse:
    """Remove a record with the version the page showed; a refusal or conflict goes back with its reason."""
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect(back)
    try:
        delete(version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect(back)


@require_POST
def source_remove(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(request.user, pk)
    return _remove(
        request,
        back=f"{reverse('ghg:source_list')}?{_list_query(source.year, None)}",
        delete=lambda version: services.source_delete(by=request.user, source=source, version=version),
        done=_("%(series)s is no longer an emission source for %(year)d.")
        % {"series": source.series.reference, "year": source.year},
    )


def instrument_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    year = f["year"]
    qs = selectors.instruments_visible_to(request.user).filter(
        site_id__in=f["site_ids"], period_from__lte=dt.date(year, 12, 31), period_to__gte=dt.date(year, 1, 1)
    )
    rows = [
        {
            "instrument": i,
            "may_change": can(request.user, Action.CHANGE, site_id=i.site_id),
            "may_remove": can(request.user, Action.DELETE, site_id=i.site_id),
        }
        for i in qs.order_by("site__name", "period_from", "reference")
    ]
    context = {
        **f,
        "rows": rows,
        "may_create": can(request.user, Action.CREATE, anywhere=True),
        "query": _list_query(year, f["site_id"]),
    }
    return render(request, "ghg/instrument_list.html", context)


def instrument_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create contractual instruments."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    form = InstrumentCreateForm(request.POST or None, sites=sites.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.instrument_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(instrument)s recorded.") % {"instrument": instrument})
            query = _list_query(instrument.period_from.year, None)
            return redirect(f"{reverse('ghg:instrument_list')}?{query}")
    status = 422 if request.method == "POST" else 200
    return render(request, "ghg/instrument_form.html", {"form": form, "creating": True}, status=status)


def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.instrument_get(request.user, pk)
    site = instrument.site
    require(request.user, Action.CHANGE, site_id=site.pk, what=f"contractual instruments of {site}")
    initial: dict[str, Any] = {name: getattr(instrument, name) for name in services.INSTRUMENT_FIELDS}
    initial["version"] = instrument.version
    form = InstrumentEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.instrument_update(by=request.user, instrument=instrument, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(instrument)s saved.") % {"instrument": instrument})
            query = _list_query(instrument.period_from.year, None)
            return redirect(f"{reverse('ghg:instrument_list')}?{query}")
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": instrument, "conflict": conflict}
    return render(request, "ghg/instrument_form.html", context, status=status)


@require_POST
def instrument_remove(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.instrument_get(request.user, pk)
    return _remove(
        request,
        back=f"{reverse('ghg:instrument_list')}?{_list_query(instrument.period_from.year, None)}",
        delete=lambda version: services.instrument_delete(by=request.user, instrument=instrument, version=version),
        done=_("%(instrument)s removed.") % {"instrument": instrument},
    )
