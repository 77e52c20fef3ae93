"""The deterministic document register of 10,000 documents, and the timing of a word search over it.

Both steps run inside an :class:`bench.instance.Instance` environment (Django
reads its settings, and so the database, from there), after ``ims migrate``:

``python -m bench.documents_dataset build --out FILE``
    Three sites, a process owner of two of them (the reader), an IMS manager
    (the author) and :data:`DOCUMENTS` documents, each with an effective first
    revision whose text is drawn from a fixed vocabulary with a Zipf
    distribution (a few words are in most documents, most words in few); some
    have a second revision still in draft (with a word found only in drafts),
    some are archived. Rows go in with ``bulk_create`` (documents, revisions,
    site links and the search entries the database's full-text index reads).
    While generating, the expected answer of each timed word is worked out in
    Python from the generated texts alone. The file gets a :class:`DocumentDataset`.

``python -m bench.documents_dataset measure --data FILE --out FILE``
    Times ``selectors.search_revisions(reader, word)`` and
    ``selectors.document_list(reader, q=word)[:50]`` over the timed words
    (log-spaced over the vocabulary's frequency ranks, so common and rare words
    both count), checks every answer against the expected ones, and that the
    reader never finds a draft. The file gets a :class:`DocumentTiming`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SEED = 7503
DOCUMENTS = 10_000
BATCH = 1_000
VOCABULARY = 4_000
TIMED_WORDS = 25
ROUNDS = 5  # timed passes over the words, after one warm-up pass
PAGE = 50
MAX_CANDIDATES = 1_000  # ims.documents.search.MAX_CANDIDATES: search ranks at most this many revisions
DRAFT_SHARE = 0.05
ARCHIVED_SHARE = 0.03
DRAFT_WORD = "zephyrine"  # only in draft revisions: the reader must never find it

SITES = (("LYO", "Lyon machining plant", "FR", "Europe/Paris"), ("BRQ", "Brno assembly plant", "CZ", "Europe/Prague"))
OTHER_SITE = ("PRT", "Porto finishing plant", "PT", "Europe/Lisbon")
SITE_SHARES = (("", 0.3), ("LYO", 0.25), ("BRQ", 0.25), ("PRT", 0.2))  # "": applies to every site
READER, AUTHOR = "bench-reader", "bench-author"

DOMAIN = (
    *"coolant spindle fixture deburring anodising torque manifold calibration gauge inspection tolerance".split(),
    *"drawing release batch scrap rework concession supplier audit finding corrective preventive".split(),
    *"waste swarf solvent spill bund drain emission energy water compressed air chiller boiler".split(),
    *"forklift warehouse dispatch packaging pallet label traceability lot serial customer complaint".split(),
    *"training competence awareness induction shift handover maintenance lubrication filter valve pump".split(),
    *"hydraulic pneumatic aluminium steel casting forging grinding milling turning drilling tapping".split(),
    *"measurement micrometer caliper cmm roughness hardness coating paint powder rinse bath acid".split(),
)
SYLLABLES = ("ka", "ro", "mi", "ten", "sul", "var", "dor", "pe", "lin", "ost", "bra", "que", "fi", "gan", "tor", "ul")
TITLE_HEADS = ("Procedure for", "Instruction:", "Checklist of", "Plan for", "Record of", "Guide to")
DOC_TYPES = (("procedure", "PRO"), ("work_instruction", "WI"), ("form", "FRM"), ("plan", "PLN"), ("record", "REC"))


@dataclass(frozen=True)
class Expected:
    word: str
    revisions: int  # revisions of any document or status whose entry has a word starting with it
    visible_revisions: int  # of them, effective, of a document the reader sees
    visible_documents: int  # non-archived documents the reader sees with such a visible revision


@dataclass(frozen=True)
class DocumentDataset:
    reader: str
    documents: int
    revisions: int
    drafts: int
    archived: int
    visible_documents: int
    words: list[Expected]
    draft_word_revisions: int
    build_seconds: float


@dataclass(frozen=True)
class DocumentTiming:
    vendor: str
    search_runs_ms: list[float]
    list_runs_ms: list[float]
    search_p50_ms: float
    list_p50_ms: float
    search_p95_ms: float
    list_p95_ms: float
    by_word_ms: dict[str, list[float]]  # word -> [search median, list median]
    queries: dict[str, int]  # SQL statements of one call of each
    problems: list[str] = field(default_factory=list)


def _setup() -> None:
    import django

    django.setup()


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def vocabulary(rng: random.Random) -> list[str]:
    """:data:`VOCABULARY` distinct words, in frequency rank order (domain words spread among made-up ones)."""
    words = list(dict.fromkeys(DOMAIN))
    made: set[str] = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in made and word != DRAFT_WORD:
            made.add(word)
            words.append(word)
    rng.shuffle(words)
    return words


def timed_words(words: list[str]) -> list[str]:
    """Words at log-spaced frequency ranks, from common (rank 10) to rare (the last)."""
    ranks = sorted({round(10 * (len(words) / 10) ** (i / (TIMED_WORDS - 1))) - 1 for i in range(TIMED_WORDS)})
    return [words[min(r, len(words) - 1)] for r in ranks]


# -- the data set ------------------------------------------------------------------------------


def _people_and_sites() -> tuple[Any, Any, dict[str, Any]]:
    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.org.models import Site

    sites = {
        code: Site.objects.create(code=code, name=name, country=country, time_zone=tz)
        for code, name, country, tz in (*SITES, OTHER_SITE)
    }
    reader = User.objects.create(username=READER, first_name="Bench", last_name="Reader")
    author = User.objects.create(username=AUTHOR, first_name="Bench", last_name="Author")
    for code, *_ in SITES:
        Membership.objects.create(user=reader, role=Role.PROCESS_OWNER, site=sites[code])
    Membership.objects.create(user=author, role=Role.IMS_MANAGER, site=None)
    return reader, author, sites


class _Matcher:
    """Which revisions contain a word starting with each timed word (search matches the last word as a prefix)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.hits: dict[str, list[tuple[int, bool]]] = {w: [] for w in words}  # word -> (document index, visible rev)

    def add(self, n: int, tokens: set[str], *, visible_revision: bool) -> None:
        for word in self.words:
            if any(t.startswith(word) for t in tokens):
                self.hits[word].append((n, visible_revision))


