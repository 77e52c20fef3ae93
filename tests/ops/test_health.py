"""/healthz and /readyz for load balancers: no login, JSON, 503 with a reason when not ready."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from ims.ops import health


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def not_yet_ready(monkeypatch):
    """readyz checks migrations until it has once found them all applied; start from before that."""
    monkeypatch.setattr(health, "_ready", False)


def test_healthz_answers_without_login(anonymous):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_database(anonymous):
    """Liveness must not fail because the database is down (no db fixture: any query would error)."""
    assert anonymous.get("/healthz").status_code == 200


def test_readyz_reports_the_database_and_migrations(db, anonymous, not_yet_ready):
    response = anonymous.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "applied"}
    assert "no-cache" in response["Cache-Control"]
    assert health._ready is True


def test_readyz_is_503_with_the_reason_when_the_database_fails(db, anonymous, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", unreachable)
        response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable: OperationalError"}
    assert "connection refused" not in response.content.decode()


def test_readyz_is_503_listing_pending_migrations(db, anonymous, not_yet_ready, monkeypatch):
    pending = Migration("0099_future_change", "org")
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [(pending, False)])

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "pending_migrations": ["org.0099_future_change"],
    }
    assert health._ready is False


def test_readyz_answers_without_login_even_when_login_is_required_everywhere_else(db, anonymous):
    assert anonymous.get("/organisation/").status_code == 302
    assert anonymous.get("/readyz").status_code == 200
