"""Small data sets to train on and look at: toy 2-D sets, the articles' tables, cat/non-cat.

Why this module exists: the articles reproduced here train on tiny data that a learner
can see whole. The toy sets are 2-D so a decision boundary can be drawn over them; the
articles' own tables are typed in so their numbers come out again; the cat/non-cat
images are read from the standard files after checking that they are the originals.
Everything is plain numpy (h5py only for the images): no scikit-learn, no network
unless asked.

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

import hashlib
import math
import os
import shutil
import urllib.request
from collections.abc import Sequence
from pathlib import Path

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
    if not (isinstance(noise, (int, float, np.number)) and math.isfinite(noise) and noise >= 0):
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
    stds = np.asarray(noise, dtype=np.float64)
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
"""The kinds :func:`tf_playground` draws, in the Playground's order of its data sets."""


def tf_playground(
    kind: str, n: int = 500, noise: float = 0.0, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """One of TensorFlow Playground's classification sets, as its ``dataset.ts`` draws it.

    ``kind`` is "spiral", "circle", "xor" or "gauss"; ``n`` defaults to the Playground's
    500 points and ``noise`` is its slider over 100 (0 to 0.5). ``X`` (n, 2) is on the
    Playground's own scale (its plot spans -6 to 6); ``y`` is 1 where the Playground says
    +1 (blue) and 0 where it says -1 (orange). The points come shuffled, as the Playground
    shuffles them before it takes the first half for training. "xor" and "gauss" are
    :func:`xor` and :func:`gauss`, which follow the Playground already.
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


# -------------------------------------------------------------- the articles' tables


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
"""What the labels of :func:`house_good_bad` mean, in the article's order of classes."""
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
    that unit). The first three rows are :func:`house_prices_small`.
    """
    return _house_features(), _HOUSE_PRICES_THOUSANDS[:, None].copy()


def house_good_bad() -> tuple[np.ndarray, np.ndarray]:
    """The same ten houses of article 003, labelled good or bad by the friend.

    ``X`` (10, 2) as in :func:`house_prices`; ``y`` (10,) int64 class indices into
    :data:`HOUSE_LABEL_NAMES`: 0 = good (好), 1 = bad (坏), the order of the article's
    two softmax outputs. The article also mentions ten more labelled houses kept back for
    testing; it never gives them, so they are not here.
    """
    return _house_features(), _HOUSE_LABELS.copy()


# ----------------------------------------------------------------------- cat/non-cat

DATA_ENV_VAR = "TINYGRAD_NN_DATA"
CATVNONCAT_SHA256 = {
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}
CATVNONCAT_MIRROR = (
    "https://raw.githubusercontent.com/Kulbear/deep-learning-coursera/"
    "8ef9dd4fd4a627217d4ff31e63b661dbb3db9150/Neural%20Networks%20and%20Deep%20Learning/datasets/"
)
"""Where ``download=True`` fetches the files from: a public copy of the course files."""


def default_cache_dir() -> Path:
    """The user cache folder for data files: ``~/.cache/tinygrad_nn``."""
    return Path.home() / ".cache" / "tinygrad_nn"


def _folders_to_search(folder: str | os.PathLike | None) -> list[Path]:
    folders = [Path(folder).expanduser()] if folder is not None else []
    if os.environ.get(DATA_ENV_VAR):
        folders.append(Path(os.environ[DATA_ENV_VAR]).expanduser())
    folders.append(default_cache_dir())
    return folders


def _how_to_get_the_files(searched: list[Path]) -> str:
    places = "\n".join(f"  {place}" for place in searched)
    return (
        f"Looked for {' and '.join(CATVNONCAT_SHA256)} in:\n{places}\n"
        f"Put both files in one folder and pass it as load_catvnoncat(folder=...), or set "
        f"the environment variable {DATA_ENV_VAR} to that folder, or copy them to "
        f"{default_cache_dir()}; or call load_catvnoncat(download=True) to fetch them from "
        f"{CATVNONCAT_MIRROR}"
    )


def _check_sha256(path: Path, name: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = CATVNONCAT_SHA256[name]
    if digest != expected:
        raise ValueError(
            f"{path} is not the original {name}: its SHA-256 is {digest}, expected "
            f"{expected}. Replace it with an intact copy."
        )


def _download(name: str, folder: Path, searched: list[Path]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    url = CATVNONCAT_MIRROR + name
    partial = folder / (name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        _check_sha256(partial, name)
        partial.replace(folder / name)
    except OSError as err:
        raise OSError(
            f"Could not download {name} from {url}: {err}\n" + _how_to_get_the_files(searched)
        ) from err
    finally:
        partial.unlink(missing_ok=True)  # gone already when the download succeeded


def _find_catvnoncat(folder: str | os.PathLike | None, download: bool) -> Path:
    searched = _folders_to_search(folder)
    for place in searched:
        if all((place / name).is_file() for name in CATVNONCAT_SHA256):
            return place
    if not download:
        raise FileNotFoundError(_how_to_get_the_files(searched))
    cache = default_cache_dir()
    for name in CATVNONCAT_SHA256:
        if not (cache / name).is_file():
            _download(name, cache, searched)
    return cache


def load_catvnoncat(
    folder: str | os.PathLike | None = None, download: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cat/non-cat images of article 004: 209 to train on, 50 to test on.

    Reads ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` from the first of these
    folders that holds both: ``folder``, ``$TINYGRAD_NN_DATA``, ``~/.cache/tinygrad_nn``.
    With ``download=True`` and no copy found, fetches them from
    :data:`CATVNONCAT_MIRROR` into the cache first. Each file's SHA-256 is checked, so a
    damaged or different file is refused (ValueError) rather than trained on.

    Returns the arrays as stored: ``train_x`` uint8 (209, 64, 64, 3), ``train_y`` int64
    (209,) with 1 = cat, ``test_x`` uint8 (50, 64, 64, 3), ``test_y`` int64 (50,), and
    ``classes``, the bytes ``[b'non-cat', b'cat']`` indexed by label. For a network,
    :func:`flatten_images` the images and take ``y.reshape(-1, 1)`` as the target column.
    Needs h5py (``pip install tinygrad-nn[examples]``).
    """
    try:
        import h5py
    except ImportError as err:
        raise ImportError(
            "load_catvnoncat reads HDF5 files and needs h5py: "
            "pip install tinygrad-nn[examples]  (or: pip install h5py)"
        ) from err
    place = _find_catvnoncat(folder, download)
    for name in CATVNONCAT_SHA256:
        _check_sha256(place / name, name)
    with h5py.File(place / "train_catvnoncat.h5", "r") as train:
        train_x, train_y = train["train_set_x"][:], train["train_set_y"][:]
    with h5py.File(place / "test_catvnoncat.h5", "r") as test:
        test_x, test_y = test["test_set_x"][:], test["test_set_y"][:]
        classes = test["list_classes"][:]
    return train_x, train_y.astype(np.int64), test_x, test_y.astype(np.int64), classes


def flatten_images(images: ArrayLike) -> np.ndarray:
    """Images (m, height, width, channels) of 8-bit pixels → rows (m, h*w*c) in [0, 1].

    Article 004 unrolls each 64x64x3 image into one row of 12288 pixels and divides by
    255 so that no input dominates by scale; one image per row fits ``X @ W + b``.
    Only uint8 input is taken, so that scaled images are never scaled twice.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(
            f"flatten_images expects uint8 pixels (0..255) as loaded by load_catvnoncat, "
            f"got dtype {images.dtype}; were the images already scaled?"
        )
    if images.ndim < 2:
        raise ValueError(
            f"flatten_images expects one image per row (m, ...), got shape {images.shape}"
        )
    return images.reshape(len(images), -1) / 255.0
