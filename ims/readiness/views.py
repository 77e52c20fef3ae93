"""The readiness page: scores per standard and clause group, checks and gaps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.accounts.permissions import Action, require
from ims.readiness import evidence
from ims.readiness.checks import Status, run_all
from ims.readiness.selectors import edition_readiness, editions_in_scope
from ims.readiness.snapshots import take_if_due, trends
from ims.web.pdf import PDF_TYPE


def readiness(request: HttpRequest) -> HttpResponse:
    take_if_due()
    outcomes = run_all()
    standards: list[dict[str, Any]] = []
    scores: list[float] = []
    editions = editions_in_scope()
    for edition in editions:
        state = edition_readiness(edition, outcomes)
        scores.append(state.score)
        gaps = state.gaps()
        standards.append(
            {
                "edition": edition,
                "score": state.score,
                "groups": state.by_group(),
                "gaps": gaps[:25],
                "gap_count": len(gaps),
            }
        )
    order = {Status.FAIL: 0, Status.NO_DATA: 1, Status.PASS: 2}
    return render(
        request,
        "readiness/readiness.html",
        {
            "standards": standards,
            "checks": evidence.with_links(
                request.user, sorted(outcomes, key=lambda o: (order[o.result.status], o.check.key))
            ),
            "trends": trends(editions=editions),
            # The integrated system: each standard in scope weighs the same.
            "overall": round(sum(scores) / len(scores), 1) if scores else 0.0,
        },
    )


def _require_whole_system(request: HttpRequest) -> None:
    """The report lists evidence from every site: only people who see every site may download it."""
    require(request.user, Action.VIEW, what="the gap report of the whole system (it needs access to every site)")


def report_xlsx(request: HttpRequest) -> HttpResponse:
    """The gap report as a spreadsheet: a summary sheet and one sheet per edition in scope."""
    from ims.readiness.reports import XLSX_TYPE, gap_report_data, gap_report_xlsx

    _require_whole_system(request)
    report = gap_report_data()
    response = HttpResponse(gap_report_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ims-gap-report-{report.date:%Y-%m-%d}.xlsx"'
    return response


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The gap report as an A4 PDF, for management before a certification audit."""
    from ims.readiness.reports import gap_report_data, gap_report_pdf

    _require_whole_system(request)
    report = gap_report_data()
    response = HttpResponse(gap_report_pdf(report, base_url=request.build_absolute_uri("/")), content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ims-gap-report-{report.date:%Y-%m-%d}.pdf"'
    return response
