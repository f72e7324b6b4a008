"""The table every article reproduction prints: what the article says beside what we got."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


class Report:
    """Rows of (quantity, the article's value, our value), printed as one table.

    The numbers themselves are kept in `values` so that tests can assert them.
    """

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str]] = []
        self.values: dict[str, object] = {}

    def add(self, key: str, quantity: str, article: str, ours: object, shown: str | None = None) -> None:
        """Record `ours` under `key` and a row that shows it (as `shown`, if given)."""
        self.values[key] = ours
        self.rows.append((quantity, article, shown if shown is not None else str(ours)))

    def table(self) -> str:
        header = ("", "the article says", "we got")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(3)]
        lines = [self.title, ""]
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            lines.append(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        return "\n".join(lines)

    def print(self) -> None:
        print(self.table(), flush=True)


def argument_parser(description: str, default_out: str) -> argparse.ArgumentParser:
    """The options every example takes: --quick (smaller, for tests and CI) and --out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer iterations; for tests and CI")
    parser.add_argument("--out", type=Path, default=Path(default_out), help="folder for the figures")
    return parser


def run_from_command_line(run: Callable[[Path, bool], object], doc: str, default_out: str) -> None:
    """Run an example from the command line: `run(out, quick)` with the options given;
    `doc` is the script's docstring, whose first line describes it in --help."""
    args = argument_parser(doc.splitlines()[0], default_out).parse_args()
    run(args.out, args.quick)
