"""The readiness page: scores per standard and clause group, checks and gaps."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.readiness.checks import Status, run_all
from ims.readiness.selectors import edition_readiness, editions_in_scope
from ims.readiness.snapshots import take_if_due, trends


def readiness(request: HttpRequest) -> HttpResponse:
    take_if_due()
    outcomes = run_all()
    standards = []
    for edition in editions_in_scope():
        state = edition_readiness(edition, outcomes)
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
            "checks": sorted(outcomes, key=lambda o: (order[o.result.status], o.check.key)),
            "trends": trends(),
        },
    )
