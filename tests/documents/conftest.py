from __future__ import annotations

import io
from typing import Any

import pytest

from ims.documents.services import document_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def procedure(owner: Any, north: Any) -> Any:
    """A north-site procedure drafted by the process owner, with the manager as approver."""
    return document_create(
        by=owner,
        doc_type="procedure",
        area="ENV",
        title="Spill response",
        sites=[north],
        text="# Spill response\n\nStop the leak, contain it, report it.",
        review_months=12,
    )


def upload(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name
