"""The second pass of an import: checked readings written in bulk, inside the caller's one transaction.

Every reading is an upsert on (series, instant): importing the same data
again updates what changed and never duplicates. SQLite gets batches through
``executemany`` of ``INSERT … ON CONFLICT DO UPDATE``; PostgreSQL gets the
rows by ``COPY`` into a temporary table and one ``INSERT … SELECT … ON
CONFLICT DO UPDATE``. A row whose supplied data (and, for registers,
consumption) is unchanged is left alone, which is how "unchanged" is counted.

Register consumption is worked out while writing for a series whose readings
arrive in time order (from the reading stored just before them); a series
whose file rows are out of order, or whose time range already held other
readings, is recomputed afterwards in SQL (:mod:`ims.monitoring.registers`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from ims.monitoring import registers
from ims.monitoring.checking import QUALITIES, Checked, Progress, SeriesState
from ims.monitoring.models import Reading, ReadingKind, Source
from ims.monitoring.moments import UtcText, local_label, utc

COLUMNS = (
    "series_id",
    "ts",
    "value",
    "consumption",
    "event",
    "quality",
    "source",
    "original_value",
    "original_unit",
)
CHANGED = ("value", "quality", "original_value", "original_unit", "consumption", "event")


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    resets: list[tuple[str, str]] = field(default_factory=list)  # (series reference, local time)


def _range_counts(states: list[SeriesState], skip: list[bool] | None = None) -> list[int]:
    """Readings stored in each series' time range of the import (its own count where ``skip``)."""
    return [
        s.count
        if skip and skip[i]
        else Reading.objects.filter(series_id=s.id, ts__gte=utc(s.first), ts__lte=utc(s.last)).count()
        if s.count
        else 0
        for i, s in enumerate(states)
    ]


class Registers:
    """Consumption of the registers whose readings arrive in time order, worked out while writing."""

    def __init__(self, states: list[SeriesState]) -> None:
        self.states = states
        self.running: list[list[Any] | None] = []  # per series: [previous value, rollover], or None
        for s in states:
            if s.kind != ReadingKind.REGISTER or s.unordered or not s.count:
                self.running.append(None)
                continue
            previous = (
                Reading.objects.filter(series_id=s.id, ts__lt=utc(s.first))
                .order_by("-ts")
                .values_list("value", flat=True)
                .first()
            )
            self.running.append([previous, s.rollover])
        self.any = any(r is not None for r in self.running)
        self.resets: list[tuple[int, int]] = []  # (series index, instant)

    def chunk(self, order: list[int], sidx: Any, ts: Any, val: Any) -> tuple[list[float | None], list[str]]:
        n = len(val)
        cons: list[float | None] = [None] * n
        events = [""] * n
        running, difference = self.running, registers.difference
        for i in order:  # time order within each series
            r = running[sidx[i]]
            if r is not None:
                v = val[i]
                cons[i], events[i] = difference(r[0], v, r[1])
                if events[i] == registers.RESET:
                    self.resets.append((sidx[i], ts[i]))
                r[0] = v
        return cons, events


def _order(sidx: Any, ts: Any) -> list[int]:
    """Positions of a chunk in (series, instant) order: the database inserts in key order fastest."""
    keys = [(a << 36) | b for a, b in zip(sidx, ts)]  # noqa: B905
    return sorted(range(len(keys)), key=keys.__getitem__)


def write(checked: Checked, *, source: str, progress: Callable[[Progress], None] | None = None) -> Written:
    """Write every checked reading; call inside a transaction."""
    states = checked.states
    before = _range_counts(states)
    fresh = [b == 0 for b in before]  # nothing stored in the range: every reading is new
    regs = Registers(states)
    loader: SqliteLoader | PostgresLoader
    if connection.vendor == "postgresql":
        loader = PostgresLoader(source, checked, fresh, [r is not None for r in regs.running])
    else:
        loader = SqliteLoader(source, checked, [r is not None for r in regs.running])
    done = 0
    try:
        for sidx, ts, val, _row, q, orig, ounit in checked.spill.chunks():
            order = _order(sidx, ts)
            if regs.any:
                cons, events = regs.chunk(order, sidx, ts, val)
                loader.load(order, sidx, ts, val, cons, events, q, orig, ounit)
            else:
                n = len(ts)
                loader.load(order, sidx, ts, val, [None] * n, [""] * n, q, orig, ounit)
            done += len(ts)
            if progress is not None:
                progress(Progress("writing", done, done / checked.readings if checked.readings else 1.0))
        changed = loader.finish()
    finally:
        loader.close()
    after = _range_counts(states, skip=fresh)
    created = sum(after) - sum(before)
    written = Written(created=created, updated=changed - created, unchanged=checked.readings - changed)
    for i, t in regs.resets:
        written.resets.append((states[i].reference, local_label(t, states[i].tz)))
    _recompute_registers(states, after, regs, written)
    return written


