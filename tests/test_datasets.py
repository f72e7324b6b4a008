"""Tests for tinygrad_nn.datasets: toy sets, the articles' tables, the cat/non-cat loader."""

import hashlib
import http.server
import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import CAT_DATA_MISSING

from tinygrad_nn import datasets

TOY_SETS = [
    datasets.moons,
    datasets.circles,
    datasets.blobs,
    datasets.spiral,
    datasets.xor,
    datasets.gauss,
]
toy_sets = pytest.mark.parametrize("make", TOY_SETS, ids=lambda make: make.__name__)

CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")


# ------------------------------------------------------------------ every toy set


@toy_sets
@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_toy_set_shapes_and_dtypes(make, n):
    X, y = make(n=n, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))


@toy_sets
def test_toy_set_is_deterministic_for_a_seed(make):
    X1, y1 = make(n=50, seed=123)
    X2, y2 = make(n=50, seed=123)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make(n=50, seed=124)
    assert not np.array_equal(X1, X3)


@toy_sets
def test_toy_set_accepts_a_generator(make):
    X_from_int, y_from_int = make(n=30, seed=5)
    X_from_rng, y_from_rng = make(n=30, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(X_from_int, X_from_rng)
    np.testing.assert_array_equal(y_from_int, y_from_rng)


@pytest.mark.parametrize("make", [make for make in TOY_SETS if make is not datasets.xor])
def test_toy_set_unshuffled_comes_class_by_class(make):
    _, y = make(n=40, seed=0, shuffle=False)
    assert np.all(np.diff(y) >= 0)
    _, y_shuffled = make(n=40, seed=0)
    assert np.any(np.diff(y_shuffled) < 0)


@pytest.mark.parametrize("make", [datasets.blobs, datasets.spiral, datasets.gauss])
def test_two_class_sets_are_balanced_earlier_class_first(make):
    assert np.bincount(make(n=100, seed=0)[1]).tolist() == [50, 50]
    assert np.bincount(make(n=101, seed=0)[1]).tolist() == [51, 50]


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles])
def test_moons_and_circles_split_like_scikit_learn(make):
    # n // 2 points in the outer shape (label 0), the rest in the inner one.
    assert np.bincount(make(n=100, seed=0)[1]).tolist() == [50, 50]
    assert np.bincount(make(n=101, seed=0)[1]).tolist() == [50, 51]


@toy_sets
@pytest.mark.parametrize("n", [0, -3])
def test_toy_set_rejects_too_few_points(make, n):
    with pytest.raises(ValueError, match=r"n must be at least 1 .*got " + str(n)):
        make(n=n)


@toy_sets
@pytest.mark.parametrize("n", [2.5, "10", True])
def test_toy_set_rejects_a_non_integer_count(make, n):
    with pytest.raises(TypeError, match="n must be an integer"):
        make(n=n)


@toy_sets
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf")])
def test_toy_set_rejects_bad_noise(make, noise):
    with pytest.raises(ValueError, match="noise .*must be .*finite.*>= 0"):
        make(n=10, noise=noise)


@toy_sets
@pytest.mark.parametrize("noise", [True, False, np.bool_(True), "0.1", None, [True, False]])
def test_toy_set_refuses_a_boolean_or_a_non_number_as_noise(make, noise):
    # Python counts True as 1: moons(noise=True) used to draw with noise 1.0.
    with pytest.raises(TypeError, match=r"noise .*must be .*number"):
        make(n=10, noise=noise)


@pytest.mark.parametrize("noise", [True, "0.2"])
def test_playground_refuses_a_boolean_or_a_non_number_as_noise(noise):
    with pytest.raises(TypeError, match="noise must be a number"):
        datasets.tf_playground("circle", n=10, noise=noise)


@pytest.mark.parametrize("n", [np.bool_(True), None, 10.0])
def test_toy_set_refuses_other_non_integer_counts(n):
    with pytest.raises(TypeError, match="n must be an integer"):
        datasets.moons(n=n)


@toy_sets
def test_toy_set_takes_numpy_numbers(make):
    X, _ = make(n=np.int64(12), noise=np.float32(0.1), seed=0)
    assert X.shape == (12, 2)


