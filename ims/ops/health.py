"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


_ready = False


@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and every migration is applied."""
    global _ready
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = []
        if not _ready:  # once every migration is applied, only the database is re-checked
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any failure here means "not ready", with the reason
        return JsonResponse({"status": "unavailable", "database": f"unreachable: {exc.__class__.__name__}"}, status=503)
    if pending:
        names = [f"{m.app_label}.{m.name}" for m, _ in pending]
        return JsonResponse({"status": "unavailable", "database": "ok", "pending_migrations": names}, status=503)
    _ready = True
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "applied"})
