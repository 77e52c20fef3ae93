"""Writes for document control (7.5) — the only writers.

Every state change of a revision goes through :func:`_move`, which looks the
operation up in :mod:`ims.documents.lifecycle`; signatures come from
:mod:`ims.signatures`. A document applies to the sites it lists (none: all
sites), and changing it needs the permission in every one of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ims.accounts.models import Membership
from ims.accounts.permissions import Action, can
from ims.audit.services import record_change
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.documents import lifecycle, search
from ims.documents.files import extract_text, store_upload
from ims.documents.models import (
    DEFAULT_PATTERNS,
    Acknowledgement,
    ApprovalMode,
    Decision,
    Distribution,
    DocType,
    Document,
    NumberScheme,
    ReviewStep,
    Revision,
    RevisionStatus,
    StepRole,
    StoredFile,
)
from ims.org.models import Site
from ims.processes.services import require_sites
from ims.signatures.models import Meaning
from ims.signatures.services import invalidate_changed, reauthenticate, sign

S = RevisionStatus
DOCUMENT_FIELDS = (
    "title",
    "area",
    "owner",
    "standards",
    "confidentiality",
    "review_months",
    "approval_mode",
    "retention_years",
    "disposal",
)
Upload = tuple[IO[bytes], str]  # (stream, file name as given)


def _require(by: Any, action: Action, document: Document, what: str = "documents") -> None:
    require_sites(by, action, document.sites.all(), what=what)


def _open(document: Document) -> None:
    if document.archived_at is not None:
        raise WorkflowError(f"{document.number} is archived; restore it before changing it.")


# --- numbering ------------------------------------------------------------------------


def pattern_for(doc_type: str) -> str:
    scheme = NumberScheme.objects.filter(doc_type=doc_type).first()
    return scheme.pattern if scheme else DEFAULT_PATTERNS[doc_type]


def _pattern_regex(pattern: str, area: str) -> re.Pattern[str]:
    parts = re.split(r"(\{area\}|\{seq(?::[^}]*)?\})", pattern)
    regex = ""
    for part in parts:
        if part == "{area}":
            regex += re.escape(area)
        elif part.startswith("{seq"):
            regex += r"(\d+)"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def next_number(doc_type: str, area: str) -> str:
    """The next free number of the scheme for this type and area, e.g. PRO-ENV-005."""
    pattern = pattern_for(doc_type)
    matcher = _pattern_regex(pattern, area)
    seqs = [
        int(m.group(1))
        for number in Document.objects.filter(doc_type=doc_type).values_list("number", flat=True)
        if (m := matcher.fullmatch(number))
    ]
    return pattern.format(area=area, seq=(max(seqs) if seqs else 0) + 1)


@transaction.atomic
def scheme_set(*, by: Any, doc_type: str, pattern: str) -> NumberScheme:
    if not can(by, Action.MANAGE_ORG):
        raise PermissionRefused("You are not allowed to change how documents are numbered.")
    if doc_type not in DocType.values:
        raise ValidationFailed({"doc_type": [f"Use one of: {', '.join(DocType.values)}."]})
    if "{seq" not in pattern:
        raise ValidationFailed({"pattern": ["The pattern needs {seq} (or e.g. {seq:03d}) for the running number."]})
    try:
        pattern.format(area="ENV", seq=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise ValidationFailed(
            {"pattern": [f"“{pattern}” is not a valid pattern ({exc}); use {{area}} and {{seq}}."]}
        ) from None
    scheme, _ = NumberScheme.objects.update_or_create(doc_type=doc_type, defaults={"pattern": pattern})
    record_change(action="update", by=by, record=scheme, changes={"pattern": [None, pattern]})
    return scheme


# --- documents ------------------------------------------------------------------------


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(DOCUMENT_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    if "area" in fields:
        area = str(fields["area"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{1,10}", area):
            raise ValidationFailed({"area": ["Use 1 to 10 letters or digits, e.g. ENV."]})
        fields["area"] = area


def _check_record_fields(doc_type: str, fields: dict[str, Any]) -> None:
    """Retention and disposal are kept for records (evidence, 7.5.3.2); other documents live while in force."""
    if doc_type == DocType.RECORD:
        return
    kind = DocType(doc_type).label
    problems = {
        "retention_years": f"Only records have a retention period, not a document of type “{kind}”. Leave it empty.",
        "disposal": f"Only records have a disposal rule, not a document of type “{kind}”. Leave it empty.",
    }
    errors = {name: [message] for name, message in problems.items() if fields.get(name) not in (None, "")}
    if errors:
        raise ValidationFailed(errors)


def _refs(items: Iterable[Any], attr: str = "pk") -> str:
    return ", ".join(sorted(str(getattr(i, attr)) for i in items)) or "none"


def _content(revision: Revision, *, text: str | None, upload: Upload | None, by: Any) -> None:
    """Set a draft's text and/or file, and what search reads from them."""
    if text is not None:
        revision.text = text
    if upload is not None:
        stream, name = upload
        stored = store_upload(by=by, upload=stream, name=name)
        revision.file = stored
        revision.extracted_text = extract_text(stored)


