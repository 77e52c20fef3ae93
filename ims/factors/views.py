"""Pages of the emission factor library: the register, a factor with its citation, the sources,
own factors' forms, exports and the import of own factors."""

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
from ims.factors import selectors, services
from ims.factors.forms import FactorCreateForm, FactorEditForm, ImportForm
from ims.factors.importing import COLUMNS, import_factors
from ims.factors.models import Category, EmissionFactor, Scope
from ims.org.models import Site
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.tabular.importer import ImportRefused
from ims.web.forms import apply_error

SORT_COLUMNS = ("activity", "year", "region", "category", "scope")
HEADER = (
    "Source",
    "ID",
    "Year",
    "Region",
    "Scope",
    "Category",
    "Activity",
    "Unit",
    "Unit (as published)",
    "CO2e per unit",
    "CO2e unit",
    "CO2",
    "CH4",
    "N2O",
    "Gas figures",
    "Gas units (CO2, CH4, N2O)",
    "GWP set",
    "Market-based",
    "Site",
    "Valid from",
    "Valid to",
    "Where in the source",
    "Citation",
    "Licence",
    "Notes",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    year = get.get("year", "").strip()
    sort = get.get("sort", "activity")
    scope, category = get.get("scope", ""), get.get("category", "")
    return {
        "q": get.get("q", "").strip(),
        "source": get.get("source", "").strip(),
        "year": year if year.isascii() and year.isdigit() else "",
        "region": get.get("region", "").strip()[:20],
        "scope": scope if scope in Scope.values else "",
        "category": category if category in Category.values else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "activity",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[EmissionFactor]:
    return selectors.factor_list(
        request.user,
        q=f["q"],
        source=f["source"],
        year=int(f["year"]) if f["year"] else None,
        region=f["region"],
        scope=f["scope"],
        category=f["category"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    return {k: v for k, v in {**f, **override}.items() if v}


def factor_list(request: HttpRequest) -> HttpResponse:
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
        "factors/factor_list.html",
        {
            "page": page,
            "filters": f,
            "sources": selectors.sources(),
            "own": selectors.OWN,
            "years": selectors.years(),
            "regions": selectors.regions(),
            "scopes": Scope.choices,
            "categories": Category.choices,
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _figure(value: Any) -> str:
    return "" if value is None else format(value, "f")


def _row(f: EmissionFactor) -> list[Any]:
    return [
        f.source.key if f.source else _("Own factor"),
        f.external_id,
        f.year,
        f.region,
        f.get_scope_display(),
        f.get_category_display(),
        f.activity,
        f.activity_unit,
        f.source_unit,
        _figure(f.co2e),
        f.co2e_unit if f.co2e is not None else "",
        _figure(f.co2),
        _figure(f.ch4),
        _figure(f.n2o),
        f.get_gas_basis_display() if f.gases else "",
        ", ".join((f.co2_unit, f.ch4_unit, f.n2o_unit)) if f.gases else "",
        f.gwp_set,
        f.market_based,
        f.site_label,
        f.valid_from,
        f.valid_to,
        f.source_ref,
        f.source.citation if f.source else f.citation,
        f.source.attribution if f.source else "",
        f.notes,
    ]


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    rows = [_row(f) for f in _filtered(request, _filters(request))]
    header = [_(h) for h in HEADER]
    name = f"emission-factors-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Emission factors")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def factor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    factor = selectors.factor_get(request.user, pk)
    history = history_of(user=request.user, record_type="factors.emissionfactor", record_id=str(pk))
    own = factor.source_id is None
    gases = [
        {"gas": gas, "value": format(value, "f"), "unit": factor.gas_unit(gas)} for gas, value in factor.gases.items()
    ]
    return render(
        request,
        "factors/factor_detail.html",
        {
            "record": factor,
            "gases": gases,
            "co2e": _figure(factor.co2e),
            "may_change": own
            and factor.archived_at is None
            and can(request.user, Action.CHANGE, site_id=factor.site_id),
            "history": None if history is None else list(history[:100]),
        },
    )


def source_list(request: HttpRequest) -> HttpResponse:
    rows = [(s, s.factors.filter(archived_at__isnull=True).count()) for s in selectors.sources()]
    return render(request, "factors/source_list.html", {"sources": rows})


def _sites(user: Any, action: Action) -> QuerySet[Site]:
    return visible(Site.objects.filter(archived_at__isnull=True), user, action, site_field="pk").order_by("name")


def factor_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create emission factors."))
    form = FactorCreateForm(
        request.POST or None,
        sites=_sites(request.user, Action.CREATE),
        allow_org_wide=can(request.user, Action.CREATE, site_id=None),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            factor = services.factor_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Emission factor %(ref)s created.") % {"ref": factor.external_id})
            return redirect("factors:detail", pk=factor.pk)
    return render(
        request,
        "factors/factor_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def factor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    factor = selectors.factor_get(request.user, pk)
    if factor.source_id is not None:
        messages.error(request, _("Published factors are reference data and cannot be changed; add your own factor."))
        return redirect("factors:detail", pk=pk)
    require(request.user, Action.CHANGE, site_id=factor.site_id, what="this emission factor")
    initial: dict[str, Any] = {name: getattr(factor, name) for name in services.FACTOR_FIELDS}
    initial["version"] = factor.version
    form = FactorEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.factor_update(by=request.user, factor=factor, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Emission factor %(ref)s saved.") % {"ref": factor.external_id})
            return redirect("factors:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "factors/factor_form.html", {"form": form, "record": factor, "conflict": conflict}, status=status
    )


@require_POST
def factor_archive(request: HttpRequest, pk: int) -> HttpResponse:
    factor = selectors.factor_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("factors:detail", pk=pk)
    try:
        services.factor_archive(by=request.user, factor=factor, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Emission factor %(ref)s archived.") % {"ref": factor.external_id})
    return redirect("factors:detail", pk=pk)


def factor_import(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to import emission factors."))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = import_factors(by=request.user, stream=form.cleaned_data["file"].open("rb"))
        except ImportRefused as exc:
            problems = list(exc.extra.get("problems", []))
            messages.error(request, exc.detail)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Imported: %(c)d created, %(u)d updated, %(n)d unchanged.")
                % {"c": report.created, "u": report.updated, "n": report.unchanged},
            )
            return redirect("factors:list")
    return render(
        request,
        "factors/factor_import.html",
        {"form": form, "problems": problems, "columns": COLUMNS},
        status=422 if request.method == "POST" else 200,
    )
