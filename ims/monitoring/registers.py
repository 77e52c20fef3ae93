"""Cumulative registers: turning meter indexes into consumption, with rollover and reset detection.

The rule, the same in Python (imports, manual entry) and in SQL (recomputing a
series after readings arrive out of order):

* the first reading of a series has no consumption;
* a register that rose or stayed: consumption = value − previous;
* a register that fell while the series has a rollover value (the meter
  wraps at, say, 999,999): consumption = rollover − previous + value, and the
  reading is marked *rollover*;
* a register that fell without a rollover value: the meter was reset or
  replaced; the reading is marked *reset*, its consumption left empty (the
  amount used across a reset is unknown) and the import reports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from ims.monitoring.models import Reading, RegisterEvent

ROLLOVER = RegisterEvent.ROLLOVER.value
RESET = RegisterEvent.RESET.value


def difference(previous: float | None, value: float, rollover: float | None) -> tuple[float | None, str]:
    """(consumption, event) of a register reading given the one before it."""
    if previous is None:
        return None, ""
    if value >= previous:
        return value - previous, ""
    if rollover is not None:
        return rollover - previous + value, ROLLOVER
    return None, RESET


_RECOMPUTE = """
UPDATE {table} SET consumption = c.consumption, event = c.event
FROM (
    SELECT ts,
        CASE WHEN prev IS NULL THEN NULL
             WHEN value >= prev THEN value - prev
             WHEN CAST(%s AS DOUBLE PRECISION) IS NOT NULL THEN CAST(%s AS DOUBLE PRECISION) - prev + value
             ELSE NULL END AS consumption,
        CASE WHEN prev IS NULL OR value >= prev THEN ''
             WHEN CAST(%s AS DOUBLE PRECISION) IS NOT NULL THEN '{rollover}'
             ELSE '{reset}' END AS event
    FROM (
        SELECT ts, value, LAG(value) OVER (ORDER BY ts) AS prev
        FROM {table} WHERE series_id = %s AND ts >= %s
    ) AS w
) AS c
WHERE {table}.series_id = %s AND {table}.ts = c.ts AND c.ts >= %s
"""


def recompute(*, series_id: int, rollover: float | None, since: dt.datetime) -> None:
    """Recompute consumption and events of a register series from ``since`` on, in one SQL statement."""
    before = (
        Reading.objects.filter(series_id=series_id, ts__lt=since).order_by("-ts").values_list("ts", flat=True).first()
    )
    start = before or since
    sql = _RECOMPUTE.format(table=Reading._meta.db_table, rollover=ROLLOVER, reset=RESET)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [rollover, rollover, rollover, series_id, adapt(start), series_id, adapt(since)])


def resets(*, series_ids: Iterable[int], since: dt.datetime, until: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(series id, time) of the register resets between two instants."""
    return list(
        Reading.objects.filter(series_id__in=list(series_ids), ts__gte=since, ts__lte=until, event=RESET)
        .order_by("series_id", "ts")
        .values_list("series_id", "ts")
    )
