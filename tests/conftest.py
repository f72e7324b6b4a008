"""Shared test set-up: where the cat/non-cat files are.

`$TINYGRAD_NN_DATA` names their folder. When it is unset and a data folder sits
beside the project (`../shared/data/catvnoncat`, as in the project's CI), the
tests use that one; without either, the tests that need the images skip.
"""

import os
from pathlib import Path

from tinygrad_nn import datasets

DATA_BESIDE_PROJECT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catvnoncat"


def pytest_configure(config) -> None:
    if not os.environ.get(datasets.DATA_ENV_VAR) and DATA_BESIDE_PROJECT.is_dir():
        os.environ[datasets.DATA_ENV_VAR] = str(DATA_BESIDE_PROJECT)
