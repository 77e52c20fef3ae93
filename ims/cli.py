"""The ``ims`` console script: Django's management commands plus IMS's own.

Hyphenated names map to the commands' module names, so ``ims verify-audit``
runs ``verify_audit`` and ``ims load-standards`` runs ``load_standards``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ims.settings")
    if len(args) > 1 and not args[1].startswith("-") and "-" in args[1]:
        args[1] = args[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        from ims.core.context import Channel, acting

        with acting(Channel.CLI):
            execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        print(f"ims: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
