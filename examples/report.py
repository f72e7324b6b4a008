"""The table every article reproduction prints (what the article says beside what we got),
the place it has in the docs, and the command line every example shares."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from progress import part, progress_display

from tinygrad_nn import datasets, nn

README = Path(__file__).resolve().parent.parent / "README.md"

CAT_DATA_ADVICE = (f"pass --data DIR holding {' and '.join(datasets.CATVNONCAT_SHA256)}, "
                   f"or set {datasets.DATA_ENV_VAR}")
"""What to do when the cat/non-cat files cannot be had, said to someone at the command line."""


class Report:
    """Rows of (quantity, the article's value, our value), printed as one table.

    The numbers themselves are kept in `values`, and what the table shows of each in
    `shown`, so that tests can assert them.
    """

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str]] = []
        self.values: dict[str, object] = {}
        self.shown: dict[str, str] = {}

    def add(self, key: str, quantity: str, article: str, ours: object, shown: str | None = None) -> None:
        """Record `ours` under `key` and a row that shows it (as `shown`, if given)."""
        self.values[key] = ours
        self.shown[key] = shown if shown is not None else str(ours)
        self.rows.append((quantity, article, self.shown[key]))

    def table(self) -> str:
        header = ("", "the article says", "we got")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(3)]
        lines = [self.title, ""]
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            lines.append(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        return "\n".join(lines)

    def print(self) -> None:
        print(self.table(), flush=True)


NUDGE_STARTS = {"on": False}
"""Whether networks start one ulp away from their initial weights (--nudge): a printed digit
that changes then hangs on the last bit, which another machine's libm or BLAS may set
differently."""


def nudge_if_asked(model: nn.Module, ulps: int = 0) -> nn.Module:
    """`model`, with every parameter moved `ulps` ulps up (np.nextafter), one more when
    --nudge asked for it; called where each article's networks get their initial weights.
    `ulps` > 0 makes the neighbours of a start that a chaotic experiment also runs."""
    for _ in range(ulps + NUDGE_STARTS["on"]):
        for parameter in model.parameters():
            parameter.data = np.nextafter(parameter.data, np.inf)
    return model


@contextmanager
def progress(label: str, total: int | None = None, unit: str = "epoch") -> Iterator[None]:
    """A part of an article: a bar while it runs (`total` `unit`s, each counted by
    progress.advance(); see progress.py), and one line with its time when it is done, so
    that a run of several minutes says where it is."""
    start = time.perf_counter()
    with part(label, total, unit):
        yield
    print(f"  {label}: done in {time.perf_counter() - start:.1f} s", flush=True)


def marked_table(key: str, mode: str) -> re.Pattern:
    """Where a docs page holds the table of `key` ("article_002") from a `mode` ("full" or
    "quick") run: a fenced block between <!-- table:article_002 full --> and <!-- /table -->."""
    return re.compile(rf"(<!-- table:{re.escape(key)} {mode} -->\n)```\n.*?\n```\n(?=<!-- /table -->)",
                      re.DOTALL)


def replace_marked_table(page: str, key: str, mode: str, table: str) -> str:
    """`page` with the marked table of `key` and `mode` replaced by `table` (unchanged
    where the page has no such marker)."""
    return marked_table(key, mode).sub(lambda match: f"{match.group(1)}```\n{table}\n```\n", page)


def argument_parser(description: str, default_out: str) -> argparse.ArgumentParser:
    """The options every example takes: --quick (smaller, for tests and CI) and --out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer iterations; for tests and CI")
    parser.add_argument("--out", type=Path, default=Path(default_out), help="folder for the figures")
    parser.add_argument("--nudge", action="store_true",
                        help="start every network one ulp away from its initial weights: a "
                             "printed number that changes is printed too finely")
    return parser


def add_cat_data_options(parser: argparse.ArgumentParser) -> None:
    """--data DIR and --no-download: where the cat/non-cat files are, and whether they may
    be downloaded into the cache when they are nowhere else."""
    parser.add_argument("--data", type=Path, metavar="DIR",
                        help="folder with train_catvnoncat.h5 and test_catvnoncat.h5 "
                             f"(else ${datasets.DATA_ENV_VAR}, then {datasets.default_cache_dir()})")
    parser.add_argument("--no-download", action="store_true",
                        help="never download the cat/non-cat files; skip article 004 without them")


def prepare_cat_data(folder: Path | None, download: bool) -> str | None:
    """Find the cat/non-cat files (in `folder`, $TINYGRAD_NN_DATA or the cache) or download
    them into the cache, and point $TINYGRAD_NN_DATA at their folder so that article 004
    loads them from there. Returns why they cannot be had, in one line, or None."""
    try:
        place = datasets.find_catvnoncat(folder, download=download)
    except datasets.DataUnavailable as unavailable:
        return unavailable.reason
    os.environ[datasets.DATA_ENV_VAR] = str(place.resolve())
    return None


def run_from_command_line(run: Callable[[Path, bool], object], doc: str, default_out: str,
                          cat_data: bool = False) -> None:
    """Run an example from the command line: `run(out, quick)` with the options given;
    `doc` is the script's docstring, whose first line describes it in --help. With
    `cat_data`, the script takes --data and --no-download and gets the files first.
    Its long parts show their bars, as in run_all."""
    parser = argument_parser(doc.splitlines()[0], default_out)
    if cat_data:
        add_cat_data_options(parser)
    args = parser.parse_args()
    if cat_data and (problem := prepare_cat_data(args.data, download=not args.no_download)):
        sys.exit(f"skipped: {problem}; {CAT_DATA_ADVICE}")
    NUDGE_STARTS["on"] = args.nudge
    with progress_display():
        run(args.out, args.quick)


def replace_readme_block(text: str, name: str, content: str) -> str:
    """`text` (the README) with the lines between <!-- readme:NAME --> and <!-- /readme -->
    replaced by `content`, so that the README's numbers are those of the run that
    printed them. A README without the marker is an error, not a silent no-op."""
    block = re.compile(rf"(<!-- readme:{re.escape(name)} -->\n).*?(?=<!-- /readme -->)", re.DOTALL)
    if not block.search(text):
        raise ValueError(f"the README has no block marked <!-- readme:{name} --> ... <!-- /readme -->")
    return block.sub(lambda match: match.group(1) + content, text)
