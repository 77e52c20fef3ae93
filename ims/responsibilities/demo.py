"""Demo data: the roles, responsibilities and authorities (5.3) of the machining group.

The managing director and the IMS manager are top management of the whole
organisation: the policies are approved by them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from ims.processes.models import Process
from ims.responsibilities.models import Duty
from ims.responsibilities.services import responsibility_create

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E = "iso9001", "iso14001"


class Role(NamedTuple):
    site: str | None  # site code; None: organisation-wide
    title: str
    responsibilities: str
    authorities: str
    holders: list[str]  # user names; "admin" is the managing director
    deputy: str | None
    processes: list[str]
    standards: list[str]
    duties: list[str]
    top_management: bool = False
    review_in_days: int = 365


ROLES: list[Role] = [
    Role(
        None,
        "Managing director",
        "Sets the direction of the group; provides the resources the management system needs; "
        "chairs the management review; is accountable for the system's effectiveness.",
        "Approves the quality and environmental policy, objectives, budgets and investments; "
        "may stop any activity that endangers people, the environment or customers.",
        ["admin"],
        "marie.dubois",
        ["PRC-01", "PRC-02"],
        [Q, E],
        [],
        top_management=True,
    ),
    Role(
        None,
        "Management team member",
        "Takes part in the management team's decisions on direction, risks, objectives and resources.",
        "Approves policies and objectives with the managing director; decides on planned changes.",
        ["marie.dubois"],
        None,
        ["PRC-01", "PRC-02"],
        [Q, E],
        [],
        top_management=True,
    ),
    Role(
        None,
        "IMS manager",
        "Keeps the integrated management system conforming to ISO 9001 and ISO 14001; reports its "
        "performance and opportunities for improvement to the management team; keeps the system "
        "working while changes are planned and carried out; runs document control.",
        "May require any process owner to correct a nonconformity of the system; releases controlled "
        "documents; decides the readiness self-assessment.",
        ["marie.dubois"],
        None,
        ["PRC-01", "PRC-02", "PRC-12"],
        [Q, E],
        [Duty.CONFORMITY, Duty.REPORTING, Duty.INTEGRITY_CHANGES],
    ),
    Role(
        "LYO",
        "Plant manager, Lyon",
        "Makes sure design, machining, surface treatment and maintenance in Lyon deliver their intended "
        "outputs on time, to specification and within the plant's environmental permit.",
        "Decides production priorities and staffing in Lyon; may stop a line for a quality or "
        "environmental risk; approves plant investments up to EUR 50k.",
        ["julien.petit"],
        "lucas.martin",
        ["PRC-04", "PRC-06", "PRC-07", "PRC-11"],
        [Q, E],
        [Duty.PROCESS_OUTPUTS],
    ),
    Role(
        "BRQ",
        "Plant manager, Brno",
        "Makes sure assembly, inspection and shipping in Brno deliver their intended outputs on time "
        "and to specification.",
        "Decides production priorities and staffing in Brno; may stop a line for a quality or "
        "environmental risk; approves plant investments up to EUR 50k.",
        ["tomas.novak"],
        "petra.svobodova",
        ["PRC-08", "PRC-09", "PRC-10"],
        [Q, E],
        [Duty.PROCESS_OUTPUTS],
    ),
    Role(
        None,
        "Quality engineer",
        "Makes customer requirements and feedback known in every process; analyses complaints and "
        "customer satisfaction; runs first-article inspections.",
        "May hold a shipment that does not meet customer requirements; approves inspection plans.",
        ["claire.bernard"],
        None,
        ["PRC-03", "PRC-09"],
        [Q],
        [Duty.CUSTOMER_FOCUS],
        review_in_days=180,
    ),
    Role(
        None,
        "Sales and customer service manager",
        "Reviews every order against what the customer asks for; keeps customers informed; brings "
        "the customer's voice to the management review.",
        "Accepts or declines orders after contract review; agrees delivery dates with customers.",
        ["julien.petit"],
        "claire.bernard",
        ["PRC-03"],
        [Q],
        [Duty.CUSTOMER_FOCUS],
    ),
    Role(
        None,
        "Environmental coordinator",
        "Keeps the register of environmental aspects and compliance obligations up to date; follows "
        "waste, energy, water and emission figures; prepares the evaluation of compliance.",
        "May stop a discharge or a waste shipment that breaches a permit; approves new chemicals "
        "before their first use.",
        ["petra.svobodova"],
        "lucas.martin",
        ["PRC-07", "PRC-11"],
        [E],
        [],
        review_in_days=180,
    ),
    Role(
        "LYO",
        "Maintenance lead, Lyon",
        "Keeps machines, the surface treatment line and their retention bunds in working order; "
        "plans preventive maintenance.",
        "May take a machine out of service; orders spare parts up to EUR 5k.",
        ["lucas.martin"],
        None,
        ["PRC-11"],
        [Q, E],
        [],
    ),
    Role(
        None,
        "Internal audit lead",
        "Plans and leads the internal audit programme of both plants; reports findings to the management team.",
        "Chooses auditors independent of the area audited; has access to every record and site.",
        ["eva.horakova"],
        None,
        ["PRC-01"],
        [Q, E],
        [],
    ),
]


def step_responsibilities(ctx: DemoContext) -> None:
    today = timezone.localdate()
    users = {**ctx.users, "admin": ctx.admin}
    processes = {p.reference: p for p in Process.objects.all()}
    for role in ROLES:
        responsibility_create(
            by=ctx.admin,
            site=ctx.sites.get(role.site) if role.site else None,
            title=role.title,
            responsibilities=role.responsibilities,
            authorities=role.authorities,
            holders=[users[u] for u in role.holders if u in users],
            deputy=users.get(role.deputy) if role.deputy else None,
            processes=[processes[r] for r in role.processes if r in processes],
            standards=role.standards,
            duties=list(role.duties),
            top_management=role.top_management,
            review_date=today + dt.timedelta(days=role.review_in_days),
        )
