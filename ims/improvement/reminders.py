"""What the improvement loop asks of people: overdue workflow steps, overdue actions, effectiveness checks due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from ims.accounts.roles import Role
from ims.improvement.models import OPEN_STATUSES, Action, ActionStatus, EventStatus, Step
from ims.improvement.selectors import checks_due
from ims.reminders.registry import Item, source


def _page(event_id: int) -> str:
    return reverse("improvement:detail", args=[event_id])


def _triagers(site_id: int) -> list[Any]:
    """Who triages a report nobody owns yet: the IMS managers of its site (or of all sites)."""
    users = get_user_model().objects.filter(
        Q(memberships__site_id=site_id) | Q(memberships__site__isnull=True),
        memberships__role=Role.IMS_MANAGER,
        is_active=True,
    )
    return list(users.distinct().order_by("username"))


@source("improvement_steps")
def overdue_steps(today: dt.date, user: Any) -> Iterator[Item]:
    """To the step's owner (for an unowned report: the site's IMS managers): the current step is overdue."""
    steps = Step.objects.filter(
        finished_at__isnull=True, due__lt=today, event__status__in=OPEN_STATUSES
    ).select_related("event", "owner")
    for step in steps.order_by("due", "event__reference"):
        event = step.event
        assert step.due is not None
        people = [step.owner] if step.owner is not None else _triagers(event.site_id)
        what = "Triage" if step.status == EventStatus.REPORTED else step.get_status_display()
        for person in people:
            if user is not None and person.pk != user.pk:
                continue
            yield Item(
                person,
                f"{event.pk}:{step.pk}:{step.due:%Y-%m-%d}",
                f"{what} of {event.reference} {event.title} is overdue",
                f"It was due on {step.due:%Y-%m-%d}; move the event on or re-plan the step.",
                _page(event.pk),
            )


@source("improvement_actions")
def overdue_actions(today: dt.date, user: Any) -> Iterator[Item]:
    """To the action's owner: an open corrective or improvement action is past its due date."""
    actions = Action.objects.filter(
        status=ActionStatus.OPEN, due__lt=today, event__status__in=OPEN_STATUSES
    ).select_related("event", "owner")
    if user is not None:
        actions = actions.filter(owner=user)
    for action in actions.order_by("due", "event__reference", "number"):
        yield Item(
            action.owner,
            f"{action.pk}:{action.due:%Y-%m-%d}",
            f"Action {action.number} of {action.event.reference} is overdue: {action.short}",
            f"It was due on {action.due:%Y-%m-%d}; mark it done, "
            f"or agree a new date with the owner of {action.event.reference}.",
            _page(action.event_id),
        )


@source("improvement_checks")
def checks_waiting(today: dt.date, user: Any) -> Iterator[Item]:
    """To the event's owner: an action's effectiveness check is due."""
    for check in checks_due(today).order_by("due", "pk"):
        action, event = check.action, check.action.event
        person = event.owner or action.owner
        if user is not None and person.pk != user.pk:
            continue
        yield Item(
            person,
            f"{check.pk}:{check.due:%Y-%m-%d}",
            f"Check the effectiveness of action {action.number} of {event.reference}: {action.short}",
            f"Due on {check.due:%Y-%m-%d}; the criterion is “{check.criterion}”.",
            _page(event.pk),
        )
