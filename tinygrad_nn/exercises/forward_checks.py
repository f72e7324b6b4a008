"""The forwards' checks: a forward the learner writes (the stable log-softmax),
called on random inputs handed read-only, against numpy's own stable log-sum-exp
(`np.logaddexp.reduce`), its classic mistakes named.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tinygrad_nn.exercises.cases import DOMAINS
from tinygrad_nn.exercises.grading import Grader, Wrong, compare, number
from tinygrad_nn.exercises.op_checks import read_only


def _far_apart(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Rows far apart: the first near 1000, the others near 0, so that e^(z − the
    whole array's max) underflows to 0 in every row but the first."""
    values = rng.uniform(-1.0, 1.0, shape)
    values[0] += 950.0
    return values


# What the forward is called on: (what, shape, values), each drawn from the run's seed.
LOG_SOFTMAX_CASES: tuple[tuple[str, tuple[int, ...], Callable], ...] = (
    ("a square matrix", (3, 3), DOMAINS["any"]),  # first: no keepdims gives wrong numbers
    ("small values", (3, 4), DOMAINS["any"]),
    ("a vector", (4,), DOMAINS["any"]),
    ("a stack of matrices", (2, 3, 4), DOMAINS["any"]),
    ("|z| from 20 to 30", (2, 5), DOMAINS["large"]),
    ("|z| from 750 to 1000", (3, 4), DOMAINS["huge"]),
    ("rows far apart", (2, 4), _far_apart),
)


def _log_sum_exp(z: np.ndarray, axis: int | None = -1, keepdims: bool = True) -> np.ndarray:
    """log Σ e^z over `axis`, as numpy computes it without overflow."""
    return np.logaddexp.reduce(z, axis=axis, keepdims=keepdims)


def _without_keepdims(z: np.ndarray) -> list[np.ndarray]:
    """What a max, a sum or both taken without keepdims=True give on a square z: a
    vector of rows' values lined up with the columns instead."""
    found = []
    for max_kept, sum_kept in ((False, True), (True, False), (False, False)):
        shifted = z - z.max(axis=-1, keepdims=max_kept)
        found.append(shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=sum_kept)))
    return found


WITHOUT_KEEPDIMS = ("a max or a sum without keepdims=True: a row's value lines up with a column, "
                    "not with its row")


def log_softmax_mistakes(z: np.ndarray) -> list[tuple[str, object]]:
    """The classic mistakes, as the arrays they would give."""
    return [
        ("softmax instead of its log: log-softmax is z − log Σ e^z",
         np.exp(z - _log_sum_exp(z))),
        ("only the max subtracted: log-softmax is z − m − log Σ e^(z − m)",
         z - z.max(axis=-1, keepdims=True)),
        ("the log-sum-exp of the whole array: take each row's own, axis=-1",
         z - _log_sum_exp(z, axis=None)),
        ("the max subtracted but not added back: log Σ e^z = m + log Σ e^(z − m)",
         z - np.log(np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True))),
        (WITHOUT_KEEPDIMS, _without_keepdims(z) if z.ndim == 2 and z.shape[0] == z.shape[1]
         else None),
    ]


def grade_log_softmax(grader: Grader) -> str:
    """The learner's LogSoftmax forward on every case, against z − log Σ e^z."""
    op_class = grader.engine.ops.LogSoftmax
    rng = np.random.default_rng(grader.seed)
    for what, shape, draw in LOG_SOFTMAX_CASES:
        z = draw(rng, shape)
        try:
            got = op_class().forward(read_only(z))
        except ValueError as error:
            if "read-only" not in str(error):
                raise
            raise Wrong(f"forward wrote into z, which the grader hands over read-only ({error})",
                        "a write into z (z -= …): it is the tensor's own data, which later ops "
                        "and the backward read; compute a new array") from None
        got = np.asarray(got, dtype=float)
        compare(got, z - _log_sum_exp(z), "log_softmax(z)", log_softmax_mistakes(z),
                after=f" ({what}: shape {shape}, seed {grader.seed})",
                where=lambda index, z=z: f"z = {number(z[index])}")
    return "stable from z = −1000 to 1000"
