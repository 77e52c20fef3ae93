"""Loading the app does not import the heavy libraries only some requests need.

Every server worker loads every URL module; openpyxl (workbooks) and pint
(units) add about 30 MB to each when imported at module level, so they are
imported where a workbook is made or a unit is parsed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import ims.api.api
print(json.dumps(sorted(m for m in ("openpyxl", "pint", "PIL", "weasyprint", "pypdf", "duckdb") if m in sys.modules)))
"""


def test_the_app_loads_without_workbook_unit_or_pdf_libraries():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ims.settings", "IMS_DEBUG": "true", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
