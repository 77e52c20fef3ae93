"""Daily figures of a series and the server-side SVG sparkline drawn from them (no script needed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ims.monitoring.models import ReadingKind, Series
from ims.monitoring.selectors import readings, zone_of


@dataclass(frozen=True)
class Daily:
    points: list[tuple[dt.date, float]]  # per local day: the total (consumption) or the mean (samples)
    what: str

    def svg_points(self, width: int = 300, height: int = 60, pad: int = 4) -> str:
        if not self.points:
            return ""
        first = self.points[0][0]
        span = max((self.points[-1][0] - first).days, 1)
        values = [v for _, v in self.points]
        low, high = min(values), max(values)
        rise = (high - low) or 1.0
        return " ".join(
            f"{pad + (day - first).days / span * (width - 2 * pad):.1f},"
            f"{height - pad - (value - low) / rise * (height - 2 * pad):.1f}"
            for day, value in self.points
        )

    @property
    def low(self) -> float | None:
        return min((v for _, v in self.points), default=None)

    @property
    def high(self) -> float | None:
        return max((v for _, v in self.points), default=None)


def daily(series: Series, *, start: dt.datetime, end: dt.datetime) -> Daily:
    """One figure per local day of the site: consumption summed, samples averaged."""
    tz = zone_of(series)
    sums: dict[dt.date, float] = defaultdict(float)
    counts: dict[dt.date, int] = defaultdict(int)
    rows = readings(series, start=start, end=end).values_list("ts", "value", "consumption")
    for ts, value, consumption in rows.iterator(chunk_size=5000):
        day = ts.astimezone(tz).date()
        if series.reading_kind == ReadingKind.REGISTER:
            if consumption is None:
                continue
            sums[day] += consumption
        else:
            sums[day] += value
        counts[day] += 1
    if series.reading_kind == ReadingKind.SAMPLE:
        points = [(day, sums[day] / counts[day]) for day in sorted(sums)]
        what = "daily mean"
    else:
        points = [(day, sums[day]) for day in sorted(sums)]
        what = "daily total"
    return Daily(points, what)
