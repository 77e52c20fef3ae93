"""The first pass of an import: every row read and checked before anything is written.

What is checked, each problem named by row (or item) and column (or field):
the series exists, may be seen and changed by the importer and is not
archived; the timestamp is a date and time; the value is a number; a unit is
one pint knows and measures the same thing as the series' unit; consumption
and register values are not negative; the quality is measured, estimated or
corrected; no series has two readings at the same instant within the file.

The checked readings (series, instant, value in the series' unit, quality,
original value and unit) go to a temporary spill file in compact binary
chunks, so the second pass writes them without reading the file again and
memory stays flat whatever the file size. Hot paths avoid per-row work that
can be done once: series are resolved once per reference, timestamps once
per distinct text and zone, unit conversions once per (unit, series).
"""

from __future__ import annotations

import heapq
import math
import struct
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from ims.accounts.permissions import Action, can
from ims.core.errors import ImsError
from ims.monitoring import units
from ims.monitoring.models import Quality, ReadingKind, Series
from ims.monitoring.moments import MomentError, MomentParser, local_label, pick, zone
from ims.tabular import values

MAX_PROBLEMS = 200
CHUNK = 65_536
RUN = 1_000_000  # (instant, row) pairs sorted in memory at a time when looking for duplicates
INF = math.inf
NAN = math.nan

QUALITIES = (Quality.MEASURED.value, Quality.ESTIMATED.value, Quality.CORRECTED.value)
QUALITY_CODES: dict[Any, int] = {
    "": 0,
    "measured": 0,
    "Measured": 0,
    "m": 0,
    "M": 0,
    "estimated": 1,
    "Estimated": 1,
    "e": 1,
    "E": 1,
    "corrected": 2,
    "Corrected": 2,
    "c": 2,
    "C": 2,
}
QUALITY_WORDS = {
    "measured": 0,
    "meas": 0,
    "m": 0,
    "estimated": 1,
    "estimate": 1,
    "est": 1,
    "e": 1,
    "corrected": 2,
    "corr": 2,
    "c": 2,
}


@dataclass(frozen=True)
class Problem:
    number: int
    column: str
    message: str
    label: str = "Row"  # "Item" for the bulk API

    def __str__(self) -> str:
        kind = "column" if self.label == "Row" else "field"
        where = f"{self.label} {self.number}" + (f", {kind} “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        if self.label == "Row":
            return {"row": self.number, "column": self.column, "message": self.message}
        return {"item": self.number, "field": self.column, "message": self.message}


class ReadingsRefused(ImsError):
    """Nothing was imported; ``problems`` lists every reason by row (or item) and column (or field)."""

    slug = "validation"
    title = "The readings were not imported"
    status = 422

    def __init__(self, problems: list[Problem], *, more: int = 0) -> None:
        self.problems = problems
        self.more = more
        lines = [str(p) for p in problems] + ([f"… and {more} more problems"] if more else [])
        super().__init__(
            f"Nothing was imported: {len(problems) + more} problem(s). " + " ".join(lines[:3]),
            problems=lines,
            details=[p.as_dict() for p in problems],
        )


class Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.items: list[Problem] = []
        self.more = 0

    def add(self, number: int, column: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(number, column, message, self.label))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def refuse_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda p: p.number)
            raise ReadingsRefused(ordered, more=self.more)


