"""Daily snapshots feed the readiness trend; taking one is idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ims.readiness.models import Snapshot
from ims.readiness.services import assessment_save
from ims.readiness.snapshots import take, take_if_due, trends
from ims.standards.loader import DATA_DIR, load
from ims.standards.selectors import clause_get, edition_get


@pytest.fixture
def library(db):
    load(DATA_DIR)


def test_one_snapshot_per_edition_per_day_updated_in_place(library, manager):
    take()
    assert Snapshot.objects.count() == 2
    assessment_save(by=manager, clause=clause_get(edition_get("iso9001:2015"), "7.2"), status="verified")
    take()
    assert Snapshot.objects.count() == 2
    assert Snapshot.objects.get(edition__standard__code="iso9001").score > 0


def test_the_first_visit_of_the_day_takes_it(library, web, viewer):
    assert not Snapshot.objects.exists()
    web(viewer).get("/")
    assert Snapshot.objects.filter(day=timezone.localdate()).count() == 2
    take_if_due()
    assert Snapshot.objects.count() == 2


def test_the_trend_orders_days_and_draws_points(library):
    today = timezone.localdate()
    take(today - dt.timedelta(days=2))
    take(today)
    trend = next(t for t in trends() if t.edition.standard.code == "iso9001")
    assert [d for d, _ in trend.points] == [today - dt.timedelta(days=2), today]
    assert trend.svg_points() == "0.0,60.0 300.0,60.0"


def test_the_command(library, capsys):
    call_command("readiness_snapshot")
    assert "ISO 9001:2015 + Amd 1:2024: 0.0%" in capsys.readouterr().out


def test_the_readiness_page_shows_the_trend(library, web, viewer):
    page = web(viewer).get("/readiness/").content.decode()
    assert "<polyline" in page
