"""Control chart constants for subgroup sizes 2 to 25.

d2 and d3 (mean and standard deviation of the relative range W = R/σ of n
normal observations) have no closed form; they are tabulated below. c4 and
every 3-sigma factor are computed from their definitions, so they agree with
the published tables to the rounding of the table's last digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_SUBGROUP = 2
MAX_SUBGROUP = 25

# d2 for n = 2..25 as printed in Montgomery, "Introduction to Statistical
# Quality Control", Appendix VI "Factors for constructing variables control
# charts" (which reproduces the ASTM MNL7 table). Published examples and
# software (qcc) use these 3-decimal figures, so the limits they print are
# reproduced exactly.
# d3 is given to four decimals: the 3-decimal d3 of that table makes
# D4 = 1 + 3·d3/d2 miss the table's own D4 (3.267 for n = 2). The fourth
# decimal comes from integrating the distribution of the range of n standard
# normal observations; rounded to three decimals it is Montgomery's d3
# column. tests/spc/test_constants.py recomputes both columns from the
# definitions.
_D2_D3: dict[int, tuple[float, float]] = {
    2: (1.128, 0.8525),
    3: (1.693, 0.8884),
    4: (2.059, 0.8798),
    5: (2.326, 0.8641),
    6: (2.534, 0.8480),
    7: (2.704, 0.8332),
    8: (2.847, 0.8198),
    9: (2.970, 0.8078),
    10: (3.078, 0.7971),
    11: (3.173, 0.7873),
    12: (3.258, 0.7785),
    13: (3.336, 0.7704),
    14: (3.407, 0.7630),
    15: (3.472, 0.7562),
    16: (3.532, 0.7499),
    17: (3.588, 0.7441),
    18: (3.640, 0.7386),
    19: (3.689, 0.7335),
    20: (3.735, 0.7287),
    21: (3.778, 0.7242),
    22: (3.819, 0.7199),
    23: (3.858, 0.7159),
    24: (3.895, 0.7121),
    25: (3.931, 0.7084),
}


def _check_size(n: int) -> None:
    if not MIN_SUBGROUP <= n <= MAX_SUBGROUP:
        raise ValueError(f"Control chart constants exist for subgroup sizes {MIN_SUBGROUP} to {MAX_SUBGROUP}; got {n}.")


def d2(n: int) -> float:
    """Mean of the relative range: E[R] = d2·σ."""
    _check_size(n)
    return _D2_D3[n][0]


def d3(n: int) -> float:
    """Standard deviation of the relative range: σ_R = d3·σ."""
    _check_size(n)
    return _D2_D3[n][1]


def c4(n: int) -> float:
    """Bias of the sample standard deviation: E[s] = c4·σ, c4 = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2)."""
    _check_size(n)
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


@dataclass(frozen=True)
class Factors:
    """The 3-sigma factors for one subgroup size, named as in the published tables.

    X̄ chart: x̿ ± A2·R̄ or x̿ ± A3·S̄ (A·σ with σ known). R chart: D3·R̄ to D4·R̄
    (D1·σ to D2·σ with σ known). S chart: B3·S̄ to B4·S̄ (B5·σ to B6·σ).
    Individuals: x̄ ± E2·MR̄, where E2 = 3/d2 for moving ranges of this span.
    """

    n: int
    d2: float
    d3: float
    c4: float
    A: float
    A2: float
    A3: float
    B3: float
    B4: float
    B5: float
    B6: float
    D1: float
    D2: float
    D3: float
    D4: float
    E2: float


def factors(n: int) -> Factors:
    """All control chart factors for subgroup size ``n`` (2 to 25)."""
    r_mean, r_sd, s_bias = d2(n), d3(n), c4(n)
    s_spread = 3 * math.sqrt(1 - s_bias**2)
    return Factors(
        n=n,
        d2=r_mean,
        d3=r_sd,
        c4=s_bias,
        A=3 / math.sqrt(n),
        A2=3 / (r_mean * math.sqrt(n)),
        A3=3 / (s_bias * math.sqrt(n)),
        # A negative lower factor means the lower limit does not exist; tables print 0.
        B3=max(0.0, 1 - s_spread / s_bias),
        B4=1 + s_spread / s_bias,
        B5=max(0.0, s_bias - s_spread),
        B6=s_bias + s_spread,
        D1=max(0.0, r_mean - 3 * r_sd),
        D2=r_mean + 3 * r_sd,
        D3=max(0.0, 1 - 3 * r_sd / r_mean),
        D4=1 + 3 * r_sd / r_mean,
        E2=3 / r_mean,
    )
