"""Energy baselines, expected versus actual consumption, savings and CUSUM (ISO 50001 6.5, ISO 50006).

A baseline is a regression of energy use on its relevant variables
(production, heating and cooling degree days …) over a baseline period.
It may be used to judge later periods only when the model is shown valid:
by default R² of at least 0.5 and every variable significant at p < 0.1.
A model that fails is refused with the rule and the figures that failed.

In a reporting period the model gives the energy the baseline process would
have used under that period's conditions (expected); savings are expected
minus actual. The CUSUM chart accumulates actual minus expected: a line
falling below zero shows energy saved since the baseline, a rising one
shows performance worse than the baseline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ims.energy.regression import Regression, fit

MIN_R2 = 0.5
MAX_P = 0.1


class BaselineRefused(ValueError):
    """The model fails the validity rules; ``reasons`` names each failed rule with its figures."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("This model cannot be used as an energy baseline: " + " ".join(self.reasons))


def validity_problems(model: Regression, *, min_r2: float = MIN_R2, max_p: float = MAX_P) -> tuple[str, ...]:
    """Every validity rule the model breaks, in plain words with the figures; empty when it is usable.

    The intercept (the base load) is not tested: it may well be small.
    """
    problems = []
    if model.r2 < min_r2:
        problems.append(
            f"R² is {model.r2:.3f}, below the required {min_r2:.2f}: the variables explain too little of "
            f"the variation in energy use."
        )
    for term in model.variables:
        if not term.p_value < max_p:
            problems.append(
                f"Variable {term.name!r} is not significant: p = {term.p_value:.3f}, not below {max_p:.2f} "
                f"(coefficient {term.coefficient:.4g}, t = {term.t:.2f})."
            )
    return tuple(problems)


def require_valid(model: Regression, *, min_r2: float = MIN_R2, max_p: float = MAX_P) -> Regression:
    """The model itself when it passes the validity rules; :class:`BaselineRefused` otherwise."""
    problems = validity_problems(model, min_r2=min_r2, max_p=max_p)
    if problems:
        raise BaselineRefused(problems)
    return model


def energy_baseline(
    *,
    energy: Sequence[float],
    variables: Mapping[str, Sequence[float]],
    min_r2: float = MIN_R2,
    max_p: float = MAX_P,
) -> Regression:
    """Fit energy on its relevant variables over the baseline period and refuse an invalid model."""
    return require_valid(fit(y=energy, x=variables), min_r2=min_r2, max_p=max_p)


# --- Reporting period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """One reporting period. ``difference`` is actual − expected (negative when energy was saved)."""

    label: str
    expected: float
    actual: float
    difference: float
    cusum: float


@dataclass(frozen=True)
class Comparison:
    """Expected versus actual over a reporting period.

    ``savings`` = expected − actual in total (positive when less energy was
    used than the baseline predicts); ``enpi_ratio`` = actual/expected, the
    EnPI of ISO 50006 for a model baseline (below 1 is an improvement).
    ``warnings`` name the periods whose conditions lie outside the baseline
    range, where the expected value is an extrapolation.
    """

    periods: tuple[PeriodResult, ...]
    expected_total: float
    actual_total: float
    savings: float
    savings_percent: float
    enpi_ratio: float
    warnings: tuple[str, ...]

    @property
    def cusum(self) -> tuple[float, ...]:
        return tuple(p.cusum for p in self.periods)


def _outside_range(model: Regression, variables: Mapping[str, Sequence[float]], labels: Sequence[str]) -> list[str]:
    warnings = []
    for name, (low, high) in model.ranges.items():
        for label, value in zip(labels, variables[name], strict=True):
            if not low <= value <= high:
                warnings.append(
                    f"Period {label}: {name} = {value:g} lies outside the baseline range {low:g} to {high:g}; "
                    f"its expected energy is an extrapolation."
                )
    return warnings


