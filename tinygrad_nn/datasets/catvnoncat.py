"""The cat/non-cat images of article 004: found on disk, or downloaded through pooch.

The files are searched in an order a learner can steer (an argument, an environment
variable, the user cache), their SHA-256 is checked wherever they come from, and a
download is pooch's job: ``pooch.retrieve`` with the known hash writes to a temporary
file beside the target and keeps it only when the hash matches, so a broken or
interrupted download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

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
DOWNLOAD_TIMEOUT_SECONDS = 30.0
"""How long a download waits for the mirror: to connect, and for each next piece."""
_DOWNLOAD_CHUNK_BYTES = 1 << 16


class DataUnavailable(FileNotFoundError):
    """The cat/non-cat files cannot be had: in none of the folders searched and not
    downloaded (not allowed, or the download failed), or not the original files.

    `reason` says why in one line; the message adds where to put the files.
    """

    def __init__(self, reason: str, searched: list[Path]):
        super().__init__(f"{reason}\n{_how_to_get_the_files(searched)}")
        self.reason = reason


class NotTheOriginal(DataUnavailable, ValueError):
    """A cat/non-cat file whose SHA-256 is not the original's: damaged, or another file."""


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


def _sha256_mismatch(path: Path, name: str) -> str | None:
    """What is wrong with `path` as the original `name`, or None when it is the original."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = CATVNONCAT_SHA256[name]
    if digest == expected:
        return None
    return f"its SHA-256 is {digest}, expected {expected}"


class _Progress:
    """How far a download got, on one line of stderr rewritten at each whole percent:
    "downloading train_catvnoncat.h5: 1,310,720 of 2,572,022 bytes (51%)".

    Pooch drives it as it drives a tqdm bar (``total``, ``update``, ``reset``,
    ``close``); this one needs no tqdm and says the file's name.
    """

    def __init__(self, name: str):
        self.name = name
        self.total = 0
        self.done = 0
        self.shown: int | None = None

    def update(self, count: int) -> None:
        """`count` more bytes arrived (pooch counts whole chunks, so the last may overshoot)."""
        self.done = min(self.done + count, self.total) if self.total else self.done + count
        shown = 100 * self.done // self.total if self.total else self.done
        if shown != self.shown:
            print(f"\r{self._text()}", end="", file=sys.stderr, flush=True)
            self.shown = shown

    def reset(self) -> None:
        self.done = 0

    def close(self) -> None:
        print(file=sys.stderr, flush=True)

    def _text(self) -> str:
        if not self.total:
            return f"downloading {self.name}: {self.done:,} bytes"
        percent = 100 * self.done // self.total
        return f"downloading {self.name}: {self.done:,} of {self.total:,} bytes ({percent}%)"


def _download(name: str, folder: Path, searched: list[Path]) -> None:
    """Fetch `name` from the mirror into `folder` with pooch, which keeps the file only
    once its SHA-256 is the original's. Any failure becomes a DataUnavailable whose
    reason fits on one line."""
    try:
        import pooch
        import requests
    except ImportError as err:
        raise ImportError(
            "downloading the cat/non-cat files needs pooch: "
            "pip install tinygrad-nn[examples]  (or: pip install pooch)"
        ) from err
    url = CATVNONCAT_MIRROR + name
    downloader = pooch.HTTPDownloader(progressbar=_Progress(name), chunk_size=_DOWNLOAD_CHUNK_BYTES,
                                      timeout=DOWNLOAD_TIMEOUT_SECONDS)
    logger, level = pooch.get_logger(), pooch.get_logger().level
    logger.setLevel("WARNING")  # its "Downloading data from ..." would repeat our progress line
    try:
        pooch.retrieve(url, known_hash=f"sha256:{CATVNONCAT_SHA256[name]}", fname=name,
                       path=folder, downloader=downloader)
    except requests.RequestException as err:
        raise DataUnavailable(f"Could not download {name} from {url}: {_one_line(err)}",
                              searched) from err
    except ValueError as err:  # pooch: the hash does not match
        raise NotTheOriginal(f"The {name} downloaded from {url} is not the original "
                             f"(SHA-256 check): {_one_line(err)}", searched) from err
    finally:
        logger.setLevel(level)


def _one_line(error: BaseException) -> str:
    """The innermost cause of a network error ("[Errno 111] Connection refused",
    "Read timed out"), not the three nested wrappers requests and urllib3 put around it."""
    reason = error
    while getattr(reason, "reason", None) is not None and reason.reason is not reason:
        reason = reason.reason
    if reason is error and error.args and isinstance(error.args[0], BaseException):
        return _one_line(error.args[0])
    return " ".join(str(reason).split())


def find_catvnoncat(folder: str | os.PathLike | None = None, download: bool = False) -> Path:
    """The folder holding both original cat/non-cat files, downloading them if allowed.

    Looks in ``folder``, then ``$TINYGRAD_NN_DATA``, then ``~/.cache/tinygrad_nn``, and
    takes the first that holds both. With none and ``download=True``, fetches the missing
    files from `CATVNONCAT_MIRROR` into the cache with pooch (progress on stderr,
    each read waiting at most `DOWNLOAD_TIMEOUT_SECONDS`). Each file's SHA-256 is
    checked. Raises `DataUnavailable` (a FileNotFoundError) saying why when the
    files cannot be had, `NotTheOriginal` (also a ValueError) for a wrong file.
    """
    searched = _folders_to_search(folder)
    place = next((p for p in searched
                  if all((p / name).is_file() for name in CATVNONCAT_SHA256)), None)
    if place is None and not download:
        raise DataUnavailable(
            f"{' and '.join(CATVNONCAT_SHA256)} are in none of "
            f"{', '.join(str(p) for p in searched)}, and downloading was not allowed", searched)
    if place is None:
        place = default_cache_dir()
        for name in CATVNONCAT_SHA256:
            if not (place / name).is_file():
                _download(name, place, searched)
    for name in CATVNONCAT_SHA256:
        mismatch = _sha256_mismatch(place / name, name)
        if mismatch:
            raise NotTheOriginal(f"{place / name} is not the original {name}: {mismatch}. "
                                 f"Replace it with an intact copy.", searched)
    return place


def load_catvnoncat(
    folder: str | os.PathLike | None = None, download: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cat/non-cat images of article 004: 209 to train on, 50 to test on.

    Reads ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` from the folder
    `find_catvnoncat()` finds: ``folder``, ``$TINYGRAD_NN_DATA`` or
    ``~/.cache/tinygrad_nn``, or with ``download=True`` a download into the cache, as
    Keras' ``load_data()`` does. Each file's SHA-256 is checked, so a damaged or
    different file is refused (ValueError) rather than trained on.

    Returns the arrays as stored: ``train_x`` uint8 (209, 64, 64, 3), ``train_y`` int64
    (209,) with 1 = cat, ``test_x`` uint8 (50, 64, 64, 3), ``test_y`` int64 (50,), and
    ``classes``, the bytes ``[b'non-cat', b'cat']`` indexed by label. For a network,
    `flatten_images()` the images and take ``y.reshape(-1, 1)`` as the target column.
    Needs h5py (``pip install tinygrad-nn[examples]``).
    """
    try:
        import h5py
    except ImportError as err:
        raise ImportError(
            "load_catvnoncat reads HDF5 files and needs h5py: "
            "pip install tinygrad-nn[examples]  (or: pip install h5py)"
        ) from err
    place = find_catvnoncat(folder, download)
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
