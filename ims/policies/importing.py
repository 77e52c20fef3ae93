"""Importing policies from CSV/XLSX: validated whole, matched on the reference, all or nothing.

An import writes drafts only. A row whose text differs from the text in force
puts that text in the policy's draft (started if none is open); approval stays
an electronic signature in IMS.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth import get_user_model

from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.policies.models import Policy, PolicyKind
from ims.policies.selectors import draft_of, in_force
from ims.policies.services import draft_start, draft_update, policy_create, policy_update
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

KIND_LABELS = {str(label).lower(): value for value, label in PolicyKind.choices}


def kind(value: Any) -> str:
    raw = values.text(value)
    text = raw.lower()
    if text in PolicyKind.values:
        return text
    if text in KIND_LABELS:
        return KIND_LABELS[text]
    raise values.CellError(f"“{raw}” is not a kind of policy; use one of: {', '.join(PolicyKind.values)}")


COLUMNS = [
    Column("reference", help="Stable key (POL-001); a row with a known reference updates that policy"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("kind", required=True, parse=kind, help="quality, environmental or integrated"),
    Column("title", required=True),
    Column("owner", help="User name of the policy owner"),
    Column("review date", parse=values.date),
    Column("text", aliases=("policy text",), required=True),
    Column("change summary"),
    Column("effective from", aliases=("proposed effective date",), parse=values.date),
]


def import_policies(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}
    users = get_user_model().objects

    def write(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        owner = None
        if data["owner"]:
            owner = users.filter(username__iexact=data["owner"], is_active=True).first()
            if owner is None:
                raise ValidationFailed({"owner": [f"“{data['owner']}” is not an active user name."]})
        fields = {"kind": data["kind"], "title": data["title"], "owner": owner, "review_date": data["review date"]}
        draft_fields: dict[str, Any] = {"text": data["text"], "effective_from": data["effective from"]}
        if data["change summary"]:
            draft_fields["change_summary"] = data["change summary"]
        existing = Policy.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            policy_create(by=by, site=site, reference=data["reference"] or "", **fields, **draft_fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        policy_update(by=by, policy=existing, version=existing.version, **fields)
        changed = existing.version != before
        draft = draft_of(existing)
        current = in_force(existing)
        if draft is None and current is not None and current.text == draft_fields["text"]:
            return "updated" if changed else "unchanged"
        if draft is None:
            draft = draft_start(by=by, policy=existing, text=draft_fields["text"])
            changed = True
        draft_before = draft.version
        draft_update(by=by, revision=draft, version=draft.version, **draft_fields)
        return "updated" if changed or draft.version != draft_before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
