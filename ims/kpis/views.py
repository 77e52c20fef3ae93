"""Pages of KPIs (9.1.1), control charts with their signals, and measuring equipment (7.1.5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.aspects.models import Aspect
from ims.aspects.selectors import aspects_visible_to
from ims.core.errors import ConflictError, ImsError, NotFound, PermissionRefused
from ims.energy import svg as energy_svg
from ims.kpis import energy, report, selectors, services
from ims.kpis.forms import (
    AspectMonitorForm,
    BaselineForm,
    CalibrationForm,
    EquipmentCreateForm,
    EquipmentEditForm,
    KpiEditForm,
    KpiLinkForm,
    TemplateKpiForm,
)
from ims.kpis.models import AspectMonitoring, Equipment, Kpi, KpiStatus
from ims.kpis.templates import BY_KEY, TEMPLATES
from ims.monitoring.selectors import series_visible_to
from ims.objectives.selectors import objectives_visible_to
from ims.org.models import Organisation, Site
from ims.org.selectors import sites_visible_to
from ims.processes.selectors import processes_visible_to
from ims.spc import svg as spc_svg
from ims.tabular.export import csv_bytes
from ims.web.forms import apply_error
from ims.web.pdf import PDF_TYPE

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
            "baselines": selectors.baselines_visible_to(request.user).filter(archived_at__isnull=True),
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
    may_change = can(request.user, Action.CHANGE, site_id=kpi.site_id)
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
            "may_change": may_change,
            "link_form": _link_form(request, kpi) if may_change else None,
        },
    )


KPI_CSV_HEADER = ("Period", "Period start", "Value", "Unit", "Target", "At-risk threshold", "Direction", "Status")


def _kpi_csv_row(kpi: Kpi, v: selectors.KpiValue) -> tuple[Any, ...]:
    status = KpiStatus(v.status).label
    return (v.label, v.start, v.value, kpi.unit, kpi.target, kpi.at_risk, kpi.get_direction_display(), status)


def kpi_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The KPI's value per period, as on its page, as CSV."""
    kpi = selectors.kpi_get(request.user, pk)
    periods = selectors.recent_periods(kpi.period, count=HISTORY_PERIODS, today=timezone.localdate())
    rows = [_kpi_csv_row(kpi, v) for v in selectors.values(kpi, periods=periods)]
    response = HttpResponse(csv_bytes(KPI_CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kpi.reference}.csv"'
    return response


def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's KPI table as CSV: each live KPI in the last period that has ended."""
    context = report.dashboard_context(request.user)
    rows = [
        (kpi.reference, kpi.name, kpi.site.name if kpi.site else "", *_kpi_csv_row(kpi, v))
        for kpi, v in context["rows"]
    ]
    header = ("Reference", "KPI", "Site", *KPI_CSV_HEADER)
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{context["today"]:%Y-%m-%d}.csv"'
    return response


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
    return render(request, "kpis/dashboard.html", report.dashboard_context(request.user))


def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard as a PDF: the same charts with their figures, for the management review pack."""
    context = report.dashboard_context(request.user)
    organisation = Organisation.objects.values_list("name", flat=True).first() or "IMS"
    pdf = report.dashboard_pdf(context, organisation=organisation, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="quality-dashboard-{context["today"]:%Y-%m-%d}.pdf"'
    return response


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
    return render(
        request,
        "kpis/equipment_list.html",
        {
            "rows": [(i, i.overdue(today)) for i in items],
            "may_create": can(request.user, Action.CREATE, anywhere=True),
        },
    )


def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.equipment_get(request.user, pk)
    live = item.archived_at is None
    context: dict[str, Any] = {
        "record": item,
        "overdue": item.overdue(timezone.localdate()),
        "series": item.series.all(),
        "may_change": live and can(request.user, Action.CHANGE, site_id=item.site_id),
        "may_archive": live and can(request.user, Action.DELETE, site_id=item.site_id),
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


# -- forms: shared steps ---------------------------------------------------------------------------


def _status(request: HttpRequest, conflict: Any = None) -> int:
    """200 for a fresh form, 409 after a version conflict, 422 after refused input."""
    if conflict is not None:
        return 409
    return 422 if request.method == "POST" else 200


def _live_series(request: HttpRequest, site_id: int | None = None, *, keep: Sequence[int] = ()) -> Any:
    """Series in use to choose from, and those linked already (``keep``) even if archived since."""
    live = Q(archived_at__isnull=True) | Q(pk__in=list(keep))
    qs = series_visible_to(request.user).filter(live).order_by("reference")
    return qs if site_id is None else qs.filter(site_id=site_id)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


# -- measuring equipment (9001 7.1.5) ----------------------------------------------------------------


def equipment_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused("You are not allowed to create measuring equipment.")
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    form = EquipmentCreateForm(request.POST or None, sites=sites.order_by("name"), series=_live_series(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = services.equipment_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Equipment %(ref)s created.") % {"ref": item.reference})
            return redirect("kpis:equipment_detail", pk=item.pk)
    return render(request, "kpis/equipment_form.html", {"form": form, "creating": True}, status=_status(request))


def _equipment_for_change(request: HttpRequest, pk: int) -> Equipment:
    item = selectors.equipment_get(request.user, pk)
    require(request.user, Action.CHANGE, site_id=item.site_id, what=f"measuring equipment of {item.site}")
    if item.archived_at is not None:
        raise NotFound(f"Equipment {item.reference} is archived.")
    return item


def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_for_change(request, pk)
    fields = ("name", "interval_months", "last_calibrated_on", "next_due_on", "certificate")
    initial: dict[str, Any] = {name: getattr(item, name) for name in fields}
    linked = list(item.series.all())
    initial.update(version=item.version, series=linked)
    choices = _live_series(request, item.site_id, keep=[s.pk for s in linked])
    form = EquipmentEditForm(request.POST or None, initial=initial, series=choices)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, series = data.pop("version"), list(data.pop("series"))
        try:
            services.equipment_update(by=request.user, item=item, version=version, changes=data, series=series)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Equipment %(ref)s saved.") % {"ref": item.reference})
            return redirect("kpis:equipment_detail", pk=pk)
    context = {"form": form, "record": item, "conflict": conflict}
    return render(request, "kpis/equipment_form.html", context, status=_status(request, conflict))


def equipment_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a calibration: its date and certificate; the next due date follows from the interval."""
    item = _equipment_for_change(request, pk)
    form = CalibrationForm(request.POST or None, initial={"version": item.version, "on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.equipment_calibrated(
                by=request.user, item=item, version=data["version"], on=data["on"], certificate=data["certificate"]
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            text = _("Calibration of %(ref)s recorded; next due %(due)s.")
            messages.success(request, text % {"ref": item.reference, "due": f"{item.due_on:%Y-%m-%d}"})
            return redirect("kpis:equipment_detail", pk=pk)
    return render(request, "kpis/equipment_calibrate.html", {"form": form, "record": item}, status=_status(request))


@require_POST
def equipment_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.equipment_get(request.user, pk)
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("kpis:equipment_detail", pk=pk)
    try:
        services.equipment_archive(by=request.user, item=item, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
        return redirect("kpis:equipment_detail", pk=pk)
    messages.success(request, _("Equipment %(ref)s archived.") % {"ref": item.reference})
    return redirect("kpis:equipment_list")


# -- energy baselines (ISO 50001 6.5) ------------------------------------------------------------------


def baseline_create(request: HttpRequest) -> HttpResponse:
    """Define an energy baseline; a model refused by the validity rules is not saved, its reasons are shown."""
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused("You are not allowed to create energy baselines.")
    form = BaselineForm(request.POST or None, series=_live_series(request))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.baseline_create(by=request.user, require_valid_model=True, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Energy baseline %(ref)s created.") % {"ref": record.reference})
            return redirect("kpis:baseline_detail", pk=record.pk)
    return render(request, "kpis/baseline_form.html", {"form": form}, status=_status(request))


# -- KPIs: edit and links ------------------------------------------------------------------------------


def _kpi_for_change(request: HttpRequest, pk: int) -> Kpi:
    kpi = selectors.kpi_get(request.user, pk)
    require(request.user, Action.CHANGE, site_id=kpi.site_id, what="this KPI")
    return kpi


def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = _kpi_for_change(request, pk)
    fields = ("name", "direction", "target", "at_risk", "unit", "description")
    initial: dict[str, Any] = {name: getattr(kpi, name) for name in fields}
    initial["version"] = kpi.version
    form = KpiEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.kpi_update(by=request.user, kpi=kpi, version=version, changes=data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("KPI %(ref)s saved.") % {"ref": kpi.reference})
            return redirect("kpis:detail", pk=pk)
    context = {"form": form, "record": kpi, "conflict": conflict}
    return render(request, "kpis/kpi_form.html", context, status=_status(request, conflict))


def _link_form(request: HttpRequest, kpi: Kpi, data: Any = None) -> KpiLinkForm:
    """Live objectives and processes the reader may see, plus those already linked (kept unless unticked)."""
    objectives = list(kpi.objectives.values_list("pk", flat=True))
    processes = list(kpi.processes.values_list("pk", flat=True))
    return KpiLinkForm(
        data,
        initial={"objectives": objectives, "processes": processes},
        objectives=objectives_visible_to(request.user)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=objectives))
        .order_by("reference"),
        processes=processes_visible_to(request.user)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=processes))
        .order_by("reference"),
    )


def kpi_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Which objectives the KPI measures (6.2) and which processes it belongs to (4.4)."""
    kpi = _kpi_for_change(request, pk)
    form = _link_form(request, kpi, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_link(
                by=request.user,
                kpi=kpi,
                objectives=list(form.cleaned_data["objectives"]),
                processes=list(form.cleaned_data["processes"]),
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Links of KPI %(ref)s saved.") % {"ref": kpi.reference})
            return redirect("kpis:detail", pk=pk)
    return render(request, "kpis/kpi_links.html", {"form": form, "record": kpi}, status=_status(request))


# -- monitoring of significant environmental aspects (14001 9.1.1) ----------------------------------------


def _monitoring_form(request: HttpRequest, data: Any = None) -> AspectMonitorForm:
    changeable = visible(Aspect.objects.select_related("site"), request.user, Action.CHANGE)
    return AspectMonitorForm(
        data,
        aspects=changeable.filter(significant=True, archived_at__isnull=True).order_by("reference"),
        series=_live_series(request),
        kpis=selectors.kpis_visible_to(request.user).filter(archived_at__isnull=True),
    )


def aspect_monitoring(request: HttpRequest) -> HttpResponse:
    """The significant aspects of the reader's sites, each with the series and KPIs that monitor it."""
    form = _monitoring_form(request, request.POST or None)
    if request.method == "POST":
        if not can(request.user, Action.CHANGE, anywhere=True):
            raise PermissionRefused("You are not allowed to change how aspects are monitored.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.aspect_monitor(by=request.user, aspect=data["aspect"], series=data["series"], kpi=data["kpi"])
            except ImsError as exc:
                apply_error(request, form, exc)
            else:
                messages.success(request, _("Monitoring of %(ref)s saved.") % {"ref": data["aspect"].reference})
                return redirect("kpis:aspect_monitoring")
    aspects = list(aspects_visible_to(request.user).filter(significant=True, archived_at__isnull=True))
    links: dict[int, list[AspectMonitoring]] = {a.pk: [] for a in aspects}
    for link in AspectMonitoring.objects.filter(aspect__in=aspects).select_related("series", "kpi").order_by("pk"):
        links[link.aspect_id].append(link)
    rows = [(a, links[a.pk], can(request.user, Action.CHANGE, site_id=a.site_id)) for a in aspects]
    context = {"rows": rows, "form": form, "may_change": can(request.user, Action.CHANGE, anywhere=True)}
    return render(request, "kpis/aspect_monitoring.html", context, status=_status(request))


@require_POST
def aspect_unmonitor(request: HttpRequest, pk: int) -> HttpResponse:
    link = (
        AspectMonitoring.objects.select_related("aspect", "series", "kpi")
        .filter(pk=pk, aspect__in=aspects_visible_to(request.user))
        .first()
    )
    if link is None:
        raise NotFound(f"No aspect monitoring link with id {pk} that you may see.")
    what = link.series.reference if link.series else link.kpi.reference if link.kpi else ""
    services.aspect_unmonitor(by=request.user, link=link)
    text = _("%(what)s no longer monitors %(ref)s.")
    messages.success(request, text % {"what": what, "ref": link.aspect.reference})
    return redirect("kpis:aspect_monitoring")
