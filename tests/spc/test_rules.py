"""Each run rule fires on the pattern it describes and on nothing else; charts choose their rules."""

from __future__ import annotations

import pytest

from ims.spc.charts import Chart, ChartKind, Point, p_chart
from ims.spc.rules import NELSON, WESTERN_ELECTRIC, Rule, check, parse_rules


def chart_of(values, *, center=0.0, sigma=1.0):
    """A chart in standard units: centre 0, σ 1, limits ±3."""
    points = tuple(
        Point(i, v, 1, center, center - 3 * sigma, center + 3 * sigma, sigma, True) for i, v in enumerate(values)
    )
    return Chart(ChartKind.INDIVIDUALS, points, center, center - 3 * sigma, center + 3 * sigma, sigma, (0, 1))


BEYOND_LIMITS = [0.5, -0.5, 3.5, -0.5, 0.5]
TWO_OF_THREE = [0.5, -0.5, 2.5, 0.5, 2.5, -0.5]
FOUR_OF_FIVE = [0.5, -0.5, 1.5, 1.5, 0.5, 1.5, 1.5, -0.5]
EIGHT_ON_ONE_SIDE = [-0.5, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, -0.5]
NINE_ON_ONE_SIDE = [-0.5, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, 0.5, -0.5]
SIX_INCREASING = [0.5, -1.2, -0.7, -0.2, 0.3, 0.8, 1.3, 0.4]
FOURTEEN_ALTERNATING = [0.5, -0.5] * 7
FIFTEEN_NEAR_CENTRE = ([0.5, 0.6, -0.5, -0.6] * 4)[:15]
EIGHT_AWAY_FROM_CENTRE = [1.5, -1.5] * 4


@pytest.mark.parametrize(
    ("rule", "values"),
    [
        (Rule.WE1, BEYOND_LIMITS),
        (Rule.WE2, TWO_OF_THREE),
        (Rule.WE3, FOUR_OF_FIVE),
        (Rule.WE4, EIGHT_ON_ONE_SIDE),
    ],
)
def test_each_western_electric_rule_fires_alone_on_its_pattern(rule, values):
    assert {v.rule for v in check(chart_of(values), rules=WESTERN_ELECTRIC)} == {rule}


@pytest.mark.parametrize(
    ("rule", "values"),
    [
        (Rule.N1, BEYOND_LIMITS),
        (Rule.N2, NINE_ON_ONE_SIDE),
        (Rule.N3, SIX_INCREASING),
        (Rule.N4, FOURTEEN_ALTERNATING),
        (Rule.N5, TWO_OF_THREE),
        (Rule.N6, FOUR_OF_FIVE),
        (Rule.N7, FIFTEEN_NEAR_CENTRE),
        (Rule.N8, EIGHT_AWAY_FROM_CENTRE),
    ],
)
def test_each_nelson_rule_fires_alone_on_its_pattern(rule, values):
    assert {v.rule for v in check(chart_of(values), rules=NELSON)} == {rule}


@pytest.mark.parametrize(
    ("rule", "values"),
    [
        (Rule.WE4, EIGHT_ON_ONE_SIDE[:-2]),
        (Rule.N2, NINE_ON_ONE_SIDE[:-2]),
        (Rule.N3, SIX_INCREASING[:-2]),
        (Rule.N4, FOURTEEN_ALTERNATING[:-1]),
        (Rule.N7, FIFTEEN_NEAR_CENTRE[:-1]),
        (Rule.N8, EIGHT_AWAY_FROM_CENTRE[:-1]),
        (Rule.WE2, [0.5, 2.5, 0.5, 0.5, 2.5]),
        (Rule.WE3, [1.5, 1.5, 0.5, 0.5, 1.5, 1.5]),
    ],
)
def test_a_pattern_one_point_short_does_not_fire(rule, values):
    assert check(chart_of(values), rules={rule}) == []


def test_a_violation_names_the_rule_the_points_and_what_happened():
    [violation] = check(chart_of(BEYOND_LIMITS), rules={Rule.WE1})
    assert violation.rule is Rule.WE1
    assert violation.index == 2
    assert violation.points == (2,)
    assert violation.description == "Point 3 is above the upper control limit (3.5 > 3)."


def test_a_run_violation_describes_the_run_in_plain_words():
    [violation] = check(chart_of(EIGHT_ON_ONE_SIDE), rules={Rule.WE4})
    assert violation.index == 8
    assert violation.points == tuple(range(1, 9))
    assert violation.description == "Points 2–9: Eight points in a row are above the centre line."


def test_zone_rules_hold_from_the_first_points_of_a_series():
    [violation] = check(chart_of([2.5, 2.5, 0.5]), rules={Rule.WE2})
    assert violation.points == (0, 1)
    assert (
        violation.description == "Points 1–2: Two of three points in a row are more than 2 sigma above the centre line."
    )


def test_zone_rules_need_points_on_the_same_side():
    # Two points beyond 2 sigma, but on opposite sides.
    assert check(chart_of([2.5, 0.0, -2.5]), rules={Rule.WE2}) == []


def test_a_longer_run_signals_at_every_further_point():
    values = [0.5] * 10
    found = check(chart_of(values), rules={Rule.WE4})
    assert [v.index for v in found] == [7, 8, 9]
    assert all(len(v.points) == 8 for v in found)


def test_a_point_on_the_centre_line_breaks_a_run():
    values = [0.5] * 4 + [0.0] + [0.5] * 4
    assert check(chart_of(values), rules={Rule.WE4}) == []


def test_equal_successive_points_break_a_trend():
    assert check(chart_of([0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6]), rules={Rule.N3}) == []


def test_only_the_rules_switched_on_for_the_chart_are_checked():
    chart = chart_of([0.5, 2.5, 2.5, 3.5])
    assert {v.rule for v in check(chart, rules={Rule.WE1})} == {Rule.WE1}
    assert {v.rule for v in check(chart, rules=set())} == set()
    assert {v.rule for v in check(chart, rules={Rule.WE1, Rule.WE2})} == {Rule.WE1, Rule.WE2}


def test_violations_are_ordered_by_point_then_rule():
    found = check(chart_of([0.5, 2.5, 2.5, 3.5]), rules=WESTERN_ELECTRIC)
    assert [(v.index, v.rule.value) for v in found] == [(2, "WE2"), (3, "WE1"), (3, "WE2")]


def test_zones_follow_each_points_own_limits_when_the_sample_size_varies():
    # 10 % nonconforming is beyond the limit for a sample of 100 but within it for a sample of 20.
    chart = p_chart(nonconforming=[3, 3, 3, 3, 10, 2], sizes=[100, 100, 100, 100, 100, 20], baseline=range(4))
    [violation] = check(chart, rules={Rule.WE1})
    assert violation.index == 4
    assert chart.points[5].value == pytest.approx(chart.points[4].value)


def test_rule_sets_are_read_from_stored_ids():
    assert parse_rules(["we1", " N3 "]) == {Rule.WE1, Rule.N3}


def test_an_unknown_rule_id_is_refused():
    with pytest.raises(ValueError, match=r"^Unknown run rule 'N9'; the rules are WE1, WE2, .*, N8\.$"):
        parse_rules(["N9"])
