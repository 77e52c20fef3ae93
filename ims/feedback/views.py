"""Pages of customer feedback: the satisfaction KPIs, customers, complaints, surveys, compliments, shipments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can, visible
from ims.core.errors import ImsError, PermissionRefused, ValidationFailed
from ims.feedback import kpis, selectors, services
from ims.feedback.forms import (
    QUESTION_ROWS,
    ComplaintEditForm,
    ComplaintForm,
    ComplimentForm,
    CustomerForm,
    ImportForm,
    RespondForm,
    ResponseForm,
    SurveyForm,
    VolumeForm,
)
from ims.feedback.importing import COMPLAINT_COLUMNS, import_complaints, import_responses, response_columns
from ims.feedback.models import Complaint, ComplaintStatus, Score
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.spc.svg import DataTable, Series, bar_chart_svg, plot_svg
from ims.tabular.export import csv_bytes, xlsx_bytes
from ims.tabular.importer import ImportRefused
from ims.web.forms import apply_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sites(user: Any, action: Permission) -> QuerySet[Site]:
    return visible(Site.objects.filter(archived_at__isnull=True), user, action, site_field="pk").order_by("name")


def _customers(user: Any) -> Any:
    return selectors.customers_visible_to(user).filter(archived_at__isnull=True).order_by("name")


def _fmt(value: Any) -> str:
    return "—" if value is None else str(value)


# --- the satisfaction KPIs --------------------------------------------------------------


def _charts(rows: list[kpis.PeriodKpis]) -> list[dict[str, Any]]:
    labels = [k.period.label for k in rows]
    csat = [float(k.csat) if k.csat is not None else None for k in rows]
    nps = [float(k.nps) if k.nps is not None else None for k in rows]
    satisfaction = plot_svg(
        title="CSAT per period (%)",
        description="Customer satisfaction (CSAT, %) per period: "
        + "; ".join(f"{k.period.label} {_fmt(k.csat)}" for k in rows)
        + ".",
        x_labels=labels,
        series=[Series("CSAT %", csat, "data")],
        y_label="CSAT %",
        element_id="csat",
    )
    promoters = plot_svg(
        title="NPS per period",
        description="Net Promoter Score per period: "
        + "; ".join(f"{k.period.label} {_fmt(k.nps)}" for k in rows)
        + ".",
        x_labels=labels,
        series=[Series("NPS", nps, "data")],
        y_label="NPS",
        element_id="nps",
    )
    complaints = bar_chart_svg(
        title="Complaints and compliments per period",
        description="; ".join(f"{k.period.label} {k.complaints} complaints, {k.compliments} compliments" for k in rows),
        x_labels=labels,
        bars=[Series("complaints", [k.complaints for k in rows]), Series("compliments", [k.compliments for k in rows])],
        integer=True,
        y_label="count",
        element_id="complaints",
    )
    return [
        {
            "key": "satisfaction",
            "title": _("Satisfaction: CSAT and NPS"),
            "svg": mark_safe(satisfaction + promoters),  # noqa: S308  (escaped by plot_svg)
            "table": DataTable(
                "CSAT and NPS per period",
                ("Period", "Responses", "CSAT %", "Promoters", "Passives", "Detractors", "NPS"),
                tuple(
                    (
                        k.period.label,
                        str(k.responses),
                        _fmt(k.csat),
                        str(k.promoters),
                        str(k.passives),
                        str(k.detractors),
                        _fmt(k.nps),
                    )
                    for k in rows
                ),
            ),
        },
        {
            "key": "complaints",
            "title": _("Complaints and compliments"),
            "svg": mark_safe(complaints),  # noqa: S308  (escaped by bar_chart_svg)
            "table": DataTable(
                "Complaints per period",
                ("Period", "Complaints", "Units shipped", "Complaints per million units", "Compliments"),
                tuple(
                    (
                        k.period.label,
                        str(k.complaints),
                        _fmt(k.units_shipped),
                        _fmt(k.complaints_per_million),
                        str(k.compliments),
                    )
                    for k in rows
                ),
            ),
        },
    ]


def home(request: HttpRequest) -> HttpResponse:
    """Customer satisfaction at a glance (9001 9.1.2): KPIs per period with their trend, complaints due."""
    granularity = request.GET.get("period", "quarter")
    if granularity not in kpis.GRANULARITIES:
        granularity = "quarter"
    count = {"month": 12, "quarter": 8, "year": 5}[granularity]
    rows = kpis.satisfaction(request.user, granularity=granularity, count=count)
    today = timezone.localdate()
    waiting = selectors.complaints_visible_to(request.user).filter(status=ComplaintStatus.OPEN).order_by("response_due")
    return render(
        request,
        "feedback/home.html",
        {
            "rows": rows,
            "last": rows[-1],
            "granularity": granularity,
            "granularities": kpis.GRANULARITIES,
            "charts": _charts(rows),
            "trend": {
                "csat": kpis.trend([k.csat for k in rows]),
                "nps": kpis.trend([k.nps for k in rows]),
                "complaints": kpis.trend([Decimal(k.complaints) for k in rows]),
            },
            "waiting": list(waiting[:20]),
            "waiting_count": waiting.count(),
            "today": today,
        },
    )


# --- customers -------------------------------------------------------------------------


def customer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = selectors.customers_visible_to(request.user).prefetch_related("sites")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    qs = qs.annotate(n_complaints=Count("complaints", distinct=True)).order_by("name")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/customer_list.html",
        {"page": page, "q": q, "may_create": can(request.user, Permission.CREATE, anywhere=True)},
    )


def customer_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Permission.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to add customers."))
    form = CustomerForm(request.POST or None, sites=_sites(request.user, Permission.CREATE))
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Customer %(c)s added.") % {"c": customer})
            return redirect("feedback:customer", pk=customer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/form.html", {"form": form, "title": _("New customer")}, status=status)


def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(request.user, pk)
    return render(
        request,
        "feedback/customer_detail.html",
        {
            "record": customer,
            "sites": list(customer.sites.all()),
            "complaints": list(selectors.complaints_visible_to(request.user).filter(customer=customer)[:50]),
            "responses": list(selectors.responses_visible_to(request.user).filter(customer=customer)[:50]),
            "compliments": list(selectors.compliments_visible_to(request.user).filter(customer=customer)[:50]),
            "may_change": can(request.user, Permission.CHANGE, anywhere=True),
        },
    )


def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(request.user, pk)
    initial = {
        "name": customer.name,
        "contact": customer.contact,
        "sites": list(customer.sites.all()),
        "version": customer.version,
    }
    form = CustomerForm(
        request.POST or None, initial=initial, sites=_sites(request.user, Permission.CHANGE), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.customer_update(by=request.user, customer=customer, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(c)s saved.") % {"c": customer})
            return redirect("feedback:customer", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "feedback/form.html", {"form": form, "title": _("Edit %(c)s") % {"c": customer}}, status=status
    )


# --- complaints ------------------------------------------------------------------------


def _complaint_filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    status = get.get("status", "")
    site = get.get("site", "")
    return {
        "q": get.get("q", "").strip(),
        "status": status if status in ComplaintStatus.values else "",
        "site": site if site.isascii() and site.isdigit() else "",
        "overdue": "1" if get.get("overdue") == "1" else "",
    }


def _complaints(request: HttpRequest, f: dict[str, str]) -> QuerySet[Complaint]:
    return selectors.complaint_list(
        request.user,
        q=f["q"],
        status=f["status"],
        site_id=int(f["site"]) if f["site"] else None,
        overdue_only=bool(f["overdue"]),
    )


def complaint_list(request: HttpRequest) -> HttpResponse:
    f = _complaint_filters(request)
    page = Paginator(_complaints(request, f), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in f.items() if v})
    return render(
        request,
        "feedback/complaint_list.html",
        {
            "page": page,
            "filters": f,
            "statuses": ComplaintStatus.choices,
            "sites": sites_visible_to(request.user).order_by("name"),
            "query": query,
            "querystring_prefix": f"{query}&" if query else "",
            "today": timezone.localdate(),
            "may_create": can(request.user, Permission.CREATE, anywhere=True),
        },
    )


EXPORT_HEADER = (
    "Reference", "Customer code", "Customer", "Site", "Received on", "Title", "Order ref", "Product ref",
    "Response due", "Response sent on", "Status", "Event", "External ref",
)  # fmt: skip


def _export(request: HttpRequest, ext: str) -> HttpResponse:
    rows = [
        [
            c.reference,
            c.customer.code,
            c.customer.name,
            c.site.name,
            c.received_on,
            c.title,
            c.order_ref,
            c.product_ref,
            c.response_due,
            c.response_sent_on,
            c.get_status_display(),
            c.event.reference if c.event else "",
            c.external_ref,
        ]
        for c in _complaints(request, _complaint_filters(request))
    ]
    name = f"complaints-{timezone.localdate().isoformat()}.{ext}"
    if ext == "csv":
        response = HttpResponse(csv_bytes(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(EXPORT_HEADER, rows, title="Complaints"), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def complaint_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


def complaint_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


def complaint_new(request: HttpRequest) -> HttpResponse:
    sites = _sites(request.user, Permission.CREATE)
    if not sites.exists():
        raise PermissionRefused(_("You are not allowed to record complaints."))
    initial = {"received_on": timezone.localdate()}
    form = ComplaintForm(request.POST or None, initial=initial, customers=_customers(request.user), sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Complaint %(ref)s recorded; improvement event %(event)s raised for its investigation.")
                % {"ref": complaint.reference, "event": complaint.event.reference if complaint.event else "—"},
            )
            return redirect("feedback:complaint", pk=complaint.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/form.html", {"form": form, "title": _("New complaint")}, status=status)


def complaint_detail(request: HttpRequest, pk: int, **forms_given: Any) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    may_change = can(request.user, Permission.CHANGE, site_id=complaint.site_id)
    operations = [op for (status, op) in services.TRANSITIONS if status == complaint.status and op != "respond"]
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "record": complaint,
            "may_change": may_change,
            "overdue": complaint.status == ComplaintStatus.OPEN and complaint.response_due < timezone.localdate(),
            "respond_form": forms_given.get("respond_form") or RespondForm(initial={"version": complaint.version}),
            "operations": operations,
            "today": timezone.localdate(),
        },
        status=422 if forms_given else 200,
    )


def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    initial = {name: getattr(complaint, name) for name in services.COMPLAINT_FIELDS} | {"version": complaint.version}
    form = ComplaintEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.complaint_update(by=request.user, complaint=complaint, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": complaint.reference})
            return redirect("feedback:complaint", pk=pk)
    status = 422 if request.method == "POST" else 200
    title = _("Edit %(ref)s") % {"ref": complaint.reference}
    return render(request, "feedback/form.html", {"form": form, "title": title}, status=status)


@require_POST
def complaint_respond(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_respond(by=request.user, complaint=complaint, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Response recorded."))
            return redirect("feedback:complaint", pk=pk)
    return complaint_detail(request, pk, respond_form=form)


@require_POST
def complaint_transition(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    version = request.POST.get("version", "")
    try:
        services.complaint_transition(
            by=request.user,
            complaint=complaint,
            version=int(version) if version.isascii() and version.isdigit() else 0,
            operation=request.POST.get("operation", ""),
            reason=request.POST.get("reason", ""),
        )
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, _("%(ref)s is now: %(s)s.") % {"ref": complaint.reference, "s": complaint.get_status_display()}
        )
    return redirect("feedback:complaint", pk=pk)


def _import_page(request: HttpRequest, *, title: str, columns: Any, run: Any, back: str, allowed: bool) -> HttpResponse:
    if not allowed:
        raise PermissionRefused(_("You are not allowed to import here."))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = run(form.cleaned_data["file"].open("rb"))
        except ImportRefused as exc:
            problems = list(exc.extra.get("problems", []))
            messages.error(request, exc.detail)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Imported: %(c)d created, %(n)d already known.") % {"c": report.created, "n": report.unchanged},
            )
            return redirect(back)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "problems": problems, "columns": columns, "title": title, "back": back}
    return render(request, "feedback/import.html", context, status=status)


def complaint_import(request: HttpRequest) -> HttpResponse:
    return _import_page(
        request,
        title=_("Import complaints"),
        columns=COMPLAINT_COLUMNS,
        run=lambda stream: import_complaints(by=request.user, stream=stream),
        back=reverse("feedback:complaints"),
        allowed=can(request.user, Permission.CREATE, anywhere=True),
    )


# --- surveys ---------------------------------------------------------------------------


def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = (
        selectors.surveys_visible_to(request.user)
        .filter(archived_at__isnull=True)
        .annotate(n_responses=Count("responses"))
        .order_by("-period_end", "-id")
    )
    return render(
        request,
        "feedback/survey_list.html",
        {"surveys": surveys, "may_create": can(request.user, Permission.CREATE, anywhere=True)},
    )


def _question_rows(post: Any) -> list[services.QuestionSpec]:
    specs = []
    for n in range(QUESTION_ROWS):
        code, text = post.get(f"code_{n}", ""), post.get(f"text_{n}", "")
        low, high = post.get(f"min_{n}", "1") or "1", post.get(f"max_{n}", "5") or "5"
        try:
            bottom, top = int(low), int(high)
        except ValueError:
            bottom, top = 1, 0  # refused by the service as a scale whose top is not above its bottom
        specs.append(services.QuestionSpec(code, text, bottom, top, post.get(f"recommend_{n}") == "on"))
    return specs


def survey_new(request: HttpRequest) -> HttpResponse:
    sites = _sites(request.user, Permission.CREATE)
    if not can(request.user, Permission.CREATE, anywhere=True):
        raise PermissionRefused(_("You are not allowed to set up surveys."))
    form = SurveyForm(request.POST or None, sites=sites)
    rows = _question_rows(request.POST) if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(by=request.user, questions=rows, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Survey %(s)s set up.") % {"s": survey})
            return redirect("feedback:survey", pk=survey.pk)
    shown = rows or [
        services.QuestionSpec("quality", _("How satisfied are you with the quality of our products?"), 1, 5),
        services.QuestionSpec("delivery", _("How satisfied are you with our delivery times?"), 1, 5),
        services.QuestionSpec("service", _("How satisfied are you with our responsiveness?"), 1, 5),
        services.QuestionSpec("recommend", _("How likely are you to recommend us to a colleague?"), 0, 10, True),
    ]
    shown = [*shown, *[services.QuestionSpec("", "", 1, 5)] * (QUESTION_ROWS - len(shown))][:QUESTION_ROWS]
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/survey_form.html", {"form": form, "rows": list(enumerate(shown))}, status=status)


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(request.user, pk)
    questions = list(survey.questions.all())
    stats = {
        pk: (n, mean)
        for pk, n, mean in Score.objects.filter(question__survey=survey)
        .values_list("question_id")
        .annotate(n=Count("id"), mean=Avg("value"))
        .order_by()
    }
    responses = survey.responses.select_related("customer").prefetch_related("scores__question")
    return render(
        request,
        "feedback/survey_detail.html",
        {
            "record": survey,
            "questions": [
                {"q": q, "answers": stats.get(q.pk, (0, None))[0], "mean": stats.get(q.pk, (0, None))[1]}
                for q in questions
            ],
            "responses": [
                {"r": r, "scores": {s.question.code: s.value for s in r.scores.all()}} for r in responses[:200]
            ],
            "response_count": survey.responses.count(),
            "may_record": services.may_record(request.user, survey.site),
        },
    )


def response_new(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(request.user, pk)
    if not services.may_record(request.user, survey.site):
        raise PermissionRefused(_("You are not allowed to record results of this survey."))
    questions = list(survey.questions.all())
    form = ResponseForm(
        request.POST or None,
        initial={"answered_on": timezone.localdate()},
        customers=_customers(request.user),
        questions=questions,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.response_add(
                by=request.user,
                survey=survey,
                customer=data["customer"],
                answered_on=data["answered_on"],
                scores=form.scores(),
                respondent=data["respondent"],
                comment=data["comment"],
            )
        except ValidationFailed as exc:
            placed = {f"q_{k}" if f"q_{k}" in form.fields else k: v for k, v in exc.errors.items()}
            apply_error(request, form, ValidationFailed(placed))
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Response recorded."))
            return redirect("feedback:survey", pk=pk)
    status = 422 if request.method == "POST" else 200
    title = _("Record a response to %(s)s") % {"s": survey}
    return render(request, "feedback/form.html", {"form": form, "title": title}, status=status)


def response_import(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(request.user, pk)
    return _import_page(
        request,
        title=_("Import results of %(s)s") % {"s": survey},
        columns=response_columns(survey),
        run=lambda stream: import_responses(by=request.user, survey=survey, stream=stream),
        back=reverse("feedback:survey", args=[survey.pk]),
        allowed=services.may_record(request.user, survey.site),
    )


# --- compliments and shipments ---------------------------------------------------------


def compliments(request: HttpRequest) -> HttpResponse:
    sites = _sites(request.user, Permission.CREATE)
    form = ComplimentForm(
        request.POST or None,
        initial={"received_on": timezone.localdate()},
        customers=_customers(request.user),
        sites=sites,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.compliment_add(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Compliment recorded. Pass it on!"))
            return redirect("feedback:compliments")
    page = Paginator(selectors.compliments_visible_to(request.user), 50).get_page(request.GET.get("page"))
    status = 422 if request.method == "POST" else 200
    context = {"page": page, "form": form, "may_create": sites.exists()}
    return render(request, "feedback/compliments.html", context, status=status)


def shipments(request: HttpRequest) -> HttpResponse:
    sites = _sites(request.user, Permission.CHANGE)
    form = VolumeForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            services.shipment_volume_save(by=request.user, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Units shipped recorded."))
            return redirect("feedback:shipments")
    page = Paginator(selectors.volumes_visible_to(request.user), 60).get_page(request.GET.get("page"))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "feedback/shipments.html", {"page": page, "form": form, "may_change": sites.exists()}, status=status
    )