# ----------------------------------------------------------------- moons, circles


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = datasets.moons(n=101, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, rtol=0, atol=1e-12)
    assert np.all(outer[:, 1] >= 0)
    np.testing.assert_allclose(
        np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, rtol=0, atol=1e-12
    )
    assert np.all(inner[:, 1] <= 0.5)


def test_noise_free_moons_run_end_to_end_over_the_half_circles():
    X, y = datasets.moons(n=6, noise=0.0, seed=0, shuffle=False)
    np.testing.assert_allclose(X[[0, 2]], [[1.0, 0.0], [-1.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(X[[3, 5]], [[0.0, 0.5], [2.0, 0.5]], atol=1e-15)
    assert y.tolist() == [0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize("factor", [0.5, 0.3, 0.0])
def test_noise_free_circles_lie_on_their_circles(factor):
    X, y = datasets.circles(n=100, noise=0.0, seed=0, factor=factor)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], factor, rtol=0, atol=1e-12)


def test_circle_angles_are_evenly_spaced_without_the_end_point():
    X, y = datasets.circles(n=16, noise=0.0, seed=0, shuffle=False)
    angles = np.arctan2(X[y == 0, 1], X[y == 0, 0]) % (2 * np.pi)
    np.testing.assert_allclose(np.sort(angles), np.arange(8) * (2 * np.pi / 8), atol=1e-12)


def test_noise_moves_points_off_the_curves_by_about_its_std():
    X, _ = datasets.moons(n=20_000, noise=0.1, seed=0, shuffle=False)
    clean, _ = datasets.moons(n=20_000, noise=0.0, shuffle=False)
    np.testing.assert_allclose(np.std(X - clean), 0.1, rtol=0.03)


@pytest.mark.parametrize("factor", [1.0, 1.5, -0.1])
def test_circles_rejects_a_factor_outside_0_1(factor):
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        datasets.circles(n=10, factor=factor)


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_noise_free_shapes_match_scikit_learn(name):
    sk_datasets = pytest.importorskip("sklearn.datasets")
    ours = getattr(datasets, name)(n=51, noise=0.0, shuffle=False)
    theirs = getattr(sk_datasets, f"make_{name}")(n_samples=51, shuffle=False)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


# -------------------------------------------------------------------------- blobs


def test_blobs_with_given_centers_and_no_noise_sit_on_the_centers():
    centers = np.array([[1.0, 2.0], [-3.0, 4.0], [0.5, -0.5]])
    X, y = datasets.blobs(n=30, noise=0.0, seed=0, centers=centers)
    np.testing.assert_array_equal(X, centers[y])
    assert np.bincount(y).tolist() == [10, 10, 10]


def test_blobs_spread_is_cluster_std_per_cluster():
    centers = [[0.0, 0.0], [20.0, 20.0]]
    X, y = datasets.blobs(n=40_000, noise=[0.5, 2.0], seed=1, centers=centers)
    np.testing.assert_allclose(X[y == 0].std(axis=0), 0.5, rtol=0.03)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 2.0, rtol=0.03)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), 20.0, atol=0.05)


def test_blobs_random_centers_fall_in_the_center_box():
    X, y = datasets.blobs(n=3000, noise=0.0, seed=2, centers=4, center_box=(1.0, 3.0))
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]
    assert np.all((X >= 1.0) & (X <= 3.0))
    assert len(np.unique(X, axis=0)) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"centers": 0}, "centers must be at least 1"),
        ({"centers": [[0.0, 0.0, 0.0]]}, r"shape \(k, 2\).*\(1, 3\)"),
        ({"centers": [1.0, 2.0]}, r"shape \(k, 2\).*\(2,\)"),
        ({"noise": [1.0, 1.0, 1.0]}, r"one number or one per cluster \(2\)"),
        ({"noise": -1.0}, r"finite and >= 0"),
        ({"center_box": (5.0, -5.0)}, "low < high"),
    ],
)
def test_blobs_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.blobs(n=10, seed=0, **kwargs)


# ------------------------------------------------------------------ spiral, xor, gauss


