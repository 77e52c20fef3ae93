"""``python -m bench``: run the benchmark sections, print figures, then the targets' verdicts.

Figures print as ``name: value unit``; everything else is a ``#`` comment, so
a script can keep the figures with ``grep -v '^#'``. The exit status is 1 when
a figure is invalid or a target is missed, 2 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bench.core import SECTION_MODULES, SECTIONS, BenchConfig, BenchError, Comment, Figure, Section


def _load_sections() -> None:
    for module in SECTION_MODULES:
        importlib.import_module(module)


def _comment(text: str) -> None:
    for line in text.splitlines():
        print(f"# {line}" if line else "#", flush=True)


def run_section(sect: Section, config: BenchConfig) -> list[Figure]:
    figures: list[Figure] = []
    for output in sect.run(config):
        if isinstance(output, Comment):
            _comment(output.text)
            continue
        figures.append(output)
        if output.valid:
            print(output.line(), flush=True)
        else:
            _comment(f"INVALID {output.line()}: {output.problem}")
    return figures


def verdicts(sections: list[Section], figures: dict[str, Figure]) -> bool:
    """Print one ``# target:`` line per target; True when all are met by valid figures."""
    ok = True
    for sect in sections:
        for target in sect.targets:
            figure = figures.get(target.figure)
            if figure is None:
                verdict, ok = "MISSING", False
            elif not figure.valid:
                verdict, ok = f"INVALID ({figure.problem})", False
            elif target.met_by(figure.value):
                verdict = f"{figure.value:.1f} {figure.unit} PASS"
            else:
                verdict, ok = f"{figure.value:.1f} {figure.unit} FAIL", False
            print(f"# target: {target.describe()}: {verdict}", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    _load_sections()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS), help="run only this section (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    args = parser.parse_args(argv)
    if args.list:
        for sect in SECTIONS.values():
            print(f"{sect.name}: {sect.summary}")
        return 0
    selected = [s for s in SECTIONS.values() if not args.only or s.name in args.only]
    try:
        config = BenchConfig.from_env()
        print(config.header(), flush=True)
        figures: dict[str, Figure] = {}
        for sect in selected:
            figures.update((f.name, f) for f in run_section(sect, config))
    except BenchError as exc:
        _comment(f"bench failed: {exc}")
        print(f"bench failed: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0 if verdicts(selected, figures) else 1


if __name__ == "__main__":
    sys.exit(main())
