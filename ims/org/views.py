"""Pages for the organisation, scope statements and sites."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require
from ims.audit.models import AuditEntry
from ims.audit.selectors import history_of, history_of_types
from ims.core.errors import ConflictError, ImsError
from ims.org import selectors, services
from ims.org.forms import OrganisationForm, ScopeForm, SiteEditForm, SiteForm
from ims.org.models import ScopeStatement, Site, Standard
from ims.standards.models import Edition
from ims.web.forms import apply_error


@dataclass
class ScopeEntry:
    code: str
    label: str
    form: ScopeForm
    record: ScopeStatement | None


def _first(history: QuerySet[AuditEntry] | None, n: int) -> list[AuditEntry] | None:
    return None if history is None else list(history[:n])


def organisation(request: HttpRequest) -> HttpResponse:
    org = selectors.organisation()
    may_edit = can(request.user, Action.MANAGE_ORG)
    scopes = {s.standard: s for s in selectors.scope_statements()}
    site_choices = [(str(pk), name) for pk, name in Site.objects.values_list("pk", "name")]
    org_form = OrganisationForm(
        request.POST if request.POST.get("form") == "org" else None,
        initial={
            "version": org.version,
            "name": org.name,
            "legal_name": org.legal_name,
            "description": org.description,
        }
        if org
        else {"version": 1},
    )
    scope_forms: list[ScopeEntry] = []
    for code, label in Standard.choices:
        s = scopes.get(code)
        form = ScopeForm(
            request.POST if request.POST.get("form") == code else None,
            prefix=code,
            initial={
                "version": s.version,
                "in_scope": s.in_scope,
                "statement": s.statement,
                "boundaries": s.boundaries,
                "sites": [str(x.pk) for x in s.sites.all()],
                "edition": f"{code}:{s.edition.code}" if s.edition else "",
            }
            if s
            else {"in_scope": True},
        )
        form.set_site_choices(site_choices)
        form.set_edition_choices(
            [(f"{code}:{e.code}", e.label) for e in Edition.objects.filter(standard__code=code).order_by("code")]
        )
        scope_forms.append(ScopeEntry(code=code, label=str(label), form=form, record=s))
    conflict = None
    if request.method == "POST":
        require(request.user, Action.MANAGE_ORG, what="the organisation")
        target = request.POST.get("form")
        try:
            if target == "org" and org_form.is_valid():
                data = dict(org_form.cleaned_data)
                services.organisation_save(by=request.user, **data)
                messages.success(request, _("Organisation saved."))
                return redirect("org:organisation")
            for entry in scope_forms:
                if target == entry.code and entry.form.is_valid():
                    data = dict(entry.form.cleaned_data)
                    site_ids = [int(x) for x in data.pop("sites")]
                    services.scope_save(by=request.user, standard=entry.code, site_ids=site_ids, **data)
                    messages.success(request, _("Scope for %(standard)s saved.") % {"standard": entry.label})
                    return redirect("org:organisation")
        except ImsError as exc:
            bound: forms.Form = org_form if target == "org" else next(e.form for e in scope_forms if e.code == target)
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, bound, exc)
    return render(
        request,
        "org/organisation.html",
        {
            "org": org,
            "org_form": org_form,
            "scope_forms": scope_forms,
            "may_edit": may_edit,
            "conflict": conflict,
            "history": _first(
                history_of_types(user=request.user, record_types=["org.organisation", "org.scopestatement"]), 50
            ),
        },
        status=422 if request.method == "POST" else 200,
    )


def site_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    show = request.GET.get("show", "active")
    archived = None if show == "all" else (show == "archived")
    page = Paginator(selectors.site_list(request.user, q=q, archived=archived), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/site_list.html",
        {
            "page": page,
            "q": q,
            "show": show,
            "may_create": can(request.user, Action.MANAGE_SITES),
            "querystring_prefix": f"q={q}&show={show}&",
        },
    )


def site_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_SITES, what="sites")
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Site “%(site)s” created.") % {"site": site})
            return redirect("org:site_detail", pk=site.pk)
    return render(
        request,
        "org/site_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(request.user, pk)
    return render(
        request,
        "org/site_detail.html",
        {
            "site": site,
            "may_edit": can(request.user, Action.MANAGE_SITES),
            "history": _first(history_of(user=request.user, record_type="org.site", record_id=str(pk)), 100),
        },
    )


def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(request.user, pk)
    require(request.user, Action.MANAGE_SITES, what="sites")
    initial = {
        "version": site.version,
        "code": site.code,
        "name": site.name,
        "country": str(site.country),
        "time_zone": site.time_zone,
        "address": site.address,
    }
    form = SiteEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.site_update(by=request.user, site=site, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Site saved."))
            return redirect("org:site_detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(request, "org/site_form.html", {"form": form, "site": site, "conflict": conflict}, status=status)


@require_POST
def site_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    site = selectors.site_get(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("org:site_detail", pk=pk)
    version = int(raw)
    try:
        if action == "archive":
            services.site_archive(by=request.user, site=site, version=version)
            messages.success(request, _("Site “%(site)s” archived.") % {"site": site})
        elif action == "restore":
            services.site_restore(by=request.user, site=site, version=version)
            messages.success(request, _("Site “%(site)s” restored.") % {"site": site})
        elif action == "delete":
            services.site_delete(by=request.user, site=site)
            messages.success(request, _("Site “%(site)s” deleted.") % {"site": site})
            return redirect("org:site_list")
    except ImsError as exc:
        messages.error(request, exc.detail)
    return redirect("org:site_detail", pk=pk)
