"""Reproduce every article: run each examples/article_NNN_<topic>.py, then draw the graphs.

Each article writes its figures into OUT/NNN_<topic>/ and prints its table "the article
says | we got"; the graph drawings go into OUT/graphs/. An article that fails is
reported and the others still run; the exit status is then 1. An article whose data
cannot be had is skipped, saying why in one line, and does not count as a failure.

    python examples/run_all.py [--quick] [--out figures] [--data DIR] [--no-download]
                               [--only NNN ...] [--jobs N] [--docs]

The articles run at once, one per core (--jobs N: on N processes; --jobs 1: one after
the other), and article 002 spreads its networks over the cores too. Each article's
lines and table are printed in the articles' order as soon as it and those before it are
done, whichever finished first: the same lines, digit for digit, as --jobs 1. Meanwhile
every running part shows a bar (see progress.py).

The cat/non-cat files (article 004) are looked for in --data DIR, then in
$TINYGRAD_NN_DATA, then in ~/.cache/tinygrad_nn; when they are nowhere, they are
downloaded into that cache, unless --no-download.

--docs then writes what the run printed and drew into docs/: each article's table
replaces the block of docs/*.md marked <!-- table:article_NNN full --> (or ... quick -->
with --quick), and a full run copies the figures the pages show into docs/img/NNN/.
With --only, only those articles run (and the graph drawings), and only their parts of
the docs are rewritten. A full run then copies the lines of the pages' tables that the
README shows (README_ROWS) into it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import io
import os
import re
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from parallel import pool_map, process_pool
from progress import ProgressDisplay, part, progress_display
from report import (
    CAT_DATA_ADVICE,
    NUDGE_STARTS,
    README,
    Report,
    add_cat_data_options,
    argument_parser,
    prepare_cat_data,
    replace_marked_table,
    replace_readme_block,
)

from tinygrad_nn import datasets

EXAMPLES = Path(__file__).resolve().parent
DOCS = EXAMPLES.parent / "docs"
README_ROWS = {  # the lines of each article's table that the README shows
    "000": ("moons, 1 hidden: accuracy", "moons, 3 hidden: accuracy"),
    "001": ("scikit-learn's parameters in our network: points right",
            "cost over w1[0] in [−100, 100] (10000 points): local minima"),
    "002": ("logistic regression, circles data: accuracy",
            "4-4-2: starts with train cost < 0.1 by epoch 300 / 600 (relu; sigmoid, of 6)",
            "Playground 8 vs 5 tanh: test loss at the end; epoch < 0.3",
            "Playground 4-4-2 relu: test loss at the end",
            "Playground 4-4-2 sigmoid vs 8 tanh in one layer: epoch < 0.3"),
    "003": ("error E at W = 0.180", "E at W = 0, b = 0", "softmax([2, 4])"),
    "004": ("cost before training (w = 0.01·randn)", "train cost at step 900",
            "train / test accuracy at step 900 (test: 901)"),
}
GRAPHS = "draw_graph"
START_FIRST = {"article 002"}  # most of a full run: its networks go first
SHOWN_IMAGE = re.compile(r"\]\(img/(\d{3})/([^)\s]+)\)")  # ![...](img/NNN/file) in a page


@dataclass
class Job:
    """One thing to run: its label in the progress lines and how to run it (a function
    a worker process can be sent: a module's own, or a functools.partial of one)."""

    label: str
    run: Callable[[], object]


@dataclass
class Outcome:
    """How a job ended: `error` (the whole message) when it failed, `skipped` (why) when
    its data could not be had, neither when it ran to the end and returned `result`;
    and what it printed (`printed`, `complained` on stderr), to be shown in the jobs' order."""

    label: str
    seconds: float
    error: str | None = None
    skipped: str | None = None
    result: object = None
    printed: str = ""
    complained: str = ""


def run_example(name: str, out_dir: Path, quick: bool, workers: int = 1) -> object:
    """examples/<name>.py's run(out_dir, quick); one whose run() also takes `pool_map`
    (article 002) gets a map over `workers` processes for its independent networks."""
    run = importlib.import_module(name).run
    if "pool_map" not in inspect.signature(run).parameters:
        return run(out_dir, quick)
    with pool_map(workers) as spread:
        return run(out_dir, quick, pool_map=spread)


def article_jobs(examples: Path, out: Path, quick: bool,
                 only: list[str] | None = None, workers: int = 1) -> list[Job]:
    """One job per examples/article_NNN_<topic>.py (or per NNN in `only`), in file-name
    order; each is imported only when it runs, so one that fails to import fails alone."""
    jobs = []
    for script in sorted(examples.glob("article_*.py")):
        topic = script.stem.removeprefix("article_")  # "001_twelve_points"
        number = topic.split("_")[0]
        if only is None or number in only:
            jobs.append(Job(f"article {number}",
                            functools.partial(run_example, script.stem, out / topic, quick, workers)))
    return jobs


def graph_jobs(out: Path, quick: bool) -> list[Job]:
    """The graph drawings of draw_graph.py, into OUT/graphs."""
    return [Job("graph drawings", functools.partial(run_example, GRAPHS, out / "graphs", quick))]


def run_job(job: Job, data_problem: str | None = None) -> Outcome:
    """Run one job under a bar, keeping what it prints; an exception is kept, not raised,
    and missing data is a skip, not a failure, whose reason is `data_problem` when getting
    the data failed before the run."""
    printed, complained = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    outcome = Outcome(job.label, 0.0)
    with redirect_stdout(printed), redirect_stderr(complained), part(job.label):
        try:
            outcome.result = job.run()
        except datasets.DataUnavailable as unavailable:
            outcome.skipped = data_problem or unavailable.reason
        except (Exception, SystemExit) as failure:  # noqa: BLE001 - any failure: report, go on
            traceback.print_exc()
            outcome.error = f"{type(failure).__name__}: {failure}"
    outcome.seconds = time.perf_counter() - start
    outcome.printed, outcome.complained = printed.getvalue(), complained.getvalue()
    return outcome


def outcomes_in_order(jobs: list[Job], data_problem: str | None, workers: int) -> Iterator[Outcome]:
    """Each job's outcome in the jobs' order, as soon as it and those before it have ended:
    run here one after the other, or on `workers` processes at once, the longest
    (START_FIRST) first so that the others fill the cores beside it."""
    if workers == 1:
        yield from (run_job(job, data_problem) for job in jobs)
        return
    with process_pool(min(workers, len(jobs))) as pool:
        futures = {job.label: pool.submit(run_job, job, data_problem)
                   for job in sorted(jobs, key=lambda job: job.label not in START_FIRST)}
        for job in jobs:
            try:
                yield futures[job.label].result()
            except Exception as failure:  # noqa: BLE001 - the job never ran: its worker died
                yield Outcome(job.label, 0.0, error=f"{type(failure).__name__}: {failure}")


def show(outcome: Outcome, position: str, display: ProgressDisplay) -> None:
    """A job's lines: its label, what it printed, and how it ended; a skip says there and
    then why and what to do."""
    status = (f"skipped: {outcome.skipped}; {CAT_DATA_ADVICE}" if outcome.skipped
              else f"FAILED after {outcome.seconds:.1f} s" if outcome.error
              else f"done in {outcome.seconds:.1f} s")
    display.write(f"{position} {outcome.label} …")
    if outcome.printed:
        display.write(outcome.printed.removesuffix("\n"))
    if outcome.complained:
        display.write(outcome.complained.removesuffix("\n"), file=sys.stderr)
    display.write(f"{position} {outcome.label} … {status}\n")


def run_all(jobs: list[Job], data_problem: str | None = None, workers: int = 1) -> list[Outcome]:
    """Every job, whatever the others do, on `workers` processes, with a bar for each
    running part; what each printed is shown in the jobs' order."""
    outcomes = []
    with progress_display() as display:
        for i, outcome in enumerate(outcomes_in_order(jobs, data_problem, workers), start=1):
            show(outcome, f"[{i}/{len(jobs)}]", display)
            outcomes.append(outcome)
    return outcomes


def summary(outcomes: list[Outcome], seconds: float | None = None) -> str:
    """One line per job, whole messages (a failure's further lines indented under it);
    a skip points back to its line, which said why. `seconds`: how long the run took
    (jobs side by side take less than the sum of their times)."""
    lines = ["Summary"]
    for outcome in outcomes:
        if outcome.skipped:
            status = "skipped: its data could not be had (why: above)"
        elif outcome.error:
            status = "FAILED: " + outcome.error.replace("\n", "\n" + " " * 8)
        else:
            status = "ok"
        lines.append(f"  {outcome.label:<16} {outcome.seconds:7.1f} s  {status}")
    failed = [o.label for o in outcomes if o.error]
    ran = [o for o in outcomes if not o.skipped]
    total = sum(o.seconds for o in outcomes) if seconds is None else seconds
    lines.append(f"{len(failed)} of {len(ran)} failed: {', '.join(failed)}" if failed
                 else f"all {len(ran)} ran in {total:.1f} s"
                 + (f" ({len(outcomes) - len(ran)} skipped)" if len(ran) < len(outcomes) else ""))
    return "\n".join(lines)


def figure_source(out: Path, number: str, name: str) -> Path | None:
    """Where a run wrote the figure a page shows as img/NNN/<name>: OUT/NNN_<topic>/<name>,
    or for the graph drawings OUT/graphs/<stem>_NNN<suffix>; None if it wrote neither."""
    candidates = [*out.glob(f"{number}_*/{name}"),
                  out / "graphs" / f"{Path(name).stem}_{number}{Path(name).suffix}"]
    return next((path for path in candidates if path.is_file()), None)


def write_docs(reports: dict[str, Report], out: Path, quick: bool, docs: Path = DOCS) -> list[str]:
    """Put the tables of `reports` ({"article_002": report}) into the marked blocks of
    docs/*.md, and after a full run copy the figures the pages show from `out` into
    docs/img. Returns the pages' pictures that the run did not write."""
    mode = "quick" if quick else "full"
    not_written = []
    for page in sorted(docs.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for key, report in reports.items():
            text = replace_marked_table(text, key, mode, report.table())
        page.write_text(text, encoding="utf-8")
        if quick:
            continue
        for number, name in SHOWN_IMAGE.findall(text):
            if f"article_{number}" not in reports:
                continue  # that article did not run: keep its pictures
            source = figure_source(out, number, name)
            if source is None:
                not_written.append(f"{page.name}: img/{number}/{name}")
            else:
                (docs / "img" / number).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, docs / "img" / number / name)
    return not_written


def full_table_rows(page: str, number: str) -> dict[str, tuple[str, ...]]:
    """The rows of article `number`'s full table in the text of its docs page, by quantity."""
    table = re.search(rf"<!-- table:article_{number} full -->\n```\n(.*?)\n```", page, re.DOTALL)
    rows = [tuple(cell.strip() for cell in line.split(" | "))
            for line in table.group(1).splitlines()[4:]]
    return {row[0]: row for row in rows}


def readme_lines(docs: Path = DOCS) -> str:
    """The README's few lines of the articles' tables (README_ROWS), as a markdown table,
    copied from the full tables that --docs wrote into the pages."""
    lines = ["| article | | the article says | we got |", "|---|---|---|---|"]
    for number, quantities in README_ROWS.items():
        page = next(docs.glob(f"article_{number}_*.md")).read_text(encoding="utf-8")
        rows = full_table_rows(page, number)
        for quantity in quantities:
            _, article, ours = rows[quantity]
            lines.append(f"| {number} | {quantity} | {article} | {ours} |")
    return "\n".join(lines) + "\n"


def write_readme(readme: Path = README, docs: Path = DOCS) -> None:
    """Rewrite the README's marked lines of the articles' tables from the docs pages."""
    text = readme.read_text(encoding="utf-8")
    readme.write_text(replace_readme_block(text, "articles", readme_lines(docs)), encoding="utf-8")


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def positive_count(text: str) -> int:
    """--jobs N: a whole number of processes, at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more; got {text!r}")
    return int(text)


def parse_args() -> argparse.Namespace:
    """Every example's options (--quick, --out), the cat data's and --docs."""
    parser = argument_parser(__doc__.splitlines()[0], "figures")
    add_cat_data_options(parser)
    parser.add_argument("--only", nargs="+", metavar="NNN",
                        help="run only these articles, e.g. --only 001 004")
    parser.add_argument("--jobs", type=positive_count, default=usable_cores(), metavar="N",
                        help="processes to run on (default: every core, here "
                             f"{usable_cores()}); 1 runs everything in turn, in this one")
    parser.add_argument("--docs", action="store_true",
                        help="write the tables and figures of this run into docs/")
    return parser.parse_args()


def main() -> int:
    """Get the data, run everything, sum up; 1 if anything that ran failed."""
    args = parse_args()
    NUDGE_STARTS["on"] = args.nudge
    data_problem = prepare_cat_data(args.data, download=not args.no_download)
    jobs = (article_jobs(EXAMPLES, args.out, args.quick, args.only, args.jobs)
            + graph_jobs(args.out, args.quick))
    start = time.perf_counter()
    outcomes = run_all(jobs, data_problem, args.jobs)
    print(summary(outcomes, time.perf_counter() - start), flush=True)
    if args.docs:
        reports = {o.label.replace(" ", "_"): o.result for o in outcomes
                   if isinstance(o.result, Report)}
        for missing in write_docs(reports, args.out, args.quick):
            print(f"docs: the run wrote no figure for {missing}", flush=True)
        if not args.quick:
            write_readme()
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
