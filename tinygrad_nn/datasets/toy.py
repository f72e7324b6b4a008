"""Toy 2-D data sets: small enough to see whole, 2-D so a decision boundary can be drawn.

Toy sets, each ``name(n, noise, seed) -> (X, y)`` with ``X`` float64 of shape (n, 2)
and ``y`` int64 class indices of shape (n,). What ``noise`` means follows each set's
source, so pictures and numbers compare with it:

=========  =====================================  ==========================================
set        shape taken from                       noise
=========  =====================================  ==========================================
moons      scikit-learn ``make_moons``            std of gaussian noise added to each point
circles    scikit-learn ``make_circles``          std of gaussian noise added to each point
blobs      scikit-learn ``make_blobs``            ``cluster_std``: std of each cluster
spiral     CS231n's spiral (k arms)               std of gaussian noise on the angle (radians)
xor        TensorFlow Playground "Exclusive or"   Playground's noise (0 to 0.5): label noise
gauss      TensorFlow Playground "Gaussian"       Playground's noise (0 to 0.5): cloud spread
=========  =====================================  ==========================================

``tf_playground(kind, n, noise, seed)`` gives TensorFlow Playground's four classification
sets (spiral, circle, xor, gauss) on its own scale, for experiments that compare with it.

``seed`` is an int for a repeatable set, a ``numpy.random.Generator`` to draw from, or
``None`` for fresh randomness. With ``shuffle=False`` the points come class by class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

Seed = int | np.random.Generator | None


# --------------------------------------------------------------------------- checks


def _check_count(name: str, value: int, minimum: int, what: str) -> None:
    """A whole number of things (points, clusters, arms): an int, at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer ({what}), got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum} ({what}), got {value}")


def _check_n(n: int) -> None:
    _check_count("n", n, 1, "the number of points")


def _check_noise(noise: float) -> None:
    """A real number, finite and >= 0. A bool is refused although Python counts it as an
    int: ``noise=True`` is a slip, and taking it as noise 1.0 would hide it."""
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"noise must be a number (a std or the Playground's 0 to 0.5), "
                        f"got {noise!r} of type {type(noise).__name__}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def _class_sizes(n: int, classes: int) -> list[int]:
    """Split n points over the classes as evenly as possible, earlier classes first."""
    return [n // classes + (k < n % classes) for k in range(classes)]


def _labels(sizes: Sequence[int]) -> np.ndarray:
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _shuffled_if(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The points in random order (one permutation for X and y), or as generated:
    class by class, which scikit-learn's shuffle=False gives too."""
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X, y


# ------------------------------------------------------------------------ toy sets


def moons(
    n: int = 100, noise: float = 0.0, seed: Seed = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as scikit-learn's ``make_moons``.

    Class 0 (``n // 2`` points): ``(cos t, sin t)``, t evenly over [0, pi].
    Class 1 (the rest): ``(1 - cos t, 1 - sin t - 0.5)``.
    Then gaussian noise of std ``noise`` on both coordinates.
    """
    _check_n(n)
    _check_noise(noise)
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n - n_outer)
    X = np.concatenate(
        [
            np.column_stack([np.cos(outer), np.sin(outer)]),
            np.column_stack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5]),
        ]
    )
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffled_if(X, _labels([n_outer, n - n_outer]), rng, shuffle)


def circles(
    n: int = 100,
    noise: float = 0.0,
    seed: Seed = None,
    factor: float = 0.8,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one, as scikit-learn's ``make_circles``
    (the same points for the same n and factor, 0.8 by default there and here).

    Class 0 (``n // 2`` points) on the unit circle, class 1 (the rest) on the circle of
    radius ``factor``; angles evenly spaced over [0, 2 pi) without the end point.
    Then gaussian noise of std ``noise`` on both coordinates.
    """
    _check_n(n)
    _check_noise(noise)
    if not 0 <= factor < 1:
        raise ValueError(
            f"factor must be in [0, 1): the inner radius over the outer one, got {factor!r}"
        )
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n - n_outer, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(outer), np.sin(outer)]),
            np.column_stack([np.cos(inner) * factor, np.sin(inner) * factor]),
        ]
    )
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffled_if(X, _labels([n_outer, n - n_outer]), rng, shuffle)


