"""Pages of the improvement register: the short report form, the register, triage, an event's page, exports."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can, require, visible
from ims.audit.services import record_change
from ims.core.errors import ConflictError, ImsError, NotFound, PermissionRefused
from ims.improvement import selectors, services, workflow
from ims.improvement.actions import pending_check
from ims.improvement.forms import (
    ActionForm,
    CloseForm,
    ContainmentForm,
    EventEditForm,
    ReportForm,
    RootCauseForm,
    StepForm,
    TriageForm,
    aware_at,
    local_naive,
    people_at,
)
from ims.improvement.models import (
    ActionStatus,
    Branch,
    Event,
    EventStatus,
    EventType,
)
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes.selectors import processes_visible_to
from ims.readiness.evidence import TYPES, link_for
from ims.signatures.services import signatures_of
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.web.context import current_site_id
from ims.web.forms import apply_error

logger = logging.getLogger(__name__)

S = EventStatus
SORT_COLUMNS = ("reference", "occurred", "severity", "status", "updated")
HEADER = (
    "Reference",
    "Type",
    "Title",
    "Site",
    "Location",
    "Occurred at",
    "Process",
    "Severity",
    "Status",
    "Owner",
    "Overdue",
    "Cause category",
    "Root cause",
    "Actions open",
    "Actions verified effective",
    "Source",
    "Reported by",
    "Closed at",
)
WHY_ROWS = 5
FISHBONE_BLANKS = 3


# --- the register ----------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    site = get["site"].strip() if "site" in get else str(current_site_id(request) or "")
    process = get.get("process", "").strip()
    sort = get.get("sort", "-occurred")
    return {
        "q": get.get("q", "").strip(),
        "type": get.get("type", "") if get.get("type", "") in EventType.values else "",
        "status": get.get("status", "") if get.get("status", "") in [*S.values, "open"] else "",
        "site": site if site.isascii() and site.isdigit() else "",
        "process": process if process.isascii() and process.isdigit() else "",
        "severity": get.get("severity", "").strip()[:30],
        "overdue": "1" if get.get("overdue") == "1" else "",
        "sort": sort if sort in selectors.SORTS else "-occurred",
    }


def _filtered(request: HttpRequest, f: dict[str, str]) -> QuerySet[Event]:
    return selectors.event_list(
        request.user,
        q=f["q"],
        type=f["type"],
        status=f["status"] if f["status"] != "open" else "",
        open_only=f["status"] == "open",
        site_id=int(f["site"]) if f["site"] else None,
        process_id=int(f["process"]) if f["process"] else None,
        severity=f["severity"],
        overdue_only=True if f["overdue"] else None,
        sort=f["sort"],
    )


def _params(f: dict[str, str], **override: str) -> dict[str, str]:
    values = {**f, **override}
    return {k: v for k, v in values.items() if v or k == "site"}


def _late_ids(events: list[Event]) -> set[int]:
    ids = [e.pk for e in events]
    today = timezone.localdate()
    return set(Event.objects.filter(pk__in=ids).filter(selectors.overdue(today)).values_list("pk", flat=True))


def event_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_filtered(request, f), 50).get_page(request.GET.get("page"))
    query = urlencode(_params(f))
    sort_links = {}
    for key in SORT_COLUMNS:
        state = "ascending" if f["sort"] == key else "descending" if f["sort"] == f"-{key}" else "none"
        following = f"-{key}" if f["sort"] == key else key
        sort_links[key] = {"query": urlencode(_params(f, sort=following)), "aria": state}
    return render(
        request,
        "improvement/event_list.html",
        {
            "page": page,
            "late": _late_ids(list(page)),
            "filters": f,
            "sites": sites_visible_to(request.user).order_by("name"),
            "processes": processes_visible_to(request.user).filter(archived_at__isnull=True).order_by("reference"),
            "severities": selectors.severities(active_only=False),
            "types": EventType.choices,
            "statuses": S.choices,
            "sort_links": sort_links,
            "may_report": can(request.user, Permission.REPORT, anywhere=True),
            "may_triage": can(request.user, Permission.CHANGE, anywhere=True),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
        },
    )


def _row(event: Event, late: set[int]) -> list[Any]:
    actions = list(event.actions.all())
    return [
        event.reference,
        event.get_type_display(),
        event.title,
        event.site.name,
        event.location,
        timezone.localtime(event.occurred_at).isoformat(timespec="minutes"),
        str(event.process) if event.process else "",
        str(event.severity) if event.severity else "",
        event.get_status_display(),
        str(event.owner) if event.owner else "",
        "yes" if event.pk in late else "",
        str(event.cause_category) if event.cause_category else "",
        event.root_cause,
        sum(1 for a in actions if a.status == ActionStatus.OPEN),
        sum(1 for a in actions if a.status == ActionStatus.VERIFIED_EFFECTIVE),
        f"{event.source_type}:{event.source_id}" if event.source_type else "",
        str(event.reporter),
        timezone.localtime(event.closed_at).isoformat(timespec="minutes") if event.closed_at else "",
    ]


def _download(request: HttpRequest, ext: str) -> HttpResponse:
    events = list(_filtered(request, _filters(request)).prefetch_related("actions"))
    late = _late_ids(events)
    rows = [_row(e, late) for e in events]
    header = [_(h) for h in HEADER]
    name = f"improvement-register-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(xlsx_bytes(header, rows, title=_("Improvement register")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def triage_list(request: HttpRequest) -> HttpResponse:
    """Reports waiting for triage at the sites where the reader may triage."""
    if not can(request.user, Permission.CHANGE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to triage events."))
    waiting = list(selectors.waiting_for_triage(request.user))
    return render(
        request,
        "improvement/triage_list.html",
        {"events": waiting, "late": _late_ids(waiting), "today": timezone.localdate()},
    )


def causes(request: HttpRequest) -> HttpResponse:
    """How many events each cause category explains, over the last 12 months by default: the trend of causes."""
    raw_since = request.GET.get("since", "")
    try:
        since = dt.date.fromisoformat(raw_since) if raw_since else timezone.localdate() - dt.timedelta(days=365)
    except ValueError:
        since = timezone.localdate() - dt.timedelta(days=365)
    rows = selectors.cause_trend(request.user, since=since)
    branches = dict(Branch.choices)
    return render(
        request,
        "improvement/causes.html",
        {
            "rows": [{"row": r, "branch": branches.get(r.branch, r.branch)} for r in rows],
            "total": sum(r.events for r in rows),
            "since": since,
        },
    )


# --- reporting -------------------------------------------------------------------------


def _report_sites(user: Any) -> QuerySet[Site]:
    sites = Site.objects.filter(archived_at__isnull=True)
    return visible(sites, user, Permission.REPORT, site_field="pk").order_by("name")


def report(request: HttpRequest) -> HttpResponse:
    """The short report form: what, where, when and a photo — made for a phone."""
    if not can(request.user, Permission.REPORT, anywhere=True):
        raise PermissionRefused(_("You are not allowed to report events."))
    sites = _report_sites(request.user)
    current = current_site_id(request)  # the site chosen in the top bar, else the reporter's first site
    default = (sites.filter(pk=current).first() if current else None) or sites.first()
    initial = {"site": default, "occurred_at": local_naive(timezone.now(), default)}
    form = ReportForm(request.POST or None, request.FILES or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photo = data["photo"]
        try:
            event = services.event_report(
                by=request.user,
                site=data["site"],
                type=data["type"],
                description=data["description"],
                location=data["location"],
                occurred_at=aware_at(data["occurred_at"], data["site"]),
                photo=photo,
                photo_name=photo.name if photo else "",
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Reported as %(ref)s; it now waits for triage by the IMS manager or process owner.")
                % {"ref": event.reference},
            )
            return redirect("improvement:detail", pk=event.pk)
    return render(request, "improvement/report.html", {"form": form}, status=422 if request.method == "POST" else 200)


# --- an event's page -------------------------------------------------------------------


def _source_types() -> list[tuple[str, str]]:
    return sorted(((code, kind.label) for code, kind in TYPES.items()), key=lambda p: p[1])


def _action_rows(request: HttpRequest, event: Event, may_change: bool) -> list[dict[str, Any]]:
    rows = []
    today = timezone.localdate()
    for action in event.actions.select_related("owner", "follow_up_of").prefetch_related("checks", "links"):
        links = []
        for link in action.links.all():
            found = link_for(request.user, f"{link.record_type}:{link.record_id}")
            links.append(found or {"label": f"{link.record_type}:{link.record_id}", "url": None})
        pending = pending_check(action) if action.status == ActionStatus.DONE else None
        mine = action.owner_id == request.user.pk
        rows.append(
            {
                "a": action,
                "links": links,
                "checks": list(action.checks.all()),
                "pending": pending,
                "late": action.status == ActionStatus.OPEN and action.due < today,
                "may_complete": event.is_open and action.status == ActionStatus.OPEN and (may_change or mine),
                "may_cancel": event.is_open and action.status == ActionStatus.OPEN and may_change,
                "may_check": event.is_open and pending is not None and may_change,
                "check_early": pending is not None and pending.due > today,
            }
        )
    return rows


def _transition_buttons(user: Any, event: Event) -> list[dict[str, Any]]:
    buttons = []
    for to in workflow.targets_from(event.status):
        transition = workflow.find(event.status, to)
        assert transition is not None
        if transition.signed or to == S.TRIAGED:
            continue  # their own forms
        if not can(user, transition.permission, site_id=event.site_id):
            continue
        buttons.append(
            {
                "to": to,
                "label": workflow.label(to),
                "operation": transition.operation,
                "reason": transition.reason,
                "missing": workflow.missing_for(event, transition),
            }
        )
    return buttons


def _fishbone(event: Event) -> list[dict[str, Any]]:
    causes = list(event.fishbone.all())
    return [
        {"code": code, "label": label, "causes": [c for c in causes if c.branch == code]}
        for code, label in Branch.choices
    ]


def _signature(event: Event) -> dict[str, Any] | None:
    if event.closure_signature is None:
        return None
    signature = event.closure_signature
    return {"s": signature, "matches": signature.matches(selectors.closure_content(event))}


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    return render(request, "improvement/event_detail.html", detail_context(request, event))


def detail_context(request: HttpRequest, event: Event, **forms: Any) -> dict[str, Any]:
    from ims.improvement.cost_views import cost_context

    user = request.user
    may_change = event.is_open and can(user, Permission.CHANGE, site_id=event.site_id)
    people = people_at(event.site)
    processes = processes_visible_to(user).filter(archived_at__isnull=True).order_by("reference")
    whys = list(event.whys.all())
    ineffective = [
        (str(a.pk), f"{a.number} {a.short}")
        for a in event.actions.filter(status=ActionStatus.INEFFECTIVE).exclude(follow_ups__isnull=False)
    ]
    close = workflow.find(event.status, S.CLOSED)
    history = selectors.event_history(user, event)
    return {
        "record": event,
        "step": selectors.current_step(event),
        "steps": list(event.steps.select_related("owner", "started_by", "finished_by")),
        "overdue": selectors.is_overdue(event),
        "warnings": selectors.warnings_for(event),
        "source": link_for(user, f"{event.source_type}:{event.source_id}") if event.source_type else None,
        "clauses": list(event.clauses.select_related("edition__standard")),
        "may_change": may_change,
        "transitions": _transition_buttons(user, event) if event.is_open else [],
        "triage_form": forms.get("triage_form")
        or TriageForm(
            initial={"version": event.version, "owner": event.owner, "type": event.type, "process": event.process},
            people=people,
            processes=processes,
        ),
        "step_form": StepForm(initial={"version": event.version}, people=people),
        "containments": list(event.containments.select_related("done_by")),
        "containment_form": forms.get("containment_form") or ContainmentForm(),
        "whys": whys,
        "why_rows": [*whys, *([None] * max(WHY_ROWS - len(whys), 1))],
        "fishbone": _fishbone(event),
        "fishbone_rows": [*event.fishbone.all(), *([None] * FISHBONE_BLANKS)],
        "fishbone_any": event.fishbone.exists(),
        "branches": Branch.choices,
        "root_form": RootCauseForm(
            initial={
                "version": event.version,
                "root_cause": event.root_cause,
                "cause_category": event.cause_category.code if event.cause_category else None,
            }
        ),
        "actions": _action_rows(request, event, may_change),
        "action_form": forms.get("action_form")
        or ActionForm(
            people=people, ineffective=ineffective, link_types=_source_types(), initial={"owner": event.owner}
        ),
        "link_types": _source_types(),
        "recurrences": list(event.recurrences.select_related("site").order_by("occurred_at")),
        "duplicates": list(event.duplicates.all()),
        "close": close,
        "close_missing": workflow.missing_for(event, close) if close else [],
        "may_close": close is not None and services.may_close(user, event),
        "close_form": forms.get("close_form") or CloseForm(initial={"version": event.version}),
        "signature": _signature(event),
        "signatures": signatures_of(event),
        "history": None if history is None else list(history[:200]),
        "today": timezone.localdate(),
        **cost_context(request, event, **forms),
    }


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    require(request.user, Permission.CHANGE, site_id=event.site_id, what=f"events at {event.site}")
    processes = processes_visible_to(request.user).filter(archived_at__isnull=True).order_by("reference")
    initial: dict[str, Any] = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    initial.update(
        version=event.version,
        occurred_at=local_naive(event.occurred_at, event.site),
        severity=event.severity.code if event.severity else None,
        clauses=[str(c.pk) for c in event.clauses.all()],
    )
    form = EventEditForm(request.POST or None, initial=initial, processes=processes, source_types=_source_types())
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        clauses = data.pop("clauses")
        data["occurred_at"] = aware_at(data["occurred_at"], event.site)
        try:
            services.event_update(by=request.user, event=event, version=version, clauses=clauses, **data)
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": event.reference})
            return redirect("improvement:detail", pk=pk)
    status = 409 if conflict is not None else (422 if request.method == "POST" else 200)
    return render(
        request, "improvement/event_form.html", {"form": form, "record": event, "conflict": conflict}, status=status
    )


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's photo, checked against its SHA-256 before it is served."""
    from ims.documents import files

    event = selectors.event_get(request.user, pk)
    stored = event.photo
    if stored is None:
        raise NotFound(f"{event.reference} has no photo.")
    try:
        data = files.read_verified(stored)
    except (files.IntegrityError, FileNotFoundError) as exc:
        detail = getattr(exc, "detail", f"“{stored.name}” is missing from the file store; restore it from a backup.")
        with transaction.atomic():
            record_change(action="integrity_failed", by=request.user, record=event, note=detail)
        logger.error("improvement photo failed its integrity check: event %s, %s", event.pk, detail)
        context = {"status": 500, "title": files.IntegrityError.title, "message": detail}
        return render(request, "web/error.html", context, status=500)
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(False, files.safe_name(stored.name)) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