def build() -> DocumentDataset:
    _setup()
    from django.db import transaction

    from ims.core.context import Channel, acting
    from ims.documents.models import Document, Revision, RevisionStatus, SearchEntry

    started = time.perf_counter()
    rng = random.Random(SEED)
    words = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    timed = timed_words(words)
    matcher = _Matcher(timed)
    site_of: dict[int, str] = {}
    archived: set[int] = set()
    now = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    with acting(Channel.CLI), transaction.atomic():
        reader, author, sites = _people_and_sites()
        links: list[Any] = []
        draft_word_revisions = 0
        for start in range(0, DOCUMENTS, BATCH):
            documents, texts = [], []
            for n in range(start, min(start + BATCH, DOCUMENTS)):
                doc_type, prefix = DOC_TYPES[n % len(DOC_TYPES)]
                site = rng.choices([s for s, _ in SITE_SHARES], [w for _, w in SITE_SHARES])[0]
                title = f"{rng.choice(TITLE_HEADS)} {' '.join(rng.choices(words, cum_weights=weights, k=3))}"
                body = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(120, 250)))
                gone = rng.random() < ARCHIVED_SHARE
                documents.append(
                    Document(
                        number=f"{prefix}-B-{n:05d}",
                        title=title,
                        doc_type=doc_type,
                        area="B",
                        owner=author,
                        review_months=24,
                        next_review=dt.date(2028, 6, 1),
                        archived_at=now if gone else None,
                    )
                )
                texts.append((n, site, title, body, gone))
            Document.objects.bulk_create(documents)
            revisions, entries = [], []
            for document, (n, site, title, body, gone) in zip(documents, texts, strict=True):
                site_of[n] = site
                if gone:
                    archived.add(n)
                if site:
                    links.append(Document.sites.through(document_id=document.pk, site_id=sites[site].pk))
                effective = Revision(
                    document=document,
                    number=1,
                    status=RevisionStatus.EFFECTIVE,
                    text=body,
                    author=author,
                    change_summary="First issue.",
                    effective_at=now,
                )
                revisions.append(effective)
                number = document.number
                words_in = tokens(number, title, "First issue.", body)
                matcher.add(n, words_in, visible_revision=True)
                if rng.random() < DRAFT_SHARE:
                    draft_text = f"{body} {DRAFT_WORD}"
                    revisions.append(
                        Revision(document=document, number=2, text=draft_text, author=author, change_summary="Update.")
                    )
                    matcher.add(n, tokens(number, title, "Update.", draft_text), visible_revision=False)
                    draft_word_revisions += 1
            Revision.objects.bulk_create(revisions)
            for revision in revisions:
                document = revision.document
                entries.append(
                    SearchEntry(
                        revision=revision,
                        document=document,
                        number=document.number,
                        title=document.title,
                        body=f"{revision.change_summary}\n{revision.text}",
                    )
                )
            SearchEntry.objects.bulk_create(entries)
        Document.sites.through.objects.bulk_create(links)
    seen_sites = {"", *(code for code, *_ in SITES)}
    sees = {n for n, site in site_of.items() if site in seen_sites}
    expected = []
    for word in timed:
        hits = matcher.hits[word]
        expected.append(
            Expected(
                word=word,
                revisions=len(hits),
                visible_revisions=sum(1 for n, visible in hits if visible and n in sees),
                visible_documents=len({n for n, visible in hits if visible and n in sees and n not in archived}),
            )
        )
    return DocumentDataset(
        reader=reader.username,
        documents=Document.objects.count(),
        revisions=Revision.objects.count(),
        drafts=Revision.objects.filter(status=RevisionStatus.DRAFT).count(),
        archived=len(archived),
        visible_documents=len(sees - archived),
        words=expected,
        draft_word_revisions=draft_word_revisions,
        build_seconds=time.perf_counter() - started,
    )