def blobs(
    n: int = 100,
    noise: float | ArrayLike = 1.0,
    seed: Seed = None,
    centers: int | ArrayLike = 2,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, as scikit-learn's ``make_blobs`` (2 clusters by default).

    ``centers`` is a number of clusters, whose centers are drawn uniformly in the square
    ``center_box`` x ``center_box``, or an array of shape (k, 2) of the centers themselves.
    ``noise`` is ``make_blobs``'s ``cluster_std``: one std for all clusters or one per
    cluster. Cluster k gets label k; the first ``n % k`` clusters get one point more.
    """
    _check_n(n)
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        _check_count("centers", centers, 1, "a number of clusters")
        low, high = center_box
        if not low < high:
            raise ValueError(f"center_box must be (low, high) with low < high, got {center_box}")
        centers = rng.uniform(low, high, size=(centers, 2))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[0] < 1 or centers.shape[1] != 2:
        raise ValueError(
            f"centers must be a number of clusters or an array of shape (k, 2), "
            f"got an array of shape {centers.shape}"
        )
    stds = np.asarray(noise)
    if stds.dtype.kind not in "iuf":
        raise TypeError(f"noise (cluster_std) must be one number or one per cluster, "
                        f"got {noise!r} (numpy dtype {stds.dtype})")
    stds = stds.astype(np.float64)
    if stds.ndim > 1 or stds.size not in (1, len(centers)):
        raise ValueError(
            f"noise (cluster_std) must be one number or one per cluster ({len(centers)}), "
            f"got {noise!r}"
        )
    if not (np.all(np.isfinite(stds)) and np.all(stds >= 0)):
        raise ValueError(f"noise (cluster_std) must be finite and >= 0, got {noise!r}")
    stds = np.broadcast_to(stds, (len(centers),))
    y = _labels(_class_sizes(n, len(centers)))
    X = centers[y] + rng.normal(size=(n, 2)) * stds[y, None]
    return _shuffled_if(X, y, rng, shuffle)


def spiral(
    n: int = 100,
    noise: float = 0.2,
    seed: Seed = None,
    classes: int = 2,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, as in CS231n's neural-network case study.

    Arm j: radius r evenly over [0, 1], angle ``t = 4 (j + r)`` plus gaussian noise of
    std ``noise`` (radians), point ``(r sin t, r cos t)``. CS231n draws 3 arms; here
    ``classes`` arms (2 by default, for the binary playground).
    """
    _check_n(n)
    _check_noise(noise)
    _check_count("classes", classes, 2, "one arm per class")
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n, classes)
    y = _labels(sizes)
    radius = np.concatenate([np.linspace(0.0, 1.0, size) for size in sizes])
    angle = 4 * (y + radius) + rng.normal(scale=noise, size=n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled_if(X, y, rng, shuffle)


def xor(
    n: int = 100, noise: float = 0.0, seed: Seed = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's "Exclusive or": label 1 where x * y >= 0, else 0.

    Points are uniform in [-5, 5]^2, each coordinate then pushed 0.3 away from its axis
    so the classes are apart. As in the Playground, ``noise`` (its slider, 0 to 0.5)
    does not move the points: each label is read at the point shifted by
    ``noise * uniform(-5, 5)`` per coordinate, so labels near the axes may flip.
    """
    _check_n(n)
    _check_noise(noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 5, size=(n, 2))
    X = X + np.where(X > 0, 0.3, -0.3)
    shifted = X + noise * rng.uniform(-5, 5, size=(n, 2))
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
    return _shuffled_if(X, y, rng, shuffle)


def gauss(
    n: int = 100, noise: float = 0.0, seed: Seed = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's "Gaussian": two round clouds, label 0 at (-2, -2), 1 at (2, 2).

    As in the Playground, ``noise`` (its slider, 0 to 0.5) sets the spread: each cloud's
    variance goes linearly from 0.5 at noise 0 to 4 at noise 0.5, so even noise 0 gives
    clouds, not two points.
    """
    _check_n(n)
    _check_noise(noise)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + 7 * noise)
    y = _labels(_class_sizes(n, 2))
    cloud_centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    X = cloud_centers[y] + std * rng.normal(size=(n, 2))
    return _shuffled_if(X, y, rng, shuffle)


def _playground_spiral(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The Playground's spiral: two arms of 1.75 turns out to radius 5.

    Point i of an arm of m points: r = 5 i / m, t = 1.75 * 2 pi * i / m (+ pi for label 0),
    ``(r sin t, r cos t)`` plus ``noise * uniform(-1, 1)`` on each coordinate.
    """
    sizes = _class_sizes(n, 2)
    y = np.repeat(np.array([1, 0], dtype=np.int64), sizes)
    fraction = np.concatenate([np.arange(size) / size for size in sizes])
    radius = 5 * fraction
    angle = 1.75 * 2 * np.pi * fraction + np.where(y == 1, 0.0, np.pi)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return X + noise * rng.uniform(-1, 1, size=X.shape), y


def _playground_circle(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The Playground's circle: half the points in the disc of radius 2.5, half in the ring
    from 3.5 to 5. As in the Playground, noise moves no point: each label says whether
    the point shifted by ``noise * uniform(-5, 5)`` per coordinate is inside radius 2.5."""
    inner, outer = _class_sizes(n, 2)
    radius = np.concatenate([rng.uniform(0, 2.5, size=inner), rng.uniform(3.5, 5, size=outer)])
    angle = rng.uniform(0, 2 * np.pi, size=n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    shifted = X + noise * rng.uniform(-5, 5, size=X.shape)
    return X, (np.hypot(shifted[:, 0], shifted[:, 1]) < 2.5).astype(np.int64)


_PLAYGROUND_SETS = {"spiral": _playground_spiral, "circle": _playground_circle}
PLAYGROUND_KINDS = ("spiral", "circle", "xor", "gauss")
"""The kinds `tf_playground()` draws, in the Playground's order of its data sets."""


def tf_playground(
    kind: str, n: int = 500, noise: float = 0.0, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """One of TensorFlow Playground's classification sets, as its ``dataset.ts`` draws it.

    ``kind`` is "spiral", "circle", "xor" or "gauss"; ``n`` defaults to the Playground's
    500 points and ``noise`` is its slider over 100 (0 to 0.5). ``X`` (n, 2) is on the
    Playground's own scale (its plot spans -6 to 6); ``y`` is 1 where the Playground says
    +1 (blue) and 0 where it says -1 (orange). The points come shuffled, as the Playground
    shuffles them before it takes the first half for training. "xor" and "gauss" are
    `xor()` and `gauss()`, which follow the Playground already.
    """
    if kind not in PLAYGROUND_KINDS:
        raise ValueError(f"kind must be one of {', '.join(PLAYGROUND_KINDS)}; got {kind!r}")
    if kind == "xor":
        return xor(n, noise, seed)
    if kind == "gauss":
        return gauss(n, noise, seed)
    _check_n(n)
    _check_noise(noise)
    rng = np.random.default_rng(seed)
    X, y = _PLAYGROUND_SETS[kind](n, noise, rng)
    return _shuffled_if(X, y, rng, shuffle=True)
