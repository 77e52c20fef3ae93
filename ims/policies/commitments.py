"""The commitments each standard expects a policy to state, and a check of a policy's text.

Both standards want a policy that gives a framework for setting objectives
and commits to continual improvement. ISO 9001 adds a commitment to meet
applicable requirements; ISO 14001 adds protecting the environment (pollution
prevention included) and fulfilling compliance obligations.

The check looks for the usual English wording of each commitment. It warns; it
does not decide: a person approving the policy reads the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ims.policies.models import KIND_STANDARDS


@dataclass(frozen=True)
class Commitment:
    code: str
    standards: tuple[str, ...]
    label: str
    # every group must match somewhere in the text; a group matches when any of its patterns does
    groups: tuple[tuple[str, ...], ...]
    hint: str


IMPROVE = (r"continual(ly)?\s+improv", r"continuous(ly)?\s+improv")

COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        "objectives_framework",
        ("iso9001", "iso14001"),
        "A framework for setting objectives",
        ((r"objective", r"\btargets?\b"),),
        "say that the policy is the basis for setting objectives",
    ),
    Commitment(
        "requirements",
        ("iso9001",),
        "Meeting applicable requirements (customer, statutory and regulatory)",
        ((r"requirement", r"\bmeet\w*\s+(the\s+)?(needs|expectations)"),),
        "commit to meeting customer and legal requirements that apply",
    ),
    Commitment(
        "quality_improvement",
        ("iso9001",),
        "Continual improvement of the quality management system",
        (IMPROVE,),
        "commit to continually improving the management system",
    ),
    Commitment(
        "environment_protection",
        ("iso14001",),
        "Protection of the environment, including prevention of pollution",
        (
            (r"protect\w*\s+(\w+\s+){0,3}environment", r"environment\w*\s+protection"),
            (r"pollution",),
        ),
        "commit to protecting the environment and name prevention of pollution",
    ),
    Commitment(
        "compliance_obligations",
        ("iso14001",),
        "Fulfilling compliance obligations",
        (
            (
                r"compliance\s+obligation",
                r"legal\s+(and\s+other\s+)?requirement",
                r"\bcompl(y|ies|iance)\b",
                r"legislation",
            ),
        ),
        "commit to fulfilling legal and other compliance obligations",
    ),
    Commitment(
        "environmental_improvement",
        ("iso14001",),
        "Continual improvement of the environmental management system to enhance environmental performance",
        (IMPROVE,),
        "commit to continually improving the management system and environmental performance",
    ),
)


@dataclass(frozen=True)
class CommitmentResult:
    commitment: Commitment
    found: bool


def expected_for(kind: str) -> list[Commitment]:
    standards = set(KIND_STANDARDS.get(kind, []))
    return [c for c in COMMITMENTS if standards & set(c.standards)]


def _matches(text: str, commitment: Commitment) -> bool:
    return all(any(re.search(p, text, re.IGNORECASE) for p in group) for group in commitment.groups)


def assess(kind: str, text: str) -> list[CommitmentResult]:
    """Each commitment the kind of policy should state, and whether the text appears to state it."""
    return [CommitmentResult(c, _matches(text, c)) for c in expected_for(kind)]


def missing(kind: str, text: str, standard: str | None = None) -> list[Commitment]:
    return [
        r.commitment
        for r in assess(kind, text)
        if not r.found and (standard is None or standard in r.commitment.standards)
    ]


def warning(kind: str, text: str) -> str:
    """One sentence naming what the text does not appear to state, or empty."""
    gaps = missing(kind, text)
    if not gaps:
        return ""
    return "The text does not appear to state: " + "; ".join(f"{c.label.lower()} ({c.hint})" for c in gaps) + "."
