"""Analysis of the improvement register (9001 9.1.3 e–g, 10.3; 14001 9.1.1, 10.3): where to improve first.

* Pareto of events by cause category, process and type: bars from the most
  frequent down, with the cumulative share — the vital few.
* Flow: events reported and closed per month, and how many were still open at
  each month's end; ageing of the open ones (days open: 0–30, 31–90, 91–180,
  over 180); the average days from report to closure.
* The overdue list and the recurrences (same process and cause again).
* Cost of poor quality: money (internal and external failure, in the
  reporting currency) and kg CO2e (wasted material and extra energy) per
  month, process, cause category and type.

Every figure is an aggregate computed by the database (GROUP BY, conditional
counts) over the events the reader may see; no event is loaded into Python
except the rows of the two lists, so the page stays fast at 100,000 events.
Rejected reports and duplicates are left out throughout. Ageing and flow count
from when an event was reported (entered the register); Pareto and costs by
when it occurred.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from ims.accounts.permissions import visible
from ims.core.errors import ValidationFailed
from ims.improvement.costs import reporting_currency
from ims.improvement.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    CauseCategory,
    Event,
    EventStatus,
    EventType,
    Step,
)
from ims.processes.models import Process

EXCLUDED = (EventStatus.REJECTED, EventStatus.DUPLICATE)
DIMENSIONS = ("cause", "process", "type")
COST_DIMENSIONS = ("month", "process", "cause", "type")
# (label, fewest days open, most days open or None)
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–30 days", 0, 30),
    ("31–90 days", 31, 90),
    ("91–180 days", 91, 180),
    ("over 180 days", 181, None),
)
DEFAULT_MONTHS = 24
TENTH = Decimal("0.1")
ZERO = Decimal(0)
NONE_LABELS = {"process": "(no process)", "cause": "(cause not recorded yet)"}


def pct(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, to one decimal (half up)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day``, in the server's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Window:
    """Which events: occurred from ``since`` to ``until`` (inclusive), at one site or all the reader's."""

    since: dt.date
    until: dt.date
    site_id: int | None = None

    @classmethod
    def last_months(cls, months: int = DEFAULT_MONTHS, *, today: dt.date, site_id: int | None = None) -> Window:
        return cls(add_months(month_start(today), 1 - months), today, site_id)

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise ValidationFailed({"until": ["The end of the period comes before its start."]})

    @property
    def months(self) -> list[dt.date]:
        months, current = [], month_start(self.since)
        while current <= self.until:
            months.append(current)
            current = add_months(current, 1)
        return months


def month_bucket(field: str, months: list[dt.date]) -> Any:
    """The month (“2026-03”) a datetime column falls in, among ``months``, as nested SQL CASEs.

    Months start at midnight in the server's time zone. The CASEs halve the
    months at each level, so a row is placed in about five comparisons, inside
    the database on every backend (truncating each row's datetime would call
    back into Python for every row on SQLite). Rows before the first month get
    the first one: callers filter to the window first.
    """
    if len(months) == 1:
        return Value(f"{months[0]:%Y-%m}", output_field=CharField())
    middle = len(months) // 2
    return Case(
        When(**{f"{field}__lt": start_of(months[middle])}, then=month_bucket(field, months[:middle])),
        default=month_bucket(field, months[middle:]),
        output_field=CharField(),
    )


