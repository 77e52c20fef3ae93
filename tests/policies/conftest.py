from __future__ import annotations

from typing import Any

import pytest

from ims.responsibilities.models import Responsibility


@pytest.fixture
def top(manager: Any, org: Any) -> Any:
    """The manager persona, named as top management for the whole organisation (5.3)."""
    role = Responsibility.objects.create(
        reference="RES-900", title="Managing director", responsibilities="Runs the company.", top_management=True
    )
    role.holders.add(manager)
    return manager
