"""Reading the whiteside validation data copied into tests/energy/data (see its README)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

CASE = Path(__file__).parent / "data" / "07_energy_baseline_whiteside"


def expected() -> dict[str, Any]:
    with (CASE / "expected.json").open(encoding="utf-8") as f:
        return json.load(f)


def weeks(period: str | None = None) -> list[dict[str, Any]]:
    """Weeks as {'period', 'temp', 'gas', 'after'}; ``period`` is 'baseline' or 'reporting'."""
    with (CASE / "whiteside_gas.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        {
            "period": r["period"],
            "temp": float(r["avg_external_temp_C"]),
            "gas": float(r["gas_1000_cubic_feet"]),
            "after": 1.0 if r["insulation"] == "After" else 0.0,
        }
        for r in rows
        if period is None or r["period"] == period
    ]