class SeriesState:
    """What the import knows about one series of the file while it runs."""

    __slots__ = (
        "convs",
        "count",
        "first",
        "hi",
        "id",
        "idx",
        "kind",
        "last",
        "lo",
        "moments",
        "nonneg",
        "out",
        "reference",
        "rollover",
        "series",
        "site_id",
        "tz",
        "unit",
        "unordered",
    )

    def __init__(self, series: Series, idx: int, tz: ZoneInfo, moments: dict[object, tuple[int, int]]) -> None:
        self.series = series
        self.idx = idx
        self.id = series.pk
        self.reference = series.reference
        self.site_id = series.site_id
        self.unit = series.unit
        self.kind = series.reading_kind
        self.rollover = series.register_rollover
        self.nonneg = series.reading_kind != ReadingKind.SAMPLE
        register = series.reading_kind == ReadingKind.REGISTER  # its range applies to consumption
        self.lo = -INF if register or series.expected_min is None else series.expected_min
        self.hi = INF if register or series.expected_max is None else series.expected_max
        self.tz = tz
        self.moments = moments
        self.convs: dict[Any, tuple[Decimal, Decimal, int] | str] = {}
        self.count = 0
        self.first = 2**62
        self.last = -1
        self.unordered = False
        self.out = 0


def negative(state: SeriesState, raw: Any) -> str:
    if state.kind == ReadingKind.REGISTER:
        return f"{values.text(raw)} is negative; {state.reference} is a meter register, which cannot be negative"
    return f"{values.text(raw)} is negative; {state.reference} records consumption, which cannot be negative"


Int = Callable[[int], None]
Float = Callable[[float], None]
Appenders = tuple[Int, Int, Float, Int, Int, Float, Int]


class Spill:
    """Checked readings in a temporary file, as chunks of typed arrays."""

    HEAD = struct.Struct("<I")

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="ims-readings-")  # noqa: SIM115 (closed by close())
        self.total = 0
        self._fresh()

    def _fresh(self) -> None:
        self.sidx = array("i")
        self.ts = array("q")
        self.val = array("d")
        self.row = array("I")
        self.q = array("b")
        self.orig = array("d")
        self.ounit = array("h")

    def arrays(self) -> tuple[array[int], array[int], array[float], array[int], array[int], array[float], array[int]]:
        return self.sidx, self.ts, self.val, self.row, self.q, self.orig, self.ounit

    def appenders(self) -> Appenders:
        """The ``append`` of each array, bound once per chunk for the hot loops."""
        return (
            self.sidx.append,
            self.ts.append,
            self.val.append,
            self.row.append,
            self.q.append,
            self.orig.append,
            self.ounit.append,
        )

    def flush(self) -> None:
        n = len(self.ts)
        if n:
            self.file.write(self.HEAD.pack(n))
            for part in self.arrays():
                part.tofile(self.file)
            self.total += n
        self._fresh()

    def chunks(
        self,
    ) -> Iterator[tuple[array[int], array[int], array[float], array[int], array[int], array[float], array[int]]]:
        self.file.seek(0)
        while True:
            head = self.file.read(self.HEAD.size)
            if not head:
                return
            (n,) = self.HEAD.unpack(head)
            parts = (array("i"), array("q"), array("d"), array("I"), array("b"), array("d"), array("h"))
            for part in parts:
                part.fromfile(self.file, n)
            yield parts

    def close(self) -> None:
        self.file.close()


@dataclass
class Plan:
    """Which column is what, resolved from the header (and a saved mapping)."""

    layout: str
    ts: int
    ts_column: str
    series: int = -1
    value: int = -1
    unit: int = -1
    quality: int = -1
    series_column: str = ""
    value_column: str = ""
    unit_column: str = ""
    quality_column: str = ""
    default_unit: str = ""
    wide: list[tuple[int, str, str, str]] = field(default_factory=list)  # index, column, reference, unit


@dataclass
class Progress:
    phase: str  # "checking" or "writing"
    rows: int
    fraction: float | None


@dataclass
class Checked:
    states: list[SeriesState]
    spill: Spill
    rows: int
    readings: int
    unit_names: list[str]
    notes: list[str]


def _comma_float(raw: Any) -> float:
    return float(raw.replace(",", ".")) if raw.__class__ is str else float(raw)


