"""run_all.py: runs every article found, goes on past a failure, and says what failed."""

import functools
import re
import sys
import time
from pathlib import Path

import pytest
from conftest import CAT_DATA_MISSING

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(EXAMPLES))

import run_all

from tinygrad_nn import datasets

TABLE_HEADER = re.compile(r"\|\s*the article says\s*\|\s*we got")


def _cat_folder() -> Path | None:
    """The folder of the cat/non-cat files as the tests find them (conftest), or None."""
    try:
        return datasets.find_catvnoncat()
    except datasets.DataUnavailable:
        return None


CAT_FOLDER = _cat_folder()


def test_quick_run_prints_every_articles_table_and_exits_0(quick_run_all):
    result, out = quick_run_all
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scripts = sorted(EXAMPLES.glob("article_*.py"))
    ran = [s for s in scripts if CAT_FOLDER is not None or "004" not in s.stem]
    assert len(TABLE_HEADER.findall(result.stdout)) == len(ran)
    total = len(scripts) + 1  # and the graph drawings
    for script in ran:
        topic = script.stem.removeprefix("article_")
        number = topic.split("_")[0]
        assert f"Article {number}" in result.stdout
        assert re.search(rf"\[\d+/{total}\] article {number} … done in", result.stdout)
        assert any((out / topic).iterdir()), f"no figures in {topic}"
    assert f"[{total}/{total}] graph drawings … done in" in result.stdout
    assert (out / "graphs" / "index.html").is_file()
    assert f"all {len(ran) + 1} ran in" in result.stdout
    assert "Traceback" not in result.stderr


def _run_article_004_alone(monkeypatch, capsys, out: Path, *options: str) -> tuple[int, str]:
    """run_all's main with only article 004 (the real script, quick) and the options given."""
    only_004 = [job for job in run_all.article_jobs(EXAMPLES, out, True)
                if job.label == "article 004"]
    monkeypatch.setattr(run_all, "article_jobs", lambda *args: only_004)
    monkeypatch.setattr(run_all, "graph_jobs", lambda *args: [])
    monkeypatch.setattr(sys, "argv", ["run_all.py", "--quick", *options])
    status = run_all.main()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out


def test_offline_article_004_is_skipped_in_one_line_and_the_run_exits_0(
    empty_home, offline_mirror, monkeypatch, capsys, tmp_path
):
    status, printed = _run_article_004_alone(monkeypatch, capsys, tmp_path)
    assert status == 0
    lines = printed.splitlines()
    why = [line for line in lines if "skipped:" in line and "Could not" in line]
    assert len(why) == 1, printed
    assert why[0].startswith("[1/1] article 004 … skipped: "), "said at the skip"
    assert lines.index(why[0]) < lines.index("Summary")
    assert f"Could not download train_catvnoncat.h5 from {offline_mirror}" in why[0]
    assert why[0].endswith("pass --data DIR holding train_catvnoncat.h5 and test_catvnoncat.h5,"
                           " or set TINYGRAD_NN_DATA")
    summary_line = next(line for line in lines if line.lstrip().startswith("article 004"))
    assert len(summary_line) < 100 and "skipped" in summary_line
    assert "all 0 ran in" in printed and "(1 skipped)" in printed


def test_no_download_skips_article_004_without_trying(empty_home, serve_folder, tmp_path,
                                                      monkeypatch, capsys):
    url, requested = serve_folder(tmp_path)
    monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR", url)
    status, printed = _run_article_004_alone(monkeypatch, capsys, tmp_path, "--no-download")
    assert status == 0 and requested == []
    assert "downloading was not allowed; pass --data DIR" in printed


@pytest.mark.skipif(CAT_FOLDER is None, reason=CAT_DATA_MISSING)
def test_data_option_names_the_folder_of_the_cat_files(empty_home, offline_mirror, monkeypatch,
                                                       capsys, tmp_path):
    status, printed = _run_article_004_alone(monkeypatch, capsys, tmp_path, "--data",
                                             str(CAT_FOLDER))
    assert status == 0 and "skipped" not in printed
    assert "Article 004" in printed and "all 1 ran in" in printed


def _fails() -> None:
    raise RuntimeError("the data went missing")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_job_is_reported_and_the_rest_still_run(capsys, workers):
    jobs = [run_all.Job("article 001", functools.partial(str, "001 ran")),
            run_all.Job("article 002", _fails),
            run_all.Job("article 003", functools.partial(str, "003 ran"))]
    outcomes = run_all.run_all(jobs, workers=workers)
    assert [o.result for o in outcomes] == ["001 ran", None, "003 ran"]
    assert [o.error for o in outcomes] == [None, "RuntimeError: the data went missing", None]
    captured = capsys.readouterr()
    assert "[2/3] article 002 … FAILED after" in captured.out
    assert "the data went missing" in captured.err  # the traceback
    assert "1 of 3 failed: article 002" in run_all.summary(outcomes)


def _prints(text: str) -> None:
    print(text)


def test_each_jobs_lines_come_in_the_jobs_order_whichever_ends_first(capsys):
    """The first job ends last (it sleeps), yet its lines come first."""
    jobs = [run_all.Job("article 001", functools.partial(time.sleep, 3)),
            run_all.Job("article 002", functools.partial(_prints, "the table of 002"))]
    outcomes = run_all.run_all(jobs, workers=2)
    printed = capsys.readouterr().out
    assert outcomes[0].seconds >= 3 > outcomes[1].seconds
    assert (printed.index("[1/2] article 001 … done in") < printed.index("[2/2] article 002 …")
            < printed.index("the table of 002") < printed.index("[2/2] article 002 … done in"))


