"""The deterministic readiness data set, and the timing of the readiness computation on it.

Both run inside an :class:`bench.instance.Instance` environment (Django reads
its settings from there), after ``ims migrate`` and ``ims load-standards``:

``python -m bench.readiness_dataset build --out FILE``
    The organisation, scope statements for both standards (ISO 9001:2015 and
    ISO 14001:2026, through ``scope_save``), applicability decisions, an
    assessment for every requirement of both editions, then sites, users,
    memberships, evidence links and audit entries until the registers hold
    :data:`RECORDS` rows. Bulk rows go in with ``bulk_create``; the audit
    entries carry a real hash chain (``ims verify-audit`` passes). The file
    gets a :class:`ReadinessDataset`: the row counts and, worked out from the
    generated statuses alone, the scores and gap counts the page must show.

``python -m bench.readiness_dataset measure --out FILE``
    Times the readiness page's computation (its own view, with the template
    rendering stubbed out: the day's snapshot check, the checks, scores, clause
    groups, ordered gaps and the trend), counts its SQL, and for context times
    a first visit of the day (which also takes the daily snapshot) and a full
    GET through the test client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SEED = 14001
RECORDS = 100_000  # rows across the registers, audit entries included
SITES = 20
USERS = 1_000  # besides the administrator
EVIDENCE_LINKS = 25_000
EXCLUDED_9001 = 3  # excludable ISO 9001 requirements declared not applicable
EDITIONS = {"iso9001": "iso9001:2015", "iso14001": "iso14001:2026"}
ADMIN = "bench-admin"
BATCH = 2_000

STATUSES = ("not_started", "in_progress", "implemented", "implemented", "verified", "verified")
WEIGHTS = {"not_started": 0.0, "in_progress": 0.25, "implemented": 0.75, "verified": 1.0}  # the documented scale
ROLES = ("process_owner", "process_owner", "contributor", "viewer", "auditor", "ims_manager")
ACTIONS = ("create", "update", "update", "update", "approve", "link_evidence")
RECORD_TYPES = ("org.site", "accounts.user", "readiness.assessment", "readiness.evidencelink", "org.scopestatement")
FIELDS = ("status", "owner", "notes", "due_date", "name", "address", "role")
WORDS = ("context", "supplier", "calibration", "aspect", "waste", "review", "objective", "training", "record", "lot")
COUNTRIES = ("FR", "DE", "CZ", "PT", "ES", "IT", "PL", "NL", "BE", "AT")
ZONES = ("Europe/Paris", "Europe/Berlin", "Europe/Prague", "Europe/Lisbon", "Europe/Madrid", "Europe/Rome")

# Queries, timings
WARMUP_RUNS = 3
TIMED_RUNS = 30
PAGE_RUNS = 5
FIRST_OF_DAY_RUNS = 3


@dataclass(frozen=True)
class ReadinessDataset:
    counts: dict[str, int]  # rows per table
    total: int
    expected: dict[str, dict[str, Any]]  # edition label -> {"score", "gap_count", "groups"}
    small_queries: int  # SQL of one computation before the bulk registers existed


@dataclass(frozen=True)
class ReadinessTiming:
    runs_ms: list[float]
    median_ms: float
    p95_ms: float
    queries: int
    query_tables: dict[str, int]  # queries per table mentioned first in FROM
    first_of_day_ms: float  # the first visit of a day also takes the daily readiness snapshot
    page_ms: float
    page_status: int
    scores: dict[str, dict[str, Any]]  # what the view computed, to compare with the expectation
    check_statuses: dict[str, str]


def _setup() -> None:
    import django

    django.setup()


# -- the computation ---------------------------------------------------------------------------


def page_context() -> dict[str, Any]:
    """Everything the readiness page computes, by its own view, with the template rendering stubbed out."""
    from unittest import mock

    from django.http import HttpResponse
    from django.test import RequestFactory

    from ims.readiness import views

    captured: dict[str, Any] = {}

    def no_render(request: Any, template: str, context: dict[str, Any]) -> HttpResponse:
        captured.update(context)
        return HttpResponse()

    from ims.accounts.models import User

    request = RequestFactory(SERVER_NAME="127.0.0.1").get("/readiness/")
    request.user = User.objects.get(username=ADMIN)  # the page links evidence the reader may open
    with mock.patch.object(views, "render", no_render):
        views.readiness(request)
    return captured


def summary(context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        s["edition"].label: {"score": s["score"], "gap_count": s["gap_count"], "groups": s["groups"]}
        for s in context["standards"]
    }


def count_queries() -> tuple[int, dict[str, int]]:
    """SQL of one steady-state computation (after a first one, which takes the day's snapshot if due)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_context()
    with CaptureQueriesContext(connection) as captured:
        page_context()
    tables: Counter[str] = Counter()
    for query in captured.captured_queries:
        after = query["sql"].split(" FROM ", 1)[1] if " FROM " in query["sql"] else query["sql"]
        tables[after.split()[0].strip('"')] += 1
    return len(captured.captured_queries), dict(tables)


# -- the data set ------------------------------------------------------------------------------


def build() -> ReadinessDataset:
    _setup()
    from django.db import transaction

    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.audit.models import AuditEntry
    from ims.core.context import Channel, acting
    from ims.org.models import ScopeStatement, Site
    from ims.org.services import organisation_save, scope_save
    from ims.readiness.models import Applicability, Assessment, EvidenceLink
    from ims.standards.models import Clause, Edition

    rng = random.Random(SEED)
    editions = [
        Edition.objects.select_related("standard").get(standard__code=code, code=year)
        for code, year in (key.split(":") for key in EDITIONS.values())
    ]
    with acting(Channel.CLI), transaction.atomic():
        admin = User(username=ADMIN, first_name="Bench", last_name="Admin", password="!")
        admin.save(force_insert=True)
        Membership.objects.create(user=admin, role=Role.ADMINISTRATOR, site=None)
        organisation_save(by=admin, name="Bench Industries", legal_name="Bench Industries SE")
        scope_save(
            by=admin,
            standard="iso9001",
            edition=EDITIONS["iso9001"],
            statement="Design-free machining, assembly and finishing of hydraulic components.",
        )
        scope_save(
            by=admin,
            standard="iso14001",
            edition=EDITIONS["iso14001"],
            statement="All activities of the manufacturing sites, including waste and solvent handling.",
        )

    # Applicability and assessments: every requirement of both editions, mixed statuses.
    clauses = {
        e.pk: list(Clause.objects.filter(edition=e, requirements=True, withdrawn=False).order_by("sort_key"))
        for e in editions
    }
    excludable = [c for c in clauses[editions[0].pk] if c.excludable and not c.common][:EXCLUDED_9001]
    excluded = {c.pk for c in excludable}
    Applicability.objects.bulk_create(
        Applicability(clause=c, applicable=False, justification="No design: products are made to customer drawings.")
        for c in excludable
    )
    hs_status: dict[str, str] = {}
    clause_status: dict[int, str] = {}
    for edition in editions:
        for clause in clauses[edition.pk]:
            if clause.pk in excluded:
                continue
            if clause.common and clause.hs_number:
                hs_status.setdefault(clause.hs_number, rng.choice(STATUSES))
            else:
                clause_status[clause.pk] = rng.choice(STATUSES)
    due = dt.date(2026, 1, 15)
    Assessment.objects.bulk_create(
        [
            Assessment(hs_number=hs, status=status, notes=f"Common requirement HS {hs}.", due_date=due)
            for hs, status in hs_status.items()
        ]
        + [
            Assessment(clause_id=pk, status=status, notes="Specific requirement.")
            for pk, status in clause_status.items()
        ]
    )
    small_queries, _ = count_queries()  # before the big registers exist: the count must not move

    # The big registers.
    Site.objects.bulk_create(
        Site(
            code=f"S{i:02d}",
            name=f"Plant {i:02d}",
            country=COUNTRIES[i % len(COUNTRIES)],
            time_zone=ZONES[i % len(ZONES)],
            address=f"{i} Industrial Road",
        )
        for i in range(1, SITES + 1)
    )
    site_ids = list(Site.objects.order_by("pk").values_list("pk", flat=True))
    for scope in ScopeStatement.objects.all():
        scope.sites.set(site_ids)
    User.objects.bulk_create(
        (
            User(username=f"user{i:04d}", first_name="User", last_name=f"{i:04d}", password="!")
            for i in range(1, USERS + 1)
        ),
        batch_size=500,
    )
    user_ids = list(User.objects.exclude(username=ADMIN).order_by("pk").values_list("pk", flat=True))
    memberships = []
    for user_id in user_ids:
        for site_id in rng.sample(site_ids, rng.choice((1, 1, 2))):
            memberships.append(Membership(user_id=user_id, role=rng.choice(ROLES), site_id=site_id))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    evidence = []
    ids = list(Assessment.objects.order_by("pk").values_list("pk", flat=True))
    for n in range(EVIDENCE_LINKS):
        assessment_id = ids[n % len(ids)]
        k = n // len(ids)  # the n-th link of its assessment: (type, id) stays unique
        if k == 0:
            record_type, record_id, label = "org.organisation", "1", "Bench Industries"
        else:  # record ids past the real sites stand for records of registers still to come
            record_type, record_id, label = "org.site", str(k), f"Plant {k:02d}"
        evidence.append(
            EvidenceLink(
                assessment_id=assessment_id,
                record_type=record_type,
                record_id=record_id,
                label=label,
                added_by_id=rng.choice(user_ids),
            )
        )
    EvidenceLink.objects.bulk_create(evidence, batch_size=BATCH)

    tables = _tables()
    others = sum(model.objects.count() for name, model in tables.items() if name != "audit_auditentry")
    _append_audit(RECORDS - others - AuditEntry.objects.count(), rng, site_ids, user_ids)

    counts = {name: model.objects.count() for name, model in tables.items()}
    return ReadinessDataset(
        counts=counts,
        total=sum(counts.values()),
        expected=_expected(editions, clauses, excluded, hs_status, clause_status),
        small_queries=small_queries,
    )


def _tables() -> dict[str, Any]:
    from ims.accounts.models import Membership, User
    from ims.audit.models import AuditEntry
    from ims.org.models import Organisation, ScopeStatement, Site
    from ims.readiness.models import Applicability, Assessment, EvidenceLink

    return {
        model._meta.db_table: model
        for model in (
            Organisation,
            Site,
            ScopeStatement,
            User,
            Membership,
            AuditEntry,
            Applicability,
            Assessment,
            EvidenceLink,
        )
    }


def _append_audit(count: int, rng: random.Random, site_ids: list[int], user_ids: list[int]) -> None:
    """Continue the chain from its head with ``count`` entries, hashed here and bulk-inserted."""
    from django.db import transaction

    from ims.audit.chain import entry_hash
    from ims.audit.models import AuditEntry, AuditHead

    labels = {pk: f"user{i:04d}" for i, pk in enumerate(user_ids, start=1)}
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        seq, prev = head.seq, head.last_hash
        last_at = AuditEntry.objects.get(pk=seq).at if seq else dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        batch: list[AuditEntry] = []
        for i in range(count):
            seq += 1
            actor = rng.choice(user_ids)
            record_type = rng.choice(RECORD_TYPES)
            record_id = str(rng.randint(1, 5_000))
            fields = rng.sample(FIELDS, rng.randint(1, 3))
            entry = AuditEntry(
                id=seq,
                at=last_at + dt.timedelta(microseconds=50 * (i + 1)),
                actor_id=actor,
                actor_label=labels[actor],
                channel=rng.choice(("web", "web", "api", "cli")),
                ip=f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                action=rng.choice(ACTIONS),
                record_type=record_type,
                record_id=record_id,
                record_repr=f"{record_type.split('.')[1].title()} {record_id}",
                site_id=rng.choice([*site_ids, None]),
                changes={f: [" ".join(rng.choices(WORDS, k=2)), " ".join(rng.choices(WORDS, k=3))] for f in fields},
                note="",
                prev_hash=prev,
            )
            entry.hash = prev = entry_hash(entry)
            batch.append(entry)
            if len(batch) == BATCH:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        AuditEntry.objects.bulk_create(batch)
        AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=prev)


