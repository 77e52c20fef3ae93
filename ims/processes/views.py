"""Pages of the processes register (4.4): list, detail, forms, links, exports and the process map."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, visible
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes import processmap, selectors, services
from ims.processes.forms import LinkForm, ProcessCreateForm, ProcessEditForm
from ims.processes.models import Process, ProcessKind
from ims.responsibilities.selectors import for_process
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

SORT_COLUMNS = ("reference", "name", "review", "updated")
HEADER = (
    "Reference",
    "Process",
    "Kind",
    "Owner",
    "Sites",
    "Purpose",
    "Inputs",
    "Outputs",
    "Customers",
    "Resources",
    "Standards",
    "Related records",
    "Review date",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    kind = get.get("kind", "")
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site.isascii() and site.isdigit() else "",
        "kind": kind if kind in ProcessKind.values else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Process]:
    return selectors.process_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] else None,
        kind=f["kind"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def process_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_filtered(request, f), 50).get_page(request.GET.get("page"))
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    return render(
        request,
        "processes/process_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "kinds": ProcessKind.choices,
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    rows = [
        [
            p.reference,
            p.name,
            p.get_kind_display(),
            str(p.owner) if p.owner else "",
            p.sites_label,
            p.purpose,
            p.inputs,
            p.outputs,
            p.customers,
            p.resources,
            p.standards_label,
            p.related_records,
            p.review_date.isoformat() if p.review_date else "",
        ]
        for p in _filtered(request, _filters(request))
    ]
    header = [_(h) for h in HEADER]
    name = f"processes-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Processes")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _may_change(user: Any, process: Process) -> bool:
    if process.archived_at is not None:
        return False
    try:
        services.require_sites(user, Action.CHANGE, process.sites.all())
    except PermissionRefused:
        return False
    return True


def _writable_sites(user: Any, action: Action) -> QuerySet[Site]:
    return visible(Site.objects.filter(archived_at__isnull=True), user, action, site_field="pk").order_by("name")


def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_get(request.user, pk)
    out, into = selectors.links_of(request.user, process)
    history = history_of(user=request.user, record_type="processes.process", record_id=str(pk))
    return render(
        request,
        "processes/process_detail.html",
        {
            "record": process,
            "links_out": out,
            "links_in": into,
            "roles": for_process(request.user, process).prefetch_related("holders"),
            "may_change": _may_change(request.user, process),
            "today": timezone.localdate(),
            "history": None if history is None else list(history[:100]),
        },
    )


def process_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create processes."))
    sites = _writable_sites(request.user, Action.CREATE)
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["sites"] = [current]
    form = ProcessCreateForm(request.POST or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            process = services.process_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Process %(ref)s created.") % {"ref": process.reference})
            return redirect("processes:detail", pk=process.pk)
    return render(
        request,
        "processes/process_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_get(request.user, pk)
    services.require_sites(request.user, Action.CHANGE, process.sites.all())
    initial: dict[str, Any] = {name: getattr(process, name) for name in services.PROCESS_FIELDS}
    initial["sites"] = list(process.sites.all())
    initial["version"] = process.version
    # Sites already set stay choosable even where the editor may not create: the service decides.
    sites = (
        _writable_sites(request.user, Action.CHANGE) | Site.objects.filter(pk__in=[s.pk for s in initial["sites"]])
    ).distinct()
    form = ProcessEditForm(request.POST or None, sites=sites.order_by("name"), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.process_update(by=request.user, process=process, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Process %(ref)s saved.") % {"ref": process.reference})
            return redirect("processes:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "processes/process_form.html", {"form": form, "record": process, "conflict": conflict}, status=status
    )


@require_POST
def process_archive(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("processes:detail", pk=pk)
    try:
        services.process_archive(by=request.user, process=process, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Process %(ref)s archived.") % {"ref": process.reference})
    return redirect("processes:detail", pk=pk)


def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = selectors.process_get(request.user, pk)
    services.require_sites(request.user, Action.CHANGE, process.sites.all())
    targets = selectors.processes_visible_to(request.user).filter(archived_at__isnull=True).exclude(pk=pk)
    form = LinkForm(request.POST or None, targets=targets.order_by("reference"))
    if request.method == "POST" and form.is_valid():
        try:
            services.link_add(
                by=request.user, source=process, target=form.cleaned_data["target"], label=form.cleaned_data["label"]
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Link added."))
            return redirect("processes:detail", pk=pk)
    return render(
        request,
        "processes/link_form.html",
        {"form": form, "record": process},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def link_delete(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    process = selectors.process_get(request.user, pk)
    try:
        services.link_remove(by=request.user, source=process, link_id=link_id)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Link removed."))
    return redirect("processes:detail", pk=pk)


def process_map(request: HttpRequest) -> HttpResponse:
    site = request.GET.get("site", "").strip()
    site_id = int(site) if site.isascii() and site.isdigit() else None
    processes, links = selectors.process_map(request.user, site_id=site_id)
    svg = processmap.render(processes, links, lambda p: reverse("processes:detail", args=[p.pk]))
    return render(
        request,
        "processes/process_map.html",
        {
            "svg": svg,
            "processes": processes,
            "links": links,
            "sites": sites_visible_to(request.user).order_by("name"),
            "site_id": site_id,
        },
    )
