"""The audit trail (evidence for 7.5.3 control of documented information).

Rows are only ever inserted, by :mod:`ims.audit.services`. Each row stores the
hash of the previous row and the hash of its own content, so an edited or
deleted row breaks the chain, which ``ims verify-audit`` detects.
"""

from __future__ import annotations

from django.db import models

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    # The id is the chain position, assigned from AuditHead.seq: a gap means a
    # deleted row.
    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200)
    channel = models.CharField(max_length=10)
    ip = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    record_type = models.CharField(max_length=60, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    record_repr = models.CharField(max_length=300, blank=True)
    site_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["record_type", "record_id", "-id"], name="audit_record_idx"),
            models.Index(fields=["site_id", "-id"], name="audit_site_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.record_type}:{self.record_id}"


class AuditHead(models.Model):
    """One row: the last chain position and hash.

    Appending locks this row first (a conditional UPDATE), which serialises
    writers on both databases so the chain never forks. It also lets the
    verifier detect deletion of the newest rows.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"audit head at {self.seq}"