def _expected(
    editions: list[Any],
    clauses: dict[int, list[Any]],
    excluded: set[int],
    hs_status: dict[str, str],
    clause_status: dict[int, str],
) -> dict[str, dict[str, Any]]:
    """Scores and gaps from the generated statuses (every check passes or has no data, so none holds a score)."""
    expected = {}
    for edition in editions:
        weights = []
        groups: dict[str, list[float]] = {}
        for clause in clauses[edition.pk]:
            if clause.pk in excluded:
                continue
            status = hs_status[clause.hs_number] if clause.common and clause.hs_number else clause_status[clause.pk]
            weights.append(WEIGHTS[status])
            groups.setdefault(clause.number.split(".")[0], []).append(WEIGHTS[status])
        expected[edition.label] = {
            "score": round(100 * sum(weights) / len(weights), 1),
            "gap_count": sum(1 for w in weights if w < 1),
            "groups": {
                g: round(100 * sum(ws) / len(ws), 1) for g, ws in sorted(groups.items(), key=lambda i: int(i[0]))
            },
        }
    return expected


# -- the measurement ---------------------------------------------------------------------------


def measure() -> ReadinessTiming:
    _setup()
    from django.test import Client
    from django.utils import timezone

    from ims.accounts.models import User
    from ims.readiness.checks import run_all
    from ims.readiness.models import Snapshot

    for _ in range(WARMUP_RUNS):
        page_context()
    runs = []
    for _ in range(TIMED_RUNS):
        start = time.perf_counter()
        page_context()
        runs.append((time.perf_counter() - start) * 1000)
    ordered = sorted(runs)
    queries, tables = count_queries()
    first_of_day = []
    for _ in range(FIRST_OF_DAY_RUNS):
        Snapshot.objects.filter(day=timezone.localdate()).delete()
        start = time.perf_counter()
        page_context()
        first_of_day.append((time.perf_counter() - start) * 1000)

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=ADMIN))
    status = client.get("/readiness/").status_code
    page_runs = []
    for _ in range(PAGE_RUNS):
        start = time.perf_counter()
        client.get("/readiness/")
        page_runs.append((time.perf_counter() - start) * 1000)
    return ReadinessTiming(
        runs_ms=runs,
        median_ms=statistics.median(runs),
        p95_ms=ordered[math.ceil(0.95 * len(ordered)) - 1],
        queries=queries,
        query_tables=tables,
        first_of_day_ms=statistics.median(first_of_day),
        page_ms=statistics.median(page_runs),
        page_status=status,
        scores=summary(page_context()),
        check_statuses={o.check.key: str(o.result.status) for o in run_all()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("build", "measure"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = build() if args.step == "build" else measure()
    args.out.write_text(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
