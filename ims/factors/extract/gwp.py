"""100-year GWPs (AR4, AR5, AR6) from the openclimatedata compilation."""

from __future__ import annotations

import csv
from pathlib import Path

from ims.factors.extract.common import Extracted, ExtractionError, GwpRow, text_number
from ims.factors.extract.editions import Edition

COLUMNS = {"AR4GWP100": "AR4", "AR5GWP100": "AR5", "AR6GWP100": "AR6"}
SELECTION = "Every gas with a 100-year GWP in AR4, AR5 or AR6 (columns AR4GWP100, AR5GWP100, AR6GWP100)."


def extract(source_dir: Path, edition: Edition) -> Extracted:
    path = source_dir / edition.path
    rows: list[GwpRow] = []
    with path.open(encoding="utf-8", newline="") as stream:
        header: list[str] | None = None
        for line, cells in enumerate(csv.reader(stream), 1):
            if not cells or cells[0].startswith("#"):
                continue
            if header is None:
                header = cells
                missing = [c for c in ("Species", *COLUMNS) if c not in header]
                if missing:
                    raise ExtractionError(f"{path.name}: line {line}: no column {', '.join(missing)}")
                continue
            values = dict(zip(header, cells, strict=False))
            for column, gwp_set in COLUMNS.items():
                raw = values.get(column, "").strip()
                if raw:
                    where = f"{path.name}: line {line}, {column}"
                    rows.append(
                        GwpRow(values["Species"].strip(), gwp_set, text_number(raw, where=where), f"line {line}")
                    )
    return Extracted(sidecar=edition.sidecar(selection=SELECTION, numbers="As written in the CSV."), gwp_values=rows)
