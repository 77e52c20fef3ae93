"""Pages of monitoring (9.1.1): series list and detail (readings, gaps, sparkline), forms, manual entry, import."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError, PermissionRefused, ValidationFailed
from ims.monitoring import charts, export, selectors, services
from ims.monitoring.checking import ReadingsRefused
from ims.monitoring.forms import (
    ImportForm,
    MappingCreateForm,
    MappingEditForm,
    MappingFieldsForm,
    ReadingForm,
    SeriesCreateForm,
    SeriesEditForm,
)
from ims.monitoring.importing import COLUMN_HELP, MAX_UPLOAD_BYTES, import_readings
from ims.monitoring.models import Category, Series
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.web.context import current_site_id
from ims.web.forms import apply_error

SORT_COLUMNS = ("reference", "name", "site", "category")
GAP_WINDOW_DAYS = 30
MAX_GAP_WINDOW_DAYS = 366


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    category = get.get("category", "")
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site.isascii() and site.isdigit() else "",
        "category": category if category in Category.values else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def series_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.series_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] else None,
        category=f["category"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )
    page = Paginator(selectors.with_latest(qs), 50).get_page(request.GET.get("page"))
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    start, end = selectors.recent_window(365)
    waste = selectors.series_visible_to(request.user).filter(category=Category.WASTE, archived_at__isnull=True)
    if f["site"]:
        waste = waste.filter(site_id=int(f["site"]))
    return render(
        request,
        "monitoring/series_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "categories": Category.choices,
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "may_import": can(request.user, Action.CHANGE, anywhere=True),
            "diversion": selectors.diversion(waste, start=start, end=end),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def series_list_export(request: HttpRequest) -> HttpResponseBase:
    """Readings of every series the list's filters show (all pages), as CSV or XLSX."""
    f = _filters(request)
    qs = selectors.series_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] else None,
        category=f["category"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )
    back = f"{reverse('monitoring:series_list')}?{urlencode(_params(f))}"
    return _export(request, list(qs), name="readings", back=back)


