"""The environmental dashboard as a PDF (ISO 14001 9.1.1, an input to the management review, 9.3).

The PDF renders the page's own body template (``ghg/_dashboard_body.html``)
with the same server-side SVG charts and data tables, so the paper and the
screen always show the same figures.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

PDF_TYPE = "application/pdf"


def dashboard_pdf(context: dict[str, Any], *, organisation: str, base_url: str) -> bytes:
    """The dashboard as an A4 PDF; nothing is fetched from the network."""
    from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]

    html = render_to_string("ghg/dashboard_pdf.html", {**context, "organisation": organisation, "pdf": True})
    offline = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=offline).write_pdf()
    return pdf