@transaction.atomic
def document_create(
    *,
    by: Any,
    doc_type: str,
    title: str,
    owner: Any = None,
    number: str = "",
    area: str = "IMS",
    sites: Iterable[Site] = (),
    clauses: Iterable[Any] = (),
    processes: Iterable[Any] = (),
    text: str = "",
    upload: Upload | None = None,
    change_summary: str = "First issue.",
    corrects: Document | None = None,
    **fields: Any,
) -> Document:
    """A new document with revision 1 as a draft (text written here and/or an uploaded file)."""
    site_list = list(sites)
    require_sites(by, Action.CREATE, site_list, what="documents")
    if doc_type not in DocType.values:
        raise ValidationFailed({"doc_type": [f"“{doc_type}” is not a type; use one of: {', '.join(DocType.values)}."]})
    fields["area"] = area
    _check_fields(fields, "Unknown field.")
    _check_record_fields(doc_type, fields)
    if corrects is not None and (corrects.doc_type != DocType.RECORD or not _finalised(corrects)):
        raise ValidationFailed({"corrects": [f"{corrects.number} is not a finalised record."]})
    document = Document(
        doc_type=doc_type,
        title=title,
        owner=owner or by,
        number=number.strip() or next_number(doc_type, fields["area"]),
        corrects=corrects,
        **fields,
    )
    create_record(document, by=by, note=f"sites: {_refs(site_list, 'code')}")
    document.sites.set(site_list)
    document.clauses.set(list(clauses))
    document.processes.set(list(processes))
    revision = Revision(document=document, number=1, change_summary=change_summary, author=by)
    _content(revision, text=text, upload=upload, by=by)
    create_record(revision, by=by, note="first draft")
    search.index(revision)
    return document


@transaction.atomic
def document_update(
    *,
    by: Any,
    document: Document,
    version: int,
    sites: Iterable[Site] | None = None,
    clauses: Iterable[Any] | None = None,
    processes: Iterable[Any] | None = None,
    **fields: Any,
) -> Document:
    _require(by, Action.CHANGE, document)
    _open(document)
    _check_fields(fields, "This field cannot be changed here.")
    _check_record_fields(document.doc_type, fields)
    if sites is not None:
        new_sites = list(sites)
        require_sites(by, Action.CHANGE, new_sites, what="documents")
    before = document.version
    if "review_months" in fields and fields["review_months"] != document.review_months:
        effective = document.revisions.filter(status=S.EFFECTIVE).first()
        if effective is not None and effective.effective_at is not None:
            fields["next_review"] = _review_after(
                timezone.localtime(effective.effective_at).date(), fields["review_months"]
            )
    update_record(document, by=by, version=version, changes=fields)
    relations: dict[str, list[Any]] = {}
    if sites is not None and {s.pk for s in new_sites} != set(document.sites.values_list("pk", flat=True)):
        relations["sites"] = new_sites
    if clauses is not None:
        wanted = list(clauses)
        if {c.pk for c in wanted} != set(document.clauses.values_list("pk", flat=True)):
            relations["clauses"] = wanted
    if processes is not None:
        wanted_p = list(processes)
        if {p.pk for p in wanted_p} != set(document.processes.values_list("pk", flat=True)):
            relations["processes"] = wanted_p
    if relations:
        if document.version == before:
            update_record(document, by=by, version=version, changes={"updated_at": timezone.now()})
        for name, items in relations.items():
            old = list(getattr(document, name).all())
            getattr(document, name).set(items)
            label = "code" if name == "sites" else "pk"
            record_change(
                action="update", by=by, record=document, changes={name: [_refs(old, label), _refs(items, label)]}
            )
    search.index_document(document)
    return document


