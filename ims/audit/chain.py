"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ims.audit.models import GENESIS_HASH, AuditEntry, AuditHead

HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "channel",
    "ip",
    "action",
    "record_type",
    "record_id",
    "record_repr",
    "site_id",
    "changes",
    "note",
    "prev_hash",
)


def entry_hash(entry: AuditEntry) -> str:
    content: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        content[name] = value
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""
    head_hash: str = GENESIS_HASH


def verify_chain(*, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in id order and report the first broken entry."""
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            problem = _check(entry, expected_id=expected_id, prev_hash=prev_hash)
            if problem:
                return VerifyResult(False, checked, broken_id=entry.id, problem=problem)
            checked += 1
            prev_hash, expected_id, last_id = entry.hash, entry.id + 1, entry.id
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != last_id or head_hash != prev_hash:
        return VerifyResult(
            False,
            checked,
            broken_id=last_id + 1,
            problem=(
                f"the log ends at entry {last_id} but its head records entry {head_seq}: "
                f"entries {last_id + 1}–{head_seq} were deleted"
                if head_seq > last_id
                else f"the head does not match the last entry {last_id} (head edited)"
            ),
        )
    return VerifyResult(True, checked, head_hash=prev_hash)


def _check(entry: AuditEntry, *, expected_id: int, prev_hash: str) -> str:
    if entry.id != expected_id:
        missing = f"entry {expected_id}" if entry.id == expected_id + 1 else f"entries {expected_id}–{entry.id - 1}"
        return f"{missing} missing (deleted): entry {entry.id} follows entry {expected_id - 1}"
    if entry.prev_hash != prev_hash:
        return "its previous-entry hash does not match the entry before it (chain broken)"
    if entry_hash(entry) != entry.hash:
        return "its content does not match its hash (edited after it was written)"
    return ""
