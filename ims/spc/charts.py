"""Shewhart control charts with limits computed from a chosen baseline window.

Each function takes the whole series, computes the centre line and the
control limits from the points of the baseline (phase I: the period judged
representative of the process when it was stable) and applies them to every
point, so later points (phase II) are judged against the baseline. Leaving a
point out of the baseline (an assignable cause found and removed) recomputes
the limits without it while still plotting it.

Where the subgroup size varies (p, u, and X̄/R/S with unequal subgroups), the
limits are computed for each point's own size; the chart-level ``center``,
``lcl`` and ``ucl`` are then ``None`` and each :class:`Point` holds its own.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ims.spc.constants import MAX_SUBGROUP, MIN_SUBGROUP, c4, d2, d3

SIGMAS = 3.0


class ChartKind(StrEnum):
    INDIVIDUALS = "I"
    MOVING_RANGE = "MR"
    XBAR = "xbar"
    RANGE = "R"
    STDEV = "S"
    P = "p"
    NP = "np"
    C = "c"
    U = "u"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def statistic(self) -> str:
        """What each point is, in a few words."""
        return _STATISTICS[self]


_LABELS = {
    ChartKind.INDIVIDUALS: "Individuals (I) chart",
    ChartKind.MOVING_RANGE: "Moving range (MR) chart",
    ChartKind.XBAR: "X̄ chart (subgroup means)",
    ChartKind.RANGE: "R chart (subgroup ranges)",
    ChartKind.STDEV: "S chart (subgroup standard deviations)",
    ChartKind.P: "p chart (fraction nonconforming)",
    ChartKind.NP: "np chart (number nonconforming)",
    ChartKind.C: "c chart (nonconformities per sample)",
    ChartKind.U: "u chart (nonconformities per unit)",
}

_STATISTICS = {
    ChartKind.INDIVIDUALS: "individual value",
    ChartKind.MOVING_RANGE: "moving range",
    ChartKind.XBAR: "subgroup mean",
    ChartKind.RANGE: "subgroup range",
    ChartKind.STDEV: "subgroup std. deviation",
    ChartKind.P: "fraction nonconforming",
    ChartKind.NP: "number nonconforming",
    ChartKind.C: "nonconformities",
    ChartKind.U: "nonconformities per unit",
}


@dataclass(frozen=True)
class Point:
    """One plotted point with the centre line and limits that apply to it.

    ``index`` is the position in the series (from 0; a moving range carries
    the index of its later reading). ``size`` is the subgroup size, the
    sample size (p, np) or the number of inspection units (c, u). ``sigma``
    is the standard deviation of the plotted statistic at this size; the
    zones of the run rules are multiples of it.
    """

    index: int
    value: float
    size: float
    center: float
    lcl: float
    ucl: float
    sigma: float
    in_baseline: bool


@dataclass(frozen=True)
class Chart:
    """A control chart: its points, centre line, limits and the baseline they come from.

    ``sigma`` is the estimated standard deviation of the process: of one
    measurement for I, X̄, MR, R and S charts (the dispersion chart carries
    the same estimate as its companion), of one item for p and np
    (√(p̄(1−p̄))), of one inspection unit for c and u (√c̄, √ū).
    """

    kind: ChartKind
    points: tuple[Point, ...]
    center: float | None
    lcl: float | None
    ucl: float | None
    sigma: float
    baseline: tuple[int, ...]
    sigmas: float = SIGMAS

    @property
    def limits_vary(self) -> bool:
        return self.lcl is None or self.ucl is None or self.center is None


@dataclass(frozen=True)
class ChartPair:
    """A variables chart in two parts: location (I or X̄) and dispersion (MR, R or S)."""

    location: Chart
    dispersion: Chart


def resolve_baseline(baseline: Iterable[int] | None, *, count: int, minimum: int = 2) -> tuple[int, ...]:
    """The sorted, distinct point indices of a baseline window; all points when ``None``.

    Accepts any iterable of indices (``range(0, 25)``, or a window with
    excluded points), so a baseline can leave out points with an assignable cause.
    """
    chosen = tuple(range(count)) if baseline is None else tuple(sorted(set(baseline)))
    outside = [i for i in chosen if not 0 <= i < count]
    if outside:
        raise ValueError(
            f"The baseline window refers to position {outside[0]}, but the series has {count} points "
            f"(positions 0 to {count - 1})."
        )
    if len(chosen) < minimum:
        raise ValueError(
            f"The baseline window needs at least {minimum} points to compute limits; it has {len(chosen)}."
        )
    return chosen


def _finite(values: Iterable[float], what: str) -> list[float]:
    out = [float(v) for v in values]
    for i, v in enumerate(out):
        if not math.isfinite(v):
            raise ValueError(f"{what} {i + 1} is not a finite number ({v}).")
    return out


def _common(values: Sequence[float]) -> float | None:
    """The value shared by every entry, or None when they differ (limits vary with n)."""
    first = values[0]
    tolerance = 1e-12 * max(1.0, abs(first))
    return first if all(abs(v - first) <= tolerance for v in values) else None


def _chart(kind: ChartKind, points: list[Point], *, sigma: float, baseline: tuple[int, ...], k: float) -> Chart:
    if not k > 0:
        raise ValueError(f"Control limits must lie a positive number of sigmas from the centre line; got {k}.")
    return Chart(
        kind=kind,
        points=tuple(points),
        center=_common([p.center for p in points]),
        lcl=_common([p.lcl for p in points]),
        ucl=_common([p.ucl for p in points]),
        sigma=sigma,
        baseline=baseline,
        sigmas=k,
    )


def _point(
    index: int,
    value: float,
    size: float,
    *,
    center: float,
    sigma: float,
    k: float,
    base: set[int],
    floor: float | None = 0.0,
    ceiling: float | None = None,
) -> Point:
    """A point with limits centre ± k·sigma, cut at the statistic's possible range."""
    lcl, ucl = center - k * sigma, center + k * sigma
    if floor is not None:
        lcl = max(floor, lcl)
    if ceiling is not None:
        ucl = min(ceiling, ucl)
    return Point(index, value, size, center, lcl, ucl, sigma, index in base)


