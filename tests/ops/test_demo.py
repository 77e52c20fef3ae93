"""``ims demo --if-empty`` loads the demo organisation into an empty database.

What the loaded demo prints and holds is checked in ``tests/demo``, on one load shared by those tests.
"""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command

from ims.org.models import Organisation

ROLES = ["Administrator", "IMS manager", "Process owner", "Auditor", "Contributor", "Viewer"]
CREDENTIAL = re.compile(r"^  (\S+) +(\S+)  (.+)$", re.M)


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_if_empty_loads_an_empty_database(db):
    printed = demo("--if-empty")

    assert printed.startswith("Demo organisation loaded")
    assert Organisation.objects.exists()
