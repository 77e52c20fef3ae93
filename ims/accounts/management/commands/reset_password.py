"""``ims reset-password USERNAME``: a new temporary password, printed once (audited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ims.accounts.models import User
from ims.accounts.services import generate_password
from ims.audit.services import record_change


class Command(BaseCommand):
    help = "Set a new password for a user and print it once (for an operator at the server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        password = generate_password()
        user.set_password(password)
        user.failed_login_count, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_login_count", "locked_until"])
        record_change(
            action="password_reset",
            by=None,
            actor_label="operator (ims reset-password)",
            record=user,
            changes={"password": ["(hidden)", "(reset)"]},
        )
        self.stdout.write(f"New password for {user.username}: {password}")
