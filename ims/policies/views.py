"""Pages of policies (5.2): register, policy with its revisions, drafting, signing, communication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can
from ims.core.errors import ConflictError, ImsError, PermissionRefused
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
from ims.registers.views import Export, Filters, RegisterViews, recent_history, site_filters
from ims.signatures.services import signatures_of
from ims.web.forms import apply_error

HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Site"),
    gettext_lazy("Kind"),
    gettext_lazy("Title"),
    gettext_lazy("Owner"),
    gettext_lazy("Revision in force"),
    gettext_lazy("Effective from"),
    gettext_lazy("Approved by"),
    gettext_lazy("Approved at"),
    gettext_lazy("Signature SHA-256"),
    gettext_lazy("Communications"),
    gettext_lazy("Draft in progress"),
    gettext_lazy("Review date"),
)


def _query(user: Any, f: Filters) -> QuerySet[Policy]:
    return selectors.policy_list(
        user,
        q=f["q"],
        **site_filters(f),
        kind=f["kind"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _with_draft(policies: list[Policy]) -> set[int]:
    """The policies among ``policies`` with a draft revision in progress."""
    drafts = PolicyRevision.objects.filter(policy__in=[p.pk for p in policies], status=RevisionStatus.DRAFT)
    return set(drafts.values_list("policy_id", flat=True))


def _list_rows(page: Page[Any]) -> dict[str, Any]:
    current = selectors.in_force_map(list(page.object_list))
    drafts = _with_draft(list(page.object_list))
    return {"rows": [{"r": p, "in_force": current.get(p.pk), "draft": p.pk in drafts} for p in page.object_list]}


def _export_rows(records: QuerySet[Policy]) -> list[list[Any]]:
    policies = list(records)
    current = selectors.in_force_map(policies)
    drafts = _with_draft(policies)
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
    return rows


def _require_change(user: Any, policy: Policy) -> None:
    if not can(user, Action.CHANGE, site_id=policy.site_id):
        raise PermissionRefused(_("You are not allowed to change this policy."))


POLICIES = RegisterViews(
    app="policies",
    stem="policy",
    query=_query,
    get_fn=selectors.policy_get,
    create_fn=lambda **data: services.policy_create(**data),
    update_fn=lambda by, p, v, data: services.policy_update(by=by, policy=p, version=v, **data),
    archive_fn=lambda by, p, v: services.policy_archive(by=by, policy=p, version=v),
    create_form=PolicyCreateForm,
    edit_form=PolicyEditForm,
    edit_fields=services.POLICY_FIELDS,
    preselect=None,  # a new policy's site is always chosen on purpose
    require_change=_require_change,
    create_refused=gettext_lazy("You are not allowed to create policies."),
    created=gettext_lazy("Policy %(ref)s created; revision 1 is a draft for top management to approve."),
    saved=gettext_lazy("Policy %(ref)s saved."),
    archived=gettext_lazy("Policy %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "review", "updated"),
    choices=(("kind", PolicyKind.values),),
    flags=("overdue",),
    list_context={"kinds": PolicyKind.choices},
    list_rows=_list_rows,
    export=Export(slug="policies", title=gettext_lazy("Policies"), header=HEADER, rows=_export_rows),
)

policy_list = POLICIES.list_view
export_csv = POLICIES.export_csv
export_xlsx = POLICIES.export_xlsx
policy_create = POLICIES.create_view
policy_edit = POLICIES.edit_view
policy_archive = require_POST(POLICIES.archive_view)


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
            "history": recent_history(request.user, "policies.policy", pk),
        },
    )


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
            "history": recent_history(request.user, "policies.policyrevision", pk),
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
