"""The README's tour runs as printed and says what it computes."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_tour_runs_and_its_comments_are_true():
    tour = re.search(r"## A tour\n\n```python\n(.*?)```", README.read_text(), re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(tour, "README tour", "exec"), namespace)  # noqa: S102 -- our own README
    s = 1 / (1 + np.exp(-3.0))  # x @ w = 1 + 2 = 3
    slope = s * (1 - s)  # σ'(3) = 0.0452, as the comment says
    assert round(slope, 4) == 0.0452
    np.testing.assert_allclose(namespace["x"].grad, [[slope, slope]], rtol=1e-9)
    np.testing.assert_allclose(namespace["w"].grad, [[slope], [2 * slope]], rtol=1e-9)
    assert namespace["accuracy"] == 1.0
