"""Readiness check for 7.5: the documents the standards say to maintain are current controlled documents."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ims.documents.master import coverage
from ims.documents.models import Document
from ims.readiness.checks import CheckResult, register

SHOWN = 12  # uncovered items named in the explanation; the master list has them all


@register(
    "documents",
    title="Each mandated document is a current controlled document, not past its review date",
    clauses=[("iso9001", "7.5"), ("iso14001", "7.5")],
)
def mandated_documents(now: datetime) -> CheckResult:
    from ims.readiness.selectors import editions_in_scope

    if not Document.objects.exists():
        return CheckResult.no_data("No data yet: the document register is empty.")
    editions = editions_in_scope()
    found = coverage(Document.objects.all(), editions=editions, today=timezone.localtime(now).date())
    if not found:
        return CheckResult.no_data(
            "No data yet: no standard in scope lists documents to maintain "
            "(is the standards library loaded with `ims load-standards`?)."
        )
    missing = [c for c in found if not c.ok]
    if missing:
        listed = "; ".join(f"{c.label} — {c.reason}" for c in missing[:SHOWN])
        more = f" … and {len(missing) - SHOWN} more (see the master list)." if len(missing) > SHOWN else ""
        noun = "is" if len(missing) == 1 else "are"
        return CheckResult.failed(
            f"{len(missing)} of {len(found)} documents to maintain {noun} not a current controlled document: "
            f"{listed}{more}"
        )
    covering = sorted({d.pk for c in found for d in c.documents})
    labels = ", ".join(e.label for e in editions)
    return CheckResult.passed(
        f"All {len(found)} documents to maintain for {labels} are covered by {len(covering)} current controlled "
        "documents, each with an effective revision and within its review date.",
        *(f"documents.document:{pk}" for pk in covering),
    )
