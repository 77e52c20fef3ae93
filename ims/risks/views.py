"""Pages of the risks and opportunities register (6.1): list, detail, forms, treatments, exports."""

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
from ims.core.errors import ImsError, PermissionRefused
from ims.registers.views import Export, Filters, RegisterViews, recent_history, require_site_change, site_filters
from ims.risks import selectors, services
from ims.risks.forms import RiskCreateForm, RiskEditForm, TreatmentForm
from ims.risks.models import Band, Kind, Risk, SourceKind
from ims.web.forms import apply_error


def _query(user: Any, f: Filters) -> QuerySet[Risk]:
    return selectors.risk_list(
        user,
        q=f["q"],
        **site_filters(f),
        kind=f["kind"],
        source_kind=f["source_kind"],
        band=f["band"],
        overdue=bool(f["overdue"]),
        archived=bool(f["archived"]),
        sort=f["sort"],
        today=timezone.localdate(),
    )


HEADER = [
    "Reference",
    "Site",
    "Title",
    "Kind",
    "Arises from",
    "Standards",
    "Likelihood",
    "Consequence",
    "Inherent score",
    "Inherent rating",
    "Residual score",
    "Residual rating",
    "Open treatments",
    "Overdue treatment",
    "Owner",
    "Review date",
]


def _export_row(r: Risk, today: Any) -> list[Any]:
    treatments = list(r.treatments.all())
    return [
        r.reference,
        r.site_label,
        r.title,
        r.get_kind_display(),
        r.get_source_kind_display(),
        r.standards_label,
        r.likelihood,
        r.consequence,
        r.inherent_score,
        r.get_inherent_band_display(),
        r.residual_score if r.residual_score is not None else "",
        r.get_residual_band_display() if r.residual_band else "",
        sum(1 for t in treatments if t.status == "open"),
        _("yes") if any(t.overdue(today) for t in treatments) else _("no"),
        str(r.owner) if r.owner else "",
        r.review_date.isoformat() if r.review_date else "",
    ]


def _export_rows(risks: QuerySet[Risk]) -> list[list[Any]]:
    today = timezone.localdate()
    return [_export_row(r, today) for r in risks]


_require_change = require_site_change("risks and opportunities")

RISKS = RegisterViews(
    app="risks",
    stem="risk",
    query=_query,
    get_fn=selectors.risk_get,
    create_fn=lambda **data: services.risk_create(**data),
    update_fn=lambda by, r, v, data: services.risk_update(by=by, risk=r, version=v, **data),
    archive_fn=lambda by, r, v: services.risk_archive(by=by, risk=r, version=v),
    create_form=RiskCreateForm,
    edit_form=RiskEditForm,
    edit_fields=services.RISK_FIELDS,
    require_change=_require_change,
    create_refused="You are not allowed to create risks and opportunities.",
    created=gettext_lazy("Risk %(ref)s created."),
    saved=gettext_lazy("Risk %(ref)s saved."),
    archived=gettext_lazy("Risk %(ref)s archived."),
    sorts=selectors.SORTS,
    sort_columns=("reference", "score", "residual", "review"),
    choices=(("kind", Kind.values), ("source_kind", SourceKind.values), ("band", Band.values)),
    flags=("overdue",),
    list_context={"kinds": Kind.choices, "source_kinds": SourceKind.choices, "bands": Band.choices},
    export=Export(
        slug="risks-and-opportunities",
        title="Risks and opportunities",
        header=HEADER,
        rows=_export_rows,
        prefetch=("treatments",),
    ),
)

risk_list = RISKS.list_view
risk_export_csv = RISKS.export_csv
risk_export_xlsx = RISKS.export_xlsx
risk_create = RISKS.create_view
risk_edit = RISKS.edit_view
risk_archive = require_POST(RISKS.archive_view)


def _may_change(user: Any, risk: Risk) -> bool:
    return can(user, Action.CHANGE, site_id=risk.site_id) and risk.archived_at is None


def risk_detail(request: HttpRequest, pk: int, treatment_form: TreatmentForm | None = None) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    may_change = _may_change(request.user, risk)
    return render(
        request,
        "risks/risk_detail.html",
        {
            "record": risk,
            "matrix": risk.matrix,
            "treatments": list(risk.treatments.select_related("owner")),
            "treatment_form": treatment_form or (TreatmentForm() if may_change else None),
            "may_change": may_change,
            "today": timezone.localdate(),
            "history": recent_history(request.user, "risks.risk", pk),
        },
        status=422 if treatment_form is not None else 200,
    )


@require_POST
def treatment_add(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    _require_change(request.user, risk)
    form = TreatmentForm(request.POST)
    if form.is_valid():
        try:
            services.treatment_add(by=request.user, risk=risk, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Treatment action added."))
            return redirect("risks:detail", pk=pk)
    return risk_detail(request, pk, treatment_form=form)


@require_POST
def treatment_done(request: HttpRequest, pk: int, treatment_pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.user, pk)
    treatment = selectors.treatment_get(request.user, risk, treatment_pk)
    try:
        services.treatment_done(by=request.user, treatment=treatment)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Treatment action marked done."))
    return redirect("risks:detail", pk=pk)
