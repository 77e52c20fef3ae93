"""The demo policy: in force, signed, communicated, with a draft that was sent back and then edited."""

from __future__ import annotations

from django.utils import timezone

from ims.demo.loader import load_demo
from ims.policies.checks import policy_current
from ims.policies.models import Policy
from ims.policies.selectors import draft_of, in_force
from ims.readiness.checks import Status
from ims.signatures.services import signatures_of


def test_the_demo_policy(db):
    load_demo()
    policy = Policy.objects.get(reference="POL-001")
    current = in_force(policy)
    assert current is not None
    assert current.number == 1
    assert current.signature is not None
    assert current.signature.matches(current.signed_content())
    assert current.communications.count() == 2
    draft = draft_of(policy)
    assert draft is not None
    assert "by 2030" in draft.text
    [rejection] = signatures_of(draft)
    assert (rejection.meaning, rejection.valid) == ("rejected", False)
    assert policy_current(timezone.now()).status == Status.PASS
