"""Electronic signatures: who signed what, when, meaning what, over which exact content.

A signature is never edited. When the signed content changes, the signature is
marked invalid (with the reason) and stays on record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meaning(models.TextChoices):
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Signature(models.Model):
    record_type = models.CharField(max_length=100, help_text=_("app_label.model of the signed record"))
    record_id = models.CharField(max_length=64)
    record_repr = models.CharField(max_length=300)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    signer_name = models.CharField(max_length=300, help_text=_("The signer's full name at the time of signing."))
    meaning = models.CharField(max_length=20, choices=Meaning.choices)
    reason = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the exact content signed."))
    signed_at = models.DateTimeField()
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidated_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="signature_record")]

    def __str__(self) -> str:
        return f"{self.get_meaning_display()} by {self.signer_name} at {self.signed_at:%Y-%m-%d %H:%M}"

    @property
    def valid(self) -> bool:
        return self.invalidated_at is None

    def matches(self, content: bytes) -> bool:
        """Does ``content`` still hash to what was signed?"""
        from ims.signatures.services import content_hash

        return self.valid and content_hash(content) == self.content_sha256
