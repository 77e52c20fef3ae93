"""Server-side SVG of control charts: accessible, escaped, script-free, flags not by colour alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from ims.spc.charts import c_chart, individuals_moving_range, p_chart, xbar_r
from ims.spc.rules import WESTERN_ELECTRIC, Rule, check
from ims.spc.svg import Series, control_chart_svg, control_chart_table, decimals_for, fmt, plot_svg
from tests.spc.published import pistonrings

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture
def xbar():
    chart = xbar_r(subgroups=pistonrings(), baseline=range(25)).location
    return chart, check(chart, rules={Rule.WE1})


def parse(svg_text):
    return ET.fromstring(svg_text)


def test_the_chart_is_an_image_labelled_by_its_title_and_description(xbar):
    chart, violations = xbar
    root = parse(control_chart_svg(chart, violations=violations, title="Piston rings", element_id="rings"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "rings-title rings-desc"
    assert root.find("svg:title", NS).text == "Piston rings"
    assert root.find("svg:title", NS).get("id") == "rings-title"
    description = root.find("svg:desc", NS).text
    assert description == (
        "X̄ chart (subgroup means) of 40 points. Centre line 74.00118. Control limits 73.98805 to 74.01430. "
        "Limits computed from 25 baseline points (1 to 25). 3 points break run rules: 37 (WE1); 38 (WE1); 39 (WE1)."
    )


def test_violations_get_a_diamond_and_a_text_label(xbar):
    chart, violations = xbar
    text = control_chart_svg(chart, violations=violations)
    root = parse(text)
    diamonds = root.findall(".//svg:path[@class='violation']", NS)
    labels = [t.text for t in root.findall(".//svg:text[@class='violation-label']", NS)]
    # Three neighbouring points broke the same rule: three diamonds, one label at the first.
    assert len(diamonds) == 3
    assert labels == ["WE1"]
    assert "rule broken (rule ids shown)" in text


def test_without_violations_the_description_says_so():
    chart = c_chart(counts=[5, 6, 5, 7, 6])
    text = control_chart_svg(chart, violations=check(chart, rules=WESTERN_ELECTRIC))
    assert "No point breaks the chosen run rules." in text
    assert "rule broken" not in text


def test_limits_that_vary_with_the_sample_size_are_drawn_as_steps():
    chart = p_chart(nonconforming=[5, 8, 3, 12], sizes=[100, 200, 50, 150])
    text = control_chart_svg(chart)
    upper = re.search(r'<path d="([^"]*)"[^>]*><title>upper control limit</title>', text).group(1)
    # Two horizontal segments ("M x,y L x,y" then "L x,y L x,y") per point.
    assert upper.count("L") == 2 * 4 - 1
    assert "Control limits vary with the sample size; see the table." in text


def test_text_is_escaped_and_there_is_no_script(xbar):
    chart, violations = xbar
    text = control_chart_svg(
        chart, violations=violations, title='<script>alert("x")</script>', labels=[f"<b>{i}</b>" for i in range(40)]
    )
    parse(text)
    assert "<script" not in text
    assert "&lt;script&gt;" in text
    assert "&lt;b&gt;0&lt;/b&gt;" in text
    assert not re.search(r"\son[a-z]+=", text)


def test_element_ids_are_made_safe():
    text = plot_svg(title="t", description="d", x_labels=["a"], series=[Series("s", [1.0])], element_id='x" onload="')
    assert 'id="x-onload-title"' in text


def test_the_moving_range_chart_takes_the_labels_of_its_readings():
    pair = individuals_moving_range(values=[1.0, 2.0, 1.5, 1.8])
    table = control_chart_table(pair.dispersion, labels=["Mon", "Tue", "Wed", "Thu"])
    assert [row[0] for row in table.rows] == ["Tue", "Wed", "Thu"]


def test_the_data_table_lists_every_point_with_its_limits_and_rules(xbar):
    chart, violations = xbar
    table = control_chart_table(chart, violations=violations)
    assert table.caption == "Data of the X̄ chart (subgroup means)"
    assert table.header == ("Point", "Value", "Sample size", "Centre line", "LCL", "UCL", "In baseline", "Rules broken")
    assert len(table.rows) == 40
    assert table.rows[0] == ("1", "74.01020", "5", "74.00118", "73.98805", "74.01430", "yes", "")
    assert table.rows[36] == ("37", "74.01660", "5", "74.00118", "73.98805", "74.01430", "no", "WE1")


def test_counts_are_shown_as_whole_numbers():
    table = control_chart_table(c_chart(counts=[21, 24, 16]))
    assert [row[1] for row in table.rows] == ["21", "24", "16"]


@pytest.mark.parametrize(("scale", "decimals"), [(0.0044, 5), (0.5, 3), (4.45, 2), (120.0, 0), (0.0, 4)])
def test_decimals_show_two_significant_digits_of_the_spread(scale, decimals):
    assert decimals_for(scale) == decimals


def test_negative_zero_is_written_as_zero():
    assert fmt(-0.00001, 2) == "0.00"
    assert fmt(None, 2) == ""


def test_it_refuses_too_few_labels(xbar):
    chart, _ = xbar
    with pytest.raises(ValueError, match=r"^The chart has 40 positions but 3 labels; give one label per reading\.$"):
        control_chart_table(chart, labels=["a", "b", "c"])
