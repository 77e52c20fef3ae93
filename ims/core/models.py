"""Abstract bases shared by every editable domain record."""

from __future__ import annotations

from django.db import models


class VersionedModel(models.Model):
    """An editable record with an optimistic-locking ``version``.

    Services bump the version with a conditional UPDATE (see
    :func:`ims.core.versioning.claim_version`), so two people saving the same
    record can never silently overwrite each other.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
