"""Customer satisfaction KPIs per period (ISO 9001 9.1.2): CSAT, NPS and the complaint rate, with their trend.

* **CSAT** — the mean of all scores given to the survey questions (the
  “would you recommend us” question aside), each normalised to a percentage of
  its own scale: (score − bottom) ÷ (top − bottom) × 100. A 4 on a 1–5 scale is
  75 %, a 7 on 0–10 is 70 %; so surveys on different scales can be compared.
* **NPS** — on the 0–10 “would you recommend us” question: the % of promoters
  (9–10) minus the % of detractors (0–6), from −100 to +100.
* **Complaint rate** — complaints received in the period (withdrawn ones and
  those recorded in error left out); per million units shipped when every site
  in view has its units shipped recorded for every month of the period
  (:class:`ims.feedback.models.ShipmentVolume`; record 0 for a month without
  shipments). Otherwise that figure is left blank rather than guessed.

A score counts in the period its response was answered in; a complaint in the
period it was received in. Every figure is an aggregate of the database
(GROUP BY period); the exact averages are then worked out in Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import scope_for
from ims.core.errors import ValidationFailed
from ims.feedback.models import ComplaintStatus, Score, ShipmentVolume
from ims.feedback.selectors import complaints_visible_to, compliments_visible_to, responses_visible_to
from ims.org.models import Site

GRANULARITIES = ("month", "quarter", "year")
TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
MONTHS = {"month": 1, "quarter": 3, "year": 12}
TENTH = Decimal("0.1")
PROMOTER, DETRACTOR = 9, 6  # 9–10 promote, 0–6 detract


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "year":
        return dt.date(day.year, 1, 1)
    if granularity == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def _label(start: dt.date, granularity: str) -> str:
    if granularity == "year":
        return str(start.year)
    if granularity == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def periods(granularity: str, count: int, today: dt.date) -> list[Period]:
    """The last ``count`` periods, oldest first; the last one is the period ``today`` falls in."""
    if granularity not in GRANULARITIES:
        raise ValidationFailed({"period": [f"Use one of: {', '.join(GRANULARITIES)}."]})
    if not 1 <= count <= 60:
        raise ValidationFailed({"count": ["Between 1 and 60 periods."]})
    step = MONTHS[granularity]
    current = _period_start(today, granularity)
    found = []
    for k in range(count - 1, -1, -1):
        start = _add_months(current, -k * step)
        end = _add_months(start, step) - dt.timedelta(days=1)
        found.append(Period(start, end, _label(start, granularity)))
    return found


@dataclass(frozen=True)
class PeriodKpis:
    period: Period
    responses: int
    scores: int
    csat: Decimal | None  # %, one decimal
    recommend_answers: int
    promoters: int
    passives: int
    detractors: int
    nps: Decimal | None  # −100 … +100, one decimal
    complaints: int
    compliments: int
    units_shipped: int | None  # None unless every site in view has every month recorded
    complaints_per_million: Decimal | None


def _key(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _sites_in_view(user: Any, site_id: int | None) -> list[int]:
    scope = scope_for(user, Permission.VIEW)
    sites = Site.objects.filter(archived_at__isnull=True)
    if not scope.all_sites:
        sites = sites.filter(pk__in=sorted(scope.site_ids))
    if site_id is not None:
        sites = sites.filter(pk=site_id)
    return list(sites.values_list("pk", flat=True))


def satisfaction(
    user: Any,
    *,
    granularity: str = "quarter",
    count: int = 8,
    today: dt.date | None = None,
    site_id: int | None = None,
) -> list[PeriodKpis]:
    """CSAT, NPS, complaints and compliments for each of the last ``count`` periods, oldest first."""
    spans = periods(granularity, count, today or timezone.localdate())
    first, last = spans[0].start, spans[-1].end
    trunc = TRUNC[granularity]

    responses = responses_visible_to(user).filter(answered_on__gte=first, answered_on__lte=last)
    if site_id is not None:
        responses = responses.filter(survey__site_id=site_id)
    scores = Score.objects.filter(response__in=responses.values("pk"))
    csat_rows = (
        scores.filter(question__recommend=False)
        .annotate(p=trunc("response__answered_on"))
        .values_list("p", "question__scale_min", "question__scale_max")
        .annotate(n=Count("id"), above=Sum(F("value") - F("question__scale_min")))
        .order_by()
    )
    csat: dict[dt.date, list[tuple[int, int, int, int]]] = defaultdict(list)
    for p, low, high, n, above in csat_rows:
        csat[_key(p)].append((low, high, n, above or 0))
    nps_rows = (
        scores.filter(question__recommend=True)
        .annotate(p=trunc("response__answered_on"))
        .values_list("p")
        .annotate(
            n=Count("id"),
            promoters=Count("id", filter=Q(value__gte=PROMOTER)),
            detractors=Count("id", filter=Q(value__lte=DETRACTOR)),
        )
        .order_by()
    )
    nps = {_key(p): (n, pro, det) for p, n, pro, det in nps_rows}
    answered = {
        _key(p): n
        for p, n in responses.annotate(p=trunc("answered_on")).values_list("p").annotate(n=Count("id")).order_by()
    }
    counted = complaints_visible_to(user).exclude(status=ComplaintStatus.WITHDRAWN)
    complaints = _counts(counted, "received_on", trunc, first, last, site_id)
    compliments = _counts(compliments_visible_to(user), "received_on", trunc, first, last, site_id)
    shipped = _shipped(user, trunc, first, last, site_id)
    return [
        _kpis(
            span,
            answered.get(span.start, 0),
            csat.get(span.start, []),
            nps.get(span.start),
            complaints,
            compliments,
            shipped,
        )
        for span in spans
    ]


def _counts(qs: Any, field: str, trunc: Any, first: dt.date, last: dt.date, site_id: int | None) -> dict[dt.date, int]:
    qs = qs.filter(**{f"{field}__gte": first, f"{field}__lte": last})
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    return {_key(p): n for p, n in qs.annotate(p=trunc(field)).values_list("p").annotate(n=Count("id")).order_by()}


@dataclass(frozen=True)
class _Shipped:
    sites: int
    units: dict[dt.date, int]
    months: dict[dt.date, int]  # site-months recorded per period


def _shipped(user: Any, trunc: Any, first: dt.date, last: dt.date, site_id: int | None) -> _Shipped:
    sites = _sites_in_view(user, site_id)
    rows = (
        ShipmentVolume.objects.filter(site_id__in=sites, month__gte=first, month__lte=last)
        .annotate(p=trunc("month"))
        .values_list("p")
        .annotate(units=Sum("units"), n=Count("id"))
        .order_by()
    )
    units, months = {}, {}
    for p, u, n in rows:
        units[_key(p)], months[_key(p)] = int(u or 0), n
    return _Shipped(len(sites), units, months)


def _kpis(
    span: Period,
    responses: int,
    csat_groups: list[tuple[int, int, int, int]],
    nps_row: tuple[int, int, int] | None,
    complaints: dict[dt.date, int],
    compliments: dict[dt.date, int],
    shipped: _Shipped,
) -> PeriodKpis:
    count = sum(n for _, _, n, _ in csat_groups)
    csat = None
    if count:
        total = sum((Decimal(above) / Decimal(high - low) for low, high, _, above in csat_groups), Decimal(0))
        csat = _tenth(total * 100 / count)
    n, promoters, detractors = nps_row or (0, 0, 0)
    nps = _tenth(Decimal(promoters - detractors) * 100 / n) if n else None
    received = complaints.get(span.start, 0)
    complete = shipped.sites > 0 and shipped.months.get(span.start, 0) == shipped.sites * span.months
    units = shipped.units.get(span.start, 0) if complete else None
    per_million = _tenth(Decimal(received) * 1_000_000 / units) if units else None
    return PeriodKpis(
        period=span,
        responses=responses,
        scores=count,
        csat=csat,
        recommend_answers=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
        nps=nps,
        complaints=received,
        compliments=compliments.get(span.start, 0),
        units_shipped=units,
        complaints_per_million=per_million,
    )


def trend(values: list[Decimal | None]) -> str:
    """“up”, “down” or “steady” from the previous period with a figure to the last one with a figure; “” if fewer."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    if known[-1] > known[-2]:
        return "up"
    return "down" if known[-1] < known[-2] else "steady"
