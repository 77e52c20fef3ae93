"""Sending reminders: one e-mail per person per run, listing the items they were not yet told about.

Safe to run every hour: the :class:`~ims.reminders.models.Reminder` log holds
what each person was told, and an item is logged in the same transaction as
its e-mail is handed to the mail server, so a failed e-mail is tried again on
the next run and two runs at once never send the same item twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from ims.reminders.models import Reminder
from ims.reminders.registry import Item, pending

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    reminders: int = 0  # items e-mailed (or that would be, on a dry run)
    people: int = 0
    without_email: list[str] = field(default_factory=list)  # people with new items but no address
    failed: list[str] = field(default_factory=list)  # "username: why", for e-mails that could not be sent

    def line(self) -> str:
        return f"Sent {self.reminders} reminder{'s' if self.reminders != 1 else ''} to {self.people} " + (
            "person." if self.people == 1 else "people."
        )


def absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def compose(user: Any, items: list[Item], *, base_url: str = "") -> EmailMessage:
    """The e-mail telling ``user`` about ``items``."""
    subject = f"IMS: {items[0].subject}" if len(items) == 1 else f"IMS: {len(items)} items waiting for you"
    name = user.first_name or user.get_username()
    lines = [f"Hello {name},", ""]
    lines.append("This is waiting for you in IMS:" if len(items) == 1 else "These are waiting for you in IMS:")
    for item in items:
        lines += ["", f"* {item.subject}", f"  {item.body}", f"  {absolute(base_url, item.url)}"]
    lines += [
        "",
        f"Everything waiting for you is on your IMS dashboard: {absolute(base_url, '/')}",
        "You get one message for each new item; IMS does not repeat it.",
    ]
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])


def _new_items(items: list[Item]) -> dict[int, tuple[Any, list[Item]]]:
    """The items nobody was told about yet, by person (each key once)."""
    by_user: dict[int, tuple[Any, list[Item]]] = {}
    for item in items:
        by_user.setdefault(item.user.pk, (item.user, []))[1].append(item)
    told: dict[int, set[str]] = defaultdict(set)
    for user_id, key in Reminder.objects.filter(user_id__in=list(by_user)).values_list("user_id", "key"):
        told[user_id].add(key)
    fresh: dict[int, tuple[Any, list[Item]]] = {}
    for user_id, (user, theirs) in by_user.items():
        seen = set(told[user_id])
        new = []
        for item in theirs:
            if item.key not in seen:
                seen.add(item.key)
                new.append(item)
        if new:
            fresh[user_id] = (user, new)
    return fresh


def send_reminders(*, now: dt.datetime | None = None, base_url: str = "", dry_run: bool = False) -> RunSummary:
    """E-mail each person the items waiting for them that they were not told about yet."""
    moment = now or timezone.now()
    summary = RunSummary()
    connection = None if dry_run else get_connection()
    for user, items in _new_items(pending(today=timezone.localdate(moment))).values():
        if not user.email:
            summary.without_email.append(user.get_username())
            continue
        if not dry_run:
            try:
                with transaction.atomic():
                    Reminder.objects.bulk_create([Reminder(user=user, key=i.key, sent_at=moment) for i in items])
                    message = compose(user, items, base_url=base_url)
                    message.connection = connection
                    message.send()
            except IntegrityError:
                continue  # another run told them at the same moment
            except OSError as exc:  # smtplib's errors are OSErrors too
                log.warning("Reminder e-mail to %s failed: %s", user.get_username(), exc)
                summary.failed.append(f"{user.get_username()}: {exc}")
                continue
        summary.reminders += len(items)
        summary.people += 1
    return summary
