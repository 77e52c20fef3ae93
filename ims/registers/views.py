"""The pages every register shares: filtered and sorted list, CSV/XLSX export, create, edit and archive.

A register describes what differs (its selectors, services, forms, filters, export columns and
messages) in one ``RegisterViews``; the pages below behave the same for every register, so a
rule such as "a stale edit answers 409 and names what changed" holds everywhere at once.
Pages that only one register has (transitions, treatments, revisions, the process map) stay
in that register's own views.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ims.accounts.permissions import Action, can, require, visible
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Filters = dict[str, str]


def site_id_of(f: Filters) -> int | None:
    """The site chosen in the filters, or None for every site and for the organisation-wide records."""
    return int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None


def site_filters(f: Filters) -> dict[str, Any]:
    """The site part of a register selector's arguments."""
    return {"site_id": site_id_of(f), "org_wide": f["site"] == ORG_WIDE}


def recent_history(user: Any, record_type: str, pk: int) -> list[Any] | None:
    """The latest 100 audit entries of a record, or None when the user may not read the audit trail."""
    history = history_of(user=user, record_type=record_type, record_id=str(pk))
    return None if history is None else list(history[:100])


def require_site_change(what: str) -> Callable[[Any, Any], None]:
    """The edit check of a single-site register: the user may change records of the record's site."""

    def check(user: Any, record: Any) -> None:
        where = f"of {record.site}" if record.site is not None else "of the whole organisation"
        require(user, Action.CHANGE, site_id=record.site_id, what=f"{what} {where}")

    return check


def _no_kwargs(user: Any, record: Any) -> dict[str, Any]:
    return {}


def _preselect_site(current: int) -> dict[str, Any]:
    return {"site": current}


@dataclass(frozen=True)
class Export:
    """The downloadable register: file name, sheet title, columns and one row per record."""

    slug: str  # file name stem: "<slug>-<date>.csv"
    title: Any  # XLSX sheet title
    header: Sequence[Any]
    rows: Callable[[Any], list[list[Any]]]  # the filtered records → rows
    prefetch: tuple[str, ...] = ()


def rows_of(row: Callable[[Any], list[Any]]) -> Callable[[Iterable[Any]], list[list[Any]]]:
    """Export rows built one record at a time."""
    return lambda records: [row(r) for r in records]


