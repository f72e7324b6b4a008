"""Small data sets to train on and look at: toy 2-D sets, the articles' tables, cat/non-cat.

Why this package exists: the articles reproduced here train on tiny data that a learner
can see whole. One module per job:

- `toy`: 2-D sets (moons, circles, blobs, spiral, xor, gauss,
  and TensorFlow Playground's own), so a decision boundary can be drawn over them;
- `tables`: the articles' own tables, typed in so their
  numbers come out again;
- `catvnoncat`: the cat/non-cat images, read from the standard
  files after checking that they are the originals (downloaded with pooch when asked).

Everything is plain numpy (h5py for the images, pooch for their download): no
scikit-learn, no network unless asked.
"""

from .catvnoncat import (
    CATVNONCAT_MIRROR,
    CATVNONCAT_SHA256,
    DATA_ENV_VAR,
    DOWNLOAD_TIMEOUT_SECONDS,
    DataUnavailable,
    NotTheOriginal,
    default_cache_dir,
    find_catvnoncat,
    flatten_images,
    load_catvnoncat,
)
from .tables import (
    HOUSE_LABEL_NAMES,
    house_good_bad,
    house_prices,
    house_prices_small,
    twelve_points,
)
from .toy import PLAYGROUND_KINDS, Seed, blobs, circles, gauss, moons, spiral, tf_playground, xor

__all__ = [
    "CATVNONCAT_MIRROR",
    "CATVNONCAT_SHA256",
    "DATA_ENV_VAR",
    "DOWNLOAD_TIMEOUT_SECONDS",
    "HOUSE_LABEL_NAMES",
    "PLAYGROUND_KINDS",
    "DataUnavailable",
    "NotTheOriginal",
    "Seed",
    "blobs",
    "circles",
    "default_cache_dir",
    "find_catvnoncat",
    "flatten_images",
    "gauss",
    "house_good_bad",
    "house_prices",
    "house_prices_small",
    "load_catvnoncat",
    "moons",
    "spiral",
    "tf_playground",
    "twelve_points",
    "xor",
]
