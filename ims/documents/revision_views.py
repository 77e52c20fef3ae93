"""Pages of one revision (7.5.2, 7.5.3): its content, drafting, reviewers, signing, moves, comparison, file.

Also the helpers the document pages share: who may do what on a document, and
which lifecycle operations a person is offered. The buttons a page offers follow
the lifecycle table and the person's permissions; the service checks both again
when a button is pressed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.models import Membership
from ims.accounts.permissions import PHRASES, Action, can
from ims.audit.selectors import history_of
from ims.audit.services import record_change
from ims.core.errors import ConflictError, ImsError, NotFound, PermissionRefused
from ims.documents import files, lifecycle, selectors, services
from ims.documents import render as show
from ims.documents.forms import DraftForm, MoveForm, SignForm, StepsForm, active_people
from ims.documents.models import Acknowledgement, Decision, Document, ReviewStep, Revision, RevisionStatus, StepRole
from ims.signatures.services import content_hash, signatures_of
from ims.web.forms import apply_error

logger = logging.getLogger(__name__)
S = RevisionStatus
ENDED_WORDS: dict[str, str] = {S.SUPERSEDED: "SUPERSEDED", S.OBSOLETE: "OBSOLETE"}
OPERATION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "recall": gettext_lazy("Recall to draft"),
    "rework": gettext_lazy("Rework as a draft"),
    "publish": gettext_lazy("Publish: make effective"),
    "withdraw": gettext_lazy("Withdraw: make obsolete"),
}
MOVES = {"submit": services.submit, "recall": services.recall, "rework": services.rework, "publish": services.publish}


# --- who may do what here ---------------------------------------------------------------------


def may(user: Any, action: Action, document: Document) -> bool:
    """``action`` allowed at every site the document applies to (all sites: an all-sites role)."""
    sites = list(document.sites.all())
    if not sites:
        return can(user, action)
    return all(can(user, action, site_id=s.pk) for s in sites)


def require_may(user: Any, action: Action, document: Document) -> None:
    if not may(user, action, document):
        raise PermissionRefused(f"You are not allowed to {PHRASES[action]} {document.number}.")


def readers(document: Document) -> QuerySet[Any]:
    """Active people who can see the document: candidates to review, approve or read it."""
    sites = list(document.sites.all())
    members = Membership.objects.filter(Q(site__isnull=True) | Q(site__in=sites)) if sites else Membership.objects.all()
    return active_people().filter(Q(is_superuser=True) | Q(pk__in=members.values("user_id")))


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


def incomplete(request: HttpRequest) -> None:
    messages.error(request, _("The form was incomplete; reload the page and try again."))


def history(request: HttpRequest, record_type: str, pk: int) -> list[Any] | None:
    entries = history_of(user=request.user, record_type=record_type, record_id=str(pk))
    return None if entries is None else list(entries[:100])


# --- revisions -------------------------------------------------------------------------------


def operations(user: Any, revision: Revision) -> list[dict[str, Any]]:
    """The lifecycle operations open from the revision's status that this person may do."""
    document = revision.document
    if document.archived_at is not None:
        return []
    return [
        {"op": t.operation, "label": OPERATION_LABELS[t.operation], "reason": t.operation == "withdraw"}
        for t in lifecycle.operations_from(revision.status)
        if may(user, t.action, document)
    ]


def _my_step(user: Any, revision: Revision) -> ReviewStep | None:
    if revision.status != S.IN_REVIEW:
        return None
    return revision.steps.filter(person=user, decision=Decision.PENDING).order_by("position").first()


def _revision_context(request: HttpRequest, revision: Revision) -> dict[str, Any]:
    content = revision.signed_content()
    document = revision.document
    earlier = (
        selectors.revisions_visible_to(request.user)
        .filter(document=document, number__lt=revision.number)
        .order_by("-number")
        .first()
    )
    return {
        "revision": revision,
        "document": document,
        "html": show.markdown(revision.text),
        "content_sha256": content_hash(content),
        "signatures": [{"s": s, "matches": s.matches(content)} for s in signatures_of(revision)],
        "steps": list(revision.steps.select_related("person", "signature")),
        "ended": ENDED_WORDS.get(revision.status, ""),
        "earlier": earlier,
    }