@transaction.atomic
def document_archive(*, by: Any, document: Document, version: int) -> Document:
    _require(by, Action.CHANGE, document)
    if document.archived_at is not None:
        raise WorkflowError(f"{document.number} is already archived.")
    if document.revisions.filter(status=S.EFFECTIVE).exists():
        raise WorkflowError(f"{document.number} has an effective revision; withdraw it (make it obsolete) first.")
    return update_record(document, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _review_after(day: dt.date, months: int | None) -> dt.date | None:
    return add_months(day, months) if months else None


@transaction.atomic
def review_confirm(*, by: Any, document: Document, version: int, note: str = "") -> Document:
    """The periodic review found the effective revision still right: the next review is due one period on."""
    _require(by, Action.CHANGE, document)
    _open(document)
    if not document.revisions.filter(status=S.EFFECTIVE).exists():
        raise WorkflowError(f"{document.number} has no effective revision to review.")
    if not document.review_months:
        raise WorkflowError(f"{document.number} has no review period.")
    following = _review_after(timezone.localdate(), document.review_months)
    return update_record(
        document,
        by=by,
        version=version,
        changes={"next_review": following},
        note=f"periodic review: {note or 'no change needed'}",
    )


# --- revisions ------------------------------------------------------------------------


def _finalised(document: Document) -> bool:
    return document.revisions.filter(status__in=[S.EFFECTIVE, S.SUPERSEDED, S.OBSOLETE]).exists()


@transaction.atomic
def revision_start(*, by: Any, document: Document, change_summary: str = "") -> Revision:
    """The next revision as a draft, from the effective (else the latest) content."""
    _require(by, Action.CHANGE, document)
    _open(document)
    Document.objects.select_for_update().filter(pk=document.pk).first()
    open_rev = document.revisions.filter(status__in=[S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED]).first()
    if open_rev is not None:
        raise WorkflowError(
            f"{document.number} already has revision {open_rev.number} {lifecycle.label(open_rev.status).lower()}; "
            "only one draft at a time."
        )
    if document.is_record and _finalised(document):
        raise WorkflowError(
            f"{document.number} is a finalised record and cannot be edited; "
            "record a correction as a new entry that references it."
        )
    last = document.revisions.order_by("-number").first()
    base = document.revisions.filter(status=S.EFFECTIVE).first() or last
    revision = Revision(
        document=document,
        number=(last.number if last else 0) + 1,
        change_summary=change_summary,
        author=by,
        text=base.text if base else "",
        file=base.file if base else None,
        extracted_text=base.extracted_text if base else "",
    )
    create_record(revision, by=by, note=f"draft started from revision {base.number}" if base else "draft started")
    search.index(revision)
    return revision


def _require_draft(revision: Revision, doing: str) -> None:
    if revision.status != S.DRAFT:
        raise WorkflowError(
            f"{revision} is {lifecycle.label(revision.status).lower()}; only a draft can be {doing}."
            + (
                " Start a new revision to change it."
                if revision.status in (S.EFFECTIVE, S.SUPERSEDED, S.OBSOLETE)
                else ""
            )
        )


@transaction.atomic
def draft_update(
    *,
    by: Any,
    revision: Revision,
    version: int,
    text: str | None = None,
    change_summary: str | None = None,
    upload: Upload | None = None,
) -> Revision:
    """Change a draft's content; signatures given on the earlier content become invalid."""
    document = revision.document
    _require(by, Action.CHANGE, document)
    _open(document)
    _require_draft(revision, "edited")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = text
    if change_summary is not None:
        changes["change_summary"] = change_summary
    if upload is not None:
        stream, name = upload
        stored = store_upload(by=by, upload=stream, name=name)
        changes["file"] = stored
        changes["extracted_text"] = extract_text(stored)
    update_record(revision, by=by, version=version, changes=changes)
    invalidate_changed(
        by=by, record=revision, content=revision.signed_content(), reason="the content changed after signing"
    )
    search.index(revision)
    return revision


@transaction.atomic
def file_remove(*, by: Any, revision: Revision, version: int) -> Revision:
    _require(by, Action.CHANGE, revision.document)
    _require_draft(revision, "edited")
    update_record(revision, by=by, version=version, changes={"file": None, "extracted_text": ""}, note="file removed")
    invalidate_changed(
        by=by, record=revision, content=revision.signed_content(), reason="the content changed after signing"
    )
    search.index(revision)
    return revision


@transaction.atomic
def steps_set(
    *, by: Any, revision: Revision, reviewers: Iterable[Any] = (), approvers: Iterable[Any] = ()
) -> list[ReviewStep]:
    """Name who reviews and who approves (the order counts when approval is in sequence)."""
    _require(by, Action.CHANGE, revision.document)
    _require_draft(revision, "given reviewers and approvers")
    people = [(u, StepRole.REVIEWER) for u in reviewers] + [(u, StepRole.APPROVER) for u in approvers]
    inactive = [str(u) for u, _ in people if not u.is_active]
    if inactive:
        raise ValidationFailed({"approvers": [f"Not active: {', '.join(inactive)}."]})
    seen: set[tuple[int, str]] = set()
    for user, role in people:
        if (user.pk, role) in seen:
            raise ValidationFailed({"approvers": [f"{user} is named twice as {role}."]})
        seen.add((user.pk, role))
    if not settings.IMS_DOCUMENTS_SELF_APPROVAL and any(
        u.pk == revision.author_id for u, r in people if r == StepRole.APPROVER
    ):
        raise ValidationFailed(
            {"approvers": [f"{revision.author} drafted {revision}; another person must approve it."]}
        )
    old = [f"{s.role}:{s.person.username}" for s in revision.steps.select_related("person")]
    revision.steps.all().delete()
    steps = [
        ReviewStep.objects.create(revision=revision, person=user, role=role, position=i)
        for i, (user, role) in enumerate(people)
    ]
    new = [f"{s.role}:{s.person.username}" for s in steps]
    record_change(action="update", by=by, record=revision, changes={"steps": [", ".join(old), ", ".join(new)]})
    return steps


def _move(by: Any, revision: Revision, version: int, operation: str, note: str = "", **changes: Any) -> Revision:
    transition = lifecycle.find(revision.status, operation)
    if transition is None:
        nexts = [t.operation for t in lifecycle.operations_from(revision.status)]
        follow = f"from {lifecycle.label(revision.status)} it can: {', '.join(nexts)}." if nexts else "it is final."
        raise WorkflowError(f"{revision} cannot {operation} now; {follow}")
    if not transition.auto:
        _require(by, transition.action, revision.document)
    _open(revision.document)
    changes["status"] = transition.target
    text = f"{lifecycle.label(transition.source)} → {lifecycle.label(transition.target)}" + (
        f": {note}" if note else ""
    )
    return update_record(revision, by=by, version=version, changes=changes, note=text)


@transaction.atomic
def submit(*, by: Any, revision: Revision, version: int) -> Revision:
    if not revision.text.strip() and revision.file_id is None:
        raise ValidationFailed({"text": [f"{revision} has no content: write the text or upload a file."]})
    if not revision.steps.filter(role=StepRole.APPROVER).exists():
        raise ValidationFailed({"approvers": [f"Name at least one approver of {revision} before submitting it."]})
    revision.steps.update(decision=Decision.PENDING, signature=None, decided_at=None)
    return _move(by, revision, version, "submit", submitted_at=timezone.now())


@transaction.atomic
def recall(*, by: Any, revision: Revision, version: int) -> Revision:
    return _move(by, revision, version, "recall", note="recalled for changes")


@transaction.atomic
def rework(*, by: Any, revision: Revision, version: int) -> Revision:
    return _move(by, revision, version, "rework")


def _pending_step(by: Any, revision: Revision) -> ReviewStep:
    step = revision.steps.filter(person=by, decision=Decision.PENDING).order_by("position").first()
    if step is None:
        if revision.steps.filter(person=by).exists():
            raise WorkflowError(f"You have already signed {revision}.")
        raise PermissionRefused(f"You are not a reviewer or approver of {revision}.")
    if revision.document.approval_mode == ApprovalMode.SEQUENCE:
        first = revision.steps.filter(decision=Decision.PENDING).order_by("position").select_related("person").first()
        if first is not None and first.pk != step.pk:
            raise WorkflowError(f"{revision} is signed in sequence: waiting for {first.person} to sign first.")
    return step


def sign_step(*, by: Any, revision: Revision, version: int, password: str, meaning: str, reason: str = "") -> Revision:
    """A reviewer or approver signs their decision; the last positive signature approves the revision."""
    if revision.status != S.IN_REVIEW:
        raise WorkflowError(
            f"{revision} is {lifecycle.label(revision.status).lower()}; only a revision in review is signed."
        )
    step = _pending_step(by, revision)
    allowed = {
        StepRole.REVIEWER: (Meaning.REVIEWED, Meaning.REJECTED),
        StepRole.APPROVER: (Meaning.APPROVED, Meaning.REJECTED),
    }
    if meaning not in allowed[StepRole(step.role)]:
        raise ValidationFailed(
            {
                "meaning": [
                    f"As {step.get_role_display().lower()} you sign as: {', '.join(allowed[StepRole(step.role)])}."
                ]
            }
        )
    if step.role == StepRole.APPROVER and by.pk == revision.author_id and not settings.IMS_DOCUMENTS_SELF_APPROVAL:
        raise PermissionRefused(f"You drafted {revision}; another person must approve it.")
    if meaning == Meaning.REJECTED and not (reason or "").strip():
        raise ValidationFailed({"reason": ["Say what must change."]})
    reauthenticate(by, password)
    with transaction.atomic():
        update_record(revision, by=by, version=version, changes={"updated_at": timezone.now()})
        signature = sign(by=by, record=revision, content=revision.signed_content(), meaning=meaning, reason=reason)
        ReviewStep.objects.filter(pk=step.pk).update(
            decision=meaning, signature=signature, decided_at=signature.signed_at
        )
        if meaning == Meaning.REJECTED:
            _move(by, revision, revision.version, "reject", note=reason.strip())
        elif not revision.steps.filter(decision=Decision.PENDING).exists():
            _move(by, revision, revision.version, "approve", approved_at=signature.signed_at)
    return revision


@transaction.atomic
def publish(*, by: Any, revision: Revision, version: int) -> Revision:
    """Make an approved revision effective; the one it replaces is superseded in the same transaction."""
    document = revision.document
    stale = [
        s
        for s in revision.steps.select_related("signature")
        if s.signature and not s.signature.matches(revision.signed_content())
    ]
    if revision.status == S.APPROVED and stale:
        raise WorkflowError(f"{revision} changed after it was signed; it must be reviewed again.")
    if revision.status != S.APPROVED and revision.status in (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED):
        raise WorkflowError(
            f"{revision} is {lifecycle.label(revision.status).lower()}; only an approved revision is published."
        )
    now = timezone.now()
    previous = document.revisions.select_for_update().filter(status=S.EFFECTIVE).exclude(pk=revision.pk).first()
    if previous is not None:
        _require(by, Action.APPROVE, document)
        _move(
            by,
            previous,
            previous.version,
            "supersede",
            note=f"superseded by revision {revision.number}",
            ended_at=now,
            end_reason=f"Superseded by revision {revision.number}.",
        )
        search.index(previous)
    _move(by, revision, version, "publish", effective_at=now)
    if document.review_months:
        update_record(
            document,
            by=by,
            version=document.version,
            changes={"next_review": _review_after(timezone.localdate(), document.review_months)},
        )
    search.index(revision)
    return revision


@transaction.atomic
def withdraw(*, by: Any, revision: Revision, version: int, reason: str) -> Revision:
    """Make the effective revision obsolete: the document is no longer in use."""
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["Say why the document is withdrawn."]})
    moved = _move(
        by, revision, version, "withdraw", note=reason.strip(), ended_at=timezone.now(), end_reason=reason.strip()
    )
    document = moved.document
    if document.next_review is not None:  # nothing left in use to review
        update_record(document, by=by, version=document.version, changes={"next_review": None})
    search.index(moved)
    return moved


