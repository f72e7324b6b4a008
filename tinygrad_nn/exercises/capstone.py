"""The capstone: two of the articles trained on the learner's engine alone.

Article 001's 1-2-1 network learns its twelve points (the article's start,
np.random.seed(0) and rand, lr 0.1, gradients summed over the points, 5000
epochs); article 004's one neuron learns cats from non-cats (w = 0.01·randn from
np.random.seed(999), b = 0, lr 0.005, 900 steps), to the article's 96% / 76%.
"""

from __future__ import annotations

import numpy as np

from tinygrad_nn import datasets
from tinygrad_nn.exercises import articles
from tinygrad_nn.exercises.contained import report
from tinygrad_nn.exercises.grading import Grader, Skipped, Wrong

EPOCHS_001, LR_001 = 5000, 0.1
STEPS_004, LR_004, SEED_004 = 900, 0.005, 999
ARTICLE_004 = (201, 38)  # 96% of 209 training images, 76% of 50 test images
EPOCHS_BETWEEN_REPORTS, STEPS_BETWEEN_REPORTS = 1000, 100  # five and nine lines of progress


def grade_001(grader: Grader) -> str:
    """Train article 001's network; all twelve points must end on the right side."""
    T, SGD = grader.engine.tensor.Tensor, grader.engine.optim.SGD
    X, y = datasets.twelve_points()
    y = y.astype(float)
    params = articles.parameters_001(T, np.random.RandomState(0))
    opt, first_all_right = SGD(params, lr=LR_001), None
    for epoch in range(EPOCHS_001 + 1):
        p = articles.network_001(T(X), *params)
        if first_all_right is None and articles.right(p.data, y) == len(y):
            first_all_right = epoch
        if epoch and epoch % EPOCHS_BETWEEN_REPORTS == 0:
            report(f"epoch {epoch:,} of {EPOCHS_001:,}: {articles.right(p.data, y)}/12 points "
                   "right")
        if epoch < EPOCHS_001:
            opt.zero_grad()
            articles.cross_entropy(p, y).backward()
            opt.step()
    right = articles.right(p.data, y)
    if right < len(y):
        raise Wrong(f"{right}/12 points right after {EPOCHS_001} epochs; the article gets 12/12")
    return f"12/12 points right, all of them from epoch {first_all_right} on"


def grade_004(grader: Grader) -> str:
    """Train article 004's neuron on the cat/non-cat images, when they are here."""
    try:
        train_x, train_y, test_x, test_y, _ = datasets.load_catvnoncat()
    except datasets.DataUnavailable as missing:
        raise Skipped(f"needs the cat/non-cat files: set {datasets.DATA_ENV_VAR} to their "
                      f"folder (see the README). {missing.reason}") from None
    except ImportError:
        raise Skipped("needs h5py to read the cat/non-cat files: pip install h5py") from None
    except OSError as unreadable:
        raise Skipped(f"cannot read the cat/non-cat files: {unreadable}") from None
    T, SGD = grader.engine.tensor.Tensor, grader.engine.optim.SGD
    X, y = datasets.flatten_images(train_x), train_y.reshape(-1, 1).astype(float)
    X_test, y_test = datasets.flatten_images(test_x), test_y.reshape(-1, 1).astype(float)
    rng = np.random.RandomState(SEED_004)
    w = T(rng.standard_normal((X.shape[1], 1)) * 0.01, requires_grad=True, name="w")
    b = T(np.zeros(1), requires_grad=True, name="b")
    opt, images = SGD([w, b], lr=LR_004), T(X)
    for step in range(1, STEPS_004 + 1):
        opt.zero_grad()
        p = articles.neuron_004(images, w, b)
        (articles.cross_entropy(p, y) * (1.0 / len(X))).backward()
        opt.step()
        if step % STEPS_BETWEEN_REPORTS == 0:
            report(f"step {step} of {STEPS_004}: {articles.right(p.data, y)}/{len(y)} training "
                   "images right")
    right = (articles.right(articles.neuron_004(images, w, b).data, y),
             articles.right(articles.neuron_004(T(X_test), w, b).data, y_test))
    got = f"{right[0]}/{len(y)} train ({right[0] / len(y):.0%}), {right[1]}/{len(y_test)} test " \
          f"({right[1] / len(y_test):.0%}) after {STEPS_004} steps"
    if right[0] < ARTICLE_004[0] or right[1] < ARTICLE_004[1]:
        raise Wrong(f"{got}; the article gets 96% / 76%")
    return got