def _recompute_registers(states: list[SeriesState], after: list[int], regs: Registers, written: Written) -> None:
    """Consumption the writing could not work out: registers out of order or among other readings."""
    for i, (s, in_range) in enumerate(zip(states, after, strict=True)):
        if s.kind != ReadingKind.REGISTER or not s.count:
            continue
        if regs.running[i] is not None and in_range == s.count:
            # Worked out while writing; only the reading after the imported range depends on it.
            registers.recompute(series_id=s.id, rollover=s.rollover, since=utc(s.last))
            continue
        registers.recompute(series_id=s.id, rollover=s.rollover, since=utc(s.first))
        written.resets = [r for r in written.resets if r[0] != s.reference]
        for _sid, ts in registers.resets(series_ids=[s.id], since=utc(s.first), until=utc(s.last)):
            written.resets.append((s.reference, local_label(int(ts.timestamp()), s.tz)))


class Stamps:
    """Instants as the database takes them in text, each formatted once per import (an instant
    recurs once per series in most files)."""

    def __init__(self, suffix: str = "") -> None:
        self.fmt = UtcText()
        self.suffix = suffix
        self.texts: dict[int, str] = {}

    def __call__(self, ts: Any) -> list[str]:
        texts, fmt, suffix = self.texts, self.fmt, self.suffix
        if len(texts) > 200_000:
            texts.clear()
        get = texts.get
        result = []
        for t in ts:
            text = get(t)
            if text is None:
                text = texts[t] = fmt(t) + suffix
            result.append(text)
        return result


