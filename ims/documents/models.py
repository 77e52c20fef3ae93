"""Documented information (7.5): controlled documents, their revisions, sign-off, distribution, records.

A document is the register entry (number, title, owner, where it applies, what
it serves); its content lives in revisions, which follow the lifecycle table in
:mod:`ims.documents.lifecycle`. Content that was signed is never edited: a
change is a new revision, and a change to a draft invalidates its signatures.
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ims.context.models import default_standards, validate_standards
from ims.core.models import VersionedModel


class DocType(models.TextChoices):
    POLICY = "policy", _("Policy")
    MANUAL = "manual", _("Manual")
    PROCEDURE = "procedure", _("Procedure")
    WORK_INSTRUCTION = "work_instruction", _("Work instruction")
    FORM = "form", _("Form or template")
    PLAN = "plan", _("Plan")
    EXTERNAL = "external", _("External document")
    RECORD = "record", _("Record")


DEFAULT_PATTERNS: dict[str, str] = {
    DocType.POLICY: "POL-{area}-{seq:03d}",
    DocType.MANUAL: "MAN-{area}-{seq:03d}",
    DocType.PROCEDURE: "PRO-{area}-{seq:03d}",
    DocType.WORK_INSTRUCTION: "WI-{area}-{seq:03d}",
    DocType.FORM: "FRM-{area}-{seq:03d}",
    DocType.PLAN: "PLN-{area}-{seq:03d}",
    DocType.EXTERNAL: "EXT-{area}-{seq:03d}",
    DocType.RECORD: "REC-{area}-{seq:04d}",
}


class NumberScheme(models.Model):
    """How new documents of a type are numbered, e.g. PRO-{area}-{seq:03d} gives PRO-ENV-004."""

    doc_type = models.CharField(max_length=20, choices=DocType.choices, unique=True)
    pattern = models.CharField(
        max_length=60, help_text=_("Use {area} for the area code and {seq} or {seq:03d} for the running number.")
    )

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.pattern}"


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    RESTRICTED = "restricted", _("Restricted")


class ApprovalMode(models.TextChoices):
    PARALLEL = "parallel", _("In parallel (any order)")
    SEQUENCE = "sequence", _("In sequence (one after another)")


class Document(VersionedModel):
    number = models.CharField(max_length=40, unique=True, help_text=_("Unique document number, e.g. PRO-ENV-004."))
    title = models.CharField(max_length=300)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocType.choices)
    area = models.CharField(
        max_length=10, default="IMS", help_text=_("Short area code used in the number, e.g. ENV, QUA, PRD.")
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sites = models.ManyToManyField("org.Site", blank=True, related_name="+", help_text=_("None: all sites."))
    standards = models.JSONField(default=default_standards, validators=[validate_standards])
    clauses = models.ManyToManyField("standards.Clause", blank=True, related_name="documents")
    processes = models.ManyToManyField("processes.Process", blank=True, related_name="documents")
    confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL)
    review_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Months between periodic reviews; empty for no periodic review.")
    )
    next_review = models.DateField(null=True, blank=True, editable=False)
    approval_mode = models.CharField(max_length=20, choices=ApprovalMode.choices, default=ApprovalMode.PARALLEL)
    # Records (documented information retained as evidence)
    retention_years = models.PositiveSmallIntegerField(null=True, blank=True)
    disposal = models.CharField(max_length=200, blank=True, help_text=_("What happens at the end of retention."))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The finalised record this entry corrects."),
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["doc_type", "number"], name="document_type_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_record(self) -> bool:
        return self.doc_type == DocType.RECORD


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    EFFECTIVE = "effective", _("Effective")
    SUPERSEDED = "superseded", _("Superseded")
    OBSOLETE = "obsolete", _("Obsolete")


OPEN_STATUSES = (
    RevisionStatus.DRAFT,
    RevisionStatus.IN_REVIEW,
    RevisionStatus.CHANGES_REQUESTED,
    RevisionStatus.APPROVED,
)


class StoredFile(models.Model):
    """An uploaded file, stored under its SHA-256 and checked against it on every download."""

    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    name = models.CharField(max_length=200, help_text=_("File name as uploaded, made safe."))
    storage_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Revision(VersionedModel):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    change_summary = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text=_("Content written in IMS, in Markdown."))
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    extracted_text = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    effective_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_("Superseded or made obsolete."))
    end_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_revision_number"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status__in=OPEN_STATUSES), name="document_one_open_revision"
            ),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="effective"), name="document_one_effective_revision"
            ),
        ]
        indexes = [models.Index(fields=["status", "document"], name="revision_status_document")]

    def __str__(self) -> str:
        return f"{self.document.number} revision {self.number}"

    @property
    def audit_site_id(self) -> None:
        return None

    def signed_content(self) -> bytes:
        """The exact bytes a signature covers: the number, title, text, file and change summary."""
        return orjson.dumps(
            {
                "document": self.document.number,
                "title": self.document.title,
                "revision": self.number,
                "text": self.text,
                "file_sha256": self.file.sha256 if self.file_id and self.file else None,
                "change_summary": self.change_summary,
            },
            option=orjson.OPT_SORT_KEYS,
        )


class StepRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewStep(models.Model):
    """A named person who must review or approve a revision; their decision is an electronic signature."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="steps")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=StepRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    signature = models.ForeignKey(
        "signatures.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["revision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "person", "role"], name="review_step_once_per_person_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person} of {self.revision}"


class Distribution(models.Model):
    """Who must read a document's effective revision: a person, everyone with a role, or everyone at a site."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="distribution")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True)
    site = models.ForeignKey("org.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, role="", site__isnull=True)
                    | Q(user__isnull=True, site__isnull=True) & ~Q(role="")
                    | Q(user__isnull=True, role="", site__isnull=False)
                ),
                name="distribution_one_target",
            )
        ]

    def __str__(self) -> str:
        target = self.user or self.role or self.site
        return f"{self.document.number} to {target}"


class Acknowledgement(models.Model):
    """A person confirmed they read and understood a revision."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["revision", "user"], name="acknowledge_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.revision}"


class SearchEntry(models.Model):
    """What search reads for one revision: kept by the services, indexed by the database's full-text engine.

    SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with
    a generated ``tsvector`` column and a GIN index (see the migrations).
    """

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, primary_key=True, related_name="search")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search entry of revision {self.revision_id}"
