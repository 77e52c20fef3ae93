"""Showing controlled documents: Markdown content, differences between revisions, stamped PDFs.

Content written in IMS is Markdown (CommonMark plus tables). Raw HTML in it is
shown as text, never run, and links to ``javascript:``, ``vbscript:`` or
``data:`` (other than images) are dropped, so a document can be shown inside
the application without letting its author script the page of its readers.

A superseded or obsolete revision stays readable for the record (7.5.3.2 d:
prevent the unintended use of obsolete documented information), so each
copy of it says so: across the page on screen, and across every page of a
downloaded PDF.
"""

from __future__ import annotations

import difflib
import html
import io
import math
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
CONTEXT_LINES = 3


def markdown(text: str, *, heading_offset: int = 2) -> SafeString:
    """HTML for Markdown text, with raw HTML escaped and unsafe links refused.

    The document's own headings move down ``heading_offset`` levels (# becomes
    h3) so they sit below the headings of the page that shows them.
    """
    tokens = _MARKDOWN.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return mark_safe(html)  # noqa: S308 - raw HTML is off and links are validated


# --- differences between two revisions ------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One line of the comparison: kept, removed (only in A), added (only in B), or a gap of unchanged lines."""

    kind: str  # "same", "removed", "added" or "gap"
    old_no: int | None
    new_no: int | None
    text: str


def diff_rows(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[DiffRow]:
    """The lines that changed from ``old`` to ``new``, with a few unchanged lines around each change."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    groups = list(difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context))
    for index, group in enumerate(groups):
        if index or group[0][1] > 0:
            rows.append(DiffRow("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(DiffRow("same", i + 1, j1 + (i - i1) + 1, a[i]) for i in range(i1, i2))
                continue
            if tag in ("replace", "delete"):
                rows.extend(DiffRow("removed", i + 1, None, a[i]) for i in range(i1, i2))
            if tag in ("replace", "insert"):
                rows.extend(DiffRow("added", None, j + 1, b[j]) for j in range(j1, j2))
    if groups and groups[-1][-1][2] < len(a):
        rows.append(DiffRow("gap", None, None, ""))
    return [] if all(r.kind in ("same", "gap") for r in rows) else rows


# --- stamping ended revisions -----------------------------------------------------------------


def _stamp_pdf(word: str, width: float, height: float) -> bytes:
    """A one-page PDF of the given size with ``word`` written large along its diagonal."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    angle = math.degrees(math.atan2(height, width))
    diagonal = math.hypot(width, height)
    size = min(diagonal / (len(word) + 2), min(width, height) / 4)
    page = (
        "<!DOCTYPE html><html><head><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
        "html, body { margin: 0; padding: 0 }"
        f"p {{ position: absolute; left: {(width - diagonal) / 2:.2f}pt; top: {(height - size) / 2:.2f}pt;"
        f" width: {diagonal:.2f}pt; margin: 0; text-align: center; white-space: nowrap;"
        f" font: bold {size:.2f}pt sans-serif; line-height: 1; letter-spacing: .05em;"
        f" color: rgba(180, 35, 24, 0.35); transform: rotate(-{angle:.2f}deg); transform-origin: 50% 50% }}"
        f"</style></head><body><p>{html.escape(word)}</p></body></html>"
    )
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf


def watermark_pdf(data: bytes, word: str) -> bytes:
    """``data`` (a PDF) with ``word`` stamped diagonally across every page.

    Raises ``pypdf.errors.PdfReadError`` (or ``ValueError``) when the file cannot be read as a PDF.
    """
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValueError("The PDF is encrypted; it cannot be stamped.")
    writer = PdfWriter(clone_from=reader)
    stamps: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        box = page.mediabox
        key = (round(float(box.width), 1), round(float(box.height), 1))
        if key not in stamps:
            stamps[key] = PdfReader(io.BytesIO(_stamp_pdf(word, *key))).pages[0]
        shift = Transformation().translate(float(box.left), float(box.bottom))
        page.merge_transformed_page(stamps[key], shift)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
