"""Pages of the risks and opportunities register (6.1): list, detail, forms, treatments, exports."""

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
from ims.risks import selectors, services
from ims.risks.forms import RiskCreateForm, RiskEditForm, TreatmentForm
from ims.risks.models import Band, Kind, Risk, SourceKind
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
SORT_COLUMNS = ("reference", "score", "residual", "review")
FIELDS = services.RISK_FIELDS


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
        "kind": get.get("kind", "") if get.get("kind", "") in Kind.values else "",
        "source_kind": get.get("source_kind", "") if get.get("source_kind", "") in SourceKind.values else "",
        "band": get.get("band", "") if get.get("band", "") in Band.values else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Risk]:
    return selectors.risk_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None,
        org_wide=f["site"] == ORG_WIDE,
        kind=f["kind"],
        source_kind=f["source_kind"],
        band=f["band"],
        overdue=bool(f["overdue"]),
        archived=bool(f["archived"]),
        sort=f["sort"],
        today=timezone.localdate(),
    )


def risk_list(request: HttpRequest) -> HttpResponse:
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
        "risks/risk_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "kinds": Kind.choices,
            "source_kinds": SourceKind.choices,
            "bands": Band.choices,
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
    "Title",
    "Kind",
    "Arises from",
    "Standards",
    "Likelihood",
    "Consequence",
    "Inherent score",
    "Inherent rating",
    "Residual score",
    "Residual rating",
    "Open treatments",
    "Overdue treatment",
    "Owner",
    "Review date",
]


def _export_row(r: Risk, today: Any) -> list[Any]:
    treatments = list(r.treatments.all())
    return [
        r.reference,
        r.site_label,
        r.title,
        r.get_kind_display(),
        r.get_source_kind_display(),
        r.standards_label,
        r.likelihood,
        r.consequence,
        r.inherent_score,
        r.get_inherent_band_display(),
        r.residual_score if r.residual_score is not None else "",
        r.get_residual_band_display() if r.residual_band else "",
        sum(1 for t in treatments if t.status == "open"),
        _("yes") if any(t.overdue(today) for t in treatments) else _("no"),
        str(r.owner) if r.owner else "",
        r.review_date.isoformat() if r.review_date else "",
    ]


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    today = timezone.localdate()
    rows = [_export_row(r, today) for r in _filtered(request, _filters(request)).prefetch_related("treatments")]
    name = f"risks-and-opportunities-{today.isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(HEADER, rows, title="Risks and opportunities"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def risk_export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def risk_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _may_change(user: Any, risk: Risk) -> bool:
    return can(user, Action.CHANGE, site_id=risk.site_id) and risk.archived_at is None


def _require_change(user: Any, risk: Risk) -> None:
    where = f"of {risk.site}" if risk.site is not None else "of the whole organisation"
    require(user, Action.CHANGE, site_id=risk.site_id, what=f"risks and opportunities {where}")


def risk_detail(request: HttpRequest, pk: int, treatment_form: TreatmentForm | None = None) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    history = history_of(user=request.user, record_type="risks.risk", record_id=str(pk))
    may_change = _may_change(request.user, risk)
    return render(
        request,
        "risks/risk_detail.html",
        {
            "record": risk,
            "matrix": risk.matrix,
            "treatments": list(risk.treatments.select_related("owner")),
            "treatment_form": treatment_form or (TreatmentForm() if may_change else None),
            "may_change": may_change,
            "today": timezone.localdate(),
            "history": None if history is None else list(history[:100]),
        },
        status=422 if treatment_form is not None else 200,
    )


def risk_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused("You are not allowed to create risks and opportunities.")
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    allow_org_wide = can(request.user, Action.CREATE, site_id=None)
    form = RiskCreateForm(
        request.POST or None, sites=sites.order_by("name"), allow_org_wide=allow_org_wide, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Risk %(ref)s created.") % {"ref": risk.reference})
            return redirect("risks:detail", pk=risk.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "risks/risk_form.html", {"form": form, "creating": True}, status=status)


def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    _require_change(request.user, risk)
    initial = {name: getattr(risk, name) for name in FIELDS}
    initial["version"] = risk.version
    form = RiskEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.risk_update(by=request.user, risk=risk, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Risk %(ref)s saved.") % {"ref": risk.reference})
            return redirect("risks:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(request, "risks/risk_form.html", {"form": form, "record": risk, "conflict": conflict}, status=status)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


@require_POST
def risk_archive(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("risks:detail", pk=pk)
    try:
        services.risk_archive(by=request.user, risk=risk, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Risk %(ref)s archived.") % {"ref": risk.reference})
    return redirect("risks:detail", pk=pk)


@require_POST
def treatment_add(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    _require_change(request.user, risk)
    form = TreatmentForm(request.POST)
    if form.is_valid():
        try:
            services.treatment_add(by=request.user, risk=risk, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Treatment action added."))
            return redirect("risks:detail", pk=pk)
    return risk_detail(request, pk, treatment_form=form)


@require_POST
def treatment_done(request: HttpRequest, pk: int, treatment_pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    treatment = selectors.treatment_get(request.user, risk, treatment_pk)
    try:
        services.treatment_done(by=request.user, treatment=treatment)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Treatment action marked done."))
    return redirect("risks:detail", pk=pk)
