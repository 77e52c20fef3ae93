"""Ordinary least squares with an intercept, for energy baselines of a handful of variables.

Solved by a QR decomposition (modified Gram–Schmidt) of the design matrix
rather than the normal equations, which square the condition number: degree
days and production often move together. The statistics are those a reviewer
asks for (ISO 50006 5.5): R², adjusted R², the residual standard error and,
for every coefficient, its standard error, t statistic and two-sided p-value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ims.energy import student_t

INTERCEPT = "(intercept)"

# A column whose part not explained by the earlier columns is below this fraction of its own
# length carries no information of its own: it is constant or a combination of the others.
_DEPENDENCE = 1e-9


@dataclass(frozen=True)
class Term:
    """One coefficient of the model with its standard error, t statistic and two-sided p-value."""

    name: str
    coefficient: float
    std_error: float
    t: float
    p_value: float


@dataclass(frozen=True)
class Regression:
    """A fitted model: energy = intercept + Σ coefficient·variable.

    ``ranges`` holds each variable's smallest and largest value in the fit,
    the range within which the model may be used without extrapolating.
    """

    terms: tuple[Term, ...]
    n: int
    df: int
    r2: float
    adj_r2: float
    residual_se: float
    fitted: tuple[float, ...]
    residuals: tuple[float, ...]
    ranges: Mapping[str, tuple[float, float]]

    @property
    def intercept(self) -> Term:
        return self.terms[0]

    @property
    def variables(self) -> tuple[Term, ...]:
        return self.terms[1:]

    def term(self, name: str) -> Term:
        for term in self.terms:
            if term.name == name:
                return term
        raise KeyError(name)

    def predict(self, values: Mapping[str, float]) -> float:
        """The model's energy for one period with the given variable values."""
        missing = [t.name for t in self.variables if t.name not in values]
        if missing:
            raise ValueError(f"A prediction needs a value for every model variable; missing: {', '.join(missing)}.")
        return self.intercept.coefficient + math.fsum(t.coefficient * values[t.name] for t in self.variables)


def _columns(y: Sequence[float], x: Mapping[str, Sequence[float]]) -> tuple[list[float], list[list[float]]]:
    ys = [float(v) for v in y]
    if any(not math.isfinite(v) for v in ys):
        raise ValueError("Every energy value must be a finite number.")
    if INTERCEPT in x:
        raise ValueError(f"{INTERCEPT!r} is reserved for the constant term; rename that variable.")
    columns = [[1.0] * len(ys)]
    for name, values in x.items():
        column = [float(v) for v in values]
        if len(column) != len(ys):
            raise ValueError(f"Variable {name!r} has {len(column)} values but there are {len(ys)} energy values.")
        if any(not math.isfinite(v) for v in column):
            raise ValueError(f"Every value of variable {name!r} must be a finite number.")
        columns.append(column)
    needed = len(columns) + 1
    if len(ys) < needed:
        raise ValueError(
            f"A model with {len(columns) - 1} variable(s) needs at least {needed} periods to estimate its "
            f"uncertainty; there are {len(ys)}."
        )
    return ys, columns


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(p * q for p, q in zip(a, b, strict=True))


def _qr(columns: list[list[float]], names: list[str]) -> tuple[list[list[float]], list[list[float]]]:
    """Q (orthonormal columns) and upper-triangular R with X = Q·R."""
    k = len(columns)
    q: list[list[float]] = []
    r = [[0.0] * k for _ in range(k)]
    for j, column in enumerate(columns):
        v = list(column)
        for i in range(j):
            r[i][j] = _dot(q[i], v)
            v = [a - r[i][j] * b for a, b in zip(v, q[i], strict=True)]
        r[j][j] = math.sqrt(_dot(v, v))
        if r[j][j] <= _DEPENDENCE * math.sqrt(_dot(column, column)):
            raise ValueError(
                f"Variable {names[j]!r} does not vary over the baseline period or is a combination of the "
                f"other variables; leave it out of the model."
            )
        q.append([a / r[j][j] for a in v])
    return q, r


def _inverse_upper(r: list[list[float]]) -> list[list[float]]:
    """R⁻¹ for an upper-triangular R, by back substitution column by column."""
    k = len(r)
    inv = [[0.0] * k for _ in range(k)]
    for col in range(k):
        for row in range(col, -1, -1):
            target = 1.0 if row == col else 0.0
            total = target - math.fsum(r[row][m] * inv[m][col] for m in range(row + 1, col + 1))
            inv[row][col] = total / r[row][row]
    return inv


def _term(name: str, coefficient: float, std_error: float, df: int) -> Term:
    # With a perfect fit (no residual) every coefficient is exact: significant unless it is zero.
    exact = math.copysign(math.inf, coefficient) if coefficient else 0.0
    t = coefficient / std_error if std_error > 0 else exact
    return Term(name, coefficient, std_error, t, student_t.two_sided_p(t, df))


def fit(*, y: Sequence[float], x: Mapping[str, Sequence[float]]) -> Regression:
    """Fit y = b0 + Σ bᵢ·xᵢ by least squares; ``x`` maps each variable's name to its values."""
    ys, columns = _columns(y, x)
    names = [INTERCEPT, *x]
    n, k = len(ys), len(columns)
    q, r = _qr(columns, names)
    r_inv = _inverse_upper(r)
    qty = [_dot(qi, ys) for qi in q]
    beta = [math.fsum(r_inv[i][j] * qty[j] for j in range(k)) for i in range(k)]
    fitted = [math.fsum(beta[j] * columns[j][i] for j in range(k)) for i in range(n)]
    residuals = [a - b for a, b in zip(ys, fitted, strict=True)]
    mean_y = math.fsum(ys) / n
    total = math.fsum((v - mean_y) ** 2 for v in ys)
    if total == 0:
        raise ValueError("Energy use is the same in every period, so there is no variation for a model to explain.")
    sse = math.fsum(e * e for e in residuals)
    df = n - k
    variance = sse / df
    # (XᵀX)⁻¹ = R⁻¹·R⁻ᵀ; only its diagonal is needed for the standard errors.
    std_errors = [math.sqrt(variance * math.fsum(r_inv[i][j] ** 2 for j in range(k))) for i in range(k)]
    r2 = 1 - sse / total
    return Regression(
        terms=tuple(_term(names[i], beta[i], std_errors[i], df) for i in range(k)),
        n=n,
        df=df,
        r2=r2,
        adj_r2=1 - (1 - r2) * (n - 1) / df,
        residual_se=math.sqrt(variance),
        fitted=tuple(fitted),
        residuals=tuple(residuals),
        ranges={name: (min(values), max(values)) for name, values in zip(names[1:], columns[1:], strict=True)},
    )