@pytest.mark.parametrize("classes", [2, 3])
def test_noise_free_spiral_points_lie_on_their_arms(classes):
    X, y = datasets.spiral(n=90, noise=0.0, seed=0, classes=classes)
    radius = np.hypot(X[:, 0], X[:, 1])
    angle = 4 * (y + radius)
    np.testing.assert_allclose(X[:, 0], radius * np.sin(angle), atol=1e-12)
    np.testing.assert_allclose(X[:, 1], radius * np.cos(angle), atol=1e-12)
    assert np.bincount(y).tolist() == [90 // classes] * classes
    assert radius.max() == pytest.approx(1.0)


@pytest.mark.parametrize("classes, error, message", [
    (1, ValueError, r"classes must be at least 2 \(one arm per class\), got 1"),
    (0, ValueError, r"classes must be at least 2 \(one arm per class\), got 0"),
    (2.0, TypeError, r"classes must be an integer \(one arm per class\), got 2.0"),
])
def test_spiral_rejects_fewer_than_two_arms_or_a_fraction_of_one(classes, error, message):
    with pytest.raises(error, match=message):
        datasets.spiral(n=10, classes=classes)


def test_noise_free_xor_labels_by_the_sign_of_x_times_y():
    X, y = datasets.xor(n=500, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    assert np.all((np.abs(X) >= 0.3) & (np.abs(X) <= 5.3))
    assert 0.4 < y.mean() < 0.6


def test_xor_noise_flips_labels_but_not_points():
    X_noisy, y_noisy = datasets.xor(n=2000, noise=0.5, seed=4, shuffle=False)
    assert np.all((np.abs(X_noisy) >= 0.3) & (np.abs(X_noisy) <= 5.3))
    wrong_sign = y_noisy != (X_noisy[:, 0] * X_noisy[:, 1] >= 0)
    assert 0.05 < wrong_sign.mean() < 0.5


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.25, 2.25), (0.5, 4.0)])
def test_gauss_clouds_follow_the_playground_spread(noise, variance):
    X, y = datasets.gauss(n=40_000, noise=noise, seed=3)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2.0, -2.0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.0, 2.0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].var(axis=0), variance, rtol=0.04)


# ------------------------------------------------------------ TensorFlow Playground

PLAYGROUND_KINDS = ["spiral", "circle", "xor", "gauss"]
playground_kinds = pytest.mark.parametrize("kind", PLAYGROUND_KINDS)


@playground_kinds
def test_playground_set_has_the_playgrounds_500_points_by_default(kind):
    X, y = datasets.tf_playground(kind, seed=0)
    assert X.shape == (500, 2) and X.dtype == np.float64
    assert y.shape == (500,) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == {0, 1}


@playground_kinds
def test_playground_set_is_deterministic_for_a_seed(kind):
    X1, y1 = datasets.tf_playground(kind, n=60, noise=0.2, seed=7)
    X2, y2 = datasets.tf_playground(kind, n=60, noise=0.2, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, datasets.tf_playground(kind, n=60, noise=0.2, seed=8)[0])


@playground_kinds
def test_playground_set_comes_shuffled_so_its_first_half_can_train(kind):
    # The Playground shuffles once and trains on the first half: both halves hold both labels.
    _, y = datasets.tf_playground(kind, n=400, seed=1)
    assert 0.3 < y[:200].mean() < 0.7 and 0.3 < y[200:].mean() < 0.7