# --- Variables charts ---------------------------------------------------------------------------


def individuals_moving_range(
    *, values: Sequence[float], baseline: Iterable[int] | None = None, sigmas: float = SIGMAS
) -> ChartPair:
    """I-MR chart: individual readings and the moving range of two successive readings.

    σ is estimated as MR̄/d2(2) from the moving ranges between successive
    baseline readings; a reading left out of the baseline is treated as
    removed from the sequence (the reading before and after it form a range).
    """
    xs = _finite(values, "Reading")
    base = resolve_baseline(baseline, count=len(xs))
    base_values = [xs[i] for i in base]
    mr_bar = statistics.fmean(abs(b - a) for a, b in itertools.pairwise(base_values))
    sigma = mr_bar / d2(2)
    center = statistics.fmean(base_values)
    members = set(base)
    individuals = [
        _point(i, x, 1, center=center, sigma=sigma, k=sigmas, base=members, floor=None) for i, x in enumerate(xs)
    ]
    mr_members = {i for i in range(1, len(xs)) if i in members and i - 1 in members}
    ranges = [
        _point(i, abs(xs[i] - xs[i - 1]), 2, center=mr_bar, sigma=d3(2) * sigma, k=sigmas, base=mr_members)
        for i in range(1, len(xs))
    ]
    return ChartPair(
        location=_chart(ChartKind.INDIVIDUALS, individuals, sigma=sigma, baseline=base, k=sigmas),
        dispersion=_chart(ChartKind.MOVING_RANGE, ranges, sigma=sigma, baseline=base, k=sigmas),
    )


def _subgroups(subgroups: Sequence[Sequence[float]]) -> list[list[float]]:
    out = []
    for i, group in enumerate(subgroups):
        if not MIN_SUBGROUP <= len(group) <= MAX_SUBGROUP:
            raise ValueError(
                f"Subgroup {i + 1} has {len(group)} measurement(s); X̄ charts need subgroups of "
                f"{MIN_SUBGROUP} to {MAX_SUBGROUP} (use an individuals chart for single readings)."
            )
        out.append(_finite(group, f"Subgroup {i + 1}, measurement"))
    return out