class SqliteLoader:
    """Batches of upserts through ``executemany``.

    Most readings need only three values bound — series, instant, value — with the rest written
    as constants of the statement (one statement per quality); binding is much of SQLite's cost
    per row, so only readings with an original unit or a worked-out consumption take the
    statement with every column bound. SQLite releases the interpreter while it inserts, so each
    batch is written by a helper thread while the next one is prepared; the connection is only
    ever used by one thread at a time.
    """

    def __init__(self, source: str, checked: Checked, with_consumption: list[bool]) -> None:
        if source not in Source.values:
            raise ValueError(f"unknown source {source!r}")
        self.source = source
        self.series_ids = [s.id for s in checked.states]
        self.unit_names = checked.unit_names
        self.with_consumption = with_consumption
        self.stamps = Stamps()
        # Table and column names are constants of this module; quality and source come from fixed choices.
        self.full = self._statement(["?"] * len(COLUMNS))
        self.plain = [
            self._statement(["?", "?", "?", "NULL", "''", f"'{quality}'", f"'{source}'", "NULL", "''"])
            for quality in QUALITIES
        ]
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.changed = 0
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ims-readings")
        self.pending: Future[int] | None = None

    @staticmethod
    def _statement(values: list[str]) -> str:
        table = Reading._meta.db_table
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[2:])
        changed = " OR ".join(f"{table}.{c} IS NOT excluded.{c}" for c in CHANGED)
        return (
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(values)}) "  # noqa: S608
            f"ON CONFLICT (series_id, ts) DO UPDATE SET {updates} WHERE {changed}"
        )

    def load(self, order: list[int], *parts: Any) -> None:
        sidx, ts, val, cons, events, q, orig, ounit = parts
        ids, names, with_consumption, stamps = self.series_ids, self.unit_names, self.with_consumption, self.stamps(ts)
        plain: list[list[tuple[Any, ...]]] = [[] for _ in QUALITIES]
        full = []
        for i in order:
            a, u = sidx[i], ounit[i]
            if u < 0 and not with_consumption[a]:
                plain[q[i]].append((ids[a], stamps[i], val[i]))
            else:
                o = orig[i]
                full.append(
                    (
                        ids[a],
                        stamps[i],
                        val[i],
                        cons[i],
                        events[i],
                        QUALITIES[q[i]],
                        self.source,
                        None if o != o else o,
                        names[u] if u >= 0 else "",
                    )
                )
        batches = [(sql, rows) for sql, rows in zip(self.plain, plain, strict=True) if rows]
        if full:
            batches.append((self.full, full))
        self._wait()
        self.pending = self.pool.submit(self._execute, batches)

    def _execute(self, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> int:
        changed = 0
        for sql, rows in batches:
            self.cursor.executemany(sql, rows)
            changed += max(self.cursor.rowcount, 0)
        return changed

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.changed += pending.result()

    def finish(self) -> int:
        self._wait()
        return self.changed

    def close(self) -> None:
        try:
            if self.pending is not None:
                wait([self.pending])
        finally:
            self.pool.shutdown(wait=True)
            self.cursor.close()


class PostgresLoader:
    """Batches streamed by ``COPY``: straight into the table for a series with no reading yet in the
    import's time range (nothing there to conflict with), otherwise into a temporary table followed
    by one upsert from it."""

    STAGE = "monitoring_reading_load"

    def __init__(self, source: str, checked: Checked, fresh: list[bool], with_consumption: list[bool]) -> None:
        if source not in Source.values:
            raise ValueError(f"unknown source {source!r}")
        self.source = source
        self.unit_names = [_copy_text(n) for n in checked.unit_names]
        self.fresh = fresh
        self.with_consumption = with_consumption
        # Most lines are the series, the instant and the value between constant text.
        self.prefixes = [f"{s.id}\t" for s in checked.states]
        self.tails = [f"\t\\N\t\t{quality}\t{source}\t\\N\t\n" for quality in QUALITIES]
        self.stamps = Stamps("+00")
        self.direct = 0
        self.staged = False
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        if not all(fresh):
            self.cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            self.cursor.execute(f"CREATE TEMP TABLE {self.STAGE} (LIKE {Reading._meta.db_table} INCLUDING DEFAULTS)")
            self.staged = True

    def load(self, order: list[int], *parts: Any) -> None:
        sidx, ts, val, cons, events, q, orig, ounit = parts
        prefixes, tails, with_consumption, stamps = self.prefixes, self.tails, self.with_consumption, self.stamps(ts)
        direct: list[str] = []
        staged: list[str] = []
        fresh = self.fresh
        for i in order:
            a, u = sidx[i], ounit[i]
            if u < 0 and not with_consumption[a]:
                line = f"{prefixes[a]}{stamps[i]}\t{val[i]!r}{tails[q[i]]}"
            else:
                o = orig[i]
                line = (
                    f"{prefixes[a]}{stamps[i]}\t{val[i]!r}\t{_null(cons[i])}\t{events[i]}\t{QUALITIES[q[i]]}\t"
                    f"{self.source}\t{_null(None if o != o else o)}\t{self.unit_names[u] if u >= 0 else ''}\n"
                )
            (direct if fresh[a] else staged).append(line)
        self._copy(Reading._meta.db_table, direct)
        self.direct += len(direct)
        self._copy(self.STAGE, staged)

    def _copy(self, table: str, lines: list[str]) -> None:
        if lines:
            with self.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join(lines))

    def finish(self) -> int:
        if not self.staged:
            return self.direct
        table = Reading._meta.db_table
        names = ", ".join(COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[2:])
        mine = ", ".join(f"{table}.{c}" for c in CHANGED)
        theirs = ", ".join(f"excluded.{c}" for c in CHANGED)
        self.cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.STAGE} "  # noqa: S608
            f"ORDER BY series_id, ts ON CONFLICT (series_id, ts) DO UPDATE SET {updates} "
            f"WHERE ({mine}) IS DISTINCT FROM ({theirs})"
        )
        return self.direct + max(self.cursor.rowcount, 0)

    def close(self) -> None:
        try:
            if self.staged:
                self.cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
        finally:
            self.cursor.close()


def _null(value: float | None) -> str:
    return "\\N" if value is None else repr(value)


def _copy_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