def test_noise_free_playground_spiral_turns_one_and_three_quarter_times():
    X, y = datasets.tf_playground("spiral", n=500, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [250, 250]
    radius = np.hypot(X[:, 0], X[:, 1])
    # Point i of an arm: r = 5 i / 250, t = 1.75 * 2 pi * i / 250 (+ pi for label 0).
    np.testing.assert_allclose(np.sort(radius[y == 1]), 5 * np.arange(250) / 250, atol=1e-12)
    angle = 1.75 * 2 * np.pi * radius / 5 + np.where(y == 1, 0.0, np.pi)
    np.testing.assert_allclose(X[:, 0], radius * np.sin(angle), atol=1e-12)
    np.testing.assert_allclose(X[:, 1], radius * np.cos(angle), atol=1e-12)


def test_playground_spiral_of_an_odd_count_gives_the_extra_point_to_the_blue_arm():
    X, y = datasets.tf_playground("spiral", n=7, seed=0)
    assert np.bincount(y).tolist() == [3, 4]
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(np.sort(radius[y == 1]), 5 * np.arange(4) / 4, atol=1e-12)
    np.testing.assert_allclose(np.sort(radius[y == 0]), 5 * np.arange(3) / 3, atol=1e-12)


def test_playground_spiral_noise_moves_each_coordinate_at_most_noise():
    # The same seed draws the same shifts; noise only scales them, so the points pair up.
    X_clean, y_clean = datasets.tf_playground("spiral", n=500, noise=0.0, seed=2)
    X_noisy, y_noisy = datasets.tf_playground("spiral", n=500, noise=0.5, seed=2)
    np.testing.assert_array_equal(y_noisy, y_clean)
    shift = np.abs(X_noisy - X_clean)
    assert shift.max() <= 0.5 and shift.max() > 0.45 and shift.mean() > 0.2


def test_noise_free_playground_circle_labels_the_inner_disc():
    X, y = datasets.tf_playground("circle", n=2000, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y, (radius < 2.5).astype(np.int64))
    assert radius[y == 1].max() <= 2.5 and radius[y == 0].min() >= 3.5
    assert radius.max() <= 5.0 and np.bincount(y).tolist() == [1000, 1000]


def test_playground_circle_noise_flips_labels_but_not_points():
    X, y = datasets.tf_playground("circle", n=2000, noise=0.5, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all((radius <= 2.5) | ((radius >= 3.5) & (radius <= 5.0)))
    wrong = y != (radius < 2.5)
    assert 0.05 < wrong.mean() < 0.5


def test_playground_xor_and_gauss_are_the_toy_sets_of_those_names():
    for kind, make in [("xor", datasets.xor), ("gauss", datasets.gauss)]:
        X, y = datasets.tf_playground(kind, n=80, noise=0.3, seed=5)
        X_toy, y_toy = make(n=80, noise=0.3, seed=5)
        np.testing.assert_array_equal(X, X_toy)
        np.testing.assert_array_equal(y, y_toy)


def test_playground_rejects_an_unknown_kind_naming_the_known_ones():
    expected = r"kind must be one of spiral, circle, xor, gauss; got 'moons'"
    with pytest.raises(ValueError, match=expected):
        datasets.tf_playground("moons")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, "n must be at least 1"),
        ({"n": 2.5}, TypeError, "n must be an integer"),
        ({"noise": -0.1}, ValueError, "noise must be a finite number >= 0"),
    ],
)
def test_playground_rejects_bad_counts_and_noise(kwargs, error, message):
    with pytest.raises(error, match=message):
        datasets.tf_playground("spiral", **kwargs)


# --------------------------------------------------------------- the articles' tables


def test_twelve_points_are_article_001s():
    X, y = datasets.twelve_points()
    assert X.shape == (12, 1) and y.shape == (12, 1)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(
        X.ravel(),
        [-1.51, -1.29, -1.18, -0.64, -0.53, -0.09, 0.13, 0.35, 0.89, 1.11, 1.33, 1.44],
    )
    np.testing.assert_array_equal(y.ravel(), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0])


def test_twelve_points_are_separated_by_two_boundaries_near_half():
    X, y = datasets.twelve_points()
    np.testing.assert_array_equal(y.ravel(), (np.abs(X.ravel()) < 0.6).astype(int))


# Article 003's tables as printed: area (sq ft), bathrooms, price ($), friend's label.
ARTICLE_003_AREAS = [2104, 1600, 2400, 1416, 3000, 1985, 1534, 1427, 1380, 1494]
ARTICLE_003_BATHROOMS = [3, 3, 3, 2, 4, 4, 3, 3, 3, 3]
# fmt: off
ARTICLE_003_PRICES_DOLLARS = [
    399_900, 329_900, 369_000, 232_000, 539_900, 299_900, 314_900, 198_999, 212_000, 242_500,
]
# fmt: on
ARTICLE_003_LABELS = ["好", "好", "好", "坏", "坏", "好", "坏", "好", "好", "好"]


