"""``ims remind``: e-mail people what is waiting for them (safe to run every hour, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.reminders.services import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each person the new items waiting for them: documents to review, revisions to sign, "
        "documents to read. Each item is sent once; run it as often as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "IMS_BASE_URL", ""),
            help="Address of IMS as people open it, e.g. https://ims.example.com (links are paths without it).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reminders(base_url=options["base_url"], dry_run=options["dry_run"])
        line = summary.line()
        self.stdout.write(line.replace("Sent", "Would send", 1) if options["dry_run"] else line)
        if summary.reminders and not options["base_url"]:
            self.stdout.write("The links in the e-mails are paths only: give --base-url to make them complete.")
        if summary.without_email:
            self.stdout.write(f"No e-mail address, not reminded: {', '.join(sorted(summary.without_email))}.")
        if summary.failed:
            raise CommandError("Could not send: " + "; ".join(summary.failed))
