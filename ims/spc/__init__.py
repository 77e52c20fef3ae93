"""Statistical process control for monitored characteristics (ISO 9001 9.1.1, 9.1.3).

Pure calculations, independent of storage: control-chart constants, Shewhart
control charts with limits from a chosen baseline window, Western Electric and
Nelson run rules, process-capability indices, and server-side SVG rendering
with an accessible data table beside each chart.
"""
