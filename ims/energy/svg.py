"""The energy baseline charts as server-side SVG with their data tables (ISO 50006 CUSUM).

Drawn with the same renderer as the control charts, so the page and the PDF
report show the same chart with the same accessible description.
"""

from __future__ import annotations

import statistics

from ims.energy.baseline import Comparison
from ims.spc.svg import DataTable, Series, decimals_for, fmt, plot_svg


def _decimals(comparison: Comparison) -> int:
    differences = [abs(p.difference) for p in comparison.periods]
    return decimals_for(statistics.fmean(differences)) if any(differences) else 2


def _trend_words(comparison: Comparison, d: int) -> str:
    final = comparison.periods[-1].cusum
    if final < 0:
        return f"ends at {fmt(final, d)}: {fmt(-final, d)} less energy used than the baseline predicts"
    if final > 0:
        return f"ends at {fmt(final, d)}: {fmt(final, d)} more energy used than the baseline predicts"
    return "ends at 0: energy use as the baseline predicts"


def cusum_svg(
    comparison: Comparison,
    *,
    title: str = "CUSUM of energy use against the baseline",
    y_label: str = "",
    element_id: str = "energy-cusum",
    width: int = 720,
    height: int = 320,
) -> str:
    """The CUSUM (cumulative actual − expected) over the reporting periods, with the zero line."""
    d = _decimals(comparison)
    count = len(comparison.periods)
    description = (
        f"CUSUM of actual minus expected energy over {count} periods, "
        f"{comparison.periods[0].label} to {comparison.periods[-1].label}. "
        f"A falling line shows savings. It {_trend_words(comparison, d)} "
        f"({fmt(comparison.savings_percent, 1)} % of the expected {fmt(comparison.expected_total, d)})."
    )
    return plot_svg(
        title=title,
        description=description,
        x_labels=[p.label for p in comparison.periods],
        series=[
            Series("zero: as the baseline predicts", [0.0] * count, "reference"),
            Series("CUSUM (actual − expected)", [p.cusum for p in comparison.periods], "data"),
        ],
        y_label=y_label,
        element_id=element_id,
        width=width,
        height=height,
    )


def expected_actual_svg(
    comparison: Comparison,
    *,
    title: str = "Actual and expected energy use",
    y_label: str = "",
    element_id: str = "energy-expected-actual",
    width: int = 720,
    height: int = 320,
) -> str:
    """Actual energy (solid, with markers) against the baseline's expected energy (dash-dot)."""
    d = _decimals(comparison)
    description = (
        f"Actual and expected energy over {len(comparison.periods)} periods: actual {fmt(comparison.actual_total, d)}, "
        f"expected {fmt(comparison.expected_total, d)}, savings {fmt(comparison.savings, d)} "
        f"({fmt(comparison.savings_percent, 1)} %)."
    )
    return plot_svg(
        title=title,
        description=description,
        x_labels=[p.label for p in comparison.periods],
        series=[
            Series("expected (baseline model)", [p.expected for p in comparison.periods], "expected"),
            Series("actual", [p.actual for p in comparison.periods], "data"),
        ],
        y_label=y_label,
        element_id=element_id,
        width=width,
        height=height,
    )


def comparison_table(comparison: Comparison) -> DataTable:
    """Expected, actual, difference and CUSUM of every reporting period, with a total row."""
    d = _decimals(comparison)
    rows = [
        (p.label, fmt(p.expected, d), fmt(p.actual, d), fmt(p.difference, d), fmt(p.cusum, d))
        for p in comparison.periods
    ]
    rows.append(
        (
            "Total",
            fmt(comparison.expected_total, d),
            fmt(comparison.actual_total, d),
            fmt(comparison.actual_total - comparison.expected_total, d),
            "",
        )
    )
    return DataTable(
        caption="Expected and actual energy use by period",
        header=("Period", "Expected", "Actual", "Actual − expected", "CUSUM"),
        rows=tuple(rows),
    )