def test_house_prices_small_is_article_003s_three_row_table():
    X, y = datasets.house_prices_small()
    assert X.shape == (3, 1) and y.shape == (3, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(X.ravel(), ARTICLE_003_AREAS[:3])
    np.testing.assert_array_equal(y.ravel(), np.array(ARTICLE_003_PRICES_DOLLARS[:3]) / 1000)


def test_house_prices_small_reproduces_the_articles_numbers():
    X, y = datasets.house_prices_small()
    area, price = X.ravel(), y.ravel()
    # "the average price per square foot": $180, i.e. weight 0.180 in $1000.
    assert round(price.sum() / area.sum(), 3) == 0.180
    # The error table for weight 0.180: predictions, squared errors, their mean 2,058.
    prediction = 0.180 * area
    assert np.round(prediction).tolist() == [379, 288, 432]
    assert np.round((price - prediction) ** 2).tolist() == [449, 1756, 3969]
    assert round(np.mean((price - prediction) ** 2)) == 2058
    # The interactive widgets: error 799 at weight 0.1, bias 150; 134,972 at zero.
    assert round(np.mean((price - (0.1 * area + 150)) ** 2)) == 799
    assert round(np.mean(price**2)) == 134_972


def test_house_prices_is_article_003s_ten_row_table():
    X, y = datasets.house_prices()
    assert X.shape == (10, 2) and y.shape == (10, 1)
    np.testing.assert_array_equal(X[:, 0], ARTICLE_003_AREAS)
    np.testing.assert_array_equal(X[:, 1], ARTICLE_003_BATHROOMS)
    np.testing.assert_array_equal(y.ravel(), np.array(ARTICLE_003_PRICES_DOLLARS) / 1000)
    # The two-feature widget starts at error 108,268 with both weights and the bias at 0.
    assert round(np.mean(y**2)) == 108_268
    X_small, y_small = datasets.house_prices_small()
    np.testing.assert_array_equal(X[:3, :1], X_small)
    np.testing.assert_array_equal(y[:3], y_small)


def test_house_good_bad_is_article_003s_classification_table():
    X, y = datasets.house_good_bad()
    assert X.shape == (10, 2) and y.shape == (10,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, datasets.house_prices()[0])
    words = {"好": "good", "坏": "bad"}
    assert [datasets.HOUSE_LABEL_NAMES[label] for label in y] == [
        words[label] for label in ARTICLE_003_LABELS
    ]
    assert datasets.HOUSE_LABEL_NAMES == ("good", "bad")


def test_tables_are_fresh_copies():
    for table in (datasets.house_prices_small, datasets.house_prices, datasets.house_good_bad):
        X, y = table()
        X[...] = 0
        y[...] = 0
        assert table()[0].any() and table()[1].any()


# ------------------------------------------------------------------------ cat/non-cat


def _shared_data_dir() -> Path:
    return Path(os.environ.get(datasets.DATA_ENV_VAR, datasets.default_cache_dir()))


@pytest.fixture
def data_dir() -> Path:
    folder = _shared_data_dir()
    if not all((folder / name).is_file() for name in CAT_FILES):
        pytest.skip(CAT_DATA_MISSING)
    return folder


def _copy_files(source: Path, destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in CAT_FILES:
        shutil.copyfile(source / name, destination / name)
    return destination


def _check_catvnoncat(arrays):
    train_x, train_y, test_x, test_y, classes = arrays
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (209,) and train_y.dtype == np.int64
    assert test_y.shape == (50,) and test_y.dtype == np.int64
    assert set(train_y.tolist()) == {0, 1} and set(test_y.tolist()) == {0, 1}
    assert int(train_y.sum()) == 72 and int(test_y.sum()) == 33
    assert classes.tolist() == [b"non-cat", b"cat"]


def test_catvnoncat_loads_from_the_environment_variable(data_dir, empty_home, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(data_dir))
    _check_catvnoncat(datasets.load_catvnoncat())


def test_catvnoncat_loads_from_a_folder_argument(data_dir, empty_home):
    _check_catvnoncat(datasets.load_catvnoncat(folder=data_dir))


def test_catvnoncat_loads_from_the_user_cache(data_dir, empty_home):
    cache = empty_home / ".cache" / "tinygrad_nn"
    assert datasets.default_cache_dir() == cache
    _copy_files(data_dir, cache)
    _check_catvnoncat(datasets.load_catvnoncat())


def test_catvnoncat_folder_argument_comes_before_the_environment(
    data_dir, empty_home, tmp_path, monkeypatch
):
    corrupted = _copy_files(data_dir, tmp_path / "env")
    (corrupted / "test_catvnoncat.h5").write_bytes(b"not the file")
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(corrupted))
    _check_catvnoncat(datasets.load_catvnoncat(folder=data_dir))
    with pytest.raises(ValueError, match="test_catvnoncat.h5"):
        datasets.load_catvnoncat()


def test_catvnoncat_rejects_a_corrupted_file_naming_both_hashes(data_dir, empty_home, tmp_path):
    folder = _copy_files(data_dir, tmp_path / "copy")
    damaged = folder / "train_catvnoncat.h5"
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    actual = hashlib.sha256(bytes(content)).hexdigest()
    expected = datasets.CATVNONCAT_SHA256["train_catvnoncat.h5"]
    with pytest.raises(ValueError, match="train_catvnoncat.h5") as error:
        datasets.load_catvnoncat(folder=folder)
    assert expected in str(error.value) and actual in str(error.value)


def test_catvnoncat_missing_everywhere_says_where_it_looked(empty_home, tmp_path, monkeypatch):
    env_folder = tmp_path / "from-env"
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(env_folder))
    argument_folder = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as error:
        datasets.load_catvnoncat(folder=argument_folder)
    message = str(error.value)
    for place in (argument_folder, env_folder, empty_home / ".cache" / "tinygrad_nn"):
        assert str(place) in message
    assert "TINYGRAD_NN_DATA" in message and "train_catvnoncat.h5" in message
    assert "download=True" in message


