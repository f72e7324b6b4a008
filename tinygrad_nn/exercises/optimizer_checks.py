"""The optimizers' checks: one SGD step, and three Adam steps against tinygrad_nn's
own Adam, their classic mistakes named.
"""

from __future__ import annotations

import numpy as np

from tinygrad_nn.exercises.grading import Grader, compare


def grade_sgd_step(grader: Grader) -> str:
    """One step with lr 0.1 on two parameters, and one without a gradient."""
    T, SGD = grader.engine.tensor.Tensor, grader.engine.optim.SGD
    rng = np.random.default_rng(11)
    before = [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 2)]
    params = [T(values, requires_grad=True, name=name) for values, name in zip(before, "pqr")]
    grads = [rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, 3), None]
    for p, grad in zip(params, grads):
        p.grad = None if grad is None else grad.copy()
    SGD(params, lr=0.1).step()
    for p, old, grad in zip(params, before, grads):
        if grad is None:
            compare(np.asarray(p.data, float), old, p.name, after=", which has no gradient")
            continue
        compare(np.asarray(p.data, float), old - 0.1 * grad, p.name, after=" after the step",
                mistakes=[
            ("a sign flipped: the step went uphill, p + lr·g", old + 0.1 * grad),
            ("the learning rate left out: p − g", old - grad),
            ("not changed: write into p.data (p.data -= lr * p.grad)", old)])
    return ""


# ---- the Adam step -------------------------------------------------------------


def adam_path(start: list[np.ndarray], grads: list[list[np.ndarray]], lr: float,
              unbiased: tuple[bool, bool] = (True, True), eps_inside: bool = False,
              remembers: tuple[bool, bool] = (True, True)) -> list[list[np.ndarray]]:
    """The parameters after each step of Adam (betas 0.9, 0.999, eps 1e-8), and of its
    classic mistakes: m or v not corrected for their start at 0, ε under the root,
    averages that forget."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    values = [v.copy() for v in start]
    m = [np.zeros_like(v) for v in start]
    s = [np.zeros_like(v) for v in start]
    path = []
    for t, step_grads in enumerate(grads, 1):
        for i, g in enumerate(step_grads):
            m[i] = beta1 * m[i] * remembers[0] + (1 - beta1) * g
            s[i] = beta2 * s[i] * remembers[1] + (1 - beta2) * g**2
            m_hat = m[i] / (1 - beta1**t) if unbiased[0] else m[i]
            v_hat = s[i] / (1 - beta2**t) if unbiased[1] else s[i]
            root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            values[i] = values[i] - lr * m_hat / root
        path.append([v.copy() for v in values])
    return path


def grade_adam_step(grader: Grader) -> str:
    """Three steps of lr 0.1 on two parameters, one of them with gradients of 1e-4 (where
    ε matters), and one without a gradient, against tinygrad_nn's own Adam given the
    same gradients."""
    from tinygrad_nn import Tensor, optim

    T, Adam = grader.engine.tensor.Tensor, grader.engine.optim.Adam
    rng = np.random.default_rng(grader.seed)
    start = [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 2)]
    grads = [[rng.uniform(-1.5, 1.5, (2, 3)), rng.uniform(-1.5, 1.5, 3) * 1e-4]
             for _ in range(3)]
    params = [T(v, requires_grad=True, name=name) for v, name in zip(start, "pqr")]
    reference = [Tensor(v, requires_grad=True) for v in start[:2]]
    ours, theirs = Adam(params, lr=0.1), optim.Adam(reference, lr=0.1)
    mistakes = {
        "no bias correction: divide m and v by 1 − βᵗ, which start far from 1":
            adam_path(start[:2], grads, 0.1, unbiased=(False, False)),
        "m not corrected: divide it by 1 − β₁ᵗ": adam_path(start[:2], grads, 0.1,
                                                        unbiased=(False, True)),
        "v not corrected: divide it by 1 − β₂ᵗ": adam_path(start[:2], grads, 0.1,
                                                        unbiased=(True, False)),
        "ε under the root: √v̂ + ε, not √(v̂ + ε)": adam_path(start[:2], grads, 0.1,
                                                             eps_inside=True),
        **{f"{name} forgets: it must carry over from step to step, in self.{name}":
           adam_path(start[:2], grads, 0.1, remembers=remembers)
           for name, remembers in (("m", (False, True)), ("v", (True, False)))}}
    for step, step_grads in enumerate(grads):
        for p, r, g in zip(params, reference, step_grads):
            p.grad, r.grad = g.copy(), g.copy()
        ours.step()
        theirs.step()
        for i, (p, r) in enumerate(zip(params, reference)):
            compare(np.asarray(p.data, float), r.data, p.name, after=f" after step {step + 1}",
                    mistakes=[("a sign flipped: the step went uphill",
                               2 * start[i] - r.data if step == 0 else None),
                              *((name, path[step][i]) for name, path in mistakes.items())])
        compare(np.asarray(params[2].data, float), start[2], "r", after=", which has no gradient")
    return "agrees with tinygrad_nn.optim.Adam over three steps"
