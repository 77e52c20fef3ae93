"""The analysis of the register: Pareto, flow and ageing with fixed dates, time to close, overdue, recurrences.

Events are reported through the services and then dated directly, so the
figures below are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ims.core.errors import ValidationFailed
from ims.improvement import analysis, services
from ims.improvement.analysis import AgeBucket, ParetoBar, Window
from ims.improvement.configuration import ensure_defaults
from ims.improvement.models import Event, EventStatus, EventType, Step
from tests.improvement.conftest import at, cause, plan, report

S = EventStatus
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _taxonomy(manager: Any) -> None:
    ensure_defaults(by=manager)


def moment(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def dated(event: Event, **fields: Any) -> Event:
    Event.objects.filter(pk=event.pk).update(**fields)
    return Event.objects.get(pk=event.pk)


def many(by: Any, site: Any, n: int, **fields: Any) -> list[Event]:
    made = [report(by, site, occurred_at=moment(dt.date(2026, 3, 2))) for _ in range(n)]
    return [dated(e, **fields) for e in made]


def test_the_pareto_of_causes_is_sorted_with_its_cumulative_share(manager, north, press):
    many(manager, north, 5, cause_category=cause("tooling"), process=press)
    many(manager, north, 3, cause_category=cause("maintenance"), process=press)
    many(manager, north, 2, cause_category=cause("training"))
    many(manager, north, 2, cause_category=cause("calibration"))
    many(manager, north, 1)  # not analysed yet
    rejected = report(manager, north, occurred_at=moment(dt.date(2026, 3, 2)))
    services.event_transition(by=manager, event=rejected, version=rejected.version, to=S.REJECTED, reason="Not ours.")
    dated(rejected, cause_category=cause("tooling"))
    result = analysis.paretos(manager, Window(dt.date(2026, 1, 1), TODAY))
    causes = result["cause"]
    assert causes.bars == [
        ParetoBar(str(cause("tooling").pk), "Tooling or fixture", 5, Decimal("41.7"), Decimal("41.7")),
        ParetoBar(
            str(cause("maintenance").pk), "Maintenance missing or ineffective", 3, Decimal("25.0"), Decimal("66.7")
        ),
        ParetoBar(
            str(cause("calibration").pk), "Calibration of measuring equipment", 2, Decimal("16.7"), Decimal("83.3")
        ),
        ParetoBar(str(cause("training").pk), "Training or awareness", 2, Decimal("16.7"), Decimal("100.0")),
    ]
    assert (causes.total, causes.unclassified) == (12, 1)
    assert [b.label for b in causes.vital_few] == [
        "Tooling or fixture",
        "Maintenance missing or ineffective",
        "Calibration of measuring equipment",
    ]
    processes = result["process"]
    assert [(b.label, b.events, b.cumulative) for b in processes.bars] == [
        (f"{press.reference} Pressing", 8, Decimal("100.0"))
    ]
    assert processes.unclassified == 5
    assert [(b.key, b.events, b.share) for b in result["type"].bars] == [("product_nc", 13, Decimal("100.0"))]


def test_the_pareto_keeps_to_the_window_and_to_the_readers_sites(manager, outsider, north, south):
    many(manager, north, 2, cause_category=cause("tooling"))
    late = many(manager, south, 1, cause_category=cause("tooling"))[0]
    dated(late, occurred_at=moment(dt.date(2025, 12, 31), 23, 0))
    window = Window(dt.date(2026, 1, 1), TODAY)
    assert analysis.paretos(manager, window)["cause"].total == 2
    assert analysis.paretos(outsider, window)["cause"].total == 0
    assert analysis.paretos(outsider, Window(dt.date(2025, 12, 1), TODAY))["cause"].total == 1
    with pytest.raises(ValidationFailed):
        Window(TODAY, dt.date(2026, 1, 1))


def test_ageing_buckets_count_days_open_from_the_day_reported(manager, north):
    days_open = [0, 30, 31, 90, 91, 180, 181, 400]
    for days in days_open:
        event = report(manager, north)
        # Reported late in the evening or just after midnight: the day counts, not the hour.
        hour = 23 if days % 2 == 0 else 0
        dated(event, created_at=moment(TODAY - dt.timedelta(days=days), hour, 30 if hour else 1))
    closed = at(S.CLOSED, manager, north)
    dated(closed, created_at=moment(TODAY - dt.timedelta(days=200)))
    buckets = analysis.ageing(manager, today=TODAY)
    assert buckets == [
        AgeBucket("0–30 days", 0, 30, 2),
        AgeBucket("31–90 days", 31, 90, 2),
        AgeBucket("91–180 days", 91, 180, 2),
        AgeBucket("over 180 days", 181, None, 2),
    ]


def test_flow_per_month_and_the_average_days_to_close(manager, north):
    sept, octo, nov = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    before = report(manager, north)
    dated(before, created_at=moment(dt.date(2026, 8, 20)))
    first = at(S.CLOSED, manager, north)
    dated(first, created_at=moment(sept, 0, 0), closed_at=moment(dt.date(2026, 9, 11), 0, 0))
    second = at(S.CLOSED, manager, north)
    dated(second, created_at=moment(octo, 0, 0), closed_at=moment(dt.date(2026, 10, 6), 12, 0))
    for day in (dt.date(2026, 9, 15), dt.date(2026, 10, 20), dt.date(2026, 11, 3)):
        dated(report(manager, north), created_at=moment(day))
    window = Window(sept, TODAY)
    months = analysis.flow(manager, window)
    assert [(m.label, m.reported, m.closed, m.open_at_end) for m in months] == [
        ("2026-09", 2, 1, 2),
        ("2026-10", 2, 1, 3),
        ("2026-11", 1, 0, 4),
    ]
    closing = analysis.days_to_close(manager, window)
    assert [(c.label, c.events, c.average_days) for c in closing] == [
        ("All types", 2, Decimal("7.8")),  # (10 + 5.5) / 2 = 7.75
        ("Product or service nonconformity", 2, Decimal("7.8")),
    ]
    assert analysis.days_to_close(manager, Window(nov, TODAY))[0].average_days is None
    assert nov == months[-1].month


def test_the_overdue_list_puts_the_longest_late_first(manager, north):
    step_late = report(manager, north, title="Step late")
    Step.objects.filter(event=step_late).update(due=TODAY - dt.timedelta(days=3))
    action_late = at(S.IMPLEMENTATION, manager, north, title="Action late")
    action_late.actions.update(due=TODAY - dt.timedelta(days=10))
    Step.objects.filter(event=action_late).update(due=TODAY + dt.timedelta(days=5))
    on_time = at(S.ACTION_PLAN, manager, north, title="On time")
    plan(on_time, manager)
    rows, total = analysis.overdue_list(manager, today=TODAY)
    assert total == 2
    assert [(r.event.title, r.days_late, r.step) for r in rows] == [
        ("Action late", 10, "an action"),
        ("Step late", 3, "Reported step"),
    ]


def test_recurrences_group_the_same_process_and_cause(manager, north, press):
    first = report(manager, north, process=press, occurred_at=moment(dt.date(2026, 5, 4)))
    again = report(manager, north, process=press, occurred_at=moment(dt.date(2026, 7, 9)))
    for event in (first, again):
        event.refresh_from_db()
        services.event_update(by=manager, event=event, version=event.version, cause_category=cause("tooling"))
    listed = analysis.recurrences(manager, Window(dt.date(2026, 1, 1), TODAY))
    assert [(r.cause, r.events, r.still_open, r.references) for r in listed] == [
        ("Tooling or fixture", 2, 2, sorted([first.reference, again.reference]))
    ]
    assert listed[0].process == str(press)


def test_the_whole_analysis_in_a_fixed_number_of_queries(manager, north, press, django_assert_max_num_queries):
    many(manager, north, 4, cause_category=cause("tooling"), process=press)
    window = Window.last_months(today=TODAY)
    with django_assert_max_num_queries(40):
        data = analysis.analysis_data(manager, window, today=TODAY)
    assert data.core.paretos["cause"].total == 4
    assert [len(data.flow), data.flow[0].label] == [24, "2024-12"]
    assert data.open_now == 4
    assert EventType.PRODUCT_NC in [b.key for b in data.core.paretos["type"].bars]


def test_the_analysis_page_draws_each_chart_with_its_table(web, manager, outsider, north, press):
    many(manager, north, 3, cause_category=cause("tooling"), process=press)
    many(manager, north, 1, cause_category=cause("training"), process=press)
    page = web(manager).get("/improvement/analysis").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 7
    assert 'aria-labelledby="pareto-cause-title pareto-cause-desc"' in page
    assert "Pareto of 4 events by cause category, most frequent first: Tooling or fixture 3 (75.0 %, cumulative" in page
    assert "<caption>Events by cause category</caption>" in page
    assert '<th scope="row">Training or awareness</th><td class="num">1</td><td class="num">25.0</td>' in page
    assert "Download PDF" in page
    other = web(outsider).get("/improvement/analysis").content.decode()
    assert "Pareto of 0 events by cause category" in other
    filtered = (
        web(manager).get("/improvement/analysis", {"since": "2026-04-01", "until": "2026-05-01"}).content.decode()
    )
    assert "Pareto of 0 events by cause category" in filtered


def test_the_analysis_downloads_as_a_workbook_and_a_pdf(web, manager, north, press):
    import io

    from openpyxl import load_workbook

    many(manager, north, 2, cause_category=cause("tooling"), process=press)
    client = web(manager)
    xlsx = client.get("/improvement/analysis.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:4] == ["Summary", "Pareto by cause", "Pareto by process", "Pareto by type"]
    rows = list(book["Pareto by cause"].iter_rows(values_only=True))
    assert rows == [("Cause category", "Events", "Share %", "Cumulative %"), ("Tooling or fixture", 2, 100, 100)]
    assert "Costs by month" in book.sheetnames
    pdf = client.get("/improvement/analysis.pdf")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")


def test_the_analysis_through_the_api(api, manager, north, press):
    many(manager, north, 2, cause_category=cause("tooling"), process=press)
    body = api(manager).get("/event-analysis", since="2026-01-01").json()
    assert body["pareto"]["cause"]["bars"] == [
        {
            "key": str(cause("tooling").pk),
            "label": "Tooling or fixture",
            "events": 2,
            "share": "100.0",
            "cumulative": "100.0",
        }
    ]
    assert [b["events"] for b in body["ageing"]] == [2, 0, 0, 0]
    assert body["costs"]["month"]["currency"] == "EUR"
    assert len(body["flow"]) == len(body["costs"]["month"]["rows"])


def test_effectiveness_checks_are_listed_for_an_integrator(api, manager, outsider, north):
    event = at(S.EFFECTIVENESS, manager, north)
    listed = api(manager).get("/effectiveness-checks", pending=True).json()
    assert [(c["event_reference"], c["result"]) for c in listed["items"]] == [(event.reference, "")]
    assert api(outsider).get("/effectiveness-checks").json()["count"] == 0