# -- the measurement ---------------------------------------------------------------------------


def tokens(*texts: str) -> set[str]:
    """Words as both full-text engines split them here: runs of letters and digits, lower-cased."""
    return set(re.findall(r"\w+", " ".join(texts).lower()))


def _hidden(revisions: list[Any]) -> list[str]:
    """Revisions found that the reader may not see: not effective, or of a site outside the reader's."""
    from ims.documents.models import Document

    allowed = {code for code, *_ in SITES}
    site_codes: dict[int, set[str]] = {}
    for document_id, code in Document.sites.through.objects.filter(
        document_id__in=[r.document_id for r in revisions]
    ).values_list("document_id", "site__code"):
        site_codes.setdefault(document_id, set()).add(code)
    return [
        str(r)
        for r in revisions
        if r.status != "effective" or (site_codes.get(r.document_id) and not site_codes[r.document_id] & allowed)
    ]


def _check(reader: Any, expected: Expected) -> list[str]:
    """What is wrong with the answers for one word (empty when nothing)."""
    from ims.documents import selectors

    problems = []
    found = selectors.search_revisions(reader, expected.word)
    listed = list(selectors.document_list(reader, q=expected.word)[:PAGE])
    hidden = _hidden(found) + _hidden([d.revisions.get(status="effective") for d in listed])
    if hidden:
        problems.append(f"{expected.word!r}: the reader found revisions they may not see: {hidden[:3]}")
    if expected.revisions <= MAX_CANDIDATES:
        # Every matching revision is a candidate, so the answers are complete.
        if len(found) != min(PAGE, expected.visible_revisions):
            problems.append(f"{expected.word!r}: search found {len(found)}, expected {expected.visible_revisions}")
        count = selectors.document_list(reader, q=expected.word).count()
        if count != expected.visible_documents:
            problems.append(f"{expected.word!r}: the list counts {count}, expected {expected.visible_documents}")
    elif not found or not listed:
        problems.append(f"{expected.word!r}: nothing found, though {expected.visible_documents} documents match")
    for revision in found[:5]:
        entry = revision.search
        if not any(t.startswith(expected.word) for t in tokens(entry.number, entry.title, entry.body)):
            problems.append(f"{expected.word!r}: {revision} does not contain it")
    return problems


def _time(call: Any) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def measure(data: DocumentDataset) -> DocumentTiming:
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ims.accounts.models import User
    from ims.documents import selectors

    reader = User.objects.get(username=data.reader)
    words = [e.word for e in data.words]
    problems: list[str] = []
    for expected in data.words:
        problems.extend(_check(reader, expected))
    if selectors.search_revisions(reader, DRAFT_WORD) or selectors.document_list(reader, q=DRAFT_WORD).exists():
        problems.append(f"the reader finds {DRAFT_WORD!r}, a word only drafts contain")

    def search(word: str) -> Any:
        return lambda: selectors.search_revisions(reader, word)

    def listing(word: str) -> Any:
        return lambda: list(selectors.document_list(reader, q=word)[:PAGE])

    for word in words:  # warm-up
        search(word)()
        listing(word)()
    by_word: dict[str, tuple[list[float], list[float]]] = {w: ([], []) for w in words}
    for _ in range(ROUNDS):
        for word in words:
            by_word[word][0].append(_time(search(word)))
            by_word[word][1].append(_time(listing(word)))
    queries = {}
    for label, call in (("search_revisions", search(words[0])), ("document_list", listing(words[0]))):
        with CaptureQueriesContext(connection) as captured:
            call()
        queries[label] = len(captured.captured_queries)
    search_runs = [t for s, _ in by_word.values() for t in s]
    list_runs = [t for _, lst in by_word.values() for t in lst]
    return DocumentTiming(
        vendor=connection.vendor,
        search_runs_ms=search_runs,
        list_runs_ms=list_runs,
        search_p50_ms=statistics.median(search_runs),
        list_p50_ms=statistics.median(list_runs),
        search_p95_ms=_p(search_runs, 0.95),
        list_p95_ms=_p(list_runs, 0.95),
        by_word_ms={w: [statistics.median(s), statistics.median(lst)] for w, (s, lst) in by_word.items()},
        queries=queries,
        problems=problems,
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
        raw = json.loads(args.data.read_text())
        raw["words"] = [Expected(**w) for w in raw["words"]]
        result = measure(DocumentDataset(**raw))
    args.out.write_text(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
