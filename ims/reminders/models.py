"""The log of reminders sent, so that each pending item is e-mailed to a person once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reminder(models.Model):
    """An item a person was reminded of; its key names the item and its due date or revision.

    A new due date or a new revision gives a new key, so the person is reminded again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user_and_key")]

    def __str__(self) -> str:
        return f"{self.key} to {self.user} at {self.sent_at:%Y-%m-%d %H:%M}"
