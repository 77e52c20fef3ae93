"""Process capability of a characteristic against its specification limits (ISO 9001 8.5.1, 9.1.3).

Cp and Cpk use the within-subgroup σ (short-term: R̄/d2, S̄/c4 or MR̄/d2 as
on the control chart), Pp and Ppk the overall sample standard deviation of
every measurement (long-term). The indices describe a process only while it
is in statistical control; judge the control chart first.

A one-sided specification (a maximum emission, a minimum strength) has no
Cp, Pp or Cpm; Cpk and Ppk then come from the side that exists.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ims.spc.charts import individuals_moving_range, xbar_r, xbar_s

MIN_OBSERVATIONS = 30


@dataclass(frozen=True)
class Capability:
    """Capability indices; fractions out of specification are 0–1, not percent.

    ``expected_*`` come from a normal distribution with the within σ (as
    the indices Cp/Cpk assume); ``observed_*`` count the measurements.
    """

    n: int
    mean: float
    lsl: float | None
    usl: float | None
    target: float | None
    sigma_within: float
    sigma_overall: float
    within_method: str
    cp: float | None
    cpl: float | None
    cpu: float | None
    cpk: float
    pp: float | None
    ppl: float | None
    ppu: float | None
    ppk: float
    cpm: float | None
    expected_below_lsl: float | None
    expected_above_usl: float | None
    observed_below_lsl: float | None
    observed_above_usl: float | None


def _check_specification(lsl: float | None, usl: float | None, target: float | None) -> float | None:
    """The target to use for Cpm (the middle of the tolerance when not given)."""
    if lsl is None and usl is None:
        raise ValueError("Capability needs specification limits: give the lower (LSL), the upper (USL) or both.")
    for name, limit in (("lower", lsl), ("upper", usl)):
        if limit is not None and not math.isfinite(limit):
            raise ValueError(f"The {name} specification limit is not a finite number ({limit}).")
    if lsl is not None and usl is not None:
        if lsl >= usl:
            raise ValueError(f"The lower specification limit ({lsl:g}) must be below the upper one ({usl:g}).")
        target = (lsl + usl) / 2 if target is None else target
        if not lsl <= target <= usl:
            raise ValueError(f"The target ({target:g}) must lie within the specification limits ({lsl:g} to {usl:g}).")
    return target


def _indices(mean: float, sigma: float, lsl: float | None, usl: float | None) -> tuple[float | None, ...]:
    """(potential, lower, upper, actual) index for one σ: Cp, Cpl, Cpu, Cpk (or Pp …)."""
    lower = (mean - lsl) / (3 * sigma) if lsl is not None else None
    upper = (usl - mean) / (3 * sigma) if usl is not None else None
    potential = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    actual = min(i for i in (lower, upper) if i is not None)
    return potential, lower, upper, actual


def _normal_below(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _normal_above(z: float) -> float:
    # Not 1 − Φ(z): far into the tail that subtraction loses every significant digit.
    return 0.5 * math.erfc(z / math.sqrt(2))


def _capability(
    values: list[float],
    *,
    sigma_within: float,
    within_method: str,
    lsl: float | None,
    usl: float | None,
    target: float | None,
) -> Capability:
    mean = math.fsum(values) / len(values)
    sigma_overall = statistics.stdev(values)
    if sigma_within <= 0 or sigma_overall <= 0:
        raise ValueError("Every measurement is the same, so the spread is zero and capability is not defined.")
    cp, cpl, cpu, cpk = _indices(mean, sigma_within, lsl, usl)
    pp, ppl, ppu, ppk = _indices(mean, sigma_overall, lsl, usl)
    assert cpk is not None
    assert ppk is not None
    cpm = None
    if cp is not None and target is not None:
        cpm = cp * sigma_within / math.sqrt(sigma_within**2 + (mean - target) ** 2)
    n = len(values)
    return Capability(
        n=n,
        mean=mean,
        lsl=lsl,
        usl=usl,
        target=target,
        sigma_within=sigma_within,
        sigma_overall=sigma_overall,
        within_method=within_method,
        cp=cp,
        cpl=cpl,
        cpu=cpu,
        cpk=cpk,
        pp=pp,
        ppl=ppl,
        ppu=ppu,
        ppk=ppk,
        cpm=cpm,
        expected_below_lsl=None if lsl is None else _normal_below((lsl - mean) / sigma_within),
        expected_above_usl=None if usl is None else _normal_above((usl - mean) / sigma_within),
        observed_below_lsl=None if lsl is None else sum(1 for v in values if v < lsl) / n,
        observed_above_usl=None if usl is None else sum(1 for v in values if v > usl) / n,
    )


def _check_count(count: int, minimum: int) -> None:
    if count < minimum:
        raise ValueError(f"Capability needs at least {minimum} measurements to be meaningful; there are {count}.")


def capability_from_subgroups(
    *,
    subgroups: Sequence[Sequence[float]],
    lsl: float | None,
    usl: float | None,
    target: float | None = None,
    within: Literal["range", "stdev"] = "range",
    min_observations: int = MIN_OBSERVATIONS,
) -> Capability:
    """Capability of subgrouped measurements; within σ from R̄/d2 (``"range"``) or S̄/c4 (``"stdev"``)."""
    target = _check_specification(lsl, usl, target)
    values = [float(v) for group in subgroups for v in group]
    _check_count(len(values), min_observations)
    if within == "range":
        sigma, method = xbar_r(subgroups=subgroups).location.sigma, "R̄/d2"
    elif within == "stdev":
        sigma, method = xbar_s(subgroups=subgroups).location.sigma, "S̄/c4"
    else:
        raise ValueError(f"Unknown within-subgroup method {within!r}; use 'range' or 'stdev'.")
    return _capability(values, sigma_within=sigma, within_method=method, lsl=lsl, usl=usl, target=target)


def capability_from_individuals(
    *,
    values: Sequence[float],
    lsl: float | None,
    usl: float | None,
    target: float | None = None,
    min_observations: int = MIN_OBSERVATIONS,
) -> Capability:
    """Capability of individual readings; within σ from the moving range, MR̄/d2(2)."""
    target = _check_specification(lsl, usl, target)
    _check_count(len(values), min_observations)
    sigma = individuals_moving_range(values=values).location.sigma
    return _capability(
        [float(v) for v in values], sigma_within=sigma, within_method="MR̄/d2", lsl=lsl, usl=usl, target=target
    )