def series_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Readings of one series, as CSV or XLSX."""
    series = selectors.series_get(request.user, pk)
    back = reverse("monitoring:series_detail", args=[pk])
    return _export(request, [series], name=f"{series.reference}-readings", back=back)


def _export(request: HttpRequest, series: list[Series], *, name: str, back: str) -> HttpResponseBase:
    """The file asked for; a bad format or date goes back to the page with the field named."""
    try:
        kind = export.export_format(request.GET.get("format", ""))
        first, last = export.local_dates(request.GET.get("from", ""), request.GET.get("to", ""))
        items = list(export.windows(series, first=first, last=last))
        if kind == "xlsx":
            export.check_xlsx_size(items)
    except ValidationFailed as exc:
        for field, problems in exc.errors.items():
            label = {"from": _("From"), "to": _("To"), "format": _("Format")}.get(field, field)
            messages.error(request, f"{label}: {' '.join(problems)}")
        return redirect(back)
    if first or last:
        name += f"-{first or ''}_{last or ''}"
    if kind == "xlsx":
        return FileResponse(export.xlsx_file(items), as_attachment=True, filename=f"{name}.xlsx")
    response = StreamingHttpResponse(export.csv_stream(items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _window(request: HttpRequest, series: Series) -> tuple[dt.datetime, dt.datetime, list[str]]:
    """The gap window asked for (local dates of the site, both included), or the last 30 days."""
    tz = selectors.zone_of(series)
    today = timezone.localtime(timezone.now(), tz).date()
    errors = []

    def day(name: str, default: dt.date) -> dt.date:
        raw = request.GET.get(name, "")
        if not raw:
            return default
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            errors.append(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw})
            return default

    first = day("from", today - dt.timedelta(days=GAP_WINDOW_DAYS - 1))
    last = day("to", today)
    if last < first or (last - first).days >= MAX_GAP_WINDOW_DAYS:
        errors.append(_("Choose a window of 1 to %(n)d days.") % {"n": MAX_GAP_WINDOW_DAYS})
        first, last = today - dt.timedelta(days=GAP_WINDOW_DAYS - 1), today
    start = dt.datetime(first.year, first.month, first.day, tzinfo=tz)
    end = dt.datetime(last.year, last.month, last.day, tzinfo=tz) + dt.timedelta(days=1)
    return start, min(end, timezone.now()), errors


def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = selectors.series_get(request.user, pk)
    start, end, window_errors = _window(request, series)
    try:
        gaps = selectors.gaps(series, start=start, end=end)
    except ValidationFailed as exc:
        gaps, window_errors = [], [*window_errors, *exc.errors.get("window", [])]
    spark_start, spark_end = selectors.recent_window(90)
    history = history_of(user=request.user, record_type="monitoring.series", record_id=str(pk))
    open_record = series.archived_at is None
    return render(
        request,
        "monitoring/series_detail.html",
        {
            "record": series,
            "tz": selectors.zone_of(series),
            "latest": selectors.latest_readings(series, 50),
            "totals": selectors.totals(series, start=start, end=end),
            "gaps": gaps,
            "missing": sum(g.slots for g in gaps),
            "window": {"from": start.date().isoformat(), "to": (end - dt.timedelta(seconds=1)).date().isoformat()},
            "window_errors": window_errors,
            "daily": charts.daily(series, start=spark_start, end=spark_end),
            "may_change": open_record and can(request.user, Action.CHANGE, site_id=series.site_id),
            "may_restore": not open_record and can(request.user, Action.CHANGE, site_id=series.site_id),
            "may_record": open_record and can(request.user, Action.CREATE, site_id=series.site_id),
            "submeters": list(series.submeters.order_by("archived_at", "reference")),
            "history": None if history is None else list(history[:100]),
        },
    )


def series_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create monitoring series."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    initial: dict[str, Any] = {"reading_kind": "interval", "expected_frequency": "day", "source": "manual"}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    parents = selectors.series_visible_to(request.user).filter(archived_at__isnull=True, site__in=sites)
    form = SeriesCreateForm(
        request.POST or None, sites=sites.order_by("name"), parents=parents.order_by("reference"), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            series = services.series_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Series %(ref)s created.") % {"ref": series.reference})
            return redirect("monitoring:series_detail", pk=series.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "monitoring/series_form.html", {"form": form, "creating": True}, status=status)


def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    series = selectors.series_get(request.user, pk)
    require(request.user, Action.CHANGE, site_id=series.site_id, what=f"monitoring series of {series.site}")
    initial: dict[str, Any] = {name: getattr(series, name) for name in services.SERIES_FIELDS}
    initial["version"] = series.version
    parents = Series.objects.filter(site_id=series.site_id).exclude(pk=series.pk)
    # A parent archived since it was chosen stays listed, so the form shows what is stored.
    parents = parents.filter(Q(archived_at__isnull=True) | Q(pk=series.parent_id))
    form = SeriesEditForm(request.POST or None, parents=parents.order_by("reference"), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.series_update(by=request.user, series=series, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Series %(ref)s saved.") % {"ref": series.reference})
            return redirect("monitoring:series_detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": series, "conflict": conflict}
    return render(request, "monitoring/series_form.html", context, status=status)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


@require_POST
def series_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, pk, services.series_archive, _("Series %(ref)s archived."))


@require_POST
def series_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, pk, services.series_restore, _("Series %(ref)s restored."))


def _archive_or_restore(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    series = selectors.series_get(request.user, pk)
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("monitoring:series_detail", pk=pk)
    try:
        service(by=request.user, series=series, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done % {"ref": series.reference})
    return redirect("monitoring:series_detail", pk=pk)


def reading_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual entry of one reading; a value outside the expected range must be confirmed."""
    series = selectors.series_get(request.user, pk)
    require(request.user, Action.CREATE, site_id=series.site_id, what=f"readings of {series.site}")
    tz = selectors.zone_of(series)
    now = timezone.localtime(timezone.now(), tz).replace(second=0, microsecond=0, tzinfo=None)
    form = ReadingForm(
        request.POST or None, time_zone=str(tz), initial={"unit": series.unit, "ts": now, "quality": "measured"}
    )
    ask_confirmation = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        when = data.pop("ts").replace(tzinfo=None)  # the form's time is the site's local time
        try:
            services.reading_record(by=request.user, series=series, ts=when, **data)
        except ImsError as exc:
            ask_confirmation = isinstance(exc, ValidationFailed) and "expected range" in " ".join(
                exc.errors.get("value", [])
            )
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Reading of %(ref)s saved.") % {"ref": series.reference})
            return redirect("monitoring:series_detail", pk=pk)
    if not ask_confirmation:
        form.fields["confirmed"].widget = form.fields["confirmed"].hidden_widget()
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "monitoring/reading_form.html",
        {"form": form, "record": series, "tz": tz, "ask_confirmation": ask_confirmation},
        status=status,
    )


