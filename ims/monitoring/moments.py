"""Reading timestamps: from what files contain to seconds since the epoch (UTC), fast and deterministic.

Accepted: ISO 8601 (``2026-03-29T02:30``, ``2026-03-29 02:30:00+02:00``,
``2026-03-29``), day-first dates (``29/03/2026 02:30``, ``29.03.2026``),
spreadsheet serial numbers (``46110.5``, also with a decimal comma) and the
dates and times a spreadsheet cell holds. A mapping may name its own
``strftime`` pattern instead. Timestamps are kept to the second (fractions
are dropped).

A time without an offset is local time of the series' site (or of the
mapping's zone). Around daylight-saving changes the rule is fixed:

* a time that does not exist (the spring gap, 02:30 in Paris on the last
  Sunday of March) is moved forward by the length of the gap (03:30 CEST),
  as Python's ``zoneinfo`` does for ``fold=0``;
* a time that occurs twice (the autumn overlap, 02:30 on the last Sunday of
  October) is its first occurrence (summer time) — unless the same series
  already has a reading at or after that first occurrence earlier in the
  same file, in which case it is the second occurrence (standard time). A
  file that lists local times in order therefore reads the repeated hour
  correctly, and re-reading the same file gives the same instants.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
DAY = 86_400

# Tried in order after ISO 8601; day-first, as written in Europe. US month-first needs a mapping.
FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
)

EARLIEST = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)


class MomentError(ValueError):
    """The text is not a date and time this module understands."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MomentError(f"“{name}” is not a time zone (use an IANA name such as Europe/Paris)") from None


def _excel(serial: float) -> dt.datetime:
    if not 1 <= serial < 2958466:
        raise MomentError(f"{serial:g} is not a spreadsheet date")
    return EXCEL_EPOCH + dt.timedelta(seconds=round(serial * DAY))


class MomentParser:
    """Turns timestamp cells into ``(first, second)`` epoch seconds, with a cache per time zone.

    ``first == second`` except for a local time in the autumn overlap, where
    they are its two instants; :func:`pick` chooses between them.
    """

    def __init__(self, *, date_format: str = "", latest: dt.datetime | None = None) -> None:
        self.date_format = date_format
        self.formats = [date_format] if date_format else list(FORMATS)
        self.latest = latest
        self.caches: dict[str, dict[object, tuple[int, int]]] = {}

    def cache_for(self, tz: ZoneInfo) -> dict[object, tuple[int, int]]:
        """The cache of one zone; cleared when it grows large, so memory stays flat on any file."""
        cache = self.caches.setdefault(tz.key, {})
        if len(cache) > 200_000:
            cache.clear()
        return cache

    def parse(self, raw: object, tz: ZoneInfo) -> tuple[int, int]:
        """Epoch seconds for one cell; MomentError with a message for the person otherwise."""
        moment = self._datetime(raw)
        if moment.tzinfo is not None:
            first = second = math.floor(moment.timestamp())
        else:
            first = math.floor(moment.replace(tzinfo=tz, fold=0).timestamp())
            second = math.floor(moment.replace(tzinfo=tz, fold=1).timestamp())
            if second < first:  # a gap: fold=1 moves back; keep the forward rule for both
                second = first
        self._check_range(raw, first)
        return first, second

    def _check_range(self, raw: object, epoch: int) -> None:
        if epoch < EARLIEST.timestamp():
            raise MomentError(f"“{_text(raw)}” is before 1970")
        if self.latest is not None and epoch > self.latest.timestamp():
            raise MomentError(f"“{_text(raw)}” is in the future")

    def _datetime(self, raw: object) -> dt.datetime:
        if isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, dt.date):
            return dt.datetime(raw.year, raw.month, raw.day)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return _excel(float(raw))
        text = _text(raw)
        if not text:
            raise MomentError("is empty; give the date and time of the reading")
        if self.date_format:
            return self._formatted(text)
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        if SERIAL.fullmatch(text):
            return _excel(float(text.replace(",", ".")))
        return self._formatted(text)

    def _formatted(self, text: str) -> dt.datetime:
        for i, fmt in enumerate(self.formats):
            try:
                moment = dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            if i:  # the format that worked is tried first next time: files use one format throughout
                self.formats.insert(0, self.formats.pop(i))
            return moment
        if self.date_format:
            raise MomentError(f"“{text}” does not match the date format {self.date_format}")
        raise MomentError(
            f"“{text}” is not a date and time; use ISO 8601 (2026-01-31T14:00), DD/MM/YYYY HH:MM or a spreadsheet date"
        )


def _text(raw: object) -> str:
    return "" if raw is None else str(raw).strip()


def pick(moment: tuple[int, int], last: int) -> int:
    """The instant of a parsed local time given the series' latest instant so far in the file."""
    first, second = moment
    return second if first != second and first <= last else first


def utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def local_label(epoch: int, tz: ZoneInfo) -> str:
    """How a person of the site reads an instant: 2026-10-25 02:30 CET."""
    return dt.datetime.fromtimestamp(epoch, tz).strftime("%Y-%m-%d %H:%M %Z")


class UtcText:
    """Epoch seconds as UTC text, "2026-01-31 13:00:00": how Django stores an aware datetime on SQLite,
    and (with "+00") what PostgreSQL reads as a timestamp with time zone."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}
        self.times = [f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    def __call__(self, epoch: int) -> str:
        day, second = divmod(epoch, DAY)
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        return text + self.times[second]


Formatter = Callable[[int], str]
