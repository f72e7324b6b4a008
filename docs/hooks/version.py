"""The version of tinygrad_nn the site was built from, on every page.

It is read from the package itself (`tinygrad_nn.__version__`), never typed into
mkdocs.yml, so the site cannot name a version it does not document. It goes in the
footer's line, which every page shows.
"""

from __future__ import annotations


def on_config(config):
    import tinygrad_nn

    config["copyright"] = f"tinygrad_nn {tinygrad_nn.__version__} · MIT licence"
    return config
