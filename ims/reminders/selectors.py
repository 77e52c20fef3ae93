"""Reads of reminders: what is waiting for a person now, whether or not they were e-mailed about it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ims.reminders.registry import Item, pending


def items_for(user: Any, *, today: dt.date | None = None) -> list[Item]:
    """The items waiting for ``user`` today, in the order of the sources, then as each source gives them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return pending(today=today or timezone.localdate(), user=user)
