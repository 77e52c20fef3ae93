"""Reads of the processes register, filtered by the reader's sites in SQL.

A process with no sites runs at all sites and everyone who may view anything
sees it; otherwise one of its sites must be in the reader's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ims.accounts.permissions import Action, scope_for
from ims.core.errors import NotFound, ValidationFailed
from ims.processes.models import Process, ProcessKind, ProcessLink

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "name": "name",
    "-name": "-name",
    "review": "review_date",
    "-review": "-review_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}

_SITES = Process.sites.through


def _runs_at(site_ids: list[int] | None = None) -> Q:
    """Runs at all sites (no site rows), or at one of ``site_ids``."""
    no_sites = ~Exists(_SITES.objects.filter(process_id=OuterRef("pk")))
    if site_ids is None:
        return Q(no_sites)
    return Q(no_sites) | Q(Exists(_SITES.objects.filter(process_id=OuterRef("pk"), site_id__in=site_ids)))


def visible_processes(qs: QuerySet[Process], user: Any, action: Action = Action.VIEW) -> QuerySet[Process]:
    scope = scope_for(user, action)
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        return qs.none()
    return qs.filter(_runs_at(sorted(scope.site_ids)))


def processes_visible_to(user: Any) -> QuerySet[Process]:
    return visible_processes(Process.objects.select_related("owner").prefetch_related("sites"), user)


def live_processes_for(user: Any) -> QuerySet[Process]:
    """The processes in use the user can see, by reference: the choices of a form that links processes."""
    return processes_visible_to(user).filter(archived_at__isnull=True).order_by("reference")


def process_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    kind: str = "",
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[Process]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if kind and kind not in ProcessKind.values:
        raise ValidationFailed({"kind": [f"Filter by one of: {', '.join(ProcessKind.values)}."]})
    qs = processes_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(name__icontains=q)
            | Q(purpose__icontains=q)
            | Q(inputs__icontains=q)
            | Q(outputs__icontains=q)
        )
    if site_id is not None:
        qs = qs.filter(_runs_at([site_id]))
    if kind:
        qs = qs.filter(kind=kind)
    if overdue is not None:
        late = Q(review_date__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by(SORTS[sort], "id")


def process_get(user: Any, pk: int) -> Process:
    process = processes_visible_to(user).filter(pk=pk).first()
    if process is None:
        raise NotFound(f"No process with id {pk} that you may see.")
    return process


def links_of(user: Any, process: Process) -> tuple[list[ProcessLink], list[ProcessLink]]:
    """The links out of and into ``process`` whose other end the user may see."""
    visible = visible_processes(Process.objects.all(), user).values("pk")
    related = ProcessLink.objects.select_related("source", "target")
    out = list(related.filter(source=process, target__in=visible).order_by("target__reference"))
    into = list(related.filter(target=process, source__in=visible).order_by("source__reference"))
    return out, into


def process_map(user: Any, *, site_id: int | None = None) -> tuple[list[Process], list[ProcessLink]]:
    """Active processes the user may see and the links between them."""
    qs = visible_processes(Process.objects.filter(archived_at__isnull=True), user)
    if site_id is not None:
        qs = qs.filter(_runs_at([site_id]))
    processes = list(qs.prefetch_related(Prefetch("sites")).order_by("kind", "reference"))
    ids = [p.pk for p in processes]
    links = list(
        ProcessLink.objects.filter(source_id__in=ids, target_id__in=ids)
        .select_related("source", "target")
        .order_by("source__reference", "target__reference")
    )
    return processes, links
