"""The deterministic audit-trail data set for the API benchmark.

Run as ``python -m bench.dataset --records N --out FILE`` inside an
:class:`bench.instance.Instance` environment (Django reads its settings from
there). Entries are written through ``record_change``, like every real change,
so the hash chain and the indexes are those of a production register; a fixed
seed makes every run measure the same rows.

The caller gets back a :class:`AuditDataset`: a token for an auditor limited
to two of the three sites, and what that auditor must (not) see, so the bench
can check the server's answers before it trusts their speed.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SEED = 9001
BATCH = 2_000  # entries per transaction: few commits, yet a bounded write-lock hold
DETAIL_SAMPLE = 1_000  # visible ids the detail benchmark rotates over

SITES = (
    # code, name, country, time zone, share of the entries
    ("LYO", "Lyon machining plant", "FR", "Europe/Paris", 0.40),
    ("BRQ", "Brno assembly plant", "CZ", "Europe/Prague", 0.30),
    ("PRT", "Porto finishing plant", "PT", "Europe/Lisbon", 0.25),
)
ORG_WIDE_SHARE = 0.05  # entries without a site: visible with an all-sites role only
AUDITOR_SITES = ("LYO", "BRQ")

ACTIONS = ("create", "update", "update", "update", "approve", "delete", "revoke")
RECORD_TYPES = (
    "docs.document",
    "ncr.nonconformity",
    "risks.risk",
    "env.aspect",
    "audits.finding",
    "org.scopestatement",
)
FIELDS = ("title", "status", "owner", "due_date", "severity", "description", "revision", "approved_by")
WORDS = (
    *("bracket", "housing", "manifold", "torque", "deburr", "anodise", "calibration", "gauge", "supplier"),
    *("lot", "drawing", "revision", "spill", "solvent", "waste", "coolant", "inspection", "audit", "corrective"),
)


@dataclass(frozen=True)
class AuditDataset:
    token: str
    total_entries: int
    visible_count: int  # what the auditor's list must report as ``count``
    allowed_site_ids: list[int]
    detail_ids: list[int]  # a sample of entries the auditor may read
    hidden_id: int  # an entry of the third site: must answer 404
    list_queries: int  # SQL queries of one list request (after the first)
    detail_queries: int
    list_sql_filters_site: bool  # the site restriction is in the list's SQL

    @classmethod
    def load(cls, path: Path) -> AuditDataset:
        return cls(**json.loads(path.read_text()))


def _changes(rng: random.Random) -> dict[str, list[Any]]:
    fields = rng.sample(FIELDS, rng.randint(1, 4))
    return {
        name: [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))), " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))]
        for name in fields
    }


def build(records: int) -> AuditDataset:
    """Create sites, actors, the auditor, its token and ``records`` audit entries."""
    import django

    django.setup()
    from django.db import transaction

    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.accounts.services import token_create
    from ims.audit.models import AuditEntry
    from ims.audit.services import record_change
    from ims.core.context import Channel, acting
    from ims.core.records import create_record
    from ims.org.models import Site

    rng = random.Random(SEED)
    with acting(Channel.CLI), transaction.atomic():
        sites = {
            code: create_record(Site(code=code, name=name, country=country, time_zone=tz), by=None)
            for code, name, country, tz, _ in SITES
        }
        actors = []
        for i in range(1, 7):
            actor = User(username=f"owner{i}", first_name="Owner", last_name=str(i))
            actor.set_unusable_password()
            actors.append(create_record(actor, by=None))
        auditor = User(username="bench-auditor", first_name="Bench", last_name="Auditor")
        auditor.set_unusable_password()
        create_record(auditor, by=None)
        for code in AUDITOR_SITES:
            Membership.objects.create(user=auditor, role=Role.AUDITOR, site=sites[code])
        _, plain = token_create(user=auditor, name="bench")

    site_choices: list[int | None] = [sites[code].pk for code, *_ in SITES] + [None]
    weights = [share for *_, share in SITES] + [ORG_WIDE_SHARE]
    allowed = sorted(sites[code].pk for code in AUDITOR_SITES)
    visible_ids: list[int] = []
    hidden_id = 0
    with acting(Channel.CLI):
        for start in range(0, records, BATCH):
            with transaction.atomic():
                for _ in range(start, min(start + BATCH, records)):
                    site_id = rng.choices(site_choices, weights)[0]
                    record_type = rng.choice(RECORD_TYPES)
                    record_id = str(rng.randint(1, 2_500))
                    entry = record_change(
                        action=rng.choice(ACTIONS),
                        by=rng.choice(actors),
                        record_type=record_type,
                        record_id=record_id,
                        record_repr=f"{record_type.split('.')[1].title()} {record_id}",
                        site_id=site_id,
                        changes=_changes(rng),
                        note=" ".join(rng.choices(WORDS, k=5)) if rng.random() < 0.2 else "",
                    )
                    if site_id in allowed:
                        visible_ids.append(entry.id)
                    elif site_id is not None and not hidden_id:
                        hidden_id = entry.id

    list_queries, detail_queries, filters_site = _count_queries(plain, visible_ids[-1])
    return AuditDataset(
        token=plain,
        total_entries=AuditEntry.objects.count(),
        visible_count=_count_in_sites(allowed),
        allowed_site_ids=allowed,
        detail_ids=sorted(rng.sample(visible_ids, min(DETAIL_SAMPLE, len(visible_ids)))),
        hidden_id=hidden_id,
        list_queries=list_queries,
        detail_queries=detail_queries,
        list_sql_filters_site=filters_site,
    )


def _count_in_sites(site_ids: list[int]) -> int:
    """The auditor's rule (entries of their sites, nothing organisation-wide), in plain SQL, not through ims."""
    from django.db import connection

    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(site_ids))
        cursor.execute(f"SELECT COUNT(*) FROM audit_auditentry WHERE site_id IN ({marks})", site_ids)
        return int(cursor.fetchone()[0])


def _count_queries(token: str, entry_id: int) -> tuple[int, int, bool]:
    """SQL per request, through the whole middleware stack: the first cost to look at when a figure drops.

    The first request of each kind is not counted: it records the token's use
    (a write at most once a minute), which the benchmark's requests skip too.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", headers={"authorization": f"Bearer {token}"})
    counts: list[int] = []
    filters_site = False
    for path in ("/api/v1/audit?limit=50", f"/api/v1/audit/{entry_id}"):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"in-process GET {path} answered {response.status_code}: {response.content[:300]!r}")
        counts.append(len(captured.captured_queries))
        if path.endswith("limit=50"):
            filters_site = any(
                "audit_auditentry" in q["sql"] and '"site_id" IN' in q["sql"] for q in captured.captured_queries
            )
    return counts[0], counts[1], filters_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    dataset = build(args.records)
    args.out.write_text(json.dumps(asdict(dataset)))


if __name__ == "__main__":
    main()