def test_catvnoncat_not_found_and_no_download_says_why_in_one_line(empty_home):
    with pytest.raises(datasets.DataUnavailable) as error:
        datasets.find_catvnoncat()
    reason = error.value.reason
    assert "\n" not in reason
    assert "train_catvnoncat.h5 and test_catvnoncat.h5 are in none of" in reason
    assert str(datasets.default_cache_dir()) in reason and "not allowed" in reason


def test_catvnoncat_download_fills_the_cache_showing_progress(
    data_dir, empty_home, serve_folder, monkeypatch, capsys
):
    url, requested = serve_folder(data_dir)
    monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR", url)
    _check_catvnoncat(datasets.load_catvnoncat(download=True))
    cache = empty_home / ".cache" / "tinygrad_nn"
    assert sorted(path.name for path in cache.iterdir()) == sorted(CAT_FILES)
    assert sorted(requested) == sorted(f"/{name}" for name in CAT_FILES)
    progress = capsys.readouterr().err
    for name in CAT_FILES:
        size = (data_dir / name).stat().st_size
        assert f"downloading {name}: {size:,} of {size:,} bytes (100%)" in progress
    assert "(50%)" in progress and progress.endswith("\n")

    requested.clear()
    datasets.load_catvnoncat(download=True)  # cached now: no second download
    assert requested == []


def test_catvnoncat_download_from_a_closed_port_is_refused_clearly(empty_home, offline_mirror):
    with pytest.raises(datasets.DataUnavailable, match="Could not download train_catvnoncat.h5"
                       ) as error:
        datasets.load_catvnoncat(download=True)
    assert "refused" in error.value.reason and offline_mirror in error.value.reason
    assert "\n" not in error.value.reason
    assert "TINYGRAD_NN_DATA" in str(error.value)
    assert isinstance(error.value, OSError)
    cache = empty_home / ".cache" / "tinygrad_nn"
    assert not any(cache.iterdir())