TIMING = re.compile(r"done in [\d.]+ s|ran in [\d.]+ s|^ +(article \d{3}|graph drawings) +[\d.]+ s")


def test_the_parallel_run_prints_and_draws_what_the_serial_run_does(quick_run_all,
                                                                     quick_run_all_serial):
    """Every line but the timings, in the same order, and every picture, byte for byte."""
    (parallel, parallel_out), (serial, serial_out) = quick_run_all, quick_run_all_serial
    assert parallel.returncode == serial.returncode == 0, serial.stderr[-3000:]
    lines = [[TIMING.sub("", line) for line in run.stdout.splitlines()
              if "/graphs/index.html" not in line] for run in (parallel, serial)]
    assert lines[0] == lines[1]
    assert len(TABLE_HEADER.findall(serial.stdout)) >= 4
    pictures = sorted(path.relative_to(serial_out) for path in serial_out.rglob("*")
                      if path.suffix in (".png", ".gif"))
    assert len(pictures) > 20
    assert pictures == sorted(path.relative_to(parallel_out) for path in parallel_out.rglob("*")
                              if path.suffix in (".png", ".gif"))
    for picture in pictures:
        assert (parallel_out / picture).read_bytes() == (serial_out / picture).read_bytes(), picture


def test_a_count_of_jobs_below_1_is_refused_saying_what_is_expected(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["run_all.py", "--jobs", "0"])
    with pytest.raises(SystemExit):
        run_all.main()
    assert "expected a whole number of processes, 1 or more; got '0'" in capsys.readouterr().err


def test_articles_are_found_by_file_name_in_order(tmp_path, monkeypatch):
    for name in ["article_002_b.py", "article_000_a.py", "helper.py"]:
        (tmp_path / name).write_text(
            "def run(out_dir, quick=False):\n    return (str(out_dir), quick)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    jobs = run_all.article_jobs(tmp_path, Path("out"), quick=True)
    assert [job.label for job in jobs] == ["article 000", "article 002"]
    assert jobs[1].run() == (str(Path("out") / "002_b"), True)


def test_main_returns_1_when_an_article_fails(tmp_path, offline_mirror, monkeypatch, capsys):
    monkeypatch.setattr(run_all, "article_jobs", lambda *args: [run_all.Job("article 009", _fails)])
    monkeypatch.setattr(run_all, "graph_jobs", lambda *args: [])
    monkeypatch.setattr(sys, "argv", ["run_all.py", "--quick", "--out", str(tmp_path)])
    assert run_all.main() == 1
    assert "1 of 1 failed: article 009" in capsys.readouterr().out


def test_the_summary_gives_a_failures_whole_message():
    message = "Looked for the files in:\n  /somewhere\n  /elsewhere"
    outcomes = [run_all.Outcome("article 009", 1.0, error=f"FileNotFoundError: {message}")]
    text = run_all.summary(outcomes)
    assert "FAILED: FileNotFoundError: Looked for the files in:\n" in text
    assert "/somewhere" in text and "/elsewhere" in text


def test_only_runs_the_articles_named(tmp_path):
    for name in ["article_000_a.py", "article_001_b.py", "article_004_c.py"]:
        (tmp_path / name).write_text("def run(out_dir, quick=False):\n    return None\n")
    jobs = run_all.article_jobs(tmp_path, Path("out"), quick=True, only=["001", "004"])
    assert [job.label for job in jobs] == ["article 001", "article 004"]


def test_docs_get_the_tables_of_the_run_and_its_figures(tmp_path):
    docs, out = tmp_path / "docs", tmp_path / "out"
    (docs / "img" / "007").mkdir(parents=True)
    (out / "007_x").mkdir(parents=True)
    (out / "007_x" / "fit.png").write_bytes(b"the new picture")
    (docs / "img" / "007" / "fit.png").write_bytes(b"an old picture")
    page = docs / "article_007_x.md"
    stale = "```\nArticle 007: old\n\n | old row\n```\n"
    page.write_text(f"Intro.\n\n<!-- table:article_007 full -->\n{stale}<!-- /table -->\n\n"
                    f"<!-- table:article_007 quick -->\n{stale}<!-- /table -->\n\n"
                    "![fit](img/007/fit.png) ![gone](img/007/gone.png)\n")
    report = run_all.Report("Article 007: x")
    report.add("rows", "rows", "1", 2)
    report.add("added", "a row added later", "—", 3)

    missing = run_all.write_docs({"article_007": report}, out, quick=False, docs=docs)
    text = page.read_text()
    full, quick = text.split("<!-- table:article_007 quick -->")
    assert report.table() in full and "a row added later" in full
    assert "Article 007: old" in quick  # a full run leaves the quick table alone
    assert (docs / "img" / "007" / "fit.png").read_bytes() == b"the new picture"
    assert missing == ["article_007_x.md: img/007/gone.png"]

    run_all.write_docs({"article_007": report}, out, quick=True, docs=docs)
    assert page.read_text().count(report.table()) == 2
    assert page.read_text().startswith("Intro.\n\n<!-- table:article_007 full -->\n```\n")
