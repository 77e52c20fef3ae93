"""Extract every known edition found in a source folder and write the IMS data files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ims.factors.extract import desnz, epa, gwp
from ims.factors.extract.common import Extracted, ExtractionError, sha256_of, write
from ims.factors.extract.editions import DESNZ_2024, DESNZ_2025, EPA_2025, GWP_2024, Edition

EXTRACTORS: list[tuple[Edition, Callable[[Path, Edition], Extracted]]] = [
    (DESNZ_2025, desnz.extract),
    (DESNZ_2024, desnz.extract),
    (EPA_2025, epa.extract),
    (GWP_2024, gwp.extract),
]


def check_source(source_dir: Path, edition: Edition) -> None:
    path = source_dir / edition.path
    if not path.is_file():
        raise ExtractionError(f"{path}: not found")
    digest = sha256_of(path)
    if digest != edition.sha256:
        raise ExtractionError(
            f"{path}: SHA-256 is {digest}, not the {edition.sha256} of {edition.edition}; "
            "check the new file's layout and add it to ims/factors/extract/editions.py"
        )


def extract_all(source_dir: Path) -> list[Extracted]:
    """Read every official file; refuse the whole run if any of them is not the expected one."""
    for edition, _ in EXTRACTORS:
        check_source(source_dir, edition)
    return [extractor(source_dir, edition) for edition, extractor in EXTRACTORS]


def run(source_dir: Path, out_dir: Path) -> list[tuple[Extracted, list[Path]]]:
    extracted = extract_all(source_dir)
    return [(e, write(e, out_dir)) for e in extracted]
