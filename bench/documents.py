"""Documents: a word search over 10,000 documents with text, on SQLite and on PostgreSQL.

For each database a fresh production-mode instance gets the register of
:mod:`bench.documents_dataset` (10,000 documents, their revisions and search
entries). The figure is, per database, the larger of two medians over words
spread from common to rare: ``selectors.search_revisions(reader, word)`` (the
best 50 revisions a process owner of two of the three sites may see) and
``selectors.document_list(reader, q=word)[:50]`` (the first page of the
register filtered by the word). Before it is trusted, every answer must match
the one worked out from the generated texts, nothing of a site the reader may
not see may come back, and no draft may be found.

PostgreSQL is the server at ``BENCH_POSTGRES`` (default
postgres://postgres@127.0.0.1:5432); the section creates and drops its own
database, ``ims_bench_docs``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

from bench.core import BenchConfig, BenchError, Comment, Figure, Output, Target, section
from bench.documents_dataset import DOCUMENTS, ROUNDS, DocumentDataset, DocumentTiming, Expected
from bench.instance import Instance

TARGETS = (
    Target("document_search_p50_ms_sqlite", "<=", 50, "ms"),
    Target("document_search_p50_ms_postgres", "<=", 50, "ms"),
)
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "ims_bench_docs"


@dataclass
class PostgresInstance(Instance):
    """An instance whose database is a PostgreSQL database of its own, created here and dropped after."""

    url: str = ""

    def env(self) -> dict[str, str]:
        env = super().env()
        env["DATABASE_URL"] = f"{self.url}/{DATABASE}"
        return env

    def _admin(self, sql: str) -> None:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(f"{self.url}/postgres")
        try:
            with psycopg.connect(
                host=config.get("HOST") or "127.0.0.1",
                port=int(config.get("PORT") or 5432),
                user=config.get("USER") or "postgres",
                password=config.get("PASSWORD") or None,
                dbname="postgres",
                connect_timeout=5,
                autocommit=True,
            ) as connection:
                connection.execute(sql)
        except psycopg.Error as exc:
            raise BenchError(f"PostgreSQL at {self.url}: {exc}") from None

    def create_database(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {DATABASE}")

    def drop_database(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _run(instance: Instance, label: str) -> Iterator[Output]:
    instance.migrate()
    out = instance.root / "dataset.json"
    instance.python_module("bench.documents_dataset", "build", "--out", str(out))
    raw = json.loads(out.read_text())
    raw["words"] = [Expected(**w) for w in raw["words"]]
    data = DocumentDataset(**raw)
    yield Comment(
        f"documents ({label}): {data.documents} documents, {data.revisions} revisions ({data.drafts} drafts), "
        f"{data.archived} archived; the reader sees {data.visible_documents} current documents; "
        f"built in {data.build_seconds:.1f} s"
    )
    timing_out = instance.root / "timing.json"
    load_before = os.getloadavg()[0]
    instance.python_module("bench.documents_dataset", "measure", "--data", str(out), "--out", str(timing_out))
    timing = DocumentTiming(**json.loads(timing_out.read_text()))
    yield Comment(
        f"documents ({label}): 1-minute load average {load_before:.1f} before the timing, "
        f"{os.getloadavg()[0]:.1f} after ({os.cpu_count()} cpus)"
    )
    counts = {e.word: e for e in data.words}
    for word, (search_ms, list_ms) in timing.by_word_ms.items():
        e = counts[word]
        yield Comment(
            f"documents ({label}): {word!r} in {e.revisions} revisions ({e.visible_documents} documents the reader "
            f"sees): search_revisions {search_ms:.1f} ms, document_list {list_ms:.1f} ms (medians)"
        )
    yield Comment(
        f"documents ({label}): {len(timing.search_runs_ms)} timed calls each ({ROUNDS} rounds over "
        f"{len(timing.by_word_ms)} words): search_revisions p50 {timing.search_p50_ms:.1f} ms, "
        f"p95 {timing.search_p95_ms:.1f} ms; document_list[:50] p50 {timing.list_p50_ms:.1f} ms, "
        f"p95 {timing.list_p95_ms:.1f} ms; SQL per call: " + ", ".join(f"{k} {v}" for k, v in timing.queries.items())
    )
    problems = list(timing.problems)
    if data.documents < DOCUMENTS:
        problems.append(f"only {data.documents} documents, expected {DOCUMENTS}")
    if timing.vendor != ("postgresql" if label == "postgres" else "sqlite"):
        problems.append(f"measured on {timing.vendor}, not {label}")
    value = max(timing.search_p50_ms, timing.list_p50_ms)
    yield Figure(f"document_search_p50_ms_{label}", value, "ms", "; ".join(problems[:5]))


@section("documents", targets=TARGETS)
def documents_bench(config: BenchConfig) -> Iterator[Output]:
    """Word search over 10,000 documents (search_revisions and the filtered register), on SQLite and PostgreSQL."""
    instance = Instance.create("documents-sqlite")
    try:
        yield from _run(instance, "sqlite")
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()
    base = Instance.create("documents-postgres")
    postgres = PostgresInstance(root=base.root, secret_key=base.secret_key, url=POSTGRES)
    try:
        postgres.create_database()
        yield from _run(postgres, "postgres")
    except BenchError as exc:
        yield Figure("document_search_p50_ms_postgres", 0.0, "ms", str(exc).splitlines()[0])
    finally:
        if config.keep:
            print(f"# kept {postgres.root} and the database {DATABASE}", flush=True)
        else:
            postgres.remove()
            with contextlib.suppress(BenchError):
                postgres.drop_database()
