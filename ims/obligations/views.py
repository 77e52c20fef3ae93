"""Pages of the compliance obligations register (ISO 14001 6.1.3, 9.1.2): list, detail, forms, exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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

from ims.accounts.permissions import Action, can, visible
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.obligations import selectors, services
from ims.obligations.forms import EvaluationForm, ObligationCreateForm, ObligationEditForm, PermitForm
from ims.obligations.models import Kind, Obligation, Permit, Result
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

SORT_COLUMNS = ("reference", "title", "jurisdiction", "due")
OVERDUE = {"yes": True, "no": False}


@dataclass
class Filters:
    q: str
    site: str
    kind: str
    jurisdiction: str
    overdue: str
    result: str
    archived: bool
    sort: str

    def params(self, **override: str) -> dict[str, str]:
        values = {
            "q": self.q,
            "site": self.site,
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "overdue": self.overdue,
            "result": self.result,
            "archived": "1" if self.archived else "",
            "sort": self.sort,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v or k == "site"}


def _filters(request: HttpRequest) -> Filters:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    kind = get.get("kind", "")
    overdue = get.get("overdue", "")
    result = get.get("result", "")
    sort = get.get("sort", "reference")
    return Filters(
        q=get.get("q", "").strip(),
        site=site if site.isascii() and site.isdigit() else "",
        kind=kind if kind in Kind.values else "",
        jurisdiction=get.get("jurisdiction", "").strip()[:20],
        overdue=overdue if overdue in OVERDUE else "",
        result=result if result in (*Result.values, "none") else "",
        archived=get.get("archived") == "1",
        sort=sort if sort in selectors.SORTS else "reference",
    )


def _filtered(request: HttpRequest, f: Filters) -> QuerySet[Obligation]:
    return selectors.obligation_list(
        request.user,
        q=f.q,
        site_id=int(f.site) if f.site else None,
        kind=f.kind,
        jurisdiction=f.jurisdiction,
        overdue=OVERDUE.get(f.overdue),
        result=f.result,
        archived=f.archived,
        sort=f.sort,
    )


def _sort_links(f: Filters) -> dict[str, dict[str, str]]:
    links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f.sort == key else "descending" if f.sort == f"-{key}" else "none"
        following = f"-{key}" if f.sort == key else key
        links[key] = {"query": urlencode(f.params(sort=following)), "aria": state}
    return links


def _permit_alerts(obligations: QuerySet[Obligation], today: dt.date) -> list[Permit]:
    horizon = today + dt.timedelta(days=90)
    return list(
        Permit.objects.filter(
            obligation__in=obligations.filter(archived_at__isnull=True).values("pk"), expires_on__lte=horizon
        )
        .select_related("obligation")
        .order_by("expires_on", "id")
    )


def obligation_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = _filtered(request, f)
    today = timezone.localdate()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    visible_all = selectors.obligations_visible_to(request.user)
    overdue = list(visible_all.filter(archived_at__isnull=True, next_evaluation_due__lt=today).order_by("reference"))
    query = urlencode(f.params())
    return render(
        request,
        "obligations/obligation_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "kinds": Kind.choices,
            "results": Result.choices,
            "overdue": overdue,
            "permit_alerts": [(p, p.expiry_state(today)) for p in _permit_alerts(visible_all, today)],
            "sort_links": _sort_links(f),
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": today,
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _sites_text(o: Obligation) -> str:
    return ", ".join(s.code for s in o.sites.all()) or _("all sites")


def _export_rows(qs: QuerySet[Obligation]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Reference"), _("Title"), _("Kind"), _("Jurisdiction"), _("Issuer"), _("Citation"), _("Sites"),
        _("What it requires"), _("Owner"), _("Frequency (months)"), _("Standards"), _("Last evaluated"),
        _("Last result"), _("Next evaluation due"),
    ]  # fmt: skip
    rows: list[list[Any]] = []
    for o in qs:
        rows.append(
            [
                o.reference,
                o.title,
                o.get_kind_display(),
                o.jurisdiction,
                o.issuer,
                o.citation,
                _sites_text(o),
                o.requirement,
                str(o.owner) if o.owner else "",
                o.evaluation_frequency_months,
                ", ".join(o.standards or []),
                o.last_evaluated_on.isoformat() if o.last_evaluated_on else "",
                o.get_last_result_display() if o.last_result else "",
                o.next_evaluation_due.isoformat() if o.next_evaluation_due else "",
            ]
        )
    return [str(h) for h in header], rows


def _download(content: bytes, content_type: str, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"obligations-{timezone.localdate().isoformat()}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    header, rows = _export_rows(_filtered(request, _filters(request)))
    return _download(csv_bytes(header, rows), "text/csv; charset=utf-8", "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    header, rows = _export_rows(_filtered(request, _filters(request)))
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(xlsx_bytes(header, rows, title=_("Obligations")), content_type, "xlsx")


def _may_change(request: HttpRequest, obligation: Obligation) -> bool:
    try:
        services.require_sites(request.user, Action.CHANGE, obligation.sites.all())
    except PermissionRefused:
        return False
    return obligation.archived_at is None


def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(request.user, pk)
    today = timezone.localdate()
    history = history_of(user=request.user, record_type="obligations.obligation", record_id=str(pk))
    return render(
        request,
        "obligations/obligation_detail.html",
        {
            "obligation": obligation,
            "sites_text": _sites_text(obligation),
            "overdue": obligation.overdue(today),
            "evaluations": list(obligation.evaluations.select_related("evaluated_by")[:100]),
            "permits": [(p, p.expiry_state(today)) for p in obligation.permits.all()],
            "may_change": _may_change(request, obligation),
            "is_permit": obligation.kind == Kind.PERMIT,
            "today": today,
            "history": None if history is None else list(history[:100]),
        },
    )


def _sites_for(request: HttpRequest, action: Action) -> QuerySet[Site]:
    return visible(Site.objects.filter(archived_at__isnull=True), request.user, action, site_field="pk").order_by(
        "name"
    )


def obligation_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused("You are not allowed to create obligations.")
    sites = _sites_for(request, Action.CREATE)
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["sites"] = [current]
    form = ObligationCreateForm(request.POST or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["sites"] = list(data["sites"])
        try:
            obligation = services.obligation_create(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Obligation %(ref)s created.") % {"ref": obligation.reference})
            return redirect("obligations:detail", pk=obligation.pk)
    return render(
        request,
        "obligations/obligation_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def obligation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(request.user, pk)
    services.require_sites(request.user, Action.CHANGE, obligation.sites.all())
    initial: dict[str, Any] = {name: getattr(obligation, name) for name in services.OBLIGATION_FIELDS}
    initial["sites"] = [s.pk for s in obligation.sites.all()]
    initial["version"] = obligation.version
    form = ObligationEditForm(request.POST or None, sites=_sites_for(request, Action.CHANGE), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["sites"] = list(data["sites"])
        try:
            services.obligation_update(by=request.user, record=obligation, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Obligation %(ref)s saved.") % {"ref": obligation.reference})
            return redirect("obligations:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request,
        "obligations/obligation_form.html",
        {"form": form, "obligation": obligation, "conflict": conflict},
        status=status,
    )


def obligation_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(request.user, pk)
    services.require_sites(request.user, Action.CHANGE, obligation.sites.all())
    form = EvaluationForm(request.POST or None, initial={"evaluated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.obligation_evaluate(by=request.user, obligation=obligation, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            text = _("%(ref)s evaluated: %(result)s. Next evaluation due %(due)s.") % {
                "ref": obligation.reference,
                "result": evaluation.get_result_display(),
                "due": obligation.next_evaluation_due.isoformat() if obligation.next_evaluation_due else "—",
            }
            (messages.warning if evaluation.result == Result.NON_COMPLIANT else messages.success)(request, text)
            return redirect("obligations:detail", pk=pk)
    return render(
        request,
        "obligations/obligation_evaluate.html",
        {"form": form, "obligation": obligation},
        status=422 if request.method == "POST" else 200,
    )


def permit_add(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(request.user, pk)
    services.require_sites(request.user, Action.CHANGE, obligation.sites.all())
    form = PermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permit = services.permit_add(by=request.user, obligation=obligation, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Permit limit added: %(limit)s.") % {"limit": str(permit)})
            return redirect("obligations:detail", pk=pk)
    return render(
        request,
        "obligations/permit_form.html",
        {"form": form, "obligation": obligation},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def obligation_archive(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("obligations:detail", pk=pk)
    try:
        services.obligation_archive(by=request.user, obligation=obligation, version=int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Obligation %(ref)s archived.") % {"ref": obligation.reference})
    return redirect("obligations:detail", pk=pk)
