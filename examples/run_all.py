"""Reproduce every article: run each examples/article_NNN_<topic>.py, then draw the graphs.

Each article writes its figures into OUT/NNN_<topic>/ and prints its table "the article
says | we got"; the graph drawings go into OUT/graphs/. An article that fails is
reported and the others still run; the exit status is then 1. An article whose data
cannot be had is skipped, saying why in one line, and does not count as a failure.

    python examples/run_all.py [--quick] [--out figures] [--data DIR] [--no-download]
                               [--only NNN ...] [--docs]

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
import importlib
import re
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
SHOWN_IMAGE = re.compile(r"\]\(img/(\d{3})/([^)\s]+)\)")  # ![...](img/NNN/file) in a page


@dataclass
class Job:
    """One thing to run: its label in the progress lines and how to run it."""

    label: str
    run: Callable[[], object]


@dataclass
class Outcome:
    """How a job ended: `error` (the whole message) when it failed, `skipped` (why) when
    its data could not be had, neither when it ran to the end and returned `result`."""

    label: str
    seconds: float
    error: str | None = None
    skipped: str | None = None
    result: object = None


def article_jobs(examples: Path, out: Path, quick: bool,
                 only: list[str] | None = None) -> list[Job]:
    """One job per examples/article_NNN_<topic>.py (or per NNN in `only`), in file-name
    order; each is imported only when it runs, so one that fails to import fails alone."""
    jobs = []
    for script in sorted(examples.glob("article_*.py")):
        topic = script.stem.removeprefix("article_")  # "001_twelve_points"
        number = topic.split("_")[0]
        if only is not None and number not in only:
            continue

        def run(name: str = script.stem, out_dir: Path = out / topic) -> object:
            return importlib.import_module(name).run(out_dir, quick)

        jobs.append(Job(f"article {number}", run))
    return jobs


def graph_jobs(out: Path, quick: bool) -> list[Job]:
    """The graph drawings of draw_graph.py, into OUT/graphs."""
    return [Job("graph drawings",
                lambda: importlib.import_module(GRAPHS).run(out / "graphs", quick))]


def run_job(job: Job, position: str, data_problem: str | None = None) -> Outcome:
    """Run one job with its progress lines; an exception is printed, not raised, and
    missing data is a skip, not a failure, whose line says there and then why
    (`data_problem`, when getting the data failed before the run) and what to do."""
    print(f"{position} {job.label} …", flush=True)
    start = time.perf_counter()
    outcome = Outcome(job.label, 0.0)
    try:
        outcome.result = job.run()
    except datasets.DataUnavailable as unavailable:
        outcome.skipped = data_problem or unavailable.reason
    except (Exception, SystemExit) as failure:  # noqa: BLE001 - any failure: report, go on
        traceback.print_exc()
        outcome.error = f"{type(failure).__name__}: {failure}"
    outcome.seconds = time.perf_counter() - start
    status = (f"skipped: {outcome.skipped}; {CAT_DATA_ADVICE}" if outcome.skipped
              else f"FAILED after {outcome.seconds:.1f} s" if outcome.error
              else f"done in {outcome.seconds:.1f} s")
    print(f"{position} {job.label} … {status}\n", flush=True)
    return outcome


def run_all(jobs: list[Job], data_problem: str | None = None) -> list[Outcome]:
    """Every job in turn, whatever the ones before did."""
    return [run_job(job, f"[{i}/{len(jobs)}]", data_problem)
            for i, job in enumerate(jobs, start=1)]


def summary(outcomes: list[Outcome]) -> str:
    """One line per job, whole messages (a failure's further lines indented under it);
    a skip points back to its line, which said why."""
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
    total = sum(o.seconds for o in outcomes)
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


def parse_args() -> argparse.Namespace:
    """Every example's options (--quick, --out), the cat data's and --docs."""
    parser = argument_parser(__doc__.splitlines()[0], "figures")
    add_cat_data_options(parser)
    parser.add_argument("--only", nargs="+", metavar="NNN",
                        help="run only these articles, e.g. --only 001 004")
    parser.add_argument("--docs", action="store_true",
                        help="write the tables and figures of this run into docs/")
    return parser.parse_args()


def main() -> int:
    """Get the data, run everything, sum up; 1 if anything that ran failed."""
    args = parse_args()
    NUDGE_STARTS["on"] = args.nudge
    data_problem = prepare_cat_data(args.data, download=not args.no_download)
    jobs = (article_jobs(EXAMPLES, args.out, args.quick, args.only)
            + graph_jobs(args.out, args.quick))
    outcomes = run_all(jobs, data_problem)
    print(summary(outcomes), flush=True)
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
