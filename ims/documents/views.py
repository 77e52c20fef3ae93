"""Pages of document control (7.5): the register, a document with its distribution, and the reading list.

Every write goes through :mod:`ims.documents.services`; what a person sees comes
from :mod:`ims.documents.selectors`. The pages of one revision (drafting,
signing, comparing, downloading) are in :mod:`ims.documents.revision_views`;
this module's ``urlpatterns`` lists both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, visible
from ims.accounts.roles import Role
from ims.context.models import StandardServed
from ims.core.errors import ConflictError, ImsError, NotFound, PermissionRefused
from ims.documents import render as show
from ims.documents import revision_views, selectors, services
from ims.documents.forms import DistributionForm, DocumentCreateForm, DocumentEditForm, ReviewConfirmForm
from ims.documents.models import (
    OPEN_STATUSES,
    Acknowledgement,
    Decision,
    Distribution,
    DocType,
    Document,
    Revision,
    RevisionStatus,
)
from ims.documents.revision_views import history, incomplete, may, operations, posted_version, readers, require_may
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes.selectors import live_processes_for
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

S = RevisionStatus
STATUS_FILTERS = ("effective", "draft", "obsolete")
SORT_COLUMNS = ("number", "title", "review", "updated")
HEADER = (
    "Number",
    "Title",
    "Type",
    "Area",
    "Status",
    "Effective revision",
    "Effective since",
    "Open revision",
    "Owner",
    "Sites",
    "Standards",
    "Confidentiality",
    "Review every (months)",
    "Next review",
    "Retention (years)",
    "Disposal",
)


# --- the register ----------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    site = get["site"].strip() if "site" in get else str(current_site_id(request) or "")
    doc_type, status, sort = get.get("type", ""), get.get("status", ""), get.get("sort", "number")
    return {
        "q": get.get("q", "").strip()[:200],
        "site": site if site.isascii() and site.isdigit() else "",
        "type": doc_type if doc_type in DocType.values else "",
        "status": status if status in STATUS_FILTERS else "",
        "due": "1" if get.get("due") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "number",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Document]:
    return selectors.document_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] else None,
        doc_type=f["type"],
        status=f["status"],
        review_due=True if f["due"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    ).prefetch_related("sites")


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def _rows(documents: list[Document]) -> list[dict[str, Any]]:
    """Each document with its effective and open revision and whether it ended obsolete."""
    revisions = Revision.objects.filter(document__in=[d.pk for d in documents]).exclude(status=S.SUPERSEDED)
    effective: dict[int, Revision] = {}
    open_rev: dict[int, Revision] = {}
    obsolete: set[int] = set()
    for r in revisions.only("id", "document_id", "number", "status", "effective_at"):
        if r.status == S.EFFECTIVE:
            effective[r.document_id] = r
        elif r.status == S.OBSOLETE:
            obsolete.add(r.document_id)
        else:
            open_rev[r.document_id] = r
    return [
        {
            "d": d,
            "effective": effective.get(d.pk),
            "open": open_rev.get(d.pk),
            "obsolete": d.pk in obsolete and d.pk not in effective,
            "sites": ", ".join(s.code for s in d.sites.all()) or _("All sites"),
        }
        for d in documents
    ]


def _status_label(row: dict[str, Any]) -> str:
    if row["effective"]:
        return _("Effective")
    if row["obsolete"]:
        return _("Obsolete")
    return _("Not yet effective")


def document_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_filtered(request, f), 50).get_page(request.GET.get("page"))
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    rows = _rows(list(page.object_list))
    for row in rows:
        row["status"] = _status_label(row)
    return render(
        request,
        "documents/document_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "types": DocType.choices,
            "statuses": [("effective", _("Effective")), ("draft", _("Draft in progress")), ("obsolete", _("Obsolete"))],
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _download_register(request: HttpRequest, ext: str) -> HttpResponse:
    documents = list(_filtered(request, _filters(request)))
    rows = []
    for row in _rows(documents):
        d, eff, open_rev = row["d"], row["effective"], row["open"]
        rows.append(
            [
                d.number,
                d.title,
                d.get_doc_type_display(),
                d.area,
                _("Archived") if d.archived_at else _status_label(row),
                eff.number if eff else "",
                timezone.localtime(eff.effective_at).date() if eff and eff.effective_at else "",
                f"{open_rev.number} ({open_rev.get_status_display()})" if open_rev else "",
                str(d.owner),
                row["sites"],
                ", ".join(d.standards),
                d.get_confidentiality_display(),
                d.review_months,
                d.next_review,
                d.retention_years,
                d.disposal,
            ]
        )
    header = [_(h) for h in HEADER]
    name = f"documents-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Documents")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download_register(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download_register(request, "xlsx")


# --- documents -------------------------------------------------------------------------------


def _sites_required_unless(form: Any, all_sites: bool) -> None:
    """Only people with an all-sites role may leave the sites empty (a document for all sites)."""
    if not all_sites:
        form.fields["sites"].required = True
        form.fields["sites"].help_text = _("Tick the sites the document applies to.")


def document_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create documents."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), user, Action.CREATE, site_field="pk")
    initial: dict[str, Any] = {"owner": user}
    current = current_site_id(request)
    if current and sites.filter(pk=current).exists():
        initial["sites"] = [current]
    form = DocumentCreateForm(
        request.POST or None,
        request.FILES or None,
        sites=sites.order_by("name"),
        processes=live_processes_for(user),
        initial=initial,
    )
    _sites_required_unless(form, can(user, Action.CREATE))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            document = services.document_create(by=user, upload=(upload, upload.name) if upload else None, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Document %(number)s created; revision 1 is a draft.") % {"number": document.number},
            )
            return redirect("documents:detail", pk=document.pk)
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def _detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    user: Any = request.user
    effective = selectors.effective(document)
    revisions = list(
        selectors.revisions_visible_to(user).filter(document=document).order_by("-number").select_related("author")
    )
    open_rev = next((r for r in revisions if r.status in OPEN_STATUSES), None)
    open_record = document.archived_at is None
    may_change = open_record and may(user, Action.CHANGE, document)
    audience = services.audience(document)
    done, total = services.completion(document)
    acknowledged = effective is not None and Acknowledgement.objects.filter(revision=effective, user=user).exists()
    waiting: list[Any] = []
    if may_change and effective is not None:
        waiting = list(audience.exclude(pk__in=effective.acknowledgements.values("user_id"))[:100])
    roles, standards = dict(Role.choices), dict(StandardServed.choices)
    finalised_record = document.is_record and any(r.status not in OPEN_STATUSES for r in revisions)
    any_open = open_rev is not None or selectors.open_revision(document) is not None
    return {
        "record": document,
        "effective": effective,
        "effective_html": show.markdown(effective.text) if effective else "",
        "revisions": revisions,
        "open_revision": open_rev,
        "open_operations": operations(user, open_rev) if open_rev else [],
        "open_sign": open_rev is not None
        and open_rev.status == S.IN_REVIEW
        and open_rev.steps.filter(person=user, decision=Decision.PENDING).exists(),
        "may_change": may_change,
        "may_start": may_change and not finalised_record and not any_open,
        "hidden_open": any_open and open_rev is None,
        "finalised_record": finalised_record,
        "may_review": may_change and effective is not None and bool(document.review_months),
        "review_due": document.next_review is not None and document.next_review <= timezone.localdate(),
        "distribution": [
            {"e": e, "role": roles.get(e.role, e.role)} for e in document.distribution.select_related("user", "site")
        ],
        "standards": [str(standards.get(code, code)) for code in document.standards],
        "completion": {"done": done, "total": total, "percent": round(100 * done / total) if total else 0},
        "waiting": waiting,
        "may_acknowledge": effective is not None and not acknowledged and audience.filter(pk=user.pk).exists(),
        "acknowledged": acknowledged,
        "sites": list(document.sites.all()),
        "clauses": list(document.clauses.select_related("edition__standard").order_by("edition_id", "sort_key")),
        "processes": list(document.processes.order_by("reference")),
        "today": timezone.localdate(),
        "history": history(request, "documents.document", document.pk),
    }


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    context = _detail_context(request, document)
    if context["may_change"]:
        context["distribution_form"] = _distribution_form(request, document)
    return render(request, "documents/document_detail.html", context)


def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    require_may(request.user, Action.CHANGE, document)
    changeable = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CHANGE, site_field="pk")
    initial: dict[str, Any] = {name: getattr(document, name) for name in services.DOCUMENT_FIELDS}
    initial.update(
        sites=list(document.sites.all()),
        clauses=[str(pk) for pk in document.clauses.values_list("pk", flat=True)],
        processes=list(document.processes.all()),
        version=document.version,
    )
    form = DocumentEditForm(
        request.POST or None,
        sites=(changeable | Site.objects.filter(pk__in=document.sites.values("pk"))).distinct().order_by("name"),
        processes=live_processes_for(request.user),
        initial=initial,
    )
    _sites_required_unless(form, can(request.user, Action.CHANGE))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.document_update(by=request.user, document=document, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Document %(number)s saved.") % {"number": document.number})
            return redirect("documents:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "documents/document_form.html", {"form": form, "record": document, "conflict": conflict}, status=status
    )


@require_POST
def document_archive(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    version = posted_version(request)
    if version is None:
        incomplete(request)
        return redirect("documents:detail", pk=pk)
    try:
        services.document_archive(by=request.user, document=document, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Document %(number)s archived.") % {"number": document.number})
    return redirect("documents:detail", pk=pk)


@require_POST
def review_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    form = ReviewConfirmForm(request.POST)
    if not form.is_valid():
        incomplete(request)
        return redirect("documents:detail", pk=pk)
    try:
        services.review_confirm(
            by=request.user, document=document, version=form.cleaned_data["version"], note=form.cleaned_data["note"]
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Periodic review recorded: %(number)s is still valid; next review %(date)s.")
            % {"number": document.number, "date": f"{document.next_review:%Y-%m-%d}"},
        )
    return redirect("documents:detail", pk=pk)


# --- distribution and reading ------------------------------------------------------------------


def _distribution_form(request: HttpRequest, document: Document, data: Any = None) -> DistributionForm:
    sites = list(document.sites.all())
    site_choices = Site.objects.filter(pk__in=[s.pk for s in sites]) if sites else sites_visible_to(request.user)
    return DistributionForm(data, people=readers(document), sites=site_choices.order_by("name"))


@require_POST
def distribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    form = _distribution_form(request, document, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.distribution_add(
                by=request.user, document=document, user=data["user"], role=data["role"], site=data["site"]
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            role = str(dict(Role.choices).get(entry.role, entry.role))
            who = str(entry.user) if entry.user else str(entry.site) if entry.site else role
            messages.success(request, _("%(who)s asked to read %(number)s.") % {"who": who, "number": document.number})
            return redirect("documents:detail", pk=pk)
    context = _detail_context(request, document)
    context["distribution_form"] = form
    return render(request, "documents/document_detail.html", context, status=422)


@require_POST
def distribution_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = (
        Distribution.objects.filter(pk=pk, document__in=selectors.documents_visible_to(request.user))
        .select_related("document")
        .first()
    )
    if entry is None:
        raise NotFound(f"No distribution entry with id {pk} that you may see.")
    document = entry.document
    try:
        services.distribution_remove(by=request.user, entry=entry)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Removed from the distribution of %(number)s.") % {"number": document.number})
    return redirect("documents:detail", pk=document.pk)


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    try:
        services.acknowledge(by=request.user, revision=revision)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Recorded: you have read and understood %(revision)s.") % {"revision": revision})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("documents:revision", pk=pk)


def to_read(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/to_read.html",
        {
            "reading": list(selectors.reading_list(request.user)),
            "signing": selectors.awaiting_signature(request.user),
        },
    )


rv = revision_views
urlpatterns: list[URLPattern] = [
    path("", document_list, name="list"),
    path("export.csv", export_csv, name="export_csv"),
    path("export.xlsx", export_xlsx, name="export_xlsx"),
    path("new", document_create, name="create"),
    path("to-read", to_read, name="to_read"),
    path("<int:pk>/", document_detail, name="detail"),
    path("<int:pk>/edit", document_edit, name="edit"),
    path("<int:pk>/archive", document_archive, name="archive"),
    path("<int:pk>/review", review_confirm, name="review_confirm"),
    path("<int:pk>/new-revision", rv.revision_start, name="revision_start"),
    path("<int:pk>/compare", rv.revision_diff, name="diff"),
    path("<int:pk>/distribution", distribution_add, name="distribution_add"),
    path("distribution/<int:pk>/remove", distribution_remove, name="distribution_remove"),
    path("revisions/<int:pk>/", rv.revision_detail, name="revision"),
    path("revisions/<int:pk>/edit", rv.revision_edit, name="revision_edit"),
    path("revisions/<int:pk>/steps", rv.revision_steps, name="revision_steps"),
    path("revisions/<int:pk>/sign", rv.revision_sign, name="revision_sign"),
    path("revisions/<int:pk>/move", rv.revision_move, name="revision_move"),
    path("revisions/<int:pk>/acknowledge", acknowledge, name="acknowledge"),
    path("revisions/<int:pk>/download", rv.download, name="download"),
]
