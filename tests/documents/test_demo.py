"""The demo documents: the mandated documents of both standards covered, in the states a real register has."""

from __future__ import annotations

from django.utils import timezone

from ims.demo.loader import load_demo
from ims.documents.checks import mandated_documents
from ims.documents.master import Cover, coverage, master_list
from ims.documents.models import Acknowledgement, Document, Revision
from ims.readiness.checks import Status
from ims.readiness.selectors import editions_in_scope
from ims.reminders.selectors import items_for


def test_the_demo_documents(db):
    ctx = load_demo()
    documents = Document.objects.all()
    count = documents.count()
    assert 35 <= count <= 45
    by_status = {s: Revision.objects.filter(status=s).count() for s in ("effective", "superseded", "obsolete")}
    assert by_status["effective"] >= 30
    assert by_status["superseded"] >= 3
    assert by_status["obsolete"] == 1
    assert Revision.objects.filter(status="draft").count() >= 2
    assert Revision.objects.filter(status="in_review").count() == 2
    assert documents.filter(doc_type="record", retention_years__isnull=False).count() >= 3
    assert Acknowledgement.objects.count() >= 10
    assert documents.filter(processes__isnull=False).distinct().count() == count

    today = timezone.localdate()
    overdue = list(documents.filter(next_review__lt=today))
    assert [d.title for d in overdue] == ["Waste management"]

    found = coverage(documents, editions=editions_in_scope(), today=today)
    assert {c.edition.label.split(" +")[0] for c in found} == {"ISO 9001:2015", "ISO 14001:2015"}
    assert [c.label for c in found if c.status != Cover.COVERED] == []
    assert mandated_documents(timezone.now()).status == Status.PASS

    marie = ctx.users["marie.dubois"]
    rows = master_list(marie).rows
    assert len(rows) == count
    assert any(r.asked and r.acknowledged < r.asked for r in rows), "someone has not read a document yet"
    waiting = [i.subject for i in items_for(marie)]
    assert "Review of PRO-ENV-005 Waste management is overdue" in waiting
    assert any(s.startswith("Approve WI-LYO-") for s in waiting)