def _grand_mean(groups: list[list[float]], base: tuple[int, ...]) -> float:
    """Mean of every baseline measurement (subgroup means weighted by their size)."""
    return math.fsum(math.fsum(groups[i]) for i in base) / sum(len(groups[i]) for i in base)


def _xbar_points(groups: list[list[float]], *, center: float, sigma: float, k: float, members: set[int]) -> list[Point]:
    return [
        _point(
            i,
            statistics.fmean(g),
            len(g),
            center=center,
            sigma=sigma / math.sqrt(len(g)),
            k=k,
            base=members,
            floor=None,
        )
        for i, g in enumerate(groups)
    ]


def xbar_r(
    *, subgroups: Sequence[Sequence[float]], baseline: Iterable[int] | None = None, sigmas: float = SIGMAS
) -> ChartPair:
    """X̄-R chart for subgroups of 2 to 25 measurements.

    σ is the mean over the baseline of Rᵢ/d2(nᵢ), which is R̄/d2 when every
    subgroup has the same size; the limits are then x̿ ± A2·R̄ and D3·R̄ to D4·R̄.
    """
    groups = _subgroups(subgroups)
    base = resolve_baseline(baseline, count=len(groups))
    members = set(base)
    sigma = statistics.fmean((max(groups[i]) - min(groups[i])) / d2(len(groups[i])) for i in base)
    center = _grand_mean(groups, base)
    ranges = [
        _point(i, max(g) - min(g), len(g), center=d2(len(g)) * sigma, sigma=d3(len(g)) * sigma, k=sigmas, base=members)
        for i, g in enumerate(groups)
    ]
    means = _xbar_points(groups, center=center, sigma=sigma, k=sigmas, members=members)
    return ChartPair(
        location=_chart(ChartKind.XBAR, means, sigma=sigma, baseline=base, k=sigmas),
        dispersion=_chart(ChartKind.RANGE, ranges, sigma=sigma, baseline=base, k=sigmas),
    )


def xbar_s(
    *, subgroups: Sequence[Sequence[float]], baseline: Iterable[int] | None = None, sigmas: float = SIGMAS
) -> ChartPair:
    """X̄-S chart for subgroups of 2 to 25 measurements.

    σ is the mean over the baseline of sᵢ/c4(nᵢ), which is S̄/c4 when every
    subgroup has the same size; the limits are then x̿ ± A3·S̄ and B3·S̄ to B4·S̄.
    """
    groups = _subgroups(subgroups)
    base = resolve_baseline(baseline, count=len(groups))
    members = set(base)
    sigma = statistics.fmean(statistics.stdev(groups[i]) / c4(len(groups[i])) for i in base)
    center = _grand_mean(groups, base)
    deviations = []
    for i, g in enumerate(groups):
        bias = c4(len(g))
        spread = sigma * math.sqrt(1 - bias**2)
        deviations.append(
            _point(i, statistics.stdev(g), len(g), center=bias * sigma, sigma=spread, k=sigmas, base=members)
        )
    means = _xbar_points(groups, center=center, sigma=sigma, k=sigmas, members=members)
    return ChartPair(
        location=_chart(ChartKind.XBAR, means, sigma=sigma, baseline=base, k=sigmas),
        dispersion=_chart(ChartKind.STDEV, deviations, sigma=sigma, baseline=base, k=sigmas),
    )


# --- Attributes charts --------------------------------------------------------------------------


def _counts(counts: Sequence[float], sizes: Sequence[float] | None, what: str) -> tuple[list[float], list[float]]:
    xs = _finite(counts, what)
    ns = [1.0] * len(xs) if sizes is None else _finite(sizes, "Sample size of point")
    if len(ns) != len(xs):
        raise ValueError(f"There are {len(xs)} counts but {len(ns)} sample sizes; give one size per count.")
    for i, (x, n) in enumerate(zip(xs, ns, strict=True)):
        if n <= 0:
            raise ValueError(f"Point {i + 1} has sample size {n:g}; sizes must be positive.")
        if x < 0:
            raise ValueError(f"Point {i + 1} has a negative count ({x:g}).")
    return xs, ns


