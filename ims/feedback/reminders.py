"""What customer feedback asks of people: a complaint's response falling due, or overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from ims.feedback.models import Complaint, ComplaintStatus
from ims.reminders.registry import Item, source

NOTICE_DAYS = 2  # the owner hears of a response due this many days ahead


@source("feedback_complaints")
def responses_due(today: dt.date, user: Any) -> Iterator[Item]:
    """To the owner of the complaint's improvement event: answer the customer, due soon or overdue."""
    complaints = Complaint.objects.filter(
        status=ComplaintStatus.OPEN,
        response_due__lte=today + dt.timedelta(days=NOTICE_DAYS),
        event__owner__isnull=False,
    ).select_related("customer", "event__owner")
    if user is not None:
        complaints = complaints.filter(event__owner=user)
    for complaint in complaints.order_by("response_due", "reference"):
        owner = complaint.event.owner if complaint.event is not None else None
        assert owner is not None  # filtered on above
        late = complaint.response_due < today
        yield Item(
            owner,
            f"{complaint.pk}:{complaint.response_due:%Y-%m-%d}",
            f"Answer {complaint.customer.name} on {complaint.reference} {complaint.title}"
            + (" (overdue)" if late else ""),
            f"The response was due on {complaint.response_due:%Y-%m-%d}; record it once sent."
            if late
            else f"The response is due on {complaint.response_due:%Y-%m-%d}; record it once sent.",
            reverse("feedback:complaint", args=[complaint.pk]),
        )
