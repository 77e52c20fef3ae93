"""Which records can serve as evidence, and who may see them.

Each concept adds its record types here as it lands (documents, audits,
reviews, KPIs, uploaded files …). Linking checks that the record exists and
that the person linking it may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from ims.core.errors import ValidationFailed
from ims.org.models import Organisation, ScopeStatement
from ims.org.selectors import sites_visible_to


@dataclass(frozen=True)
class EvidenceType:
    label: str
    find: Callable[[Any, str], Model | None]  # (user, record id) -> the record, if the user may see it
    url_name: str | None = None  # the record's page, reversed with its id; None when the type has no page of its own


def _site(user: Any, pk: str) -> Model | None:
    return sites_visible_to(user).filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None


def _scope(user: Any, pk: str) -> Model | None:
    return ScopeStatement.objects.filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None


def _organisation(user: Any, pk: str) -> Model | None:
    return Organisation.objects.filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None


TYPES: dict[str, EvidenceType] = {
    "org.site": EvidenceType("Site", _site, "org:site_detail"),
    "org.scopestatement": EvidenceType("Scope statement", _scope),
    "org.organisation": EvidenceType("Organisation", _organisation),
}


def register_type(
    record_type: str, label: str, find: Callable[[Any, str], Model | None], url_name: str | None = None
) -> None:
    """Let a register's records be linked as evidence; called from the register's AppConfig.ready().

    ``url_name`` names the record's detail page (reversed with the record's id), so an
    auditor reaches the evidence in one click.
    """
    TYPES[record_type] = EvidenceType(label, find, url_name)


@dataclass(frozen=True)
class EvidenceLink:
    record_type: str
    record_id: str
    label: str
    url: str | None


def link_for(user: Any, ref: str) -> EvidenceLink | None:
    """A check's evidence reference ("app.model:id") as a label and page, if the user may see the record."""
    record_type, _, record_id = ref.partition(":")
    kind = TYPES.get(record_type)
    if kind is None:
        return None
    record = kind.find(user, record_id)
    if record is None:
        return None
    url = None
    if kind.url_name:
        try:
            url = reverse(kind.url_name, args=[record.pk])
        except NoReverseMatch:
            url = None
    return EvidenceLink(record_type, record_id, f"{kind.label}: {record}", url)


def url_for(user: Any, record_type: str, record_id: str) -> str | None:
    found = link_for(user, f"{record_type}:{record_id}")
    return found.url if found else None


def by_visible_id(visible: Callable[[Any], Any]) -> Callable[[Any, str], Model | None]:
    """A finder from a selector giving the records a user may see (a queryset)."""

    def find(user: Any, pk: str) -> Model | None:
        return visible(user).filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None

    return find


def resolve(user: Any, record_type: str, record_id: str) -> Model:
    kind = TYPES.get(record_type)
    if kind is None:
        known = ", ".join(sorted(TYPES))
        raise ValidationFailed({"record_type": [f"“{record_type}” cannot be linked as evidence; use one of: {known}."]})
    record = kind.find(user, str(record_id))
    if record is None:
        raise ValidationFailed({"record_id": [f"No {kind.label.lower()} with id {record_id} that you may see."]})
    return record


def visible_to(user: Any, record_type: str, record_id: str) -> bool:
    """Whether a linked record is one the user may see (its label is shown only then)."""
    kind = TYPES.get(record_type)
    return kind is not None and kind.find(user, str(record_id)) is not None


MAX_LINKS = 12


def with_links(user: Any, outcomes: list[Any]) -> list[dict[str, Any]]:
    """Check outcomes for a page, each with links to the evidence records the user may see."""
    shown = []
    for o in outcomes:
        refs = list(o.result.evidence)
        links = [found for ref in refs[:MAX_LINKS] if (found := link_for(user, ref)) is not None]
        shown.append({"check": o.check, "result": o.result, "links": links, "more": max(0, len(refs) - MAX_LINKS)})
    return shown
