"""Small, hand-made standards files for testing the loader independently of the shipped ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

HS = {
    "format": "ims-harmonized-structure/1",
    "source": "test skeleton",
    "clauses": [
        {"number": "4", "title": "Context of the organization"},
        {"number": "4.1", "title": "Understanding the organization and its context"},
        {"number": "5", "title": "Leadership"},
        {"number": "5.2", "title": "Policy"},
    ],
}


def edition(code: str, year: str, *, supersedes: str | None = None, extra: list[Any] | None = None) -> dict[str, Any]:
    return {
        "format": "ims-standard/1",
        "standard": {"code": code, "name": code.upper(), "title": f"{code} requirements"},
        "edition": {
            "code": year,
            "label": f"{code.upper()}:{year}",
            "published": f"{year}-01-15",
            "allows_exclusions": False,
            **({"supersedes": supersedes} if supersedes else {}),
        },
        "clauses": [
            {
                "number": "4",
                "title": "Context of the organization",
                "requirements": False,
                "children": [
                    {
                        "number": "4.1",
                        "title": "Understanding the organization and its context",
                        "requirements": True,
                        "hs": "4.1",
                        "common": True,
                        "summary": "Work out which internal and external issues matter for the system.",
                    },
                    *(extra or []),
                ],
            },
            {
                "number": "5",
                "title": "Leadership",
                "requirements": False,
                "children": [
                    {
                        "number": "5.2",
                        "title": "Policy",
                        "requirements": True,
                        "hs": "5.2",
                        "common": True,
                        "summary": "Top management sets a policy that fits the organisation and its purpose.",
                        "documented_information": [{"kind": "maintain", "what": "the policy"}],
                    }
                ],
            },
        ],
    }


def write(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    write(tmp_path, "hs.yaml", HS)
    write(tmp_path, "std-2015.yaml", edition("std", "2015"))
    write(
        tmp_path,
        "std-2026.yaml",
        edition(
            "std",
            "2026",
            supersedes="std:2015",
            extra=[
                {
                    "number": "4.2",
                    "title": "Something new",
                    "requirements": True,
                    "summary": "A brand new requirement of the later edition.",
                }
            ],
        ),
    )
    write(
        tmp_path,
        "std-map.yaml",
        {
            "format": "ims-edition-mapping/1",
            "from": "std:2015",
            "to": "std:2026",
            "changes": [
                {"from": "4", "to": "4", "change": "unchanged"},
                {"from": "4.1", "to": "4.1", "change": "unchanged"},
                {"to": "4.2", "change": "new", "note": "New requirement."},
                {"from": "5", "to": "5", "change": "unchanged"},
                {"from": "5.2", "to": "5.2", "change": "unchanged"},
            ],
        },
    )
    return tmp_path