class DaysBetween(Func):
    """Days from ``start`` to ``end`` (two datetime columns), computed natively by each database."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)", arg_joiner=" - "
        )


def counted_events(user: Any, *, site_id: int | None = None) -> QuerySet[Event]:
    """The events the reader may see that count in the analysis (not rejected, not duplicates)."""
    qs = visible(Event.objects.all(), user).exclude(status__in=EXCLUDED)
    return qs.filter(site_id=site_id) if site_id is not None else qs


def events_in(user: Any, window: Window) -> QuerySet[Event]:
    return counted_events(user, site_id=window.site_id).filter(
        occurred_at__gte=start_of(window.since), occurred_at__lt=start_of(window.until + dt.timedelta(days=1))
    )


# --- Pareto ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParetoBar:
    key: str
    label: str
    events: int
    share: Decimal  # % of the events in the chart
    cumulative: Decimal  # % of the events in the chart, this bar and the ones before it


@dataclass(frozen=True)
class Pareto:
    by: str
    bars: list[ParetoBar]
    total: int  # events in the chart
    unclassified: int  # events left out: no process, or no cause recorded yet

    @property
    def vital_few(self) -> list[ParetoBar]:
        """The bars that together make up the first 80 % of events."""
        few = []
        for bar in self.bars:
            few.append(bar)
            if bar.cumulative >= 80:
                break
        return few


def _pareto(by: str, counts: dict[str, int], labels: dict[str, str], unclassified: int) -> Pareto:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))
    total = sum(counts.values())
    bars, running = [], 0
    for key, n in ordered:
        running += n
        bars.append(ParetoBar(key, labels.get(key, key), n, pct(n, total), pct(running, total)))
    return Pareto(by, bars, total, unclassified)


def _sums(currency: str) -> dict[str, Any]:
    """The cost figures summed over events: money in the reporting currency, CO2e and mass in any case."""
    mine = Q(cost_currency=currency)
    return {
        "i": Sum("cost_internal", filter=mine),
        "e": Sum("cost_external", filter=mine),
        "c": Sum("cost_kg_co2e"),
        "m": Sum("cost_mass_kg"),
        "other": Count("id", filter=~mine & ~Q(cost_currency="")),
    }


Figures = dict[str, dict[str, Any]]  # key -> figure -> value
FIGURES = ("events", "internal", "external", "kg_co2e", "mass_kg", "other")


def _add(figures: Figures, key: Any, values: tuple[Any, ...]) -> None:
    f = figures.setdefault("" if key is None else str(key), {})
    for name, value in zip(FIGURES, values, strict=True):
        f[name] = f.get(name, 0) + (value or 0)


def _groups(user: Any, window: Window, currency: str) -> dict[str, Figures]:
    """The window's events by type, month, process and cause, with counts and cost figures.

    Two GROUP BY queries over one index give the four margins: by (type, month)
    and by (process, cause); the key "" holds the events without a process or cause.
    """
    events = events_in(user, window)
    found: dict[str, Figures] = {
        "type": {},
        "month": {f"{m:%Y-%m}": {} for m in window.months},
        "process": {},
        "cause": {},
    }
    first = (
        events.annotate(mo=month_bucket("occurred_at", window.months))
        .values_list("type", "mo")
        .annotate(n=Count("id"), **_sums(currency))
        .order_by()
    )
    for kind, month, *values in first:
        _add(found["type"], kind, tuple(values))
        _add(found["month"], month, tuple(values))
    second = events.values_list("process_id", "cause_category_id").annotate(n=Count("id"), **_sums(currency)).order_by()
    for process, cause, *values in second:
        _add(found["process"], process, tuple(values))
        _add(found["cause"], cause, tuple(values))
    return found


def _paretos_of(groups: dict[str, Figures]) -> dict[str, Pareto]:
    found = {}
    for by in DIMENSIONS:
        counts = {key: f["events"] for key, f in groups[by].items() if key}
        unclassified = groups[by].get("", {}).get("events", 0)
        found[by] = _pareto(by, counts, _labels(by, counts), unclassified)
    return found


def paretos(user: Any, window: Window) -> dict[str, Pareto]:
    """Events by cause category, process and type, most frequent first."""
    return _paretos_of(_groups(user, window, reporting_currency()))


# --- flow, ageing, time to close -------------------------------------------------------


@dataclass(frozen=True)
class MonthFlow:
    month: dt.date
    reported: int
    closed: int
    open_at_end: int

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


def _by_month(qs: QuerySet[Event], field: str, months: list[dt.date]) -> dict[str, int]:
    rows = qs.annotate(m=month_bucket(field, months)).values_list("m").annotate(n=Count("id")).order_by()
    return dict(rows)


def flow(user: Any, window: Window) -> list[MonthFlow]:
    """Per month of the window: events reported, events closed, and events still open at its end."""
    events = counted_events(user, site_id=window.site_id)
    months = window.months
    first = start_of(months[0])
    end = start_of(add_months(months[-1], 1))
    before = events.aggregate(
        reported=Count("id", filter=Q(created_at__lt=first)),
        closed=Count("id", filter=Q(status=EventStatus.CLOSED, closed_at__lt=first)),
    )
    reported_by = _by_month(events.filter(created_at__gte=first, created_at__lt=end), "created_at", months)
    closed = events.filter(status=EventStatus.CLOSED, closed_at__gte=first, closed_at__lt=end)
    closed_by = _by_month(closed, "closed_at", months)
    still_open = before["reported"] - before["closed"]
    found = []
    for month in months:
        label = f"{month:%Y-%m}"
        reported, done = reported_by.get(label, 0), closed_by.get(label, 0)
        still_open += reported - done
        found.append(MonthFlow(month, reported, done, still_open))
    return found


@dataclass(frozen=True)
class AgeBucket:
    label: str
    fewest_days: int
    most_days: int | None
    events: int


def ageing(user: Any, *, today: dt.date, site_id: int | None = None) -> list[AgeBucket]:
    """Open events by days open (today − the day reported), in one query of conditional counts."""
    counts: dict[str, Any] = {}
    for n, (_, low, high) in enumerate(AGE_BUCKETS):
        where = Q(created_at__lt=start_of(today - dt.timedelta(days=low - 1))) if low > 0 else Q()
        if high is not None:
            where &= Q(created_at__gte=start_of(today - dt.timedelta(days=high)))
        counts[f"b{n}"] = Count("id", filter=where)
    found = counted_events(user, site_id=site_id).filter(status__in=OPEN_STATUSES).aggregate(**counts)
    return [AgeBucket(label, low, high, found[f"b{n}"]) for n, (label, low, high) in enumerate(AGE_BUCKETS)]


@dataclass(frozen=True)
class ClosingTime:
    key: str
    label: str
    events: int
    average_days: Decimal | None


def _days(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def days_to_close(user: Any, window: Window) -> list[ClosingTime]:
    """The average days from report to closure of the events closed in the window, overall then by type."""
    closed = counted_events(user, site_id=window.site_id).filter(
        status=EventStatus.CLOSED,
        closed_at__gte=start_of(window.since),
        closed_at__lt=start_of(window.until + dt.timedelta(days=1)),
    )
    taken = Avg(DaysBetween("closed_at", "created_at"))
    labels = dict(EventType.choices)
    per_type = list(closed.values_list("type").annotate(n=Count("id"), avg=taken).order_by("type"))
    events = sum(n for _, n, _ in per_type)
    overall = sum(Decimal(str(avg)) * n for _, n, avg in per_type) / events if events else None
    rows = [ClosingTime("", "All types", events, _days(overall))]
    rows += [ClosingTime(kind, str(labels.get(kind, kind)), n, _days(avg)) for kind, n, avg in per_type]
    return rows


# --- lists -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    event: Event
    due: dt.date
    days_late: int
    step: str


def overdue_list(
    user: Any, *, today: dt.date, site_id: int | None = None, limit: int = 50
) -> tuple[list[OverdueRow], int]:
    """Open events whose current step or an open action is past due, the longest late first; and their count."""
    # The same rule as the register's overdue filter, written as two small sets of late steps and
    # actions (their own indexes) rather than a test on every open event.
    late_steps = Step.objects.filter(finished_at__isnull=True, due__lt=today).values("event_id")
    late_actions = Action.objects.filter(status=ActionStatus.OPEN, due__lt=today).values("event_id")
    qs = counted_events(user, site_id=site_id).filter(
        Q(status__in=OPEN_STATUSES) & (Q(pk__in=late_steps) | Q(pk__in=late_actions))
    )
    action_due = Subquery(
        Action.objects.filter(event_id=OuterRef("pk"), status=ActionStatus.OPEN)
        .values("event_id")
        .annotate(first=Min("due"))
        .values("first")
    )
    rows = (
        qs.annotate(open_step=FilteredRelation("steps", condition=Q(steps__finished_at__isnull=True)))
        .annotate(step_due=F("open_step__due"), action_due=action_due)
        .annotate(first_due=Least(Coalesce("step_due", "action_due"), Coalesce("action_due", "step_due")))
        .select_related("site", "owner", "process")
        .order_by("first_due", "reference")[:limit]
    )
    labels = dict(EventStatus.choices)
    found = []
    for event in rows:
        due = event.first_due
        late_step = event.step_due is not None and event.step_due < today
        step = f"{labels.get(event.status, event.status)} step" if late_step else "an action"
        found.append(OverdueRow(event, due, (today - due).days, str(step)))
    return found, qs.count()


@dataclass(frozen=True)
class Recurrence:
    process: str
    cause: str
    events: int
    still_open: int
    first: dt.datetime
    last: dt.datetime
    references: list[str] = field(default_factory=list)


def recurrences(user: Any, window: Window, *, limit: int = 20, shown: int = 8) -> list[Recurrence]:
    """Process and cause pairs that happened again (events linked as recurrences), the most frequent first."""
    linked = events_in(user, window).filter(recurrences__isnull=False)
    groups = list(
        linked.values("process_id", "cause_category_id")
        .annotate(
            n=Count("id", distinct=True),
            still_open=Count("id", distinct=True, filter=Q(status__in=OPEN_STATUSES)),
            first=Min("occurred_at"),
            last=Max("occurred_at"),
        )
        .order_by("-n", "-last")[:limit]
    )
    if not groups:
        return []
    processes = {p.pk: str(p) for p in Process.objects.filter(pk__in=[g["process_id"] for g in groups])}
    causes = dict(
        CauseCategory.objects.filter(pk__in=[g["cause_category_id"] for g in groups]).values_list("pk", "label")
    )
    refs: dict[tuple[int, int], list[str]] = defaultdict(list)
    pairs = Q()
    for g in groups:
        pairs |= Q(process_id=g["process_id"], cause_category_id=g["cause_category_id"])
    listed = linked.filter(pairs).values_list("process_id", "cause_category_id", "reference")
    for process_id, cause_id, reference in listed.distinct().order_by("reference"):
        if len(refs[(process_id, cause_id)]) < shown:
            refs[(process_id, cause_id)].append(reference)
    return [
        Recurrence(
            processes.get(g["process_id"], ""),
            str(causes.get(g["cause_category_id"], "")),
            g["n"],
            g["still_open"],
            g["first"],
            g["last"],
            refs[(g["process_id"], g["cause_category_id"])],
        )
        for g in groups
    ]


# --- cost of poor quality --------------------------------------------------------------


@dataclass(frozen=True)
class CostRow:
    key: str
    label: str
    internal: Decimal = Decimal("0.00")
    external: Decimal = Decimal("0.00")
    kg_co2e: Decimal = Decimal("0.000")
    mass_kg: Decimal = Decimal("0.000")

    @property
    def money(self) -> Decimal:
        return self.internal + self.external


@dataclass(frozen=True)
class CostTotals:
    by: str
    currency: str
    rows: list[CostRow]
    total: CostRow
    other_currency_events: int  # events whose costs are in an earlier reporting currency, not in these totals


def _labels(by: str, keys: Iterable[str]) -> dict[str, str]:
    wanted = [k for k in keys if k]
    if by == "process":
        rows = Process.objects.filter(pk__in=wanted).values_list("pk", "reference", "name")
        return {str(pk): f"{ref} {name}" for pk, ref, name in rows}
    if by == "cause":
        return {str(pk): label for pk, label in CauseCategory.objects.filter(pk__in=wanted).values_list("pk", "label")}
    if by == "type":
        return {code: str(label) for code, label in EventType.choices}
    return {k: k for k in wanted}


def _cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _grams(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.001"))


def _totals(by: str, currency: str, figures: Figures) -> CostTotals:
    labels = _labels(by, figures)
    rows = [
        CostRow(
            key,
            labels.get(key, key) if key else NONE_LABELS.get(by, "—"),
            _cents(f.get("internal")),
            _cents(f.get("external")),
            _grams(f.get("kg_co2e")),
            _grams(f.get("mass_kg")),
        )
        for key, f in figures.items()
    ]
    if by == "month":
        rows.sort(key=lambda r: r.key)
    else:
        rows = [r for r in rows if r.money or r.kg_co2e or r.mass_kg]
        rows.sort(key=lambda r: (-r.money, -r.kg_co2e, r.label))
    total = CostRow(
        "",
        "Total",
        sum((r.internal for r in rows), Decimal("0.00")),
        sum((r.external for r in rows), Decimal("0.00")),
        sum((r.kg_co2e for r in rows), Decimal("0.000")),
        sum((r.mass_kg for r in rows), Decimal("0.000")),
    )
    other = sum(int(f.get("other", 0)) for f in figures.values())
    return CostTotals(by, currency, rows, total, other)


def _breakdowns(groups: dict[str, Figures], currency: str) -> dict[str, CostTotals]:
    return {by: _totals(by, currency, groups[by]) for by in COST_DIMENSIONS}


def cost_breakdowns(user: Any, window: Window) -> dict[str, CostTotals]:
    """Money (internal and external failure) and kg CO2e (material and energy) per month, process, cause and type.

    Each event carries the sums of its cost lines (kept by :mod:`ims.improvement.costs`),
    so two GROUP BY queries over the events answer the four breakdowns.
    """
    currency = reporting_currency()
    return _breakdowns(_groups(user, window, currency), currency)


def cost_totals(user: Any, *, by: str, window: Window) -> CostTotals:
    """One breakdown of the cost of poor quality: per month, process, cause or type."""
    if by not in COST_DIMENSIONS:
        raise ValidationFailed({"by": [f"Use one of: {', '.join(COST_DIMENSIONS)}."]})
    return cost_breakdowns(user, window)[by]


# --- all of it --------------------------------------------------------------------------


@dataclass(frozen=True)
class Analytics:
    """The figures the analysis is timed on: Pareto, ageing and cost totals."""

    paretos: dict[str, Pareto]
    ageing: list[AgeBucket]
    costs: dict[str, CostTotals]


def analytics(user: Any, window: Window, *, today: dt.date) -> Analytics:
    """Pareto, ageing and cost totals in three queries: events by (type, month), by (process, cause), and ageing."""
    currency = reporting_currency()
    groups = _groups(user, window, currency)
    return Analytics(
        paretos=_paretos_of(groups),
        ageing=ageing(user, today=today, site_id=window.site_id),
        costs=_breakdowns(groups, currency),
    )


@dataclass(frozen=True)
class Analysis:
    """Everything the analysis page, its XLSX and its PDF show."""

    window: Window
    today: dt.date
    core: Analytics
    flow: list[MonthFlow]
    closing: list[ClosingTime]
    overdue: list[OverdueRow]
    overdue_total: int
    recurrences: list[Recurrence]
    open_now: int

    @property
    def currency(self) -> str:
        return self.core.costs["month"].currency


def analysis_data(user: Any, window: Window, *, today: dt.date | None = None) -> Analysis:
    day = today or timezone.localdate()
    core = analytics(user, window, today=day)
    rows, total = overdue_list(user, today=day, site_id=window.site_id)
    return Analysis(
        window=window,
        today=day,
        core=core,
        flow=flow(user, window),
        closing=days_to_close(user, window),
        overdue=rows,
        overdue_total=total,
        recurrences=recurrences(user, window),
        open_now=sum(b.events for b in core.ageing),
    )
