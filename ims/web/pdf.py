"""PDF reports from the pages' own templates, drawn by WeasyPrint without touching the network.

The templates embed their style sheet and the charts are inline SVG, so
nothing needs fetching; only ``data:`` URLs would be read. WeasyPrint is
imported when a PDF is made, not by every process that loads the app.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

PDF_TYPE = "application/pdf"


def render_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    """``template`` rendered with ``context`` as a PDF; relative links resolve against ``base_url``."""
    from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]

    html = render_to_string(template, context)
    offline = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=offline).write_pdf()
    return pdf