def _fraction_counts(nonconforming: Sequence[float], sizes: Sequence[float]) -> tuple[list[float], list[float]]:
    xs, ns = _counts(nonconforming, sizes, "Number nonconforming of point")
    for i, (x, n) in enumerate(zip(xs, ns, strict=True)):
        if x > n:
            raise ValueError(f"Point {i + 1} has {x:g} nonconforming items in a sample of {n:g}.")
    return xs, ns


def p_chart(
    *,
    nonconforming: Sequence[float],
    sizes: Sequence[float],
    baseline: Iterable[int] | None = None,
    sigmas: float = SIGMAS,
) -> Chart:
    """p chart: fraction nonconforming; p̄ = Σd/Σn over the baseline, limits per sample size."""
    xs, ns = _fraction_counts(nonconforming, sizes)
    base = resolve_baseline(baseline, count=len(xs))
    members = set(base)
    p_bar = math.fsum(xs[i] for i in base) / math.fsum(ns[i] for i in base)
    unit = math.sqrt(p_bar * (1 - p_bar))
    points = [
        _point(i, x / n, n, center=p_bar, sigma=unit / math.sqrt(n), k=sigmas, base=members, ceiling=1.0)
        for i, (x, n) in enumerate(zip(xs, ns, strict=True))
    ]
    return _chart(ChartKind.P, points, sigma=unit, baseline=base, k=sigmas)


def np_chart(
    *,
    nonconforming: Sequence[float],
    sizes: Sequence[float],
    baseline: Iterable[int] | None = None,
    sigmas: float = SIGMAS,
) -> Chart:
    """np chart: number nonconforming in samples of one common size."""
    xs, ns = _fraction_counts(nonconforming, sizes)
    if _common(ns) is None:
        raise ValueError("An np chart needs every sample to have the same size; use a p chart when sizes vary.")
    base = resolve_baseline(baseline, count=len(xs))
    members = set(base)
    n = ns[0]
    p_bar = math.fsum(xs[i] for i in base) / math.fsum(ns[i] for i in base)
    unit = math.sqrt(p_bar * (1 - p_bar))
    points = [
        _point(i, x, n, center=n * p_bar, sigma=math.sqrt(n) * unit, k=sigmas, base=members, ceiling=n)
        for i, x in enumerate(xs)
    ]
    return _chart(ChartKind.NP, points, sigma=unit, baseline=base, k=sigmas)


def c_chart(*, counts: Sequence[float], baseline: Iterable[int] | None = None, sigmas: float = SIGMAS) -> Chart:
    """c chart: nonconformities per sample of one constant inspection unit; limits c̄ ± 3√c̄."""
    xs, _ = _counts(counts, None, "Count of point")
    base = resolve_baseline(baseline, count=len(xs))
    members = set(base)
    c_bar = statistics.fmean(xs[i] for i in base)
    unit = math.sqrt(c_bar)
    points = [_point(i, x, 1, center=c_bar, sigma=unit, k=sigmas, base=members) for i, x in enumerate(xs)]
    return _chart(ChartKind.C, points, sigma=unit, baseline=base, k=sigmas)


def u_chart(
    *,
    counts: Sequence[float],
    units: Sequence[float],
    baseline: Iterable[int] | None = None,
    sigmas: float = SIGMAS,
) -> Chart:
    """u chart: nonconformities per inspection unit; ū = Σc/Σn over the baseline, limits ū ± 3√(ū/nᵢ)."""
    xs, ns = _counts(counts, units, "Count of point")
    base = resolve_baseline(baseline, count=len(xs))
    members = set(base)
    u_bar = math.fsum(xs[i] for i in base) / math.fsum(ns[i] for i in base)
    unit = math.sqrt(u_bar)
    points = [
        _point(i, x / n, n, center=u_bar, sigma=unit / math.sqrt(n), k=sigmas, base=members)
        for i, (x, n) in enumerate(zip(xs, ns, strict=True))
    ]
    return _chart(ChartKind.U, points, sigma=unit, baseline=base, k=sigmas)