def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    revision = selectors.revision_get(user, pk)
    document = revision.document
    context = _revision_context(request, revision)
    may_change = document.archived_at is None and may(user, Action.CHANGE, document)
    draft = revision.status == S.DRAFT
    acknowledged = Acknowledgement.objects.filter(revision=revision, user=user).exists()
    context.update(
        {
            "operations": operations(user, revision),
            "may_edit": may_change and draft,
            "my_step": _my_step(user, revision),
            "may_acknowledge": revision.status == S.EFFECTIVE
            and not acknowledged
            and services.audience(document).filter(pk=user.pk).exists(),
            "acknowledged": acknowledged,
            "history": history(request, "documents.revision", revision.pk),
        }
    )
    return render(request, "documents/revision_detail.html", context)


@require_POST
def revision_start(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    try:
        revision = services.revision_start(
            by=request.user, document=document, change_summary=request.POST.get("change_summary", "")[:4000]
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
        return redirect("documents:detail", pk=pk)
    messages.success(request, _("Revision %(n)s started as a draft.") % {"n": revision.number})
    return redirect("documents:revision_edit", pk=revision.pk)


def _editable_draft(request: HttpRequest, pk: int) -> Revision | HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    require_may(request.user, Action.CHANGE, revision.document)
    if revision.status != S.DRAFT:
        messages.error(request, _("Only a draft can be changed; start a new revision to change the document."))
        return redirect("documents:revision", pk=pk)
    return revision


def revision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _editable_draft(request, pk)
    if isinstance(revision, HttpResponse):
        return revision
    initial = {"text": revision.text, "change_summary": revision.change_summary, "version": revision.version}
    form = DraftForm(request.POST or None, request.FILES or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            with transaction.atomic():
                services.draft_update(
                    by=request.user,
                    revision=revision,
                    version=data["version"],
                    text=data["text"],
                    change_summary=data["change_summary"],
                    upload=(upload, upload.name) if upload else None,
                )
                if data["remove_file"] and revision.file_id is not None:
                    services.file_remove(by=request.user, revision=revision, version=revision.version)
        except ImsError as exc:
            revision.refresh_from_db()
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("documents:revision", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    context = _revision_context(request, revision)
    context.update({"form": form, "conflict": conflict})
    return render(request, "documents/revision_form.html", context, status=status)


def revision_steps(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _editable_draft(request, pk)
    if isinstance(revision, HttpResponse):
        return revision
    current = list(revision.steps.order_by("position"))
    reviewers = [s.person_id for s in current if s.role == StepRole.REVIEWER]
    approvers = [s.person_id for s in current if s.role == StepRole.APPROVER]
    rows = max(3, len(reviewers) + 1, len(approvers) + 1)
    initial = {f"reviewer_{i}": p for i, p in enumerate(reviewers, 1)}
    initial.update({f"approver_{i}": p for i, p in enumerate(approvers, 1)})
    form = StepsForm(request.POST or None, people=readers(revision.document), rows=rows, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.steps_set(by=request.user, revision=revision, reviewers=form.reviewers, approvers=form.approvers)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Reviewers and approvers of %(revision)s saved.") % {"revision": revision})
            return redirect("documents:revision", pk=pk)
    context = _revision_context(request, revision)
    context["form"] = form
    return render(request, "documents/revision_steps.html", context, status=422 if request.method == "POST" else 200)


def revision_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signing page: exactly what is signed, and the reviewer's or approver's signed decision."""
    revision = selectors.revision_get(request.user, pk)
    if revision.status != S.IN_REVIEW:
        messages.error(request, _("Only a revision in review is signed."))
        return redirect("documents:revision", pk=pk)
    step = _my_step(request.user, revision)
    if step is None:
        if revision.steps.filter(person=request.user.pk).exists():
            messages.info(request, _("You have already signed %(revision)s.") % {"revision": revision})
            return redirect("documents:revision", pk=pk)
        raise PermissionRefused(f"You are not a reviewer or approver of {revision}.")
    positive = "reviewed" if step.role == StepRole.REVIEWER else "approved"
    form = SignForm(request.POST or None, role=step.role, initial={"version": revision.version, "meaning": positive})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_step(
                by=request.user,
                revision=revision,
                version=data["version"],
                password=data["password"],
                meaning=data["meaning"],
                reason=data["reason"],
            )
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            revision.refresh_from_db()
            messages.success(
                request,
                _("You signed %(revision)s as %(meaning)s; it is now %(status)s.")
                % {
                    "revision": revision,
                    "meaning": data["meaning"],
                    "status": lifecycle.label(revision.status).lower(),
                },
            )
            return redirect("documents:revision", pk=pk)
    first = revision.steps.filter(decision=Decision.PENDING).order_by("position").select_related("person").first()
    context = _revision_context(request, revision)
    context.update(
        {
            "form": form,
            "step": step,
            "conflict": conflict,
            "waiting_for": first.person
            if revision.document.approval_mode == "sequence" and first and first.pk != step.pk
            else None,
        }
    )
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(request, "documents/revision_sign.html", context, status=status)


@require_POST
def revision_move(request: HttpRequest, pk: int) -> HttpResponse:
    revision = selectors.revision_get(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        incomplete(request)
        return redirect("documents:revision", pk=pk)
    operation, version = form.cleaned_data["operation"], form.cleaned_data["version"]
    try:
        if operation == "withdraw":
            services.withdraw(by=request.user, revision=revision, version=version, reason=form.cleaned_data["reason"])
        else:
            MOVES[operation](by=request.user, revision=revision, version=version)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("%(revision)s is now %(status)s.")
            % {"revision": revision, "status": lifecycle.label(revision.status).lower()},
        )
    return redirect("documents:revision", pk=pk)


def revision_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two revisions of a document side by side: the lines removed and added."""
    document = selectors.document_get(request.user, pk)
    revisions = list(selectors.revisions_visible_to(request.user).filter(document=document).order_by("number"))
    by_pk = {str(r.pk): r for r in revisions}
    a_key, b_key = request.GET.get("a", ""), request.GET.get("b", "")
    if (a_key and a_key not in by_pk) or (b_key and b_key not in by_pk):
        raise NotFound(f"No revision of {document.number} with that id that you may see.")
    newer = by_pk.get(b_key) or (revisions[-1] if revisions else None)
    older = by_pk.get(a_key) or next((r for r in reversed(revisions) if newer and r.number < newer.number), None)
    rows: list[show.DiffRow] = []
    extracted = False
    if older is not None and newer is not None:
        old_text, new_text = older.text, newer.text
        if not old_text.strip() and not new_text.strip():
            old_text, new_text, extracted = older.extracted_text, newer.extracted_text, True
        rows = show.diff_rows(old_text, new_text)
    return render(
        request,
        "documents/revision_diff.html",
        {
            "record": document,
            "revisions": revisions,
            "a": older,
            "b": newer,
            "rows": rows,
            "extracted": extracted,
            "added": sum(1 for r in rows if r.kind == "added"),
            "removed": sum(1 for r in rows if r.kind == "removed"),
        },
    )


# --- the file of a revision --------------------------------------------------------------------


def _integrity_failure(request: HttpRequest, revision: Revision, detail: str) -> HttpResponse:
    """Refuse to serve a file that is not what was uploaded, and put that on the audit trail."""
    stored = revision.file
    assert stored is not None
    with transaction.atomic():
        record_change(
            action="integrity_failed",
            by=request.user,
            record=revision,
            changes={"file": [f"{stored.name} sha256:{stored.sha256}", None]},
            note=detail,
        )
    logger.error("document file failed its integrity check: revision %s, %s", revision.pk, detail)
    context = {"status": 500, "title": files.IntegrityError.title, "message": detail}
    return render(request, "web/error.html", context, status=500)


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The revision's file, checked against its SHA-256; a superseded or obsolete PDF is stamped as such."""
    revision = selectors.revision_get(request.user, pk)
    stored = revision.file
    if stored is None:
        raise NotFound(f"{revision} has no file.")
    try:
        data = files.read_verified(stored)
    except files.IntegrityError as exc:
        return _integrity_failure(request, revision, exc.detail)
    except FileNotFoundError:
        return _integrity_failure(
            request, revision, f"“{stored.name}” is missing from the file store; restore it from a backup."
        )
    name = files.safe_name(stored.name)
    word = ENDED_WORDS.get(revision.status)
    if word:
        name = f"{word}-{name}"
        if stored.content_type == files.KINDS["pdf"].content_type:
            try:
                data = show.watermark_pdf(data, word)
            except Exception:  # the name still says it; the file is the one on record
                logger.warning("could not stamp %s on revision %s's PDF", word, revision.pk, exc_info=True)
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
