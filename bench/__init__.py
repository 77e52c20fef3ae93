"""Benchmarks for IMS: ``make bench`` (``python -m bench``).

Not part of ``make test``: the figures depend on the machine, so they are
printed for a person (or a later CI job) to compare against the targets, one
``name: value unit`` line per figure, comment lines starting with ``#``.

Each benchmark section lives in its own module, registers itself with
:func:`bench.core.section` and yields :class:`bench.core.Figure` values; list
the module in :data:`bench.core.SECTION_MODULES` so the command finds it.
Sections build their own throw-away instance (database, settings) under
``bench/out/`` through :mod:`bench.instance`, so they never touch ``var/``.
"""
