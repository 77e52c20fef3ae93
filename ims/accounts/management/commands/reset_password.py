"""``ims reset-password USERNAME``: a new temporary password, printed once (audited)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.accounts.models import User
from ims.accounts.services import password_reset


class Command(BaseCommand):
    help = "Set a new temporary password for a user and print it once (for an operator at the server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        password = password_reset(by=None, user=user, operator=f"operator {getpass.getuser()} (ims reset-password)")
        self.stdout.write(f"New temporary password for {user.username} (to be changed at sign-in): {password}")
