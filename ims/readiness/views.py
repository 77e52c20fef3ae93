"""The readiness page: scores per standard and clause group, checks and gaps."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.readiness.checks import Status, run_all
from ims.readiness.selectors import edition_readiness, editions_in_scope


def readiness(request: HttpRequest) -> HttpResponse:
    outcomes = run_all()
    standards = []
    for edition in editions_in_scope():
        state = edition_readiness(edition, outcomes)
        gaps = [r for r in state.requirements if r.applicable and (r.failing or r.weight < 1)]
        # What blocks certification first: failing checks, then mandated documented information, then the rest.
        gaps.sort(key=lambda r: (not r.failing, not r.clause.mandated.exists(), r.weight, r.clause.sort_key))
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
        },
    )