def compare(
    model: Regression,
    *,
    actual: Sequence[float],
    variables: Mapping[str, Sequence[float]],
    labels: Sequence[str] | None = None,
) -> Comparison:
    """Expected and actual energy for each reporting period, in order, with savings and the CUSUM."""
    count = len(actual)
    labels = [str(i + 1) for i in range(count)] if labels is None else list(labels)
    if len(labels) != count:
        raise ValueError(f"There are {count} actual values but {len(labels)} period labels.")
    for term in model.variables:
        if len(variables.get(term.name, ())) != count:
            raise ValueError(f"Variable {term.name!r} needs one value for each of the {count} reporting periods.")
    if count == 0:
        raise ValueError("The reporting period has no data.")
    periods = []
    running = 0.0
    for i in range(count):
        expected = model.predict({t.name: float(variables[t.name][i]) for t in model.variables})
        difference = float(actual[i]) - expected
        running += difference
        periods.append(PeriodResult(labels[i], expected, float(actual[i]), difference, running))
    expected_total = math.fsum(p.expected for p in periods)
    actual_total = math.fsum(p.actual for p in periods)
    if expected_total <= 0:
        raise ValueError(
            f"The model expects {expected_total:g} in total for this period; savings need a positive expectation."
        )
    return Comparison(
        periods=tuple(periods),
        expected_total=expected_total,
        actual_total=actual_total,
        savings=expected_total - actual_total,
        savings_percent=100 * (expected_total - actual_total) / expected_total,
        enpi_ratio=actual_total / expected_total,
        warnings=tuple(_outside_range(model, {t.name: variables[t.name] for t in model.variables}, labels)),
    )


# --- Degree days --------------------------------------------------------------------------------


def daily_means(readings: Iterable[tuple[dt.datetime, float]]) -> dict[dt.date, float]:
    """The mean of each calendar day's temperature readings (timestamps in the site's local time)."""
    days: dict[dt.date, list[float]] = defaultdict(list)
    for moment, value in readings:
        if not math.isfinite(value):
            raise ValueError(f"The temperature reading at {moment.isoformat()} is not a finite number.")
        days[moment.date()].append(float(value))
    return {day: math.fsum(values) / len(values) for day, values in sorted(days.items())}


def degree_days(
    *,
    temperatures: Mapping[dt.date, float],
    base: float = 15.5,
    kind: Literal["heating", "cooling"] = "heating",
) -> dict[dt.date, float]:
    """Degree days of each day from its mean outside temperature (°C), by the daily-mean method.

    Heating: max(0, base − mean); cooling: max(0, mean − base). The mean is
    that of the day's readings (:func:`daily_means`), or (max + min)/2 where
    only extremes are recorded. 15.5 °C is the usual UK heating base; set the
    base to the balance temperature of the building. A period's degree days
    are the sum of its days (:func:`monthly_totals`).
    """
    if kind not in ("heating", "cooling"):
        raise ValueError(f"Degree days are 'heating' or 'cooling'; got {kind!r}.")
    sign = 1.0 if kind == "heating" else -1.0
    out = {}
    for day, mean in sorted(temperatures.items()):
        if not math.isfinite(mean):
            raise ValueError(f"The mean temperature of {day.isoformat()} is not a finite number.")
        out[day] = max(0.0, sign * (base - mean))
    return out


def monthly_totals(daily: Mapping[dt.date, float], *, require_complete: bool = True) -> dict[dt.date, float]:
    """Sum of daily values per calendar month, keyed by the month's first day.

    A month with missing days would understate its degree days and bias the
    baseline, so by default it is refused, naming the months and their gaps.
    """
    months: dict[dt.date, float] = defaultdict(float)
    counts: dict[dt.date, int] = defaultdict(int)
    for day, value in daily.items():
        months[day.replace(day=1)] += value
        counts[day.replace(day=1)] += 1
    if require_complete:
        gaps = [
            f"{month:%Y-%m} has {counts[month]} of {calendar.monthrange(month.year, month.month)[1]} days"
            for month in sorted(months)
            if counts[month] < calendar.monthrange(month.year, month.month)[1]
        ]
        if gaps:
            raise ValueError("Monthly totals need every day of the month: " + "; ".join(gaps) + ".")
    return dict(sorted(months.items()))
