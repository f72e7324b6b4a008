"""No printed digit of the quick tables hangs on the last bit of a number.

Another machine's libm or BLAS may round a tanh or a matmul the other way; many steps of
training can grow that last bit into a visible difference. The same effect can be made on
one machine: `run_all.py --nudge` starts every network one ulp (np.nextafter) away from its
initial weights. A row whose printed value then changes is printed more finely than the
run can vouch for.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_docs import printed_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

import report
from article_002_visual_intro import make_mlp

ARTICLES = sorted(path.stem.split("_")[1] for path in (ROOT / "examples").glob("article_*.py"))


@pytest.fixture(scope="module")
def nudged_run(tmp_path_factory):
    """`run_all.py --quick --nudge`, once, in a subprocess (it never downloads)."""
    out = tmp_path_factory.mktemp("run_all_nudged")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "run_all.py"), "--quick", "--nudge",
         "--no-download", "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env=env, check=False)


def _rows(table: str) -> dict[str, str]:
    """A printed table's rows, what we got by quantity."""
    rows = [line.split(" | ") for line in table.splitlines()[4:]]
    return {row[0].strip(): row[-1].strip() for row in rows}


@pytest.mark.parametrize("number", ARTICLES)
def test_a_one_ulp_nudge_of_the_starts_changes_no_printed_digit(number, quick_run_all, nudged_run):
    result, _ = quick_run_all
    assert nudged_run.returncode == 0, nudged_run.stderr[-3000:]
    plain, nudged = printed_table(result.stdout, number), printed_table(nudged_run.stdout, number)
    if plain is None and f"article {number} … skipped" in result.stdout:
        pytest.skip(f"article {number} was skipped in the quick run")
    assert plain is not None and nudged is not None
    changed = {quantity: (ours, _rows(nudged)[quantity])
               for quantity, ours in _rows(plain).items() if _rows(nudged)[quantity] != ours}
    assert not changed, f"printed too finely for the last bit (plain, nudged): {changed}"


def test_the_nudge_reaches_the_networks(monkeypatch):
    """--nudge does move the starts: a network made under it differs from one made
    without it, by one ulp in every parameter."""
    plain = [p.data.copy() for p in make_mlp((3,), "relu", 1, seed=0).parameters()]
    monkeypatch.setitem(report.NUDGE_STARTS, "on", True)
    nudged = [p.data for p in make_mlp((3,), "relu", 1, seed=0).parameters()]
    for before, after in zip(plain, nudged):
        np.testing.assert_array_equal(after, np.nextafter(before, np.inf))
