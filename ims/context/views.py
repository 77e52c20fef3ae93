"""Pages of the context registers: issues (4.1) and interested parties (4.2) — list, detail, forms, exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require, visible
from ims.audit.selectors import history_of
from ims.context import selectors, services
from ims.context.forms import IssueCreateForm, IssueEditForm, PartyCreateForm, PartyEditForm
from ims.context.models import IssueCategory, Origin, PartyKind, StandardServed
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

SORT_COLUMNS = ("reference", "review", "updated")
ORG_WIDE = "org"


@dataclass(frozen=True)
class Register:
    """What differs between the two registers; the pages themselves are the same."""

    key: str  # "issue" or "party": URL names, template names
    slug: str  # file names of exports
    noun: Any
    plural: Any
    record_type: str
    fields: tuple[str, ...]
    list_fn: Callable[..., QuerySet[Any]]
    get_fn: Callable[[Any, int], Any]
    create_fn: Callable[..., Any]
    update_fn: Callable[..., Any]
    archive_fn: Callable[..., Any]
    create_form: Callable[..., forms.Form]
    edit_form: Callable[..., forms.Form]
    choice_filters: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    export: Callable[[Any], list[Any]] = lambda r: []
    header: tuple[Any, ...] = ()

    def url(self, name: str) -> str:
        return f"context:{self.key}_{name}"


@dataclass
class Filters:
    q: str
    site: str
    choices: dict[str, str]
    standard: str
    archived: bool
    sort: str

    def params(self, **override: str) -> dict[str, str]:
        values = {"q": self.q, "site": self.site, **self.choices, "standard": self.standard}
        values.update({"archived": "1" if self.archived else "", "sort": self.sort})
        values.update(override)
        return {k: v for k, v in values.items() if v or k == "site"}


def _filters(request: HttpRequest, reg: Register) -> Filters:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    choices = {}
    for name, options in reg.choice_filters.items():
        value = get.get(name, "")
        choices[name] = value if value in {code for code, _label in options} else ""
    standard = get.get("standard", "")
    sort = get.get("sort", "reference")
    return Filters(
        q=get.get("q", "").strip(),
        site=site if site == ORG_WIDE or (site.isascii() and site.isdigit()) else "",
        choices=choices,
        standard=standard if standard in StandardServed.values else "",
        archived=get.get("archived") == "1",
        sort=sort if sort in selectors.SORTS else "reference",
    )


def _filtered(request: HttpRequest, reg: Register, f: Filters) -> QuerySet[Any]:
    return reg.list_fn(
        request.user,
        q=f.q,
        site_id=int(f.site) if f.site and f.site != ORG_WIDE else None,
        org_wide=f.site == ORG_WIDE,
        standard=f.standard,
        archived=f.archived,
        sort=f.sort,
        **f.choices,
    )


def _sort_links(f: Filters) -> dict[str, dict[str, str]]:
    links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f.sort == key else "descending" if f.sort == f"-{key}" else "none"
        following = f"-{key}" if f.sort == key else key
        links[key] = {"query": urlencode(f.params(sort=following)), "aria": state}
    return links


def _list(request: HttpRequest, reg: Register) -> HttpResponse:
    f = _filters(request, reg)
    page = Paginator(_filtered(request, reg, f), 50).get_page(request.GET.get("page"))
    query = urlencode(f.params())
    return render(
        request,
        f"context/{reg.key}_list.html",
        {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "choice_filters": reg.choice_filters,
            "standards": StandardServed.choices,
            "sort_links": _sort_links(f),
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _download(reg: Register, request: HttpRequest, ext: str) -> HttpResponse:
    rows = [reg.export(r) for r in _filtered(request, reg, _filters(request, reg))]
    header = [str(h) for h in reg.header]
    name = f"{reg.slug}-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=str(reg.plural)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _may_change(user: Any, record: Any) -> bool:
    return can(user, Action.CHANGE, site_id=record.site_id) and record.archived_at is None


def _require_change(user: Any, reg: Register, record: Any) -> None:
    where = f"of {record.site}" if record.site is not None else "of the whole organisation"
    require(user, Action.CHANGE, site_id=record.site_id, what=f"{reg.plural} {where}".lower())


def _detail(request: HttpRequest, reg: Register, pk: int) -> HttpResponse:
    record = reg.get_fn(request.user, pk)
    history = history_of(user=request.user, record_type=reg.record_type, record_id=str(pk))
    return render(
        request,
        f"context/{reg.key}_detail.html",
        {
            "record": record,
            "may_change": _may_change(request.user, record),
            "today": timezone.localdate(),
            "history": None if history is None else list(history[:100]),
        },
    )


def _create(request: HttpRequest, reg: Register) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(f"You are not allowed to create {str(reg.plural).lower()}.")
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    sites = sites.order_by("name")
    initial: dict[str, Any] = {}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["site"] = current
    allow_org_wide = can(request.user, Action.CREATE, site_id=None)
    form = reg.create_form(request.POST or None, sites=sites, allow_org_wide=allow_org_wide, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = reg.create_fn(by=request.user, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(noun)s %(ref)s created.") % {"noun": reg.noun, "ref": record.reference})
            return redirect(reg.url("detail"), pk=record.pk)
    return render(
        request,
        f"context/{reg.key}_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def _edit(request: HttpRequest, reg: Register, pk: int) -> HttpResponse:
    record = reg.get_fn(request.user, pk)
    _require_change(request.user, reg, record)
    initial = {name: getattr(record, name) for name in reg.fields}
    initial["version"] = record.version
    form = reg.edit_form(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            reg.update_fn(request.user, record, version, data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(noun)s %(ref)s saved.") % {"noun": reg.noun, "ref": record.reference})
            return redirect(reg.url("detail"), pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, f"context/{reg.key}_form.html", {"form": form, "record": record, "conflict": conflict}, status=status
    )


def _archive(request: HttpRequest, reg: Register, pk: int) -> HttpResponse:
    record = reg.get_fn(request.user, pk)
    raw = request.POST.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect(reg.url("detail"), pk=pk)
    try:
        reg.archive_fn(request.user, record, int(raw))
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("%(noun)s %(ref)s archived.") % {"noun": reg.noun, "ref": record.reference})
    return redirect(reg.url("detail"), pk=pk)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _common_export(r: Any) -> list[Any]:
    return [r.standards_label, str(r.owner) if r.owner else "", r.review_date.isoformat() if r.review_date else ""]


ISSUES = Register(
    key="issue",
    slug="issues",
    noun=gettext_lazy("Issue"),
    plural=gettext_lazy("Issues"),
    record_type="context.issue",
    fields=services.ISSUE_FIELDS,
    list_fn=selectors.issue_list,
    get_fn=selectors.issue_get,
    create_fn=services.issue_create,
    update_fn=lambda by, r, v, data: services.issue_update(by=by, issue=r, version=v, **data),
    archive_fn=lambda by, r, v: services.issue_archive(by=by, issue=r, version=v),
    create_form=IssueCreateForm,
    edit_form=IssueEditForm,
    choice_filters={"category": IssueCategory.choices, "origin": Origin.choices},
    header=(
        gettext_lazy("Reference"),
        gettext_lazy("Site"),
        gettext_lazy("Issue"),
        gettext_lazy("Description"),
        gettext_lazy("Category"),
        gettext_lazy("Origin"),
        gettext_lazy("Effect"),
        gettext_lazy("Related processes"),
        gettext_lazy("Standards"),
        gettext_lazy("Owner"),
        gettext_lazy("Review date"),
    ),
    export=lambda r: [
        r.reference,
        r.site_label,
        r.title,
        r.description,
        r.get_category_display(),
        r.get_origin_display(),
        r.get_effect_display(),
        r.related_processes,
        *_common_export(r),
    ],
)

PARTIES = Register(
    key="party",
    slug="interested-parties",
    noun=gettext_lazy("Interested party"),
    plural=gettext_lazy("Interested parties"),
    record_type="context.interestedparty",
    fields=services.PARTY_FIELDS,
    list_fn=selectors.party_list,
    get_fn=selectors.party_get,
    create_fn=services.party_create,
    update_fn=lambda by, r, v, data: services.party_update(by=by, party=r, version=v, **data),
    archive_fn=lambda by, r, v: services.party_archive(by=by, party=r, version=v),
    create_form=PartyCreateForm,
    edit_form=PartyEditForm,
    choice_filters={"kind": PartyKind.choices},
    header=(
        gettext_lazy("Reference"),
        gettext_lazy("Site"),
        gettext_lazy("Interested party"),
        gettext_lazy("Kind"),
        gettext_lazy("Needs and expectations"),
        gettext_lazy("Compliance obligation"),
        gettext_lazy("Customer requirement"),
        gettext_lazy("Monitoring"),
        gettext_lazy("Standards"),
        gettext_lazy("Owner"),
        gettext_lazy("Review date"),
    ),
    export=lambda r: [
        r.reference,
        r.site_label,
        r.name,
        r.get_kind_display(),
        r.needs,
        _yes_no(r.compliance_obligation),
        _yes_no(r.customer_requirement),
        r.monitoring,
        *_common_export(r),
    ],
)


def issue_list(request: HttpRequest) -> HttpResponse:
    return _list(request, ISSUES)


def issue_export_csv(request: HttpRequest) -> HttpResponse:
    return _download(ISSUES, request, "csv")


def issue_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(ISSUES, request, "xlsx")


def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, ISSUES, pk)


def issue_create(request: HttpRequest) -> HttpResponse:
    return _create(request, ISSUES)


def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, ISSUES, pk)


@require_POST
def issue_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, ISSUES, pk)


def party_list(request: HttpRequest) -> HttpResponse:
    return _list(request, PARTIES)


def party_export_csv(request: HttpRequest) -> HttpResponse:
    return _download(PARTIES, request, "csv")


def party_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(PARTIES, request, "xlsx")


def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, PARTIES, pk)


def party_create(request: HttpRequest) -> HttpResponse:
    return _create(request, PARTIES)


def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, PARTIES, pk)


@require_POST
def party_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, PARTIES, pk)
