"""Shared fixtures of the emission factor tests: the shipped library, loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from ims.core.context import Channel, acting
from ims.factors.loader import LoadReport, load


@pytest.fixture(scope="module")
def shipped(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LoadReport]:
    """Every shipped factor set, loaded once for the module and rolled back after it.

    Each test still runs in its own transaction inside this one, so what a
    test writes is undone before the next test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with acting(Channel.CLI):
            report = load()
        yield report
        transaction.set_rollback(True)


def factor(external_id: str, year: int | None = None) -> Any:
    from ims.factors.models import EmissionFactor

    qs = EmissionFactor.objects.filter(external_id=external_id)
    return qs.get(year=year) if year is not None else qs.get()
