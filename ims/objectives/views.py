"""Pages of the objectives register (6.2): list, detail, forms, progress entries, exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.audit.selectors import history_of
from ims.context.models import StandardServed
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.kpis.selectors import progress_for
from ims.objectives import selectors, services
from ims.objectives.forms import ObjectiveCreateForm, ObjectiveEditForm, ProgressForm
from ims.objectives.models import Objective
from ims.objectives.progress import Status
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
SORT_COLUMNS = ("reference", "deadline", "updated")


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site == ORG_WIDE or (site.isascii() and site.isdigit()) else "",
        "standard": get.get("standard", "") if get.get("standard", "") in StandardServed.values else "",
        "status": get.get("status", "") if get.get("status", "") in Status.values else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def _filtered(request: HttpRequest, f: dict[str, str]) -> list[Objective]:
    qs = selectors.objective_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None,
        org_wide=f["site"] == ORG_WIDE,
        standard=f["standard"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )
    return selectors.with_status(qs, timezone.localdate(), f["status"])


def objective_list(request: HttpRequest) -> HttpResponse:
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
        "objectives/objective_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "standards": StandardServed.choices,
            "statuses": Status.choices,
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


HEADER = [
    "Reference",
    "Site",
    "Objective",
    "Standards",
    "Baseline",
    "Baseline date",
    "Target",
    "Unit",
    "Direction",
    "Deadline",
    "Latest value",
    "Latest on",
    "Progress %",
    "Time elapsed %",
    "Status",
    "What will be done",
    "Resources",
    "Responsible",
    "Evaluation",
]


def _export_row(o: Any) -> list[Any]:
    return [
        o.reference,
        o.site_label,
        o.title,
        o.standards_label,
        o.baseline_value,
        o.baseline_date.isoformat(),
        o.target_value,
        o.unit,
        o.get_direction_display(),
        o.deadline.isoformat(),
        o.latest_value if o.latest_value is not None else "",
        o.latest_on.isoformat() if o.latest_on else "",
        o.progress,
        o.elapsed,
        str(o.status.label),
        o.plan_what,
        o.plan_resources,
        str(o.owner) if o.owner else "",
        o.evaluation,
    ]


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    rows = [_export_row(o) for o in _filtered(request, _filters(request))]
    name = f"objectives-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(HEADER, rows, title="Objectives"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def objective_export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def objective_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _require_change(user: Any, objective: Objective) -> None:
    where = f"of {objective.site}" if objective.site is not None else "of the whole organisation"
    require(user, Action.CHANGE, site_id=objective.site_id, what=f"objectives {where}")


def objective_detail(request: HttpRequest, pk: int, progress_form: ProgressForm | None = None) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    today = timezone.localdate()
    selectors.with_status([objective], today)
    history = history_of(user=request.user, record_type="objectives.objective", record_id=str(pk))
    may_change = can(request.user, Action.CHANGE, site_id=objective.site_id) and objective.archived_at is None
    return render(
        request,
        "objectives/objective_detail.html",
        {
            "record": objective,
            "measured": progress_for(objective, today=today),
            "entries": list(objective.progress_entries.select_related("entered_by")),
            "progress_form": progress_form or (ProgressForm(initial={"date": today}) if may_change else None),
            "may_change": may_change,
            "today": today,
            "history": None if history is None else list(history[:100]),
        },
        status=422 if progress_form is not None else 200,
    )


def objective_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused("You are not allowed to create objectives.")
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    initial: dict[str, Any] = {"baseline_date": timezone.localdate()}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    allow_org_wide = can(request.user, Action.CREATE, site_id=None)
    form = ObjectiveCreateForm(
        request.POST or None, sites=sites.order_by("name"), allow_org_wide=allow_org_wide, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Objective %(ref)s created.") % {"ref": objective.reference})
            return redirect("objectives:detail", pk=objective.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "objectives/objective_form.html", {"form": form, "creating": True}, status=status)


def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    _require_change(request.user, objective)
    initial = {name: getattr(objective, name) for name in services.OBJECTIVE_FIELDS}
    initial["version"] = objective.version
    form = ObjectiveEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.objective_update(by=request.user, objective=objective, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Objective %(ref)s saved.") % {"ref": objective.reference})
            return redirect("objectives:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = {"form": form, "record": objective, "conflict": conflict}
    return render(request, "objectives/objective_form.html", context, status=status)


@require_POST
def objective_archive(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("objectives:detail", pk=pk)
    try:
        services.objective_archive(by=request.user, objective=objective, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Objective %(ref)s archived.") % {"ref": objective.reference})
    return redirect("objectives:detail", pk=pk)


@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    _require_change(request.user, objective)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_add(by=request.user, objective=objective, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("objectives:detail", pk=pk)
    return objective_detail(request, pk, progress_form=form)