@dataclass(frozen=True)
class RegisterViews:
    """What differs between registers; the list, export, create, edit and archive pages are the same."""

    app: str  # URL namespace and template folder, e.g. "changes"
    stem: str  # template name stem, e.g. "change" → changes/change_list.html
    query: Callable[[Any, Filters], Any]  # the user's register narrowed by the filters
    get_fn: Callable[[Any, int], Any]
    create_fn: Callable[..., Any]  # (by=user, **cleaned_data)
    update_fn: Callable[[Any, Any, int, dict[str, Any]], Any]  # (by, record, version, data)
    archive_fn: Callable[[Any, Any, int], Any]  # (by, record, version)
    create_form: Callable[..., forms.Form]
    edit_form: Callable[..., forms.Form]
    edit_fields: Collection[str]
    require_change: Callable[[Any, Any], None]  # raises PermissionRefused
    create_refused: Any  # the message of a refused create page
    created: Any  # messages with %(ref)s
    saved: Any
    archived: Any
    export: Export
    sorts: Collection[str]  # sort keys the selector accepts
    sort_columns: tuple[str, ...]  # columns with a sort link
    choices: tuple[tuple[str, Collection[str]], ...] = ()  # filter name → accepted values
    flags: tuple[str, ...] = ()  # "1" or empty, e.g. overdue
    org_wide: bool = True  # records may belong to the whole organisation instead of one site
    list_context: dict[str, Any] = field(default_factory=dict)  # e.g. {"statuses": ChangeStatus.choices}
    list_prefetch: tuple[str, ...] = ()
    list_rows: Callable[[Page[Any]], dict[str, Any]] | None = None  # extra context from the page shown
    form_kwargs: Callable[[Any, Any], dict[str, Any]] = _no_kwargs  # (user, record or None) → form arguments
    preselect: Callable[[int], dict[str, Any]] | None = _preselect_site  # the current site as initial value
    create_initial: Callable[[], dict[str, Any]] = dict
    edit_many: tuple[str, ...] = ()  # many-to-many fields of the edit form
    url_prefix: str = ""  # URL names of a register sharing its app, e.g. "issue_" → context:issue_detail

    def url(self, name: str) -> str:
        return f"{self.app}:{self.url_prefix}{name}"

    def template(self, page: str) -> str:
        return f"{self.app}/{self.stem}_{page}.html"

    # --- list -------------------------------------------------------------------------------

    def filters(self, request: HttpRequest) -> Filters:
        get = request.GET
        if "site" in get:
            site = get["site"].strip()
        else:
            current = current_site_id(request)
            site = str(current) if current else ""
        site_ok = (self.org_wide and site == ORG_WIDE) or (site.isascii() and site.isdigit())
        f = {"q": get.get("q", "").strip(), "site": site if site_ok else ""}
        for name, accepted in self.choices:
            value = get.get(name, "")
            f[name] = value if value in accepted else ""
        for name in (*self.flags, "archived"):
            f[name] = "1" if get.get(name) == "1" else ""
        sort = get.get("sort", "reference")
        f["sort"] = sort if sort in self.sorts else "reference"
        return f

    @staticmethod
    def params(f: Filters, **override: str) -> dict[str, str]:
        values = {**f, **override}
        return {k: v for k, v in values.items() if v or k == "site"}

    def sort_links(self, f: Filters) -> dict[str, dict[str, str]]:
        links = {}
        for key in self.sort_columns:
            state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
            following = f"-{key}" if f["sort"] == key else key
            links[key] = {"query": urlencode(self.params(f, sort=following)), "aria": state}
        return links

    def list_view(self, request: HttpRequest) -> HttpResponse:
        f = self.filters(request)
        records = self.query(request.user, f)
        if self.list_prefetch:
            records = records.prefetch_related(*self.list_prefetch)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode(self.params(f))
        context = {
            "page": page,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            **self.list_context,
            "sort_links": self.sort_links(f),
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        }
        if self.list_rows is not None:
            context.update(self.list_rows(page))
        return render(request, self.template("list"), context)

    # --- export -----------------------------------------------------------------------------

    def download(self, request: HttpRequest, ext: str) -> HttpResponse:
        records = self.query(request.user, self.filters(request))
        if self.export.prefetch:
            records = records.prefetch_related(*self.export.prefetch)
        rows = self.export.rows(records)
        header = [str(h) for h in self.export.header]
        name = f"{self.export.slug}-{timezone.localdate().isoformat()}.{ext}"
        if ext == "csv":
            response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(xlsx_bytes(header, rows, title=str(self.export.title)), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        return self.download(request, "csv")

    def export_xlsx(self, request: HttpRequest) -> HttpResponse:
        return self.download(request, "xlsx")

    # --- create, edit, archive --------------------------------------------------------------

    def create_view(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not can(user, Action.CREATE, anywhere=True):
            raise PermissionRefused(str(self.create_refused))
        sites = visible(Site.objects.filter(archived_at__isnull=True), user, Action.CREATE, site_field="pk")
        sites = sites.order_by("name")
        initial = self.create_initial()
        if self.preselect is not None:
            current = current_site_id(request)
            if current and sites.filter(pk=current).exists():
                initial.update(self.preselect(current))
        kwargs = self.form_kwargs(user, None)
        if self.org_wide:
            kwargs["allow_org_wide"] = can(user, Action.CREATE, site_id=None)
        form = self.create_form(request.POST or None, sites=sites, initial=initial, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                record = self.create_fn(by=user, **dict(form.cleaned_data))
            except ImsError as exc:
                apply_error(request, form, exc)
            else:
                messages.success(request, str(self.created) % {"ref": record.reference})
                return redirect(self.url("detail"), pk=record.pk)
        return render(
            request,
            self.template("form"),
            {"form": form, "creating": True},
            status=422 if request.method == "POST" else 200,
        )

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_fn(request.user, pk)
        self.require_change(request.user, record)
        initial: dict[str, Any] = {name: getattr(record, name) for name in self.edit_fields}
        initial.update({name: list(getattr(record, name).all()) for name in self.edit_many})
        initial["version"] = record.version
        form = self.edit_form(request.POST or None, initial=initial, **self.form_kwargs(request.user, record))
        conflict = None
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                self.update_fn(request.user, record, version, data)
            except ImsError as exc:
                conflict = exc.changed if isinstance(exc, ConflictError) else None
                apply_error(request, form, exc)
            else:
                messages.success(request, str(self.saved) % {"ref": record.reference})
                return redirect(self.url("detail"), pk=pk)
        status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
        context = {"form": form, "record": record, "conflict": conflict}
        return render(request, self.template("form"), context, status=status)

    def archive_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Archive a record; wrap with ``require_POST`` where it is routed."""
        record = self.get_fn(request.user, pk)
        raw = request.POST.get("version", "")
        if not raw.isascii() or not raw.isdigit():
            messages.error(request, _("The form was incomplete; reload the page and try again."))
            return redirect(self.url("detail"), pk=pk)
        try:
            self.archive_fn(request.user, record, int(raw))
        except PermissionRefused:
            raise
        except ImsError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, str(self.archived) % {"ref": record.reference})
        return redirect(self.url("detail"), pk=pk)
