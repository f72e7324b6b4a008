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
    slope = s * (1 - s)  # σ'(3)
    np.testing.assert_allclose(namespace["x"].grad, [[slope, slope]], rtol=1e-9)
    np.testing.assert_allclose(namespace["w"].grad, [[slope], [2 * slope]], rtol=1e-9)
    printed = re.search(r"print\(x\.grad, w\.grad\)\s*# (.*)", tour).group(1)
    shown = [float(number) for number in re.findall(r"-?\d+\.\d+", printed)]
    grads = np.concatenate([namespace["x"].grad.ravel(), namespace["w"].grad.ravel()])
    assert shown == [round(float(g), 4) for g in grads], f"the comment says {printed}"
    claimed = float(re.search(r"accuracy = .*# ([\d.]+):", tour).group(1))
    assert namespace["accuracy"] == claimed == 1.0