def reading_import(request: HttpRequest) -> HttpResponse:
    """Upload a file; it is checked whole and written in the same request (large files: the CLI)."""
    if not can(request.user, Action.CHANGE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to import readings."))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error(
                "file",
                _("This file is over %(mb)d MB: import it with “ims import readings FILE” on the server.")
                % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
            )
        else:
            try:
                report = import_readings(
                    by=request.user,
                    stream=upload.open("rb"),
                    file_name=upload.name,
                    mapping=form.cleaned_data["mapping"],
                    source=form.cleaned_data["source"],
                )
            except ReadingsRefused as exc:
                problems = list(exc.extra.get("problems", []))
                messages.error(request, _("Nothing was imported: the file has problems, listed below."))
            except ImsError as exc:
                apply_error(request, form, exc)
            else:
                messages.success(
                    request,
                    _("Imported %(n)d readings: %(c)d new, %(u)d updated, %(s)d unchanged.")
                    % {"n": report.readings, "c": report.created, "u": report.updated, "s": report.unchanged},
                )
    status = 422 if request.method == "POST" and report is None else 200
    return render(
        request,
        "monitoring/import.html",
        {
            "form": form,
            "problems": problems,
            "report": report,
            "columns": COLUMN_HELP,
            "max_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
            "runs": selectors.import_runs(request.user)[:10],
        },
        status=status,
    )


def mapping_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/mapping_list.html",
        {"mappings": selectors.mappings(), "may_change": can(request.user, Action.CHANGE, anywhere=True)},
    )


def _require_mappings(request: HttpRequest) -> None:
    if not can(request.user, Action.CHANGE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to manage import mappings."))


def mapping_create(request: HttpRequest) -> HttpResponse:
    _require_mappings(request)
    form = MappingCreateForm(request.POST or None, initial={"layout": "auto"})
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.mapping_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Import mapping %(name)s saved.") % {"name": mapping.name})
            return redirect("monitoring:mapping_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "monitoring/mapping_form.html", {"form": form, "creating": True}, status=status)


def mapping_edit(request: HttpRequest, name: str) -> HttpResponse:
    _require_mappings(request)
    mapping = selectors.mapping_get(name)
    initial: dict[str, Any] = {n: getattr(mapping, n) for n in services.MAPPING_FIELDS}
    initial["columns"] = MappingFieldsForm.columns_text(mapping.columns)
    initial["version"] = mapping.version
    form = MappingEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.mapping_update(by=request.user, mapping=mapping, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Import mapping %(name)s saved.") % {"name": mapping.name})
            return redirect("monitoring:mapping_list")
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": mapping, "conflict": conflict}
    return render(request, "monitoring/mapping_form.html", context, status=status)
