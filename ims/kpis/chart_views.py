"""Pages of control charts (9001 9.1.1, 9.1.3): the chart with its signals, and its definition forms."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.kpis import analysis, report, selectors, services
from ims.kpis.chart_forms import ChartCreateForm, ChartEditForm
from ims.kpis.models import ControlChart
from ims.monitoring.models import Series
from ims.spc import svg as spc_svg
from ims.tabular.export import csv_bytes
from ims.web.forms import apply_error


def chart_detail(request: HttpRequest, pk: int) -> HttpResponse:
    chart = selectors.chart_get(request.user, pk)
    result = analysis.analyse(chart)
    site_id = chart.series.site_id
    live = chart.archived_at is None
    return render(
        request,
        "kpis/chart_detail.html",
        {
            "record": chart,
            "result": result,
            "svg": report.chart_svg(result),
            "table": report.chart_table(result),
            "signals": list(chart.signals.select_related("event")),
            "may_report": can(request.user, Action.REPORT, site_id=site_id),
            "may_change": live and can(request.user, Action.CHANGE, site_id=site_id),
            "may_archive": live and can(request.user, Action.DELETE, site_id=site_id),
            "may_create": can(request.user, Action.CREATE, anywhere=True),
        },
    )


def chart_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The chart's data table as CSV: one row per point with its limits and the rules it breaks."""
    chart = selectors.chart_get(request.user, pk)
    result = analysis.analyse(chart)
    table = report.chart_table(result) or spc_svg.DataTable(caption="", header=("Point", "Value"), rows=())
    response = HttpResponse(csv_bytes(table.header, table.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.reference}.csv"'
    return response


def _series_choices(user: Any, action: Action, *, keep: tuple[int | None, ...] = ()) -> QuerySet[Series]:
    """Series in use, plus the chart's own (``keep``) even if archived since, so the chart can still be edited."""
    chosen = Q(archived_at__isnull=True) | Q(pk__in=[pk for pk in keep if pk is not None])
    live = Series.objects.filter(chosen).select_related("site")
    return visible(live, user, action).order_by("reference")


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the service takes them: no subgroup kind is stored as an empty string."""
    data["subgrouping"] = data.get("subgrouping") or ""
    return data


def chart_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create control charts."))
    form = ChartCreateForm(request.POST or None, series=_series_choices(request.user, Action.CREATE))
    if request.method == "POST" and form.is_valid():
        data = _fields(dict(form.cleaned_data))
        try:
            chart = services.chart_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Control chart %(ref)s created.") % {"ref": chart.reference})
            return redirect("kpis:chart_detail", pk=chart.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "kpis/chart_form.html", {"form": form, "creating": True}, status=status)


def _initial(chart: ControlChart) -> dict[str, Any]:
    tz = ZoneInfo(chart.series.site.time_zone)
    initial: dict[str, Any] = {name: getattr(chart, name) for name in services.CHART_FIELDS}
    for name in ("baseline_from", "baseline_to"):
        initial[name] = timezone.localtime(getattr(chart, name), tz).replace(tzinfo=None)
    initial["version"] = chart.version
    return initial


def chart_edit(request: HttpRequest, pk: int) -> HttpResponse:
    chart = selectors.chart_get(request.user, pk)
    require(request.user, Action.CHANGE, site_id=chart.series.site_id, what="this control chart")
    own = (chart.series_id, chart.size_series_id)
    form = ChartEditForm(
        request.POST or None, initial=_initial(chart), series=_series_choices(request.user, Action.CHANGE, keep=own)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = _fields(dict(form.cleaned_data))
        version = data.pop("version")
        try:
            services.chart_update(by=request.user, chart=chart, version=version, changes=data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Control chart %(ref)s saved.") % {"ref": chart.reference})
            return redirect("kpis:chart_detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": chart, "conflict": conflict}
    return render(request, "kpis/chart_form.html", context, status=status)


@require_POST
def chart_archive(request: HttpRequest, pk: int) -> HttpResponse:
    chart = selectors.chart_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not (raw.isascii() and raw.isdigit()):
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("kpis:chart_detail", pk=pk)
    try:
        services.chart_archive(by=request.user, chart=chart, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Control chart %(ref)s archived.") % {"ref": chart.reference})
    return redirect("kpis:chart_detail", pk=pk)
