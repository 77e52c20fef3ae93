"""Pages of planned changes (6.3): list, detail with transition buttons, forms, exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.audit.selectors import history_of
from ims.changes import selectors, services
from ims.changes.forms import ChangeCreateForm, ChangeEditForm, TransitionForm
from ims.changes.models import ChangeStatus, PlannedChange
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes.models import Process
from ims.processes.selectors import processes_visible_to
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
SORT_COLUMNS = ("reference", "planned", "review", "updated")
HEADER = (
    "Reference",
    "Site",
    "Change",
    "Status",
    "Purpose",
    "Consequences considered",
    "Resources needed",
    "Responsible",
    "Responsibilities",
    "Affected processes",
    "Standards",
    "Planned date",
    "Review date",
    "Approved by",
    "Approved at",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    status = get.get("status", "")
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site == ORG_WIDE or (site.isascii() and site.isdigit()) else "",
        "status": status if status in ChangeStatus.values else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[PlannedChange]:
    return selectors.change_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None,
        org_wide=f["site"] == ORG_WIDE,
        status=f["status"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def change_list(request: HttpRequest) -> HttpResponse:
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
        "changes/change_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "statuses": ChangeStatus.choices,
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
            c.reference,
            c.site_label,
            c.title,
            c.get_status_display(),
            c.purpose,
            c.consequences,
            c.resources,
            str(c.owner) if c.owner else "",
            c.responsibilities,
            ", ".join(p.reference for p in c.processes.all()),
            c.standards_label,
            c.planned_date.isoformat() if c.planned_date else "",
            c.review_date.isoformat() if c.review_date else "",
            str(c.approved_by) if c.approved_by else "",
            c.approved_at.isoformat(timespec="minutes") if c.approved_at else "",
        ]
        for c in _filtered(request, _filters(request)).prefetch_related("processes")
    ]
    header = [_(h) for h in HEADER]
    name = f"planned-changes-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Planned changes")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _processes(user: Any) -> QuerySet[Process]:
    return processes_visible_to(user).filter(archived_at__isnull=True).order_by("reference")


def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    history = history_of(user=request.user, record_type="changes.plannedchange", record_id=str(pk))
    open_record = change.archived_at is None
    buttons = []
    for to in services.allowed_next(change.status) if open_record else []:
        action = services.transition_action(change.status, to)
        if action is not None and can(request.user, action, site_id=change.site_id):
            buttons.append({"to": to, "label": ChangeStatus(to).label})
    today = timezone.localdate()
    return render(
        request,
        "changes/change_detail.html",
        {
            "record": change,
            "processes": change.processes.all().order_by("reference"),
            "transitions": buttons,
            "may_change": open_record and can(request.user, Action.CHANGE, site_id=change.site_id),
            "late": change.open and change.planned_date is not None and change.planned_date < today,
            "today": today,
            "history": None if history is None else list(history[:100]),
        },
    )


def change_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create planned changes."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    sites = sites.order_by("name")
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    form = ChangeCreateForm(
        request.POST or None,
        sites=sites,
        allow_org_wide=can(request.user, Action.CREATE, site_id=None),
        processes=_processes(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            change = services.change_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Planned change %(ref)s created.") % {"ref": change.reference})
            return redirect("changes:detail", pk=change.pk)
    return render(
        request,
        "changes/change_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def _require_change(user: Any, change: PlannedChange) -> None:
    where = f"of {change.site}" if change.site is not None else "of the whole organisation"
    require(user, Action.CHANGE, site_id=change.site_id, what=f"planned changes {where}")


def change_edit(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    _require_change(request.user, change)
    initial: dict[str, Any] = {name: getattr(change, name) for name in services.CHANGE_FIELDS}
    initial["processes"] = list(change.processes.all())
    initial["version"] = change.version
    form = ChangeEditForm(request.POST or None, processes=_processes(request.user), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.change_update(by=request.user, change=change, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Planned change %(ref)s saved.") % {"ref": change.reference})
            return redirect("changes:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "changes/change_form.html", {"form": form, "record": change, "conflict": conflict}, status=status
    )


@require_POST
def change_transition(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("changes:detail", pk=pk)
    data = form.cleaned_data
    try:
        moved = services.change_transition(
            by=request.user, change=change, version=data["version"], to=data["to"], reason=data["reason"]
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Planned change %(ref)s is now %(status)s.")
            % {"ref": moved.reference, "status": moved.get_status_display().lower()},
        )
    return redirect("changes:detail", pk=pk)


@require_POST
def change_archive(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("changes:detail", pk=pk)
    try:
        services.change_archive(by=request.user, change=change, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Planned change %(ref)s archived.") % {"ref": change.reference})
    return redirect("changes:detail", pk=pk)
