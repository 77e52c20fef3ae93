"""Pages of the processes register (4.4): list, detail, forms, links, exports and the process map."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, visible
from ims.core.errors import ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes import processmap, selectors, services
from ims.processes.forms import LinkForm, ProcessCreateForm, ProcessEditForm
from ims.processes.models import Process, ProcessKind
from ims.registers.views import Export, Filters, RegisterViews, recent_history, rows_of, site_id_of
from ims.responsibilities.selectors import for_process
from ims.web.forms import apply_error

HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Process"),
    gettext_lazy("Kind"),
    gettext_lazy("Owner"),
    gettext_lazy("Sites"),
    gettext_lazy("Purpose"),
    gettext_lazy("Inputs"),
    gettext_lazy("Outputs"),
    gettext_lazy("Customers"),
    gettext_lazy("Resources"),
    gettext_lazy("Standards"),
    gettext_lazy("Related records"),
    gettext_lazy("Review date"),
)


def _query(user: Any, f: Filters) -> QuerySet[Process]:
    return selectors.process_list(
        user,
        q=f["q"],
        site_id=site_id_of(f),
        kind=f["kind"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _export_row(p: Process) -> list[Any]:
    return [
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


def _require_change(user: Any, process: Process) -> None:
    services.require_sites(user, Action.CHANGE, process.sites.all())


def _form_kwargs(user: Any, process: Process | None) -> dict[str, Any]:
    if process is None:
        return {}
    # Sites already set stay choosable even where the editor may not create: the service decides.
    kept = Site.objects.filter(pk__in=[s.pk for s in process.sites.all()])
    return {"sites": (_writable_sites(user, Action.CHANGE) | kept).distinct().order_by("name")}


PROCESSES = RegisterViews(
    app="processes",
    stem="process",
    query=_query,
    get_fn=selectors.process_get,
    create_fn=lambda **data: services.process_create(**data),
    update_fn=lambda by, p, v, data: services.process_update(by=by, process=p, version=v, **data),
    archive_fn=lambda by, p, v: services.process_archive(by=by, process=p, version=v),
    create_form=ProcessCreateForm,
    edit_form=ProcessEditForm,
    edit_fields=services.PROCESS_FIELDS,
    edit_many=("sites",),
    form_kwargs=_form_kwargs,
    org_wide=False,  # a process runs at one or more sites
    preselect=lambda current: {"sites": [current]},
    require_change=_require_change,
    create_refused=gettext_lazy("You are not allowed to create processes."),
    created=gettext_lazy("Process %(ref)s created."),
    saved=gettext_lazy("Process %(ref)s saved."),
    archived=gettext_lazy("Process %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "name", "review", "updated"),
    choices=(("kind", ProcessKind.values),),
    flags=("overdue",),
    list_context={"kinds": ProcessKind.choices},
    export=Export(slug="processes", title=gettext_lazy("Processes"), header=HEADER, rows=rows_of(_export_row)),
)

process_list = PROCESSES.list_view
export_csv = PROCESSES.export_csv
export_xlsx = PROCESSES.export_xlsx
process_create = PROCESSES.create_view
process_edit = PROCESSES.edit_view
process_archive = require_POST(PROCESSES.archive_view)


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
            "history": recent_history(request.user, "processes.process", pk),
        },
    )


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
