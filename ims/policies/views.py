"""Pages of policies (5.2): register, policy with its revisions, drafting, signing, communication."""

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

from ims.accounts.permissions import Action, can, visible
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError, PermissionRefused
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.policies import commitments, selectors, services
from ims.policies.forms import (
    ApproveForm,
    CommunicationForm,
    DraftForm,
    PolicyCreateForm,
    PolicyEditForm,
    RejectForm,
    WithdrawForm,
)
from ims.policies.models import STATE_LABELS, Policy, PolicyKind, PolicyRevision, RevisionStatus
from ims.signatures.services import signatures_of
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

ORG_WIDE = "org"
SORT_COLUMNS = ("reference", "review", "updated")
HEADER = (
    "Reference",
    "Site",
    "Kind",
    "Title",
    "Owner",
    "Revision in force",
    "Effective from",
    "Approved by",
    "Approved at",
    "Signature SHA-256",
    "Communications",
    "Draft in progress",
    "Review date",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    if "site" in get:
        site = get["site"].strip()
    else:
        current = current_site_id(request)
        site = str(current) if current else ""
    kind = get.get("kind", "")
    sort = get.get("sort", "reference")
    return {
        "q": get.get("q", "").strip(),
        "site": site if site == ORG_WIDE or (site.isascii() and site.isdigit()) else "",
        "kind": kind if kind in PolicyKind.values else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
        "archived": "1" if get.get("archived") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "reference",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Policy]:
    return selectors.policy_list(
        request.user,
        q=f["q"],
        site_id=int(f["site"]) if f["site"] and f["site"] != ORG_WIDE else None,
        org_wide=f["site"] == ORG_WIDE,
        kind=f["kind"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def policy_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_filtered(request, f), 50).get_page(request.GET.get("page"))
    current = selectors.in_force_map(list(page.object_list))
    drafts = set(
        PolicyRevision.objects.filter(
            policy__in=[p.pk for p in page.object_list], status=RevisionStatus.DRAFT
        ).values_list("policy_id", flat=True)
    )
    rows = [{"r": p, "in_force": current.get(p.pk), "draft": p.pk in drafts} for p in page.object_list]
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    return render(
        request,
        "policies/policy_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "kinds": PolicyKind.choices,
            "sort_links": sort_links,
            "may_create": can(request.user, Action.CREATE, anywhere=True),
            "today": timezone.localdate(),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    policies = list(_filtered(request, _filters(request)))
    current = selectors.in_force_map(policies)
    drafts = set(
        PolicyRevision.objects.filter(policy__in=[p.pk for p in policies], status=RevisionStatus.DRAFT).values_list(
            "policy_id", flat=True
        )
    )
    rows = []
    for p in policies:
        rev = current.get(p.pk)
        rows.append(
            [
                p.reference,
                p.site_label,
                p.get_kind_display(),
                p.title,
                str(p.owner) if p.owner else "",
                rev.number if rev else "",
                rev.effective_from.isoformat() if rev and rev.effective_from else "",
                str(rev.approved_by) if rev and rev.approved_by else "",
                rev.approved_at.isoformat(timespec="minutes") if rev and rev.approved_at else "",
                rev.signature.content_sha256 if rev and rev.signature else "",
                rev.communications.count() if rev else "",
                "yes" if p.pk in drafts else "no",
                p.review_date.isoformat() if p.review_date else "",
            ]
        )
    header = [_(h) for h in HEADER]
    name = f"policies-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Policies")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _revision_rows(policy: Policy, in_force_id: int | None) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {"rev": r, "state": r.state(today, in_force_id), "label": STATE_LABELS[r.state(today, in_force_id)]}
        for r in policy.revisions.select_related("approved_by").order_by("-number")
    ]


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    current = selectors.in_force(policy)
    draft = selectors.draft_of(policy)
    history = history_of(user=request.user, record_type="policies.policy", record_id=str(pk))
    open_record = policy.archived_at is None
    may_change = open_record and can(request.user, Action.CHANGE, site_id=policy.site_id)
    return render(
        request,
        "policies/policy_detail.html",
        {
            "record": policy,
            "current": current,
            "current_commitments": commitments.assess(policy.kind, current.text) if current else [],
            "communications": list(current.communications.select_related("recorded_by")) if current else [],
            "draft": draft,
            "revisions": _revision_rows(policy, current.pk if current else None),
            "may_change": may_change,
            "may_start_draft": may_change and draft is None,
            "may_approve": open_record and services.may_approve(request.user, policy),
            "today": timezone.localdate(),
            "history": None if history is None else list(history[:100]),
        },
    )


def policy_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to create policies."))
    sites = visible(Site.objects.filter(archived_at__isnull=True), request.user, Action.CREATE, site_field="pk")
    form = PolicyCreateForm(
        request.POST or None,
        sites=sites.order_by("name"),
        allow_org_wide=can(request.user, Action.CREATE, site_id=None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Policy %(ref)s created; revision 1 is a draft for top management to approve.")
                % {"ref": policy.reference},
            )
            return redirect("policies:detail", pk=policy.pk)
    return render(
        request,
        "policies/policy_form.html",
        {"form": form, "creating": True},
        status=422 if request.method == "POST" else 200,
    )


def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    if not can(request.user, Action.CHANGE, site_id=policy.site_id):
        raise PermissionRefused(_("You are not allowed to change this policy."))
    initial: dict[str, Any] = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    initial["version"] = policy.version
    form = PolicyEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.policy_update(by=request.user, policy=policy, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Policy %(ref)s saved.") % {"ref": policy.reference})
            return redirect("policies:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "policies/policy_form.html", {"form": form, "record": policy, "conflict": conflict}, status=status
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


@require_POST
def policy_archive(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("policies:detail", pk=pk)
    try:
        services.policy_archive(by=request.user, policy=policy, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Policy %(ref)s archived.") % {"ref": policy.reference})
    return redirect("policies:detail", pk=pk)


@require_POST
def draft_start(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    try:
        revision = services.draft_start(by=request.user, policy=policy)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
        return redirect("policies:detail", pk=pk)
    messages.success(request, _("Revision %(n)s started as a draft.") % {"n": revision.number})
    return redirect("policies:revision_edit", pk=revision.pk)


def _revision_context(request: HttpRequest, revision: PolicyRevision) -> dict[str, Any]:
    policy = revision.policy
    current = selectors.in_force(policy)
    state = revision.state(timezone.localdate(), current.pk if current else None)
    content = revision.signed_content()
    signatures = [{"s": s, "matches": s.matches(content)} for s in signatures_of(revision)]
    previous = policy.revisions.filter(number__lt=revision.number, status=RevisionStatus.APPROVED).order_by("-number")
    return {
        "revision": revision,
        "policy": policy,
        "state": state,
        "state_label": STATE_LABELS[state],
        "commitments": commitments.assess(policy.kind, revision.text),
        "warning": commitments.warning(policy.kind, revision.text),
        "signatures": signatures,
        "previous": previous.first(),
        "today": timezone.localdate(),
    }


def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    policy = revision.policy
    context = _revision_context(request, revision)
    open_record = policy.archived_at is None
    may_change = open_record and can(request.user, Action.CHANGE, site_id=policy.site_id)
    draft = revision.status == RevisionStatus.DRAFT
    history = history_of(user=request.user, record_type="policies.policyrevision", record_id=str(pk))
    context.update(
        {
            "communications": list(revision.communications.select_related("recorded_by")),
            "communication_form": CommunicationForm(initial={"communicated_on": timezone.localdate()}),
            "may_edit": may_change and draft,
            "may_communicate": may_change and revision.status == RevisionStatus.APPROVED,
            "may_sign": open_record and draft and services.may_approve(request.user, policy),
            "may_withdraw": may_change
            and (
                draft or (context["state"] == "scheduled" and can(request.user, Action.APPROVE, site_id=policy.site_id))
            ),
            "history": None if history is None else list(history[:100]),
        }
    )
    return render(request, "policies/revision_detail.html", context)


def revision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    if not can(request.user, Action.CHANGE, site_id=revision.policy.site_id):
        raise PermissionRefused(_("You are not allowed to change this policy."))
    if revision.status != RevisionStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; start a new revision to change the policy."))
        return redirect("policies:revision", pk=pk)
    initial = {name: getattr(revision, name) for name in services.REVISION_FIELDS}
    initial["version"] = revision.version
    form = DraftForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.draft_update(by=request.user, revision=revision, version=version, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Draft saved."))
            warning = commitments.warning(revision.policy.kind, revision.text)
            if warning:
                messages.warning(request, warning)
            return redirect("policies:revision", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = _revision_context(request, revision)
    context.update({"form": form, "conflict": conflict})
    return render(request, "policies/revision_form.html", context, status=status)


def revision_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The approval page: the exact text, the warnings, and the two signatures top management can give."""
    revision = selectors.revision_get(request.user, pk)
    if revision.status != RevisionStatus.DRAFT:
        messages.error(request, _("Only a draft can be approved or sent back."))
        return redirect("policies:revision", pk=pk)
    if not services.may_approve(request.user, revision.policy):
        services.require_approver(request.user, revision.policy)  # raises with the reason
    initial = {"version": revision.version, "effective_from": revision.effective_from or timezone.localdate()}
    approve = ApproveForm(initial=initial, prefix="approve")
    reject = RejectForm(initial={"version": revision.version}, prefix="reject")
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        form = (
            ApproveForm(request.POST, prefix="approve")
            if decision == "approve"
            else RejectForm(request.POST, prefix="reject")
        )
        if decision == "approve":
            approve = form  # type: ignore[assignment]
        else:
            reject = form  # type: ignore[assignment]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if decision == "approve":
                    services.revision_approve(
                        by=request.user,
                        revision=revision,
                        version=data["version"],
                        password=data["password"],
                        effective_from=data["effective_from"],
                    )
                else:
                    services.revision_reject(
                        by=request.user,
                        revision=revision,
                        version=data["version"],
                        password=data["password"],
                        reason=data["reason"],
                    )
            except ImsError as exc:
                apply_error(request, form, exc)
            else:
                if decision == "approve":
                    messages.success(
                        request,
                        _("%(rev)s approved and signed; in force from %(date)s.")
                        % {"rev": revision, "date": f"{revision.effective_from:%Y-%m-%d}"},
                    )
                else:
                    messages.success(request, _("%(rev)s sent back with your signed request.") % {"rev": revision})
                return redirect("policies:revision", pk=pk)
        status = 422
    context = _revision_context(request, revision)
    context.update({"approve_form": approve, "reject_form": reject})
    return render(request, "policies/revision_sign.html", context, status=status)


@require_POST
def revision_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the revision is withdrawn."))
        return redirect("policies:revision", pk=pk)
    try:
        services.revision_withdraw(
            by=request.user, revision=revision, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("%(rev)s withdrawn.") % {"rev": revision})
    return redirect("policies:revision", pk=pk)


@require_POST
def communication_add(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    form = CommunicationForm(request.POST)
    if form.is_valid():
        try:
            services.communication_record(by=request.user, revision=revision, **form.cleaned_data)
        except PermissionRefused:
            raise
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Communication recorded."))
            return redirect("policies:revision", pk=pk)
    context = _revision_context(request, revision)
    context.update(
        {
            "communications": list(revision.communications.select_related("recorded_by")),
            "communication_form": form,
            "may_communicate": True,
            "history": None,
        }
    )
    return render(request, "policies/revision_detail.html", context, status=422)
