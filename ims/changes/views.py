"""Pages of planned changes (6.3): list, detail with transition buttons, forms, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can
from ims.changes import selectors, services
from ims.changes.forms import ChangeCreateForm, ChangeEditForm, TransitionForm
from ims.changes.models import ChangeStatus, PlannedChange
from ims.core.errors import ImsError, PermissionRefused
from ims.processes.selectors import live_processes_for
from ims.registers.views import (
    Export,
    Filters,
    RegisterViews,
    recent_history,
    require_site_change,
    rows_of,
    site_filters,
)

HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Site"),
    gettext_lazy("Change"),
    gettext_lazy("Status"),
    gettext_lazy("Purpose"),
    gettext_lazy("Consequences considered"),
    gettext_lazy("Resources needed"),
    gettext_lazy("Responsible"),
    gettext_lazy("Responsibilities"),
    gettext_lazy("Affected processes"),
    gettext_lazy("Standards"),
    gettext_lazy("Planned date"),
    gettext_lazy("Review date"),
    gettext_lazy("Approved by"),
    gettext_lazy("Approved at"),
)


def _query(user: Any, f: Filters) -> QuerySet[PlannedChange]:
    return selectors.change_list(
        user,
        q=f["q"],
        **site_filters(f),
        status=f["status"],
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _export_row(c: PlannedChange) -> list[Any]:
    return [
        c.reference,
        c.site_label,
        c.title,
        c.get_status_display(),
        c.purpose,
        c.consequences,
        c.resources,
        str(c.owner) if c.owner else "",
        c.responsibilities,
        ", ".join(p.reference for p in c.processes.all()),
        c.standards_label,
        c.planned_date.isoformat() if c.planned_date else "",
        c.review_date.isoformat() if c.review_date else "",
        str(c.approved_by) if c.approved_by else "",
        c.approved_at.isoformat(timespec="minutes") if c.approved_at else "",
    ]


CHANGES = RegisterViews(
    app="changes",
    stem="change",
    query=_query,
    get_fn=selectors.change_get,
    create_fn=lambda **data: services.change_create(**data),
    update_fn=lambda by, c, v, data: services.change_update(by=by, change=c, version=v, **data),
    archive_fn=lambda by, c, v: services.change_archive(by=by, change=c, version=v),
    create_form=ChangeCreateForm,
    edit_form=ChangeEditForm,
    edit_fields=services.CHANGE_FIELDS,
    edit_many=("processes",),
    form_kwargs=lambda user, record: {"processes": live_processes_for(user)},
    require_change=require_site_change("planned changes"),
    create_refused=gettext_lazy("You are not allowed to create planned changes."),
    created=gettext_lazy("Planned change %(ref)s created."),
    saved=gettext_lazy("Planned change %(ref)s saved."),
    archived=gettext_lazy("Planned change %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "planned", "review", "updated"),
    choices=(("status", ChangeStatus.values),),
    flags=("overdue",),
    list_context={"statuses": ChangeStatus.choices},
    export=Export(
        slug="planned-changes",
        title=gettext_lazy("Planned changes"),
        header=HEADER,
        rows=rows_of(_export_row),
        prefetch=("processes",),
    ),
)

change_list = CHANGES.list_view
export_csv = CHANGES.export_csv
export_xlsx = CHANGES.export_xlsx
change_create = CHANGES.create_view
change_edit = CHANGES.edit_view
change_archive = require_POST(CHANGES.archive_view)


def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    open_record = change.archived_at is None
    buttons = []
    for to in services.allowed_next(change.status) if open_record else []:
        action = services.transition_action(change.status, to)
        if action is not None and can(request.user, action, site_id=change.site_id):
            buttons.append({"to": to, "label": ChangeStatus(to).label})
    today = timezone.localdate()
    return render(
        request,
        "changes/change_detail.html",
        {
            "record": change,
            "processes": change.processes.all().order_by("reference"),
            "transitions": buttons,
            "may_change": open_record and can(request.user, Action.CHANGE, site_id=change.site_id),
            "late": change.open and change.planned_date is not None and change.planned_date < today,
            "today": today,
            "history": recent_history(request.user, "changes.plannedchange", pk),
        },
    )


@require_POST
def change_transition(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("changes:detail", pk=pk)
    data = form.cleaned_data
    try:
        moved = services.change_transition(
            by=request.user, change=change, version=data["version"], to=data["to"], reason=data["reason"]
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Planned change %(ref)s is now %(status)s.")
            % {"ref": moved.reference, "status": moved.get_status_display().lower()},
        )
    return redirect("changes:detail", pk=pk)
