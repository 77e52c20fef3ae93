"""Pages of the objectives register (6.2): list, detail, forms, progress entries, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can
from ims.context.models import StandardServed
from ims.core.errors import ImsError
from ims.kpis.selectors import progress_for
from ims.objectives import selectors, services
from ims.objectives.forms import ObjectiveCreateForm, ObjectiveEditForm, ProgressForm
from ims.objectives.models import Objective
from ims.objectives.progress import Status
from ims.registers.views import (
    Export,
    Filters,
    RegisterViews,
    recent_history,
    require_site_change,
    rows_of,
    site_filters,
)
from ims.web.forms import apply_error


def _query(user: Any, f: Filters) -> list[Objective]:
    qs = selectors.objective_list(
        user,
        q=f["q"],
        **site_filters(f),
        standard=f["standard"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )
    return selectors.with_status(qs, timezone.localdate(), f["status"])


HEADER = [
    "Reference",
    "Site",
    "Objective",
    "Standards",
    "Baseline",
    "Baseline date",
    "Target",
    "Unit",
    "Direction",
    "Deadline",
    "Latest value",
    "Latest on",
    "Progress %",
    "Time elapsed %",
    "Status",
    "What will be done",
    "Resources",
    "Responsible",
    "Evaluation",
]


def _export_row(o: Any) -> list[Any]:
    return [
        o.reference,
        o.site_label,
        o.title,
        o.standards_label,
        o.baseline_value,
        o.baseline_date.isoformat(),
        o.target_value,
        o.unit,
        o.get_direction_display(),
        o.deadline.isoformat(),
        o.latest_value if o.latest_value is not None else "",
        o.latest_on.isoformat() if o.latest_on else "",
        o.progress,
        o.elapsed,
        str(o.status.label),
        o.plan_what,
        o.plan_resources,
        str(o.owner) if o.owner else "",
        o.evaluation,
    ]


_require_change = require_site_change("objectives")

OBJECTIVES = RegisterViews(
    app="objectives",
    stem="objective",
    query=_query,
    get_fn=selectors.objective_get,
    create_fn=lambda **data: services.objective_create(**data),
    update_fn=lambda by, o, v, data: services.objective_update(by=by, objective=o, version=v, **data),
    archive_fn=lambda by, o, v: services.objective_archive(by=by, objective=o, version=v),
    create_form=ObjectiveCreateForm,
    edit_form=ObjectiveEditForm,
    edit_fields=services.OBJECTIVE_FIELDS,
    create_initial=lambda: {"baseline_date": timezone.localdate()},
    require_change=_require_change,
    create_refused="You are not allowed to create objectives.",
    created=gettext_lazy("Objective %(ref)s created."),
    saved=gettext_lazy("Objective %(ref)s saved."),
    archived=gettext_lazy("Objective %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "deadline", "updated"),
    choices=(("standard", StandardServed.values), ("status", Status.values)),
    list_context={"standards": StandardServed.choices, "statuses": Status.choices},
    export=Export(slug="objectives", title="Objectives", header=HEADER, rows=rows_of(_export_row)),
)

objective_list = OBJECTIVES.list_view
objective_export_csv = OBJECTIVES.export_csv
objective_export_xlsx = OBJECTIVES.export_xlsx
objective_create = OBJECTIVES.create_view
objective_edit = OBJECTIVES.edit_view
objective_archive = require_POST(OBJECTIVES.archive_view)


def objective_detail(request: HttpRequest, pk: int, progress_form: ProgressForm | None = None) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    today = timezone.localdate()
    selectors.with_status([objective], today)
    may_change = can(request.user, Action.CHANGE, site_id=objective.site_id) and objective.archived_at is None
    return render(
        request,
        "objectives/objective_detail.html",
        {
            "record": objective,
            "measured": progress_for(objective, today=today),
            "entries": list(objective.progress_entries.select_related("entered_by")),
            "progress_form": progress_form or (ProgressForm(initial={"date": today}) if may_change else None),
            "may_change": may_change,
            "today": today,
            "history": recent_history(request.user, "objectives.objective", pk),
        },
        status=422 if progress_form is not None else 200,
    )


@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    _require_change(request.user, objective)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_add(by=request.user, objective=objective, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("objectives:detail", pk=pk)
    return objective_detail(request, pk, progress_form=form)
