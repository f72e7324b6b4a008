"""Reproduce every article: run each examples/article_NNN_<topic>.py, then draw the graphs.

Each article writes its figures into OUT/NNN_<topic>/ and prints its table "the article
says | we got"; the graph drawings go into OUT/graphs/. An article that fails is
reported and the others still run; the exit status is then 1.

    python examples/run_all.py [--quick] [--out figures] [--data DIR]

--data names the folder with the cat/non-cat files (article 004); without it they
are looked for in $TINYGRAD_NN_DATA, then in ~/.cache/tinygrad_nn.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from report import argument_parser

from tinygrad_nn import datasets

EXAMPLES = Path(__file__).resolve().parent
GRAPHS = "draw_graph"


@dataclass
class Job:
    """One thing to run: its label in the progress lines and how to run it."""

    label: str
    run: Callable[[], object]


@dataclass
class Outcome:
    label: str
    seconds: float
    error: str | None  # the last line of the traceback; None when it ran to the end


def article_jobs(examples: Path, out: Path, quick: bool) -> list[Job]:
    """One job per examples/article_NNN_<topic>.py, in file-name order; each is
    imported only when it runs, so one that fails to import fails alone."""
    jobs = []
    for script in sorted(examples.glob("article_*.py")):
        topic = script.stem.removeprefix("article_")  # "001_twelve_points"
        number = topic.split("_")[0]

        def run(name: str = script.stem, out_dir: Path = out / topic) -> object:
            return importlib.import_module(name).run(out_dir, quick)

        jobs.append(Job(f"article {number}", run))
    return jobs


def graph_jobs(out: Path, quick: bool) -> list[Job]:
    """The graph drawings of draw_graph.py, into OUT/graphs."""
    return [Job("graph drawings",
                lambda: importlib.import_module(GRAPHS).run(out / "graphs", quick))]


def run_job(job: Job, position: str) -> Outcome:
    """Run one job with its progress lines; an exception is printed, not raised."""
    print(f"{position} {job.label} …", flush=True)
    start = time.perf_counter()
    error = None
    try:
        job.run()
    except (Exception, SystemExit) as failure:  # noqa: BLE001 - any failure: report, go on
        traceback.print_exc()
        error = f"{type(failure).__name__}: {failure}".splitlines()[0]
    seconds = time.perf_counter() - start
    status = f"FAILED after {seconds:.1f} s ({error})" if error else f"done in {seconds:.1f} s"
    print(f"{position} {job.label} … {status}\n", flush=True)
    return Outcome(job.label, seconds, error)


def run_all(jobs: list[Job]) -> list[Outcome]:
    return [run_job(job, f"[{i}/{len(jobs)}]") for i, job in enumerate(jobs, start=1)]


def summary(outcomes: list[Outcome]) -> str:
    lines = ["Summary"]
    for outcome in outcomes:
        status = f"FAILED: {outcome.error}" if outcome.error else "ok"
        lines.append(f"  {outcome.label:<16} {outcome.seconds:7.1f} s  {status}")
    failed = [o.label for o in outcomes if o.error]
    total = sum(o.seconds for o in outcomes)
    lines.append(f"{len(failed)} of {len(outcomes)} failed: {', '.join(failed)}" if failed
                 else f"all {len(outcomes)} ran in {total:.1f} s")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Every example's options (--quick, --out) and the folder of the cat data."""
    parser = argument_parser(__doc__.splitlines()[0], "figures")
    parser.add_argument("--data", type=Path, help="folder with the cat/non-cat .h5 files")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.data is not None:
        os.environ[datasets.DATA_ENV_VAR] = str(args.data.resolve())
    jobs = article_jobs(EXAMPLES, args.out, args.quick) + graph_jobs(args.out, args.quick)
    outcomes = run_all(jobs)
    print(summary(outcomes), flush=True)
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
