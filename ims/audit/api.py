"""API for reading the audit trail (append-only: no writes here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from ninja import Router
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, page_response
from ims.audit import selectors
from ims.core.errors import NotFound

router = Router(tags=["audit trail"])


class AuditEntryOut(BaseModel):
    # A plain pydantic model read from attributes (or a .values() row): ten
    # times faster per row than a ninja Schema, and this is the busiest list.
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    channel: str
    ip: str
    action: str
    record_type: str
    record_id: str
    record_repr: str
    site_id: int | None
    changes: dict[str, Any]
    note: str
    hash: str
    prev_hash: str


@router.get("", response=Page[AuditEntryOut], summary="Audit entries you may read, newest first")
def list_entries(
    request: ApiRequest,
    record_type: str = "",
    record_id: str = "",
    action: str = "",
    actor_id: int | None = None,
    site_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> HttpResponse:
    qs = selectors.filter_entries(
        selectors.entries_visible_to(request.auth),
        record_type=record_type,
        record_id=record_id,
        action=action,
        actor_id=actor_id,
        site_id=site_id,
    )
    rows = qs.order_by("-id").values(*AuditEntryOut.model_fields)
    return page_response(request, rows, limit=limit, offset=offset)


@router.get("/{entry_id}", response=AuditEntryOut)
def get_entry(request: ApiRequest, entry_id: int) -> object:
    entry = selectors.entries_visible_to(request.auth).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(f"No audit entry {entry_id} that you may read.")
    return entry