def test_catvnoncat_download_gives_up_after_the_timeout(empty_home, monkeypatch):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR",
                            f"http://127.0.0.1:{silent.getsockname()[1]}/")
        monkeypatch.setattr(datasets.catvnoncat, "DOWNLOAD_TIMEOUT_SECONDS", 0.2)
        outcome: list[BaseException] = []
        worker = threading.Thread(target=lambda: _record_error(datasets.find_catvnoncat,
                                                               outcome))
        started = time.monotonic()
        worker.start()
        worker.join(timeout=20)
        assert not worker.is_alive(), "the download did not time out"
    assert time.monotonic() - started < 10
    assert isinstance(outcome[0], datasets.DataUnavailable)
    assert "timed out" in outcome[0].reason


def _record_error(find, outcome: list[BaseException]) -> None:
    try:
        find(download=True)
    except Exception as error:  # noqa: BLE001 - the test looks at it
        outcome.append(error)


def test_catvnoncat_download_of_a_wrong_file_is_refused(
    data_dir, empty_home, tmp_path, serve_folder, monkeypatch
):
    mirror = _copy_files(data_dir, tmp_path / "bad-mirror")
    (mirror / "train_catvnoncat.h5").write_bytes(b"a page that is not the data")
    url, _ = serve_folder(mirror)
    monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR", url)
    with pytest.raises(ValueError, match="SHA-256") as error:
        datasets.load_catvnoncat(download=True)
    assert isinstance(error.value, datasets.DataUnavailable)
    assert "downloaded from" in error.value.reason
    assert list((empty_home / ".cache" / "tinygrad_nn").iterdir()) == []  # nothing left behind


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Announces the whole file, sends half of it, and hangs up: an interrupted download."""

    folder: Path

    def do_GET(self) -> None:
        content = (self.folder / self.path.lstrip("/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content[: len(content) // 2])
        self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        """Quiet."""


def test_catvnoncat_interrupted_download_names_the_file_and_leaves_nothing(
    data_dir, empty_home, monkeypatch
):
    handler = type("Handler", (_TruncatingHandler,), {"folder": data_dir})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR",
                            f"http://127.0.0.1:{server.server_address[1]}/")
        with pytest.raises(datasets.DataUnavailable) as error:
            datasets.load_catvnoncat(download=True)
    finally:
        server.shutdown()
        server.server_close()
    assert error.value.reason.startswith("Could not download train_catvnoncat.h5 from")
    assert "\n" not in error.value.reason
    assert list((empty_home / ".cache" / "tinygrad_nn").iterdir()) == []


def test_catvnoncat_download_without_pooch_says_what_to_install(empty_home, monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)
    with pytest.raises(ImportError, match=r"needs pooch: pip install tinygrad-nn\[examples\]"):
        datasets.find_catvnoncat(download=True)


def test_catvnoncat_without_h5py_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install tinygrad-nn\[examples\]"):
        datasets.load_catvnoncat()


# ----------------------------------------------------------------- flatten_images


def test_flatten_images_unrolls_each_image_into_a_row_in_0_1():
    images = np.arange(2 * 2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 2, 3) * 10
    rows = datasets.flatten_images(images)
    assert rows.shape == (2, 12) and rows.dtype == np.float64
    np.testing.assert_array_equal(rows[1], images[1].ravel() / 255)
    assert datasets.flatten_images(np.full((1, 3), 255, dtype=np.uint8)).tolist() == [[1.0] * 3]


def test_flatten_images_on_the_cat_images_gives_12288_inputs(data_dir):
    train_x = datasets.load_catvnoncat(folder=data_dir)[0]
    rows = datasets.flatten_images(train_x)
    assert rows.shape == (209, 12288)
    assert 0.0 <= rows.min() and rows.max() <= 1.0


def test_flatten_images_refuses_images_already_scaled():
    with pytest.raises(ValueError, match="expects uint8 pixels.*float64"):
        datasets.flatten_images(np.zeros((2, 4, 4, 3)))


def test_flatten_images_needs_one_image_per_row():
    with pytest.raises(ValueError, match="one image per row"):
        datasets.flatten_images(np.zeros(5, dtype=np.uint8))