class Checker:
    """Reads rows, checks each reading, spills the good ones; raises ReadingsRefused at the end if any is bad."""

    def __init__(
        self,
        *,
        by: Any,
        plan: Plan,
        parser: MomentParser,
        time_zone: str = "",
        label: str = "Row",
        progress: Callable[[Progress], None] | None = None,
        position: Callable[[], int | None] | None = None,
        size: int | None = None,
        skip_blank: bool = True,
    ) -> None:
        self.by = by
        self.skip_blank = skip_blank
        self.plan = plan
        self.parser = parser
        self.tz_override = zone(time_zone) if time_zone else None
        self.problems = Problems(label)
        self.progress = progress
        self.position = position
        self.size = size
        self.states: list[SeriesState] = []
        self.by_text: dict[Any, SeriesState] = {}
        self.by_reference: dict[str, SeriesState | str] = {}
        self.zones: dict[int, ZoneInfo] = {}
        self.unit_names: list[str] = []
        self.unit_codes: dict[str, int] = {}
        self.to_float: Callable[[Any], float] = float
        self.rows = 0
        self.spill = Spill()

    # -- series, units, numbers: the slow paths, each result cached ---------------------------------

    def resolve(self, raw: Any) -> SeriesState | str:
        """The state of the series a reference names, or why it cannot take readings from this importer."""
        reference = str(raw if raw is not None else "").strip().upper()
        known = self.by_reference.get(reference)
        if known is not None:
            return known
        result: SeriesState | str
        series = Series.objects.filter(reference=reference).select_related("site").first() if reference else None
        if not reference:
            result = "is required"
        elif series is None or (self.by is not None and not can(self.by, Action.VIEW, site_id=series.site_id)):
            result = f"“{reference}” is not a known series"
        elif self.by is not None and not can(self.by, Action.CHANGE, site_id=series.site_id):
            result = f"you are not allowed to change the readings of {reference} ({series.site})"
        elif series.archived_at is not None:
            result = f"{reference} is archived; it takes no readings"
        else:
            result = self._state(series)
        self.by_reference[reference] = result
        return result

    def _state(self, series: Series) -> SeriesState:
        tz = self.tz_override or self.zones.get(series.site_id)
        if tz is None:
            tz = self.zones[series.site_id] = zone(series.site.time_zone)
        state = SeriesState(series, len(self.states), tz, self.parser.cache_for(tz))
        self.states.append(state)
        return state

    def series_cell(self, raw: Any, number: int, cells: list[Any]) -> SeriesState | None:
        """The series of a row; None for a blank row or a refused reference (the row is then rejected)."""
        if self.skip_blank and all(values.empty(c) for c in cells):
            return None
        found = self.resolve(raw)
        if isinstance(found, str):
            self.problems.add(number, self.plan.series_column, found)
            self.reject(None, cells, number)
            return None
        self.by_text[raw] = found
        return found

    def moment(self, raw: Any, state: SeriesState) -> tuple[int, int] | None:
        try:
            found = self.parser.parse(raw, state.tz)
        except MomentError:
            return None
        self.parser.cache_for(state.tz)[raw] = found
        return found

    def number(self, raw: Any) -> float | None:
        """A number written with a decimal comma or thousands separators; None if it is not a number."""
        if values.empty(raw):
            return None
        try:
            result = float(values.decimal(raw))
        except values.CellError:
            return None
        if isinstance(raw, str) and "," in raw and "." not in raw:
            self.to_float = _comma_float  # a decimal comma: read the rest of the file that way first
        return result

    def conversion(self, state: SeriesState, raw: Any) -> tuple[Decimal, Decimal, int] | str:
        text = str(raw).strip()
        result: tuple[Decimal, Decimal, int] | str
        try:
            conv = units.conversion(text, state.unit)
        except units.IncompatibleUnit:
            result = f"“{text}” cannot be converted to {state.unit}, the unit of {state.reference}"
        except ImsError as exc:
            messages = getattr(exc, "errors", {}).get("unit") or [exc.detail]
            result = " ".join(messages)
        else:
            code = -1
            if not conv.identity:
                code = self.unit_codes.get(text, -1)
                if code < 0:
                    code = self.unit_codes[text] = len(self.unit_names)
                    self.unit_names.append(text)
            result = (conv.scale, conv.offset, code)
        state.convs[raw] = result
        return result

    def reject(self, state: SeriesState | None, cells: list[Any], number: int) -> None:
        """Name every problem of a row the fast path could not take (its series problem is already named)."""
        p = self.plan
        add = self.problems.add
        found = len(self.problems.items) + self.problems.more
        tz = state.tz if state is not None else (self.tz_override or zone("UTC"))
        try:
            self.parser.parse(cells[p.ts], tz)
        except MomentError as exc:
            add(number, p.ts_column, str(exc))
        raw_v = cells[p.value]
        value = self.number(raw_v)
        if value is None or not -INF < value < INF:
            add(
                number,
                p.value_column,
                "is required" if values.empty(raw_v) else f"“{values.text(raw_v)}” is not a number",
            )
            value = None
        raw_u = cells[p.unit] if p.unit >= 0 else p.default_unit
        if not values.empty(raw_u):
            if state is None:
                try:
                    units.parse_unit(str(raw_u))
                except ImsError as exc:
                    add(number, p.unit_column or p.value_column, " ".join(getattr(exc, "errors", {}).get("unit", [])))
            elif raw_u != state.unit:
                conv = state.convs.get(raw_u) or self.conversion(state, raw_u)
                if isinstance(conv, str):
                    add(number, p.unit_column or p.value_column, conv)
                elif value is not None and conv[2] >= 0:
                    value = float(Decimal(repr(value)) * conv[0] + conv[1])
        if state is not None and value is not None and value < 0 and state.nonneg:
            add(number, p.value_column, negative(state, raw_v))
        if p.quality >= 0:
            raw_q = cells[p.quality]
            if raw_q not in QUALITY_CODES and QUALITY_WORDS.get(str(raw_q).strip().lower()) is None:
                add(number, p.quality_column, f"“{values.text(raw_q)}” is not a quality; use {', '.join(QUALITIES)}")
        if len(self.problems.items) + self.problems.more == found and state is not None:
            add(number, "", "the row cannot be read")  # not expected: the fast path refused what this accepts

    def report_progress(self) -> None:
        if self.progress is None:
            return
        fraction = None
        done = self.position() if self.position is not None else None
        if done is not None and self.size:
            fraction = min(done / self.size, 1.0)
        self.progress(Progress("checking", self.rows, fraction))

    # -- the loops -------------------------------------------------------------------------------

    def run(self, rows: Iterator[tuple[int, list[Any]]]) -> Checked:
        try:
            if self.plan.layout == "wide":
                self._wide(rows)
            else:
                self._long(rows)
            self.spill.flush()
            self._duplicates()
            self.problems.refuse_if_any()
        except BaseException:
            self.spill.close()
            raise
        return Checked(self.states, self.spill, self.rows, self.spill.total, self.unit_names, [])

    # The two loops below run once per reading: they are kept flat, with locals for everything they
    # touch, because a function call or attribute lookup per row costs as much as the check itself.
    # Anything unusual (a new series, timestamp or unit, a problem) goes to the slow paths above.

    def _long(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        p = self.plan
        i_s, i_t, i_v, i_u, i_q = p.series, p.ts, p.value, p.unit, p.quality
        width = max(i_s, i_t, i_v, i_u, i_q) + 1
        default_unit = p.default_unit
        by_text = self.by_text
        reject = self.reject
        spill = self.spill
        to_float = self.to_float
        a_s, a_t, a_v, a_r, a_q, a_o, a_u = spill.appenders()
        n = 0
        count = 0
        for number, cells in rows:
            count += 1
            if not count & 0x3FFF:
                self.rows = count
                self.report_progress()
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            raw_s = cells[i_s]
            st = by_text.get(raw_s)
            if not st:
                st = self.series_cell(raw_s, number, cells)
                if st is None:
                    if self.skip_blank and all(values.empty(c) for c in cells):
                        count -= 1
                    continue
            raw_t = cells[i_t]
            m = st.moments.get(raw_t)
            if m is None:
                m = self.moment(raw_t, st)
                if m is None:
                    reject(st, cells, number)
                    continue
            t = m[0] if m[0] == m[1] else pick(m, st.last)
            raw_v = cells[i_v]
            try:
                v = to_float(raw_v)
            except (ValueError, TypeError, AttributeError):
                v = self.number(raw_v)  # type: ignore[assignment]
                to_float = self.to_float
                if v is None:
                    reject(st, cells, number)
                    continue
            if not -INF < v < INF:
                reject(st, cells, number)
                continue
            o = NAN
            uc = -1
            raw_u = cells[i_u] if i_u >= 0 else default_unit
            if raw_u and raw_u != st.unit:
                c = st.convs.get(raw_u)
                if c is None:
                    c = self.conversion(st, raw_u)
                if c.__class__ is str:
                    reject(st, cells, number)
                    continue
                scale, offset, uc = c  # type: ignore[misc]
                if uc >= 0:
                    o = v
                    v = float(Decimal(repr(v)) * scale + offset)
            if v < 0 and st.nonneg:
                reject(st, cells, number)
                continue
            if not st.lo <= v <= st.hi:
                st.out += 1
            q = 0
            if i_q >= 0:
                raw_q = cells[i_q]
                q = QUALITY_CODES.get(raw_q)  # type: ignore[assignment]
                if q is None:
                    q = QUALITY_WORDS.get(str(raw_q).strip().lower())
                    if q is None:
                        reject(st, cells, number)
                        continue
            if t > st.last:
                st.last = t
            else:
                st.unordered = True
            if t < st.first:
                st.first = t
            st.count += 1
            a_s(st.idx)
            a_t(t)
            a_v(v)
            a_r(number)
            a_q(q)
            a_o(o)
            a_u(uc)
            n += 1
            if n == CHUNK:
                spill.flush()
                a_s, a_t, a_v, a_r, a_q, a_o, a_u = spill.appenders()
                n = 0
        self.rows = count
        self.report_progress()

    def wide_columns(self) -> list[tuple[int, str, SeriesState, Any]]:
        """The series columns of a wide file; a column that cannot take readings is a problem of row 1."""
        resolved = []
        for index, column, reference, unit in self.plan.wide:
            found = self.resolve(reference)
            if isinstance(found, str):
                message = found if found == "is required" else f"not a series column: {found}"
                self.problems.add(1, column, message)
                continue
            unit = unit or self.plan.default_unit
            conv: tuple[Decimal, Decimal, int] | str | None = None
            if unit and unit != found.unit:
                conv = found.convs.get(unit) or self.conversion(found, unit)
                if isinstance(conv, str):
                    self.problems.add(1, column, conv)
                    continue
            resolved.append((index, column, found, conv if isinstance(conv, tuple) and conv[2] >= 0 else None))
        return resolved

    def _wide(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        columns = self.wide_columns()
        i_t = self.plan.ts
        ts_column = self.plan.ts_column
        problems = self.problems
        spill = self.spill
        to_float = self.to_float
        a_s, a_t, a_v, a_r, a_q, a_o, a_u = spill.appenders()
        n = 0
        count = 0
        for number, cells in rows:
            count += 1
            if not count & 0x3FFF:
                self.rows = count
                self.report_progress()
            size = len(cells)
            raw_t = cells[i_t] if i_t < size else ""
            if values.empty(raw_t) and all(values.empty(c) for c in cells):
                count -= 1
                continue
            for index, column, st, conv in columns:
                raw_v = cells[index] if index < size else ""
                if raw_v == "" or raw_v is None:
                    continue
                m = st.moments.get(raw_t)
                if m is None:
                    m = self.moment(raw_t, st)
                    if m is None:
                        try:
                            self.parser.parse(raw_t, st.tz)
                        except MomentError as exc:
                            problems.add(number, ts_column, str(exc))
                        break  # one problem per row for its timestamp
                t = m[0] if m[0] == m[1] else pick(m, st.last)
                try:
                    v = to_float(raw_v)
                except (ValueError, TypeError, AttributeError):
                    v = self.number(raw_v)  # type: ignore[assignment]
                    to_float = self.to_float
                    if v is None:
                        problems.add(number, column, f"“{values.text(raw_v)}” is not a number")
                        continue
                if not -INF < v < INF:
                    problems.add(number, column, f"“{values.text(raw_v)}” is not a number")
                    continue
                o = NAN
                uc = -1
                if conv is not None:
                    scale, offset, uc = conv
                    o = v
                    v = float(Decimal(repr(v)) * scale + offset)
                if v < 0 and st.nonneg:
                    problems.add(number, column, negative(st, raw_v))
                    continue
                if not st.lo <= v <= st.hi:
                    st.out += 1
                if t > st.last:
                    st.last = t
                else:
                    st.unordered = True
                if t < st.first:
                    st.first = t
                st.count += 1
                a_s(st.idx)
                a_t(t)
                a_v(v)
                a_r(number)
                a_q(0)
                a_o(o)
                a_u(uc)
                n += 1
                if n == CHUNK:
                    spill.flush()
                    a_s, a_t, a_v, a_r, a_q, a_o, a_u = spill.appenders()
                    n = 0
        self.rows = count
        self.report_progress()

    # -- duplicates ------------------------------------------------------------------------------

    def _duplicates(self) -> None:
        """Two readings of one series at one instant in the file, found with bounded memory.

        A series whose readings arrive in strictly increasing time cannot hold a
        duplicate, which the loops above already know. The others' (instant, row)
        pairs are sorted in runs of at most a million and merged from disk.
        """
        unordered = {s.idx for s in self.states if s.unordered}
        if not unordered:
            return
        runs: list[IO[bytes]] = []
        batch: list[int] = []
        for sidx, ts, _val, rows, _q, _o, _u in self.spill.chunks():
            for s, t, r in zip(sidx, ts, rows, strict=True):
                if s in unordered:
                    batch.append((((s << 36) | t) << 32) | r)
            if len(batch) >= RUN:
                runs.append(_run(batch))
                batch = []
        if runs:
            if batch:
                runs.append(_run(batch))
            merged: Iterator[int] = heapq.merge(*(_read_run(f) for f in runs))
        else:
            batch.sort()
            merged = iter(batch)
        previous_key, previous_row = -1, 0
        for item in merged:
            key, row = item >> 32, item & 0xFFFFFFFF
            if key == previous_key:
                state = self.states[key >> 36]
                when = local_label(key & ((1 << 36) - 1), state.tz)
                where = f"{self.problems.label.lower()} {previous_row}"
                self.problems.add(
                    row, self.plan.ts_column, f"{state.reference} already has a reading at {when} in {where}"
                )
            else:
                previous_key, previous_row = key, row
        for f in runs:
            f.close()


def _run(batch: list[int]) -> IO[bytes]:
    """A sorted run on disk as (key, row) pairs of unsigned 64-bit integers."""
    batch.sort()
    f = tempfile.TemporaryFile(prefix="ims-readings-run-")  # noqa: SIM115 (closed after the merge)
    pairs = array("Q")
    for item in batch:
        pairs.append(item >> 32)
        pairs.append(item & 0xFFFFFFFF)
    pairs.tofile(f)
    f.seek(0)
    return f


def _read_run(f: IO[bytes]) -> Iterator[int]:
    while True:
        block = array("Q")
        done = False
        try:
            block.fromfile(f, 131_072)
        except EOFError:
            done = True
        for i in range(0, len(block) - 1, 2):
            yield (block[i] << 32) | block[i + 1]
        if done:
            return
