"""Chart labels stay legible: axis labels never overlap, rule labels are never cut off at the plot's sides."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from ims.kpis.analysis import point_labels
from ims.kpis.models import Subgrouping
from ims.spc.charts import individuals_moving_range
from ims.spc.rules import Rule, check
from ims.spc.svg import Mark, Series, bar_chart_svg, control_chart_svg, plot_svg

SVG = "{http://www.w3.org/2000/svg}"
INK = "#1f2937"
CHAR = 6.5  # px per character at font-size 11, the estimate the charts are laid out with
BERLIN = ZoneInfo("Europe/Berlin")


def hourly_labels(count: int, *, prefix: str = "") -> list[str]:
    start = dt.datetime(2026, 9, 28, 7, 0)
    return [f"{prefix}{start + dt.timedelta(hours=i):%Y-%m-%d %H:%M}" for i in range(count)]


def wavy(count: int) -> list[float]:
    return [10 + math.sin(i) for i in range(count)]


def x_axis_labels(svg_text: str) -> list[tuple[str, float, float, str]]:
    """(text, left, right, anchor) of each label under the horizontal axis, left to right."""
    root = ET.fromstring(svg_text)
    texts = [t for t in root.iter(f"{SVG}text") if t.get("transform") is None]
    lowest = max(float(t.get("y")) for t in texts)
    boxes = []
    for t in texts:
        if float(t.get("y")) != lowest:
            continue
        x, width, anchor = float(t.get("x")), CHAR * len(t.text), t.get("text-anchor")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((t.text, left, left + width, anchor))
    return sorted(boxes, key=lambda box: box[1])


def plot_edges(svg_text: str) -> tuple[float, float]:
    """Left and right end of the horizontal axis line, the sides of the plot."""
    root = ET.fromstring(svg_text)
    axis = next(
        line
        for line in root.iter(f"{SVG}line")
        if line.get("stroke") == INK and line.get("stroke-width") is None and line.get("y1") == line.get("y2")
    )
    return float(axis.get("x1")), float(axis.get("x2"))


def assert_apart(boxes: list[tuple[str, float, float, str]], width: float) -> None:
    for (_, _, end, _), (text, start, _, _) in itertools.pairwise(boxes):
        assert start >= end + 6, f"{text} touches the label before it"
    assert boxes[0][1] >= 0
    assert boxes[-1][2] <= width


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (10, [0, 2, 4, 6, 8]),
        (60, [0, 11, 22, 33, 44, 55]),
        (365, [0, 63, 126, 189, 252, 315]),
    ],
)
def test_timestamp_labels_of_a_control_chart_never_overlap(count, shown):
    labels = hourly_labels(count)
    chart = individuals_moving_range(values=wavy(count)).location
    boxes = x_axis_labels(control_chart_svg(chart, labels=labels))
    assert [text for text, *_ in boxes] == [labels[i] for i in shown]
    assert_apart(boxes, 720)


@pytest.mark.parametrize("count", [10, 60, 365])
def test_long_labels_never_overlap_and_the_first_is_always_drawn(count):
    labels = hourly_labels(count, prefix="Batch sample of ")
    boxes = x_axis_labels(plot_svg(title="t", description="d", x_labels=labels, series=[Series("s", wavy(count))]))
    assert boxes[0][0] == labels[0]
    assert len(boxes) >= 2
    assert_apart(boxes, 720)


def test_a_first_label_wider_than_the_margin_runs_to_the_right_of_its_point():
    labels = hourly_labels(10, prefix="Batch sample of ")  # 32 characters, 208 px
    boxes = x_axis_labels(plot_svg(title="t", description="d", x_labels=labels, series=[Series("s", wavy(10))]))
    assert boxes[0] == (labels[0], 96.0, 304.0, "start")


def test_a_last_label_that_would_leave_the_picture_is_drawn_inwards_or_left_out():
    labels = hourly_labels(10, prefix="Sample ")  # 23 characters: every third point
    boxes = x_axis_labels(plot_svg(title="t", description="d", x_labels=labels, series=[Series("s", wavy(10))]))
    # Point 9 centred would end at 746.75 px; written inwards it would meet point 6's label, so it is left out.
    assert [text for text, *_ in boxes] == [labels[0], labels[3], labels[6]]
    assert_apart(boxes, 720)


def test_short_labels_are_all_drawn():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    boxes = x_axis_labels(plot_svg(title="t", description="d", x_labels=months, series=[Series("s", wavy(12))]))
    assert [text for text, *_ in boxes] == months
    assert {anchor for *_, anchor in boxes} == {"middle"}


# --- Violation labels ----------------------------------------------------------------------------------------------


def violation_labels(svg_text: str) -> list[tuple[str, float, float, str]]:
    root = ET.fromstring(svg_text)
    out = []
    for t in root.iter(f"{SVG}text"):
        if t.get("class") == "violation-label":
            x, width, anchor = float(t.get("x")), CHAR * len(t.text), t.get("text-anchor")
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            out.append((t.text, left, left + width, anchor))
    return out


@pytest.mark.parametrize(("position", "anchor"), [(0, "start"), (1, "start"), (30, "middle"), (58, "end"), (59, "end")])
def test_a_rule_label_near_a_side_runs_inwards_and_stays_inside_the_plot(position, anchor):
    text = plot_svg(
        title="t",
        description="d",
        x_labels=hourly_labels(60),
        series=[Series("s", wavy(60))],
        marks=[Mark(position, "WE1, WE2, WE3, WE4")],
    )
    (label,) = violation_labels(text)
    left, right = plot_edges(text)
    assert (left, right) == (64.0, 704.0)
    assert label[0] == "WE1, WE2, WE3, WE4"
    assert label[3] == anchor
    assert label[1] >= left
    assert label[2] <= right


def test_a_point_breaking_a_rule_at_the_end_of_a_control_chart_is_labelled_inside_it():
    values = [*wavy(59), 30.0]
    chart = individuals_moving_range(values=values, baseline=range(59)).location
    text = control_chart_svg(chart, violations=check(chart, rules={Rule.WE1}))
    (label,) = violation_labels(text)
    assert label[0] == "WE1"
    assert label[3] == "end"
    assert label[2] <= plot_edges(text)[1]


# --- Bar charts ----------------------------------------------------------------------------------------------------


def slanted_labels(svg_text: str) -> list[tuple[str, float]]:
    root = ET.fromstring(svg_text)
    return [
        (t.text, float(t.get("x")))
        for t in root.iter(f"{SVG}text")
        if (t.get("transform") or "").startswith("rotate(-35 ")
    ]


def test_bar_labels_that_fit_are_all_written_level():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    text = bar_chart_svg(title="t", description="d", x_labels=months, bars=[Series("kg", [1.0] * 12)])
    boxes = x_axis_labels(text)
    assert [t for t, *_ in boxes] == months
    assert slanted_labels(text) == []
    assert_apart(boxes, 720)


def test_bar_labels_without_room_for_a_gap_are_slanted():
    labels = [f"Line {i:04d}" for i in range(10)]  # 9 characters, 58.5 px plus the gap: more than a 64 px slot
    text = bar_chart_svg(title="t", description="d", x_labels=labels, bars=[Series("kg", [1.0] * 10)])
    assert [t for t, _ in slanted_labels(text)] == labels


@pytest.mark.parametrize(("count", "every"), [(10, 1), (60, 3), (365, 13)])
def test_slanted_bar_labels_are_a_line_apart_and_start_with_the_first(count, every):
    labels = [f"{dt.date(2026, 1, 1) + dt.timedelta(days=i)}" for i in range(count)]
    text = bar_chart_svg(title="t", description="d", x_labels=labels, bars=[Series("kg", [1.0] * count)])
    drawn = slanted_labels(text)
    assert [t for t, _ in drawn] == labels[::every]
    sine = math.sin(math.radians(35))
    assert all((b - a) * sine >= 13 for (_, a), (_, b) in itertools.pairwise(drawn))


# --- The labels a control chart's points get -----------------------------------------------------------------------


def moments(*local: str) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(m).replace(tzinfo=BERLIN).astimezone(dt.UTC) for m in local]


def test_one_reading_a_day_is_named_by_its_date():
    points = moments("2026-09-28T07:00", "2026-09-29T07:00", "2026-09-30T07:05")
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.NONE) == ["2026-09-28", "2026-09-29", "2026-09-30"]


def test_several_readings_of_one_day_keep_their_time():
    points = moments("2026-09-28T07:00", "2026-09-28T15:00", "2026-09-29T07:00")
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.NONE) == [
        "2026-09-28 07:00",
        "2026-09-28 15:00",
        "2026-09-29 07:00",
    ]
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.SIZE)[1] == "2026-09-28 15:00"


def test_the_day_is_that_of_the_site():
    # 23:30 UTC on 28 September is 01:30 on 29 September in Berlin.
    points = [dt.datetime(2026, 9, 28, 23, 30, tzinfo=dt.UTC)]
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.NONE) == ["2026-09-29"]


def test_daily_and_weekly_subgroups_are_named_by_their_period():
    points = moments("2026-09-28T18:00", "2026-10-04T18:00", "2026-10-05T18:00")
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.DAY) == ["2026-09-28", "2026-10-04", "2026-10-05"]
    assert point_labels(points, tz=BERLIN, subgrouping=Subgrouping.WEEK) == ["2026-W40", "2026-W40", "2026-W41"]