# --- distribution and acknowledgement ---------------------------------------------------


@transaction.atomic
def distribution_add(
    *, by: Any, document: Document, user: Any = None, role: str = "", site: Site | None = None
) -> Distribution:
    _require(by, Action.CHANGE, document)
    targets = [t for t in (user, role, site) if t]
    if len(targets) != 1:
        raise ValidationFailed({"__all__": ["Name exactly one of: a person, a role or a site."]})
    from ims.accounts.roles import Role

    if role and role not in Role.values:
        raise ValidationFailed({"role": [f"“{role}” is not a role; use one of: {', '.join(Role.values)}."]})
    existing = Distribution.objects.filter(document=document, user=user, role=role, site=site).first()
    if existing is not None:
        return existing
    entry = Distribution(document=document, user=user, role=role, site=site, added_by=by)
    create_record(entry, by=by)
    return entry


@transaction.atomic
def distribution_remove(*, by: Any, entry: Distribution) -> None:
    _require(by, Action.CHANGE, entry.document)
    record_change(action="delete", by=by, record=entry, note=f"no longer asked to read {entry.document.number}")
    entry.delete()


def audience(document: Document) -> Any:
    """Active people asked to read the document: named, by role, or by site."""
    users = get_user_model().objects.filter(is_active=True)
    entries = list(document.distribution.all())
    direct = [e.user_id for e in entries if e.user_id]
    roles = [e.role for e in entries if e.role]
    sites = [e.site_id for e in entries if e.site_id]
    member_ids = set(
        Membership.objects.filter(role__in=roles).values_list("user_id", flat=True) if roles else []
    ) | set(Membership.objects.filter(site_id__in=sites).values_list("user_id", flat=True) if sites else [])
    return users.filter(pk__in=set(direct) | member_ids).order_by("username")


@transaction.atomic
def acknowledge(*, by: Any, revision: Revision) -> Acknowledgement:
    """“Read and understood” for the effective revision of a document the person is asked to read."""
    if revision.status != S.EFFECTIVE:
        raise WorkflowError(
            f"{revision} is {lifecycle.label(revision.status).lower()}; only the effective revision is acknowledged."
        )
    if not audience(revision.document).filter(pk=by.pk).exists():
        raise WorkflowError(f"You are not asked to read {revision.document.number}.")
    existing = Acknowledgement.objects.filter(revision=revision, user=by).first()
    if existing is not None:
        return existing
    ack = Acknowledgement(revision=revision, user=by)
    create_record(ack, by=by, note="read and understood")
    return ack


def completion(document: Document) -> tuple[int, int]:
    """(acknowledged, asked) for the effective revision; a new revision starts again from zero."""
    effective = document.revisions.filter(status=S.EFFECTIVE).first()
    people = audience(document)
    total = people.count()
    if effective is None or total == 0:
        return 0, total
    done = Acknowledgement.objects.filter(revision=effective, user__in=people).count()
    return done, total


def stored_file(pk: int) -> StoredFile | None:
    return StoredFile.objects.filter(pk=pk).first()
