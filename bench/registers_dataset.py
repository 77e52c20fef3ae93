"""The deterministic aspects register of 100,000 rows, and the timing of its filtered, sorted first page.

Both steps run inside an :class:`bench.instance.Instance` environment (Django
reads its settings from there), after ``ims migrate``:

``python -m bench.registers_dataset build --out FILE``
    Three sites, a process owner limited to two of them, an API token for them
    and :data:`RECORDS` aspects (``bulk_create``, fixed seed). The texts are
    drawn from word lists, so :data:`WORD` (one aspect among fifty) matches
    about 2% of the rows. While generating, the expected answers are worked out
    in Python from the generated values alone: the number of rows the timed
    query matches and the references of its first page, with and without the
    text search. The file gets a :class:`RegisterDataset`.

``python -m bench.registers_dataset measure --data FILE --out FILE``
    Times ``GET /api/v1/aspects?site_id=&q=&sort=-score&limit=50`` through
    ``django.test.Client`` with the Bearer token, checks every answer, counts
    the SQL of one request, and for context times the same query without the
    text search, the web list page, and the two SQL statements on their own.
    The file gets a :class:`RegisterTiming`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

SEED = 6120
RECORDS = 100_000
BATCH = 2_000
PAGE = 50
SORT = "-score"
WORD = "refrigerant"  # in one aspect text of fifty: ~2% of the rows

SITES = (
    # code, name, country, time zone, share of the aspects
    ("LYO", "Lyon machining plant", "FR", "Europe/Paris", 0.40),
    ("BRQ", "Brno assembly plant", "CZ", "Europe/Prague", 0.35),
    ("PRT", "Porto finishing plant", "PT", "Europe/Lisbon", 0.25),
)
OWNER_SITES = ("LYO", "BRQ")  # the process owner's sites; the timed query filters by the first
OWNER = "bench-owner"

ACTIVITIES = (
    *("CNC machining", "Surface treatment", "Degreasing line", "Paint shop", "Boiler house", "Forklift fleet"),
    *("Goods receipt", "Dispatch", "Canteen", "Offices", "Laboratory", "Welding cell", "Final assembly"),
    *("Compressed air station", "Cooling tower", "Wastewater treatment", "Chemical store", "Maintenance workshop"),
    *("Packaging", "Heat treatment", "Parts washing", "Powder coating", "Warehouse", "Car park", "Test bench"),
    *("Tool room", "Grinding", "Injection moulding", "Quality lab", "Diesel tank farm"),
)
AREAS = ("hall A", "hall B", "hall C", "north yard", "south yard", "annex", "mezzanine", "line 1", "line 2", "line 3")
ASPECTS = (
    *("Electricity use of machine tools", "Natural gas combustion", "Metalworking fluid mist", "Spent coolant"),
    *("Oily rags and absorbents", "Cardboard packaging waste", "Noise from extraction fans", "VOC emissions"),
    *("Aluminium swarf", "Steel swarf", "Anodising bath effluent", "Acid bath spill", "Paint sludge"),
    *("Solvent evaporation", "Diesel exhaust of forklifts", "Lead-acid battery charging", "Hydraulic oil leak"),
    *("Compressed air leaks", "Water use for rinsing", "Sanitary wastewater", "Food waste", "Office paper"),
    *("Lighting electricity", "Heating of offices", "Business travel", "Inbound freight", "Outbound freight"),
    *("Pallet wood waste", "Plastic film waste", "Scrap parts", "Contaminated packaging", "Grinding dust"),
    *("Welding fumes", "Shielding gas use", "Heat treatment furnace emissions", "Quench oil fumes", "Legionella risk"),
    *("Cooling water blowdown", "Laboratory chemicals", "Fire-fighting water run-off", "Stormwater run-off"),
    *("Diesel spill at filling point", "Refrigerant leak from chillers", "Powder overspray", "Salt spray test brine"),
    *("Used filter cartridges", "Fluorescent tubes", "Electronic waste", "Toner cartridges", "Car park oil run-off"),
)
IMPACTS = (
    *("Climate change (CO2 emissions)", "Resource depletion", "Local air quality", "Water pollution"),
    *("Soil contamination", "Groundwater contamination", "Noise nuisance for neighbours", "Photochemical smog"),
    *("Landfill use", "Recycling of material", "Ozone layer depletion", "Eutrophication of the river"),
    *("Harm to aquatic life", "Odour nuisance", "Dust nuisance", "Fire and explosion consequences"),
    *("Depletion of groundwater", "Load on the municipal sewage works", "Hazardous waste generation"),
    *("Acidification", "Heavy metal release", "Visual nuisance", "Biodiversity loss at the site boundary"),
)
CONTROLS = (
    "Work instruction and monthly inspection.",
    "Bunded storage; spill kit at the point of use.",
    "Licensed waste carrier; consignment notes filed.",
    "Energy meter per hall; standby schedule.",
    "Extraction with filter; annual emission measurement.",
    "",
)
CONDITIONS = ("normal",) * 16 + ("abnormal",) * 3 + ("emergency",)
STAGES = ("production",) * 6 + ("raw_materials", "transport", "use", "end_of_life", "design")
EVALUATED_SHARE = 0.88  # the rest has never been evaluated (score NULL)
ARCHIVED_SHARE = 0.03
THRESHOLD = 40  # score at or above: significant

WARMUP_RUNS = 5
TIMED_RUNS = 50
CONTEXT_RUNS = 15  # the query without text search, the web page, the SQL statements alone


@dataclass(frozen=True)
class RegisterDataset:
    token: str
    owner: str
    total: int
    site_ids: dict[str, int]  # code -> pk
    allowed_site_ids: list[int]
    site_id: int  # the timed query's site
    word: str
    word_rows: int  # rows of all sites whose texts contain the word
    expected_count: int  # the timed query's count, from the generated values
    expected_refs: list[str]  # its first page
    plain_count: int  # the same query without the text search
    plain_refs: list[str]


@dataclass(frozen=True)
class RegisterTiming:
    runs_ms: list[float]
    median_ms: float
    p95_ms: float
    orm_count: int  # the timed query's count by a direct ORM query
    problems: list[str]
    queries: int  # SQL of one API request
    query_sql: list[str]
    plain_ms: float  # same query without q
    plain_p95_ms: float
    page_ms: float  # the web list page with the same filters
    page_status: int
    page_shows_count: bool
    count_sql_ms: float  # the selector's COUNT alone
    page_sql_ms: float  # the selector's first-page SELECT alone
    plans: dict[str, list[str]] = field(default_factory=dict)


def _setup() -> None:
    import django

    django.setup()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


# -- the data set ------------------------------------------------------------------------------


def build() -> RegisterDataset:
    _setup()
    from django.db import transaction

    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.accounts.services import token_create
    from ims.aspects.models import Aspect
    from ims.core.context import Channel, acting
    from ims.core.records import create_record
    from ims.org.models import Site

    texts = (*ACTIVITIES, *AREAS, *IMPACTS)
    if any(WORD in t.lower() for t in texts) or sum(WORD in a.lower() for a in ASPECTS) != 1:
        raise SystemExit(f"the search word {WORD!r} must occur in exactly one aspect text and nowhere else")

    rng = random.Random(SEED)
    with acting(Channel.CLI), transaction.atomic():
        sites = {
            code: create_record(Site(code=code, name=name, country=country, time_zone=tz), by=None)
            for code, name, country, tz, _ in SITES
        }
        owner = User(username=OWNER, first_name="Bench", last_name="Owner")
        owner.set_unusable_password()
        create_record(owner, by=None)
        for code in OWNER_SITES:
            Membership.objects.create(user=owner, role=Role.PROCESS_OWNER, site=sites[code])
        _, token = token_create(user=owner, name="bench registers")
        colleagues = []
        for i in range(1, 6):
            colleague = User(username=f"colleague{i}", first_name="Colleague", last_name=str(i))
            colleague.set_unusable_password()
            colleagues.append(create_record(colleague, by=None))

    site_choices = [sites[code].pk for code, *_ in SITES]
    shares = [share for *_, share in SITES]
    owner_ids = [owner.pk, *(c.pk for c in colleagues)]
    site_id = sites[OWNER_SITES[0]].pk
    now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    # (sort key, reference) of the rows the timed query and its plain variant must return
    matched: list[tuple[tuple[bool, int, int], str]] = []
    plain: list[tuple[tuple[bool, int, int], str]] = []
    word_rows = 0
    batch: list[Any] = []
    for n in range(1, RECORDS + 1):
        activity = f"{rng.choice(ACTIVITIES)}, {rng.choice(AREAS)}"
        aspect = rng.choice(ASPECTS)
        impact = rng.choice(IMPACTS)
        if rng.random() < 0.3:
            impact = f"{impact}; {rng.choice(IMPACTS).lower()}"
        evaluated = rng.random() < EVALUATED_SHARE
        score = rng.randint(4, 80) if evaluated else None
        row = Aspect(
            reference=f"ASP-{n:06d}",
            site_id=rng.choices(site_choices, shares)[0],
            activity=activity,
            aspect=aspect,
            impact=impact,
            condition=rng.choice(CONDITIONS),
            stage=rng.choice(STAGES),
            controls=rng.choice(CONTROLS),
            owner_id=rng.choice(owner_ids) if rng.random() < 0.7 else None,
            review_date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 730)) if rng.random() < 0.6 else None,
            archived_at=now - dt.timedelta(days=rng.randint(1, 400)) if rng.random() < ARCHIVED_SHARE else None,
            significant=None if score is None else score >= THRESHOLD,
            score=score,
            evaluated_at=now - dt.timedelta(minutes=rng.randint(1, 2 * 365 * 24 * 60)) if evaluated else None,
        )
        batch.append(row)
        hit = any(WORD in text.lower() for text in (row.reference, activity, aspect, impact))
        word_rows += hit
        if row.site_id == site_id and row.archived_at is None:
            key = (score is None, -(score or 0), n)  # -score: NULLs last (SQLite), then id (= creation order)
            plain.append((key, row.reference))
            if hit:
                matched.append((key, row.reference))
        if len(batch) == BATCH:
            Aspect.objects.bulk_create(batch)
            batch = []
    if batch:
        Aspect.objects.bulk_create(batch)
    matched.sort()
    plain.sort()
    return RegisterDataset(
        token=token,
        owner=OWNER,
        total=Aspect.objects.count(),
        site_ids={code: site.pk for code, site in sites.items()},
        allowed_site_ids=sorted(sites[code].pk for code in OWNER_SITES),
        site_id=site_id,
        word=WORD,
        word_rows=word_rows,
        expected_count=len(matched),
        expected_refs=[ref for _, ref in matched[:PAGE]],
        plain_count=len(plain),
        plain_refs=[ref for _, ref in plain[:PAGE]],
    )


# -- the measurement ---------------------------------------------------------------------------


def _api_path(data: RegisterDataset, *, q: str, site_id: int | None = None) -> str:
    params = {"site_id": site_id or data.site_id, "q": q, "sort": SORT, "limit": PAGE}
    return "/api/v1/aspects?" + urlencode({k: v for k, v in params.items() if v != ""})


def _check_page(label: str, page: Any, count: int, refs: list[str], allowed: set[int]) -> list[str]:
    """What is wrong with one answer of the API (empty when nothing)."""
    problems = []
    items = page.get("items", [])
    if page.get("count") != count:
        problems.append(f"{label}: count {page.get('count')}, expected {count}")
    if len(items) != min(PAGE, count):
        problems.append(f"{label}: {len(items)} items, expected {min(PAGE, count)}")
    hidden = sorted({item["site_id"] for item in items} - allowed)
    if hidden:
        problems.append(f"{label}: items of sites {hidden}, which the user may not see")
    if [item["reference"] for item in items] != refs:
        problems.append(f"{label}: the page is not the expected first {PAGE} rows sorted by {SORT}")
    return problems


def _timed_get(client: Any, path: str, runs: int) -> tuple[list[float], list[Any]]:
    times, responses = [], []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        responses.append(response)
    return times, responses


def _orm_count(data: RegisterDataset) -> int:
    """The timed query's matching rows, by a direct query of the table (not through ims' selector)."""
    from django.db.models import Q

    from ims.aspects.models import Aspect

    text = Q()
    for name in ("reference", "activity", "aspect", "impact"):
        text |= Q(**{f"{name}__icontains": data.word})
    return Aspect.objects.filter(text, site_id=data.site_id, archived_at__isnull=True).count()


def _sql_alone(data: RegisterDataset) -> tuple[float, float, dict[str, list[str]]]:
    """The selector's COUNT and first-page SELECT timed on their own, and SQLite's plans for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ims.accounts.models import User
    from ims.aspects.selectors import aspect_list

    user = User.objects.get(username=data.owner)
    qs = aspect_list(user, q=data.word, site_id=data.site_id, sort=SORT)
    counts, pages = [], []
    for _ in range(CONTEXT_RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            qs.all().count()
            counts.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            list(qs.all()[:PAGE])
            pages.append((time.perf_counter() - start) * 1000)
    plans = {}
    with connection.cursor() as cursor:
        for label, query in zip(("count", "page"), captured.captured_queries[-2:], strict=True):
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plans[label] = [str(row[-1]) for row in cursor.fetchall()]
    return statistics.median(counts), statistics.median(pages), plans


def measure(data: RegisterDataset) -> RegisterTiming:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ims.accounts.models import User

    allowed = set(data.allowed_site_ids)
    client = Client(SERVER_NAME="127.0.0.1", headers={"authorization": f"Bearer {data.token}"})
    path = _api_path(data, q=data.word)
    _timed_get(client, path, WARMUP_RUNS)  # the first also records the token's use (a write)
    runs, responses = _timed_get(client, path, TIMED_RUNS)

    problems: list[str] = []
    orm_count = _orm_count(data)
    if orm_count != data.expected_count:
        problems.append(f"a direct ORM query counts {orm_count} matching rows, the generator {data.expected_count}")
    for i, response in enumerate(responses):
        if response.status_code != 200:
            problems.append(f"request {i + 1}: status {response.status_code}: {response.content[:200]!r}")
            break
        found = _check_page(f"request {i + 1}", response.json(), orm_count, data.expected_refs, allowed)
        if found:
            problems.extend(found)
            break
    hidden = next(pk for pk in data.site_ids.values() if pk not in allowed)
    response = client.get(_api_path(data, q=data.word, site_id=hidden))
    if response.status_code != 200 or response.json().get("count") != 0:
        problems.append(f"site_id={hidden} (not the user's): status {response.status_code}, expected 200 and count 0")

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    query_sql = [q["sql"] for q in captured.captured_queries]

    plain_path = _api_path(data, q="")
    _timed_get(client, plain_path, 2)
    plain_runs, plain_responses = _timed_get(client, plain_path, CONTEXT_RUNS)
    for response in plain_responses[:1]:
        if response.status_code != 200:
            problems.append(f"without q: status {response.status_code}")
        else:
            problems.extend(_check_page("without q", response.json(), data.plain_count, data.plain_refs, allowed))

    browser = Client(SERVER_NAME="127.0.0.1")
    browser.force_login(User.objects.get(username=data.owner))
    page_path = "/aspects/?" + urlencode({"site": data.site_id, "q": data.word, "sort": SORT})
    _timed_get(browser, page_path, 2)
    page_runs, page_responses = _timed_get(browser, page_path, CONTEXT_RUNS)
    last = page_responses[-1]
    count_sql_ms, page_sql_ms, plans = _sql_alone(data)
    return RegisterTiming(
        runs_ms=runs,
        median_ms=statistics.median(runs),
        p95_ms=_p95(runs),
        orm_count=orm_count,
        problems=problems,
        queries=len(query_sql),
        query_sql=query_sql,
        plain_ms=statistics.median(plain_runs),
        plain_p95_ms=_p95(plain_runs),
        page_ms=statistics.median(page_runs),
        page_status=next((r.status_code for r in page_responses if r.status_code != 200), 200),
        page_shows_count=f"{orm_count} aspects" in last.content.decode(),
        count_sql_ms=count_sql_ms,
        page_sql_ms=page_sql_ms,
        plans=plans,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("build", "measure"))
    parser.add_argument("--data", type=Path, help="the build step's output (measure only)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.step == "build":
        result: Any = build()
    else:
        if args.data is None:
            parser.error("measure needs --data")
        result = measure(RegisterDataset(**json.loads(args.data.read_text())))
    args.out.write_text(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
