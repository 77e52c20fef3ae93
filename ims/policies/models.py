"""Policies (5.2): quality, environmental or integrated, with approved revisions.

A policy is the register entry; its text lives in revisions. A revision is a
draft until top management approves it with an electronic signature; it is in
force from its effective date until a later approved revision takes over.
Approved text is never edited: a change is a new revision.
"""

from __future__ import annotations

import datetime as dt

import orjson
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class PolicyKind(models.TextChoices):
    QUALITY = "quality", _("Quality policy")
    ENVIRONMENTAL = "environmental", _("Environmental policy")
    INTEGRATED = "integrated", _("Integrated quality and environmental policy")


KIND_STANDARDS: dict[str, list[str]] = {
    PolicyKind.QUALITY: ["iso9001"],
    PolicyKind.ENVIRONMENTAL: ["iso14001"],
    PolicyKind.INTEGRATED: ["iso9001", "iso14001"],
}


class Policy(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. POL-001."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    kind = models.CharField(max_length=20, choices=PolicyKind.choices)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True, help_text=_("When top management reviews it next."))
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def standards(self) -> list[str]:
        return KIND_STANDARDS.get(self.kind, [])

    @property
    def site_label(self) -> str:
        return self.site.name if self.site is not None else str(_("Organisation-wide"))


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyRevision(VersionedModel):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text=_("The policy as people will read it."))
    change_summary = models.TextField(blank=True, help_text=_("What changed from the previous revision, and why."))
    effective_from = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    signature = models.ForeignKey(
        "signatures.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdrawn_reason = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_revision_number"),
            models.UniqueConstraint(fields=["policy"], condition=Q(status="draft"), name="policy_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.reference} revision {self.number}"

    @property
    def audit_site_id(self) -> int | None:
        return self.policy.site_id

    def signed_content(self) -> bytes:
        """The exact bytes an approval signs: what the policy says and when it takes effect."""
        return orjson.dumps(
            {
                "policy": self.policy.reference,
                "kind": self.policy.kind,
                "revision": self.number,
                "effective_from": self.effective_from.isoformat() if self.effective_from else None,
                "text": self.text,
            },
            option=orjson.OPT_SORT_KEYS,
        )

    def state(self, today: dt.date, in_force_id: int | None) -> str:
        """draft, withdrawn, in force, superseded, or approved (effective later)."""
        if self.status != RevisionStatus.APPROVED:
            return str(self.status)
        if self.pk == in_force_id:
            return "in_force"
        if self.effective_from is not None and self.effective_from > today:
            return "scheduled"
        return "superseded"


STATE_LABELS = {
    "draft": _("Draft"),
    "withdrawn": _("Withdrawn"),
    "in_force": _("In force"),
    "scheduled": _("Approved, not yet effective"),
    "superseded": _("Superseded"),
}


class CommunicationMethod(models.TextChoices):
    BRIEFING = "briefing", _("Team briefing or meeting")
    NOTICE_BOARD = "notice_board", _("Notice board")
    INTRANET = "intranet", _("Intranet")
    EMAIL = "email", _("E-mail")
    INDUCTION = "induction", _("Induction training")
    WEBSITE = "website", _("Public website")
    OTHER = "other", _("Other")


class PolicyCommunication(models.Model):
    """A record that a revision was communicated to someone (5.2.2), kept as evidence."""

    revision = models.ForeignKey(PolicyRevision, on_delete=models.PROTECT, related_name="communications")
    communicated_on = models.DateField()
    audience = models.CharField(max_length=200, help_text=_("Who it was communicated to, e.g. all Lyon employees."))
    method = models.CharField(max_length=20, choices=CommunicationMethod.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["communicated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.revision} to {self.audience} on {self.communicated_on:%Y-%m-%d}"

    @property
    def audit_site_id(self) -> int | None:
        return self.revision.policy.site_id
