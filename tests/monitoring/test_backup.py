"""Readings survive ``ims backup`` and ``ims restore`` (their key is the series and the instant)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ims.monitoring.models import Reading, Series
from tests.ops.test_backup_restore import take_backup

pytestmark = pytest.mark.django_db(transaction=True)


def test_readings_round_trip_through_a_backup(elec, register, run_import, tmp_path):
    run_import(
        "series;timestamp;value;unit\n"
        "N-ELEC-MAIN;2024-01-01 00:00;1,5;MWh\n"
        "N-ELEC-REG;2024-01-01 00:00;999990;kWh\n"
        "N-ELEC-REG;2024-01-01 01:00;5;kWh\n"
    )
    before = list(Reading.objects.order_by("series_id", "ts").values())
    path = tmp_path / "backup.zip"
    take_backup(path)
    call_command("flush", interactive=False, verbosity=0)
    assert not Reading.objects.exists()
    from ims.ops.backup import restore

    counts = restore(path)
    assert counts["monitoring.reading"] == 3
    assert list(Reading.objects.order_by("series_id", "ts").values()) == before
    assert Series.objects.count() == 2
