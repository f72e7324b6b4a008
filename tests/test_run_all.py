"""run_all.py: runs every article found, goes on past a failure, and says what failed."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(EXAMPLES))

import run_all

from tinygrad_nn import datasets

TABLE_HEADER = re.compile(r"\|\s*the article says\s*\|\s*we got")


def _cat_data_found(env: dict[str, str]) -> bool:
    places = [Path(env[datasets.DATA_ENV_VAR])] if env.get(datasets.DATA_ENV_VAR) else []
    places.append(datasets.default_cache_dir())
    return any(all((place / name).is_file() for name in datasets.CATVNONCAT_SHA256)
               for place in places)


def test_quick_run_prints_every_articles_table_and_exits_0(tmp_path):
    env = dict(os.environ)  # conftest points it at the cat images
    if not _cat_data_found(env):
        pytest.skip("the catvnoncat .h5 files are not here: set TINYGRAD_NN_DATA to their folder")
    scripts = sorted(EXAMPLES.glob("article_*.py"))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "run_all.py"), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert len(TABLE_HEADER.findall(result.stdout)) == len(scripts)
    total = len(scripts) + 1  # and the graph drawings
    for i, script in enumerate(scripts, start=1):
        topic = script.stem.removeprefix("article_")
        number = topic.split("_")[0]
        assert f"Article {number}" in result.stdout
        assert f"[{i}/{total}] article {number} … done in" in result.stdout
        assert any((tmp_path / topic).iterdir()), f"no figures in {topic}"
    assert f"[{total}/{total}] graph drawings … done in" in result.stdout
    assert (tmp_path / "graphs" / "index.html").is_file()
    assert f"all {total} ran in" in result.stdout


def _fails() -> None:
    raise RuntimeError("the data went missing")


def test_a_failing_job_is_reported_and_the_rest_still_run(capsys):
    ran = []
    jobs = [run_all.Job("article 001", lambda: ran.append("001")),
            run_all.Job("article 002", _fails),
            run_all.Job("article 003", lambda: ran.append("003"))]
    outcomes = run_all.run_all(jobs)
    assert ran == ["001", "003"]
    assert [o.error for o in outcomes] == [None, "RuntimeError: the data went missing", None]
    captured = capsys.readouterr()
    assert "[2/3] article 002 … FAILED after" in captured.out
    assert "the data went missing" in captured.err  # the traceback
    assert "1 of 3 failed: article 002" in run_all.summary(outcomes)


def test_articles_are_found_by_file_name_in_order(tmp_path, monkeypatch):
    for name in ["article_002_b.py", "article_000_a.py", "helper.py"]:
        (tmp_path / name).write_text(
            "def run(out_dir, quick=False):\n    return (str(out_dir), quick)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    jobs = run_all.article_jobs(tmp_path, Path("out"), quick=True)
    assert [job.label for job in jobs] == ["article 000", "article 002"]
    assert jobs[1].run() == (str(Path("out") / "002_b"), True)


def test_main_returns_1_when_an_article_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run_all, "article_jobs", lambda *args: [run_all.Job("article 009", _fails)])
    monkeypatch.setattr(run_all, "graph_jobs", lambda *args: [])
    monkeypatch.setattr(sys, "argv", ["run_all.py", "--quick", "--out", str(tmp_path)])
    assert run_all.main() == 1
    assert "1 of 1 failed: article 009" in capsys.readouterr().out
