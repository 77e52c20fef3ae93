"""Pages of roles, responsibilities and authorities (5.3): list, detail, forms, exports."""

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
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes.models import Process
from ims.processes.selectors import processes_visible_to
from ims.responsibilities import selectors, services
from ims.responsibilities.forms import ResponsibilityCreateForm, ResponsibilityEditForm
from ims.responsibilities.models import Duty, Responsibility
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
SORT_COLUMNS = ("reference", "title", "review", "updated")
# The import's column names, untranslated: a downloaded register imports back as it is.
HEADER = (
    "Reference",
    "Site",
    "Title",
    "Responsibilities",
    "Authorities",
    "Holders",
    "Deputy",
    "Processes",
    "Standards",
    "Duties",
    "Top management",
    "Review date",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    duty = get.get("duty", "")
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site == ORG_WIDE or (site.isascii() and site.isdigit()) else "",
        "duty": duty if duty in Duty.values else "",
        "top": "1" if get.get("top") == "1" else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Responsibility]:
    return selectors.responsibility_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None,
        org_wide=f["site"] == ORG_WIDE,
        duty=f["duty"],
        top_management=True if f["top"] else None,
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def responsibility_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_filtered(request, f).prefetch_related("holders"), 50).get_page(request.GET.get("page"))
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    return render(
        request,
        "responsibilities/responsibility_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "duties": Duty.choices,
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
            r.reference,
            r.site.code if r.site is not None else "",
            r.title,
            r.responsibilities,
            r.authorities,
            "; ".join(sorted(u.username for u in r.holders.all())),
            r.deputy.username if r.deputy is not None else "",
            "; ".join(sorted(p.reference for p in r.processes.all())),
            "; ".join(r.standards or []),
            "; ".join(r.duties or []),
            r.top_management,
            r.review_date,
        ]
        for r in _filtered(request, _filters(request)).prefetch_related("holders", "processes")
    ]
    name = f"responsibilities-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(HEADER, rows, title=_("Responsibilities")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _processes(user: Any) -> QuerySet[Process]:
    return processes_visible_to(user).filter(archived_at__isnull=True).order_by("reference")


def _may_change(user: Any, record: Responsibility) -> bool:
    if record.archived_at is not None or not can(user, Action.CHANGE, site_id=record.site_id):
        return False
    return not record.top_management or can(user, Action.APPROVE, site_id=record.site_id)


def responsibility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.responsibility_get(request.user, pk)
    history = history_of(user=request.user, record_type="responsibilities.responsibility", record_id=str(pk))
    return render(
        request,
        "responsibilities/responsibility_detail.html",
        {
            "record": record,
            "holders": record.holders.all().order_by("username"),
            "processes": record.processes.all().order_by("reference"),
            "may_change": _may_change(request.user, record),
            "may_manage_users": can(request.user, Action.MANAGE_USERS),
            "today": timezone.localdate(),
            "history": None if history is None else list(history[:100]),
        },
    )


def responsibility_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create responsibilities."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    sites = sites.order_by("name")
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    form = ResponsibilityCreateForm(
        request.POST or None,
        sites=sites,
        allow_org_wide=can(request.user, Action.CREATE, site_id=None),
        processes=_processes(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = services.responsibility_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Role %(ref)s created.") % {"ref": record.reference})
            return redirect("responsibilities:detail", pk=record.pk)
    return render(
        request,
        "responsibilities/responsibility_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def _require_change(user: Any, record: Responsibility) -> None:
    where = f"of {record.site}" if record.site is not None else "of the whole organisation"
    require(user, Action.CHANGE, site_id=record.site_id, what=f"responsibilities {where}")


def responsibility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.responsibility_get(request.user, pk)
    _require_change(request.user, record)
    initial: dict[str, Any] = {name: getattr(record, name) for name in services.RESPONSIBILITY_FIELDS}
    initial["holders"] = list(record.holders.all())
    initial["processes"] = list(record.processes.all())
    initial["version"] = record.version
    form = ResponsibilityEditForm(request.POST or None, processes=_processes(request.user), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.responsibility_update(by=request.user, responsibility=record, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Role %(ref)s saved.") % {"ref": record.reference})
            return redirect("responsibilities:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request,
        "responsibilities/responsibility_form.html",
        {"form": form, "record": record, "conflict": conflict},
        status=status,
    )


@require_POST
def responsibility_archive(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.responsibility_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("responsibilities:detail", pk=pk)
    try:
        services.responsibility_archive(by=request.user, responsibility=record, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Role %(ref)s archived.") % {"ref": record.reference})
    return redirect("responsibilities:detail", pk=pk)
