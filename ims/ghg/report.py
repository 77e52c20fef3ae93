"""The environmental dashboard as a PDF (ISO 14001 9.1.1, an input to the management review, 9.3).

The PDF renders the page's own body template (``ghg/_dashboard_body.html``)
with the same server-side SVG charts and data tables, so the paper and the
screen always show the same figures.
"""

from __future__ import annotations

from typing import Any

from ims.web.pdf import render_pdf


def dashboard_pdf(context: dict[str, Any], *, organisation: str, base_url: str) -> bytes:
    """The dashboard as an A4 PDF; nothing is fetched from the network."""
    data = {**context, "organisation": organisation, "pdf": True}
    return render_pdf("ghg/dashboard_pdf.html", data, base_url=base_url)
