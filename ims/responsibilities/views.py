"""Pages of roles, responsibilities and authorities (5.3): list, detail, forms, exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can
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
from ims.responsibilities import selectors, services
from ims.responsibilities.forms import ResponsibilityCreateForm, ResponsibilityEditForm
from ims.responsibilities.models import Duty, Responsibility

# The import's column names, untranslated: a downloaded register imports back as it is.
HEADER = (
    "Reference",
    "Site",
    "Title",
    "Responsibilities",
    "Authorities",
    "Holders",
    "Deputy",
    "Processes",
    "Standards",
    "Duties",
    "Top management",
    "Review date",
)


def _query(user: Any, f: Filters) -> QuerySet[Responsibility]:
    return selectors.responsibility_list(
        user,
        q=f["q"],
        **site_filters(f),
        duty=f["duty"],
        top_management=True if f["top"] else None,
        overdue=True if f["overdue"] else None,
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _export_row(r: Responsibility) -> list[Any]:
    return [
        r.reference,
        r.site.code if r.site is not None else "",
        r.title,
        r.responsibilities,
        r.authorities,
        "; ".join(sorted(u.username for u in r.holders.all())),
        r.deputy.username if r.deputy is not None else "",
        "; ".join(sorted(p.reference for p in r.processes.all())),
        "; ".join(r.standards or []),
        "; ".join(r.duties or []),
        r.top_management,
        r.review_date,
    ]


RESPONSIBILITIES = RegisterViews(
    app="responsibilities",
    stem="responsibility",
    query=_query,
    get_fn=selectors.responsibility_get,
    create_fn=lambda **data: services.responsibility_create(**data),
    update_fn=lambda by, r, v, data: services.responsibility_update(by=by, responsibility=r, version=v, **data),
    archive_fn=lambda by, r, v: services.responsibility_archive(by=by, responsibility=r, version=v),
    create_form=ResponsibilityCreateForm,
    edit_form=ResponsibilityEditForm,
    edit_fields=services.RESPONSIBILITY_FIELDS,
    edit_many=("holders", "processes"),
    form_kwargs=lambda user, record: {"processes": live_processes_for(user)},
    require_change=require_site_change("responsibilities"),
    create_refused=gettext_lazy("You are not allowed to create responsibilities."),
    created=gettext_lazy("Role %(ref)s created."),
    saved=gettext_lazy("Role %(ref)s saved."),
    archived=gettext_lazy("Role %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "title", "review", "updated"),
    choices=(("duty", Duty.values),),
    flags=("top", "overdue"),
    list_context={"duties": Duty.choices},
    list_prefetch=("holders",),
    export=Export(
        slug="responsibilities",
        title=gettext_lazy("Responsibilities"),
        header=HEADER,
        rows=rows_of(_export_row),
        prefetch=("holders", "processes"),
    ),
)

responsibility_list = RESPONSIBILITIES.list_view
export_csv = RESPONSIBILITIES.export_csv
export_xlsx = RESPONSIBILITIES.export_xlsx
responsibility_create = RESPONSIBILITIES.create_view
responsibility_edit = RESPONSIBILITIES.edit_view
responsibility_archive = require_POST(RESPONSIBILITIES.archive_view)


def _may_change(user: Any, record: Responsibility) -> bool:
    if record.archived_at is not None or not can(user, Action.CHANGE, site_id=record.site_id):
        return False
    return not record.top_management or can(user, Action.APPROVE, site_id=record.site_id)


def responsibility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.responsibility_get(request.user, pk)
    return render(
        request,
        "responsibilities/responsibility_detail.html",
        {
            "record": record,
            "holders": record.holders.all().order_by("username"),
            "processes": record.processes.all().order_by("reference"),
            "may_change": _may_change(request.user, record),
            "may_manage_users": can(request.user, Action.MANAGE_USERS),
            "today": timezone.localdate(),
            "history": recent_history(request.user, "responsibilities.responsibility", pk),
        },
    )
