"""Demo policy: one integrated quality and environmental policy, in force and communicated, with a draft revision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ims.policies.models import PolicyKind
from ims.policies.services import (
    communication_record,
    draft_start,
    draft_update,
    policy_create,
    revision_approve,
    revision_reject,
)

PARAGRAPHS = (
    "Alder & Finch Components machines and assembles precision metal parts that our customers build into the "
    "machines farms and factories depend on. We intend to be the supplier they never have to chase, and a "
    "neighbour the towns of Lyon and Brno are glad to have.",
    "Top management commits the company to:",
    "1. Meet our customers' requirements and the statutory and regulatory requirements that apply to our "
    "products, first time and on time.\n"
    "2. Protect the environment, including the prevention of pollution from our machining fluids, coatings and "
    "waste, and use energy, water and metal sparingly.\n"
    "3. Fulfil our compliance obligations: the permits, laws and agreements that apply to our sites.\n"
    "4. Continually improve our integrated management system and our quality and environmental performance.",
    "This policy is the framework for setting our quality and environmental objectives each year. Every manager "
    "explains it to their team, and it is reviewed by top management at least once a year.",
)
TEXT = "\n\n".join(PARAGRAPHS)

REVISED = TEXT.replace(
    "use energy, water and metal sparingly.",
    "use energy, water and metal sparingly, cutting our energy use per part by a quarter by 2030.",
).replace(
    "quality and environmental performance.",
    "quality and environmental performance.\n"
    "5. Prepare our plants and supply chain for the effects of climate change on our operations.",
)


def _password(ctx: Any, username: str) -> str:
    return next(p for u, _, p in ctx.credentials if u == username)


def step_policies(ctx: Any) -> None:
    manager = ctx.users["marie.dubois"]
    policy = policy_create(
        by=manager,
        reference="POL-001",
        kind=PolicyKind.INTEGRATED,
        title="Quality and environmental policy",
        owner=manager,
        review_date=timezone.localdate() + dt.timedelta(days=365),
        text=TEXT,
        change_summary="First issue of the integrated policy, replacing the separate quality and environmental ones.",
    )
    first = policy.revisions.get(number=1)
    revision_approve(by=ctx.admin, revision=first, version=first.version, password=_password(ctx, "admin"))
    today = timezone.localdate()
    communication_record(
        by=manager,
        revision=first,
        communicated_on=today,
        audience="All employees, Lyon and Brno",
        method="briefing",
        notes="Presented at the start-of-shift briefings; printed copy on each plant's notice board.",
    )
    communication_record(
        by=manager, revision=first, communicated_on=today, audience="Customers and the public", method="website"
    )
    draft = draft_start(
        by=manager, policy=policy, change_summary="Adds the 2030 energy target and climate change adaptation."
    )
    draft_update(
        by=manager,
        revision=draft,
        version=draft.version,
        text=REVISED.replace(", cutting our energy use per part by a quarter by 2030", ""),
    )
    revision_reject(
        by=ctx.admin,
        revision=draft,
        version=draft.version,
        password=_password(ctx, "admin"),
        reason="State the 2030 energy target in the policy itself, not only in the objectives.",
    )
    draft_update(by=manager, revision=draft, version=draft.version, text=REVISED)
