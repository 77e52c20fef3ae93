"""Run rules that signal an out-of-control process: Western Electric 1–4 and Nelson 1–8.

Each chart switches on its own set of rules. A violation names the rule,
the point that completes the pattern and every point in it, with a
description in plain words; the monitoring engine raises an alert for it.

The zone rules work in standard units z = (value − centre)/σ of the plotted
statistic at each point, so they hold on charts whose limits vary with the
subgroup size. Rule 1 compares with the control limits themselves, which are
cut at the statistic's possible range (a range of 0 is never below the
limits). A point exactly on the centre line belongs to neither side and
ends a run; equal successive points end a trend or an alternation.

Descriptions number points from 1, as people count samples; ``index`` and
``points`` are 0-based positions in the series, as in :class:`~ims.spc.charts.Point`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ims.spc.charts import Chart, Point


class Rule(StrEnum):
    WE1 = "WE1"
    WE2 = "WE2"
    WE3 = "WE3"
    WE4 = "WE4"
    N1 = "N1"
    N2 = "N2"
    N3 = "N3"
    N4 = "N4"
    N5 = "N5"
    N6 = "N6"
    N7 = "N7"
    N8 = "N8"

    @property
    def summary(self) -> str:
        return SUMMARIES[self]


SUMMARIES: dict[Rule, str] = {
    Rule.WE1: "Western Electric 1: one point beyond the control limits",
    Rule.WE2: "Western Electric 2: two of three points in a row beyond 2 sigma, same side",
    Rule.WE3: "Western Electric 3: four of five points in a row beyond 1 sigma, same side",
    Rule.WE4: "Western Electric 4: eight points in a row on one side of the centre line",
    Rule.N1: "Nelson 1: one point beyond the control limits",
    Rule.N2: "Nelson 2: nine points in a row on one side of the centre line",
    Rule.N3: "Nelson 3: six points in a row steadily increasing or decreasing",
    Rule.N4: "Nelson 4: fourteen points in a row alternating up and down",
    Rule.N5: "Nelson 5: two of three points in a row beyond 2 sigma, same side",
    Rule.N6: "Nelson 6: four of five points in a row beyond 1 sigma, same side",
    Rule.N7: "Nelson 7: fifteen points in a row within 1 sigma of the centre line",
    Rule.N8: "Nelson 8: eight points in a row beyond 1 sigma, on either side",
}

WESTERN_ELECTRIC: frozenset[Rule] = frozenset({Rule.WE1, Rule.WE2, Rule.WE3, Rule.WE4})
NELSON: frozenset[Rule] = frozenset(Rule(f"N{i}") for i in range(1, 9))


def parse_rules(ids: Iterable[str]) -> frozenset[Rule]:
    """The rule set of a chart from its stored rule ids (``"WE1"``, ``"N3"`` …)."""
    chosen = set()
    for rule_id in ids:
        try:
            chosen.add(Rule(rule_id.strip().upper()))
        except ValueError:
            known = ", ".join(r.value for r in Rule)
            raise ValueError(f"Unknown run rule {rule_id!r}; the rules are {known}.") from None
    return frozenset(chosen)


@dataclass(frozen=True)
class Violation:
    rule: Rule
    index: int
    points: tuple[int, ...]
    description: str


# --- Pattern finders ---------------------------------------------------------------------------
# Each returns (first position, last position, wording) for every position that completes a pattern.

Found = list[tuple[int, int, str]]


def _z(point: Point) -> float:
    if point.sigma > 0:
        return (point.value - point.center) / point.sigma
    if point.value == point.center:
        return 0.0
    return math.copysign(math.inf, point.value - point.center)


def _side(z: float) -> int:
    return (z > 0) - (z < 0)


def _side_word(side: int) -> str:
    return "above" if side > 0 else "below"


def _beyond_limits(points: Sequence[Point], zs: Sequence[float]) -> Found:
    found = []
    for pos, p in enumerate(points):
        if p.value > p.ucl:
            found.append((pos, pos, f"is above the upper control limit ({p.value:.6g} > {p.ucl:.6g})"))
        elif p.value < p.lcl:
            found.append((pos, pos, f"is below the lower control limit ({p.value:.6g} < {p.lcl:.6g})"))
    return found


def _k_of_m(k: int, m: int, beyond: float) -> Callable[[Sequence[Point], Sequence[float]], Found]:
    """k of m points in a row more than ``beyond`` sigma on one side; the last point is one of them."""
    words = {2: "Two", 3: "three", 4: "Four", 5: "five"}

    def find(points: Sequence[Point], zs: Sequence[float]) -> Found:
        found = []
        for end in range(len(zs)):
            # At the start of the series a shorter window already holds the pattern (2 of the first 2).
            first = max(0, end - m + 1)
            side = _side(zs[end])
            if side and abs(zs[end]) > beyond and sum(1 for z in zs[first : end + 1] if z * side > beyond) >= k:
                wording = f"{words[k]} of {words[m]} points in a row are more than {beyond:g} sigma {_side_word(side)}"
                found.append((first, end, wording + " the centre line"))
        return found

    return find


def _runs(
    count: int,
    length: int,
    *,
    qualifies: Callable[[int], bool],
    continues: Callable[[int], bool],
    steps: bool = False,
) -> list[tuple[int, int]]:
    """(first, last) position of the last ``length`` points wherever a run reaches ``length`` points.

    Without ``steps`` a point may belong to a run when ``qualifies(pos)`` and
    extends the previous point's run when ``continues(pos)``. With ``steps``
    the same questions are asked of the step from point pos−1 to pos, and a
    run of k steps spans k+1 points.
    """
    out = []
    start = 0
    for pos in range(count):
        if steps:
            if pos == 0:
                continue
            if not qualifies(pos):
                start = pos
                continue
            if pos - 1 > start and not continues(pos):
                start = pos - 1
        else:
            if not qualifies(pos):
                start = pos + 1
                continue
            if pos > start and not continues(pos):
                start = pos
        if pos - start + 1 >= length:
            # A longer run signals again at each point; each signal names its last ``length`` points.
            out.append((pos - length + 1, pos))
    return out


def _one_side(length: int, word: str) -> Callable[[Sequence[Point], Sequence[float]], Found]:
    def find(points: Sequence[Point], zs: Sequence[float]) -> Found:
        sides = [_side(z) for z in zs]
        runs = _runs(
            len(zs), length, qualifies=lambda pos: sides[pos] != 0, continues=lambda pos: sides[pos] == sides[pos - 1]
        )
        return [
            (first, last, f"{word} points in a row are {_side_word(sides[last])} the centre line")
            for first, last in runs
        ]

    return find


def _trend(points: Sequence[Point], zs: Sequence[float]) -> Found:
    def direction(pos: int) -> int:
        return _side(zs[pos] - zs[pos - 1])

    runs = _runs(
        len(zs),
        6,
        qualifies=lambda pos: direction(pos) != 0,
        continues=lambda pos: direction(pos) == direction(pos - 1),
        steps=True,
    )
    words = {1: "increasing", -1: "decreasing"}
    return [(first, last, f"Six points in a row are steadily {words[direction(last)]}") for first, last in runs]


def _alternating(points: Sequence[Point], zs: Sequence[float]) -> Found:
    def direction(pos: int) -> int:
        return _side(zs[pos] - zs[pos - 1])

    runs = _runs(
        len(zs),
        14,
        qualifies=lambda pos: direction(pos) != 0,
        continues=lambda pos: direction(pos) == -direction(pos - 1),
        steps=True,
    )
    return [(first, last, "Fourteen points in a row alternate up and down") for first, last in runs]


def _hugging(points: Sequence[Point], zs: Sequence[float]) -> Found:
    runs = _runs(len(zs), 15, qualifies=lambda pos: abs(zs[pos]) < 1, continues=lambda pos: True)
    wording = (
        "Fifteen points in a row are within 1 sigma of the centre line "
        "(the limits may be too wide, or the subgroups mix several streams)"
    )
    return [(first, last, wording) for first, last in runs]


def _avoiding_centre(points: Sequence[Point], zs: Sequence[float]) -> Found:
    runs = _runs(len(zs), 8, qualifies=lambda pos: abs(zs[pos]) > 1, continues=lambda pos: True)
    wording = (
        "Eight points in a row are more than 1 sigma from the centre line with none near it "
        "(the data may mix two processes)"
    )
    return [(first, last, wording) for first, last in runs]


_FINDERS: dict[Rule, Callable[[Sequence[Point], Sequence[float]], Found]] = {
    Rule.WE1: _beyond_limits,
    Rule.WE2: _k_of_m(2, 3, 2.0),
    Rule.WE3: _k_of_m(4, 5, 1.0),
    Rule.WE4: _one_side(8, "Eight"),
    Rule.N1: _beyond_limits,
    Rule.N2: _one_side(9, "Nine"),
    Rule.N3: _trend,
    Rule.N4: _alternating,
    Rule.N5: _k_of_m(2, 3, 2.0),
    Rule.N6: _k_of_m(4, 5, 1.0),
    Rule.N7: _hugging,
    Rule.N8: _avoiding_centre,
}


def _where(points: Sequence[Point], first: int, last: int) -> str:
    if first == last:
        return f"Point {points[last].index + 1}"
    return f"Points {points[first].index + 1}–{points[last].index + 1}:"


def check_points(points: Sequence[Point], *, rules: Iterable[Rule]) -> list[Violation]:
    """Every violation of the chosen rules, ordered by point, then by rule."""
    zs = [_z(p) for p in points]
    violations = []
    for rule in sorted(set(rules), key=list(Rule).index):
        for first, last, wording in _FINDERS[rule](points, zs):
            violations.append(
                Violation(
                    rule=rule,
                    index=points[last].index,
                    points=tuple(p.index for p in points[first : last + 1]),
                    description=f"{_where(points, first, last)} {wording}.",
                )
            )
    order = list(Rule)
    violations.sort(key=lambda v: (v.index, order.index(v.rule)))
    return violations


def check(chart: Chart, *, rules: Iterable[Rule] = WESTERN_ELECTRIC) -> list[Violation]:
    """Every violation of the chosen rules on a chart."""
    return check_points(chart.points, rules=rules)
