"""Pages of the context registers: issues (4.1) and interested parties (4.2) — list, detail, forms, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action, can, require
from ims.context import selectors, services
from ims.context.forms import IssueCreateForm, IssueEditForm, PartyCreateForm, PartyEditForm
from ims.context.models import InterestedParty, Issue, IssueCategory, Origin, PartyKind, StandardServed
from ims.registers.views import Export, Filters, RegisterViews, recent_history, rows_of, site_filters

SORT_COLUMNS = ("reference", "review", "updated")

ISSUE_HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Site"),
    gettext_lazy("Issue"),
    gettext_lazy("Description"),
    gettext_lazy("Category"),
    gettext_lazy("Origin"),
    gettext_lazy("Effect"),
    gettext_lazy("Related processes"),
    gettext_lazy("Standards"),
    gettext_lazy("Owner"),
    gettext_lazy("Review date"),
)

PARTY_HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Site"),
    gettext_lazy("Interested party"),
    gettext_lazy("Kind"),
    gettext_lazy("Needs and expectations"),
    gettext_lazy("Compliance obligation"),
    gettext_lazy("Customer requirement"),
    gettext_lazy("Monitoring"),
    gettext_lazy("Standards"),
    gettext_lazy("Owner"),
    gettext_lazy("Review date"),
)


def _issue_query(user: Any, f: Filters) -> QuerySet[Issue]:
    return selectors.issue_list(
        user,
        q=f["q"],
        **site_filters(f),
        category=f["category"],
        origin=f["origin"],
        standard=f["standard"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _party_query(user: Any, f: Filters) -> QuerySet[InterestedParty]:
    return selectors.party_list(
        user,
        q=f["q"],
        **site_filters(f),
        kind=f["kind"],
        standard=f["standard"],
        archived=bool(f["archived"]),
        sort=f["sort"],
    )


def _require_change(what: str) -> Callable[[Any, Any], None]:
    """The edit check: the user may change records of the record's site (refusal in lower case)."""

    def check(user: Any, record: Any) -> None:
        where = f"of {record.site}" if record.site is not None else "of the whole organisation"
        require(user, Action.CHANGE, site_id=record.site_id, what=f"{what} {where}".lower())

    return check


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _common_export(r: Any) -> list[Any]:
    return [r.standards_label, str(r.owner) if r.owner else "", r.review_date.isoformat() if r.review_date else ""]


def _issue_row(r: Issue) -> list[Any]:
    return [
        r.reference,
        r.site_label,
        r.title,
        r.description,
        r.get_category_display(),
        r.get_origin_display(),
        r.get_effect_display(),
        r.related_processes,
        *_common_export(r),
    ]


def _party_row(r: InterestedParty) -> list[Any]:
    return [
        r.reference,
        r.site_label,
        r.name,
        r.get_kind_display(),
        r.needs,
        _yes_no(r.compliance_obligation),
        _yes_no(r.customer_requirement),
        r.monitoring,
        *_common_export(r),
    ]


ISSUES = RegisterViews(
    app="context",
    stem="issue",
    url_prefix="issue_",
    query=_issue_query,
    get_fn=selectors.issue_get,
    create_fn=services.issue_create,
    update_fn=lambda by, r, v, data: services.issue_update(by=by, issue=r, version=v, **data),
    archive_fn=lambda by, r, v: services.issue_archive(by=by, issue=r, version=v),
    create_form=IssueCreateForm,
    edit_form=IssueEditForm,
    edit_fields=services.ISSUE_FIELDS,
    require_change=_require_change("issues"),
    create_refused=gettext_lazy("You are not allowed to create issues."),
    created=gettext_lazy("Issue %(ref)s created."),
    saved=gettext_lazy("Issue %(ref)s saved."),
    archived=gettext_lazy("Issue %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=SORT_COLUMNS,
    choices=(("category", IssueCategory.values), ("origin", Origin.values), ("standard", StandardServed.values)),
    list_context={
        "choice_filters": {"category": IssueCategory.choices, "origin": Origin.choices},
        "standards": StandardServed.choices,
    },
    export=Export(slug="issues", title=gettext_lazy("Issues"), header=ISSUE_HEADER, rows=rows_of(_issue_row)),
)

PARTIES = RegisterViews(
    app="context",
    stem="party",
    url_prefix="party_",
    query=_party_query,
    get_fn=selectors.party_get,
    create_fn=services.party_create,
    update_fn=lambda by, r, v, data: services.party_update(by=by, party=r, version=v, **data),
    archive_fn=lambda by, r, v: services.party_archive(by=by, party=r, version=v),
    create_form=PartyCreateForm,
    edit_form=PartyEditForm,
    edit_fields=services.PARTY_FIELDS,
    require_change=_require_change("interested parties"),
    create_refused=gettext_lazy("You are not allowed to create interested parties."),
    created=gettext_lazy("Interested party %(ref)s created."),
    saved=gettext_lazy("Interested party %(ref)s saved."),
    archived=gettext_lazy("Interested party %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=SORT_COLUMNS,
    choices=(("kind", PartyKind.values), ("standard", StandardServed.values)),
    list_context={"choice_filters": {"kind": PartyKind.choices}, "standards": StandardServed.choices},
    export=Export(
        slug="interested-parties",
        title=gettext_lazy("Interested parties"),
        header=PARTY_HEADER,
        rows=rows_of(_party_row),
    ),
)


def _detail(request: HttpRequest, reg: RegisterViews, record_type: str, pk: int) -> HttpResponse:
    record = reg.get_fn(request.user, pk)
    may_change = can(request.user, Action.CHANGE, site_id=record.site_id) and record.archived_at is None
    return render(
        request,
        reg.template("detail"),
        {
            "record": record,
            "may_change": may_change,
            "today": timezone.localdate(),
            "history": recent_history(request.user, record_type, pk),
        },
    )


issue_list = ISSUES.list_view
issue_export_csv = ISSUES.export_csv
issue_export_xlsx = ISSUES.export_xlsx
issue_create = ISSUES.create_view
issue_edit = ISSUES.edit_view
issue_archive = require_POST(ISSUES.archive_view)


def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, ISSUES, "context.issue", pk)


party_list = PARTIES.list_view
party_export_csv = PARTIES.export_csv
party_export_xlsx = PARTIES.export_xlsx
party_create = PARTIES.create_view
party_edit = PARTIES.edit_view
party_archive = require_POST(PARTIES.archive_view)


def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, PARTIES, "context.interestedparty", pk)
