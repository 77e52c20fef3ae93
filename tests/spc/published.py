"""Reading the validation data sets copied into tests/spc/data (see its README)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def expected(case: str) -> dict[str, Any]:
    with (DATA / case / "expected.json").open(encoding="utf-8") as f:
        return json.load(f)


def rows(case: str, name: str) -> list[dict[str, str]]:
    with (DATA / case / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pistonrings(name: str = "pistonrings.csv") -> list[list[float]]:
    return [[float(r[f"x{i}"]) for i in range(1, 6)] for r in rows("01_xbar_r_pistonrings", name)]
