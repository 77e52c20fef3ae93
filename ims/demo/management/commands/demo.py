"""``ims demo``: load the demo organisation into a new, empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.demo.loader import describe, is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation (a fictional manufacturer with two sites) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (exit 0) when the database already holds an organisation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if is_loaded():
            if options["if_empty"]:
                self.stdout.write(
                    "The database already holds an organisation; demo not loaded. "
                    "Sign in with your existing accounts (reset one with: ims reset-password USERNAME)."
                )
                return
            raise CommandError("The database already holds an organisation; the demo loads only into an empty one.")
        ctx = load_demo()
        self.stdout.write(describe(ctx))
