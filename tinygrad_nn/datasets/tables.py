"""The articles' own tables, typed in so that their numbers come out again.

Article 001's twelve points on a line and article 003's ten houses (area, bathrooms,
price, and a friend's good/bad label), exactly as the articles print them.
"""

from __future__ import annotations

import numpy as np


def twelve_points() -> tuple[np.ndarray, np.ndarray]:
    """The twelve points of article 001, "a neural network from scratch, visualized".

    One feature x, class 1 in the middle and 0 on both sides, so no single sigmoid
    neuron can separate them but two hidden ones can (boundaries near -0.6 and 0.6).
    Returns ``X`` float64 (12, 1) and ``y`` int64 (12, 1), exactly the article's arrays.
    """
    x = [-1.51, -1.29, -1.18, -0.64, -0.53, -0.09, 0.13, 0.35, 0.89, 1.11, 1.33, 1.44]
    labels = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
    return np.array(x)[:, None], np.array(labels, dtype=np.int64)[:, None]


_HOUSE_AREAS = np.array([2104, 1600, 2400, 1416, 3000, 1985, 1534, 1427, 1380, 1494], dtype=float)
_HOUSE_BATHROOMS = np.array([3, 3, 3, 2, 4, 4, 3, 3, 3, 3], dtype=float)
_HOUSE_PRICES_THOUSANDS = np.array(
    [399.9, 329.9, 369.0, 232.0, 539.9, 299.9, 314.9, 198.999, 212.0, 242.5]
)
HOUSE_LABEL_NAMES = ("good", "bad")
"""What the labels of `house_good_bad()` mean, in the article's order of classes."""
_HOUSE_LABELS = np.array([0, 0, 0, 1, 1, 0, 1, 0, 0, 0], dtype=np.int64)


def _house_features() -> np.ndarray:
    return np.column_stack([_HOUSE_AREAS, _HOUSE_BATHROOMS])


def house_prices_small() -> tuple[np.ndarray, np.ndarray]:
    """The three houses of article 003, "a visual and interactive guide to NN basics".

    Area in square feet → price, the table the article fits with ``price = 0.180 * area``
    (the total price over the total area). Prices are in thousands of dollars, the unit
    the article switches to for its weight 0.180 and its errors (2,058 for that weight,
    799 for weight 0.1 and bias 150). Returns ``X`` (3, 1) and ``y`` (3, 1), float64.
    """
    return _HOUSE_AREAS[:3, None].copy(), _HOUSE_PRICES_THOUSANDS[:3, None].copy()


def house_prices() -> tuple[np.ndarray, np.ndarray]:
    """The ten houses of article 003 with two features, for regression on both.

    Columns of ``X`` (10, 2): area in square feet, number of bathrooms. ``y`` (10, 1):
    price in thousands of dollars (the article's error 108,268 at all-zero weights is in
    that unit). The first three rows are `house_prices_small()`.
    """
    return _house_features(), _HOUSE_PRICES_THOUSANDS[:, None].copy()


def house_good_bad() -> tuple[np.ndarray, np.ndarray]:
    """The same ten houses of article 003, labelled good or bad by the friend.

    ``X`` (10, 2) as in `house_prices()`; ``y`` (10,) int64 class indices into
    `HOUSE_LABEL_NAMES`: 0 = good (好), 1 = bad (坏), the order of the article's
    two softmax outputs. The article also mentions ten more labelled houses kept back for
    testing; it never gives them, so they are not here.
    """
    return _house_features(), _HOUSE_LABELS.copy()
