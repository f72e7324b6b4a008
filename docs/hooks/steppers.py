"""Each article's backward stepper, live in the page where its gradients are derived.

An article page marks the place with `<!-- stepper -->` (invisible on GitHub); here that
mark becomes the self-contained HTML of `viz.backward_stepper` for the article's own
network, built from its example script at build time: the same weights it starts from,
on a few of its own points. Article 002 gets one Playground network; article 004 its
neuron on four real images, when the files are where `load_catvnoncat` looks (else one
line says why). The build never downloads: it reads what is on the machine.
"""

from __future__ import annotations

import html
import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARK = "<!-- stepper -->"
log = logging.getLogger("mkdocs.hooks.steppers")


def _example(name: str):
    """The example script `examples/<name>.py`, imported as a module."""
    if str(ROOT / "examples") not in sys.path:
        sys.path.insert(0, str(ROOT / "examples"))
    return importlib.import_module(name)


def _article_000():
    """The playground's 2-2-1 tanh network, as the article starts it, on six moons points."""
    from tinygrad_nn import Tensor, datasets, nn

    X, y = datasets.moons(n=6, noise=0.1, seed=0)
    network = _example("article_000_playground").make_network(2)
    cost = nn.binary_cross_entropy(network(Tensor(X, name="X")), y.reshape(-1, 1).astype(float))
    return cost, network


def _article_001():
    """The 1-2-1 sigmoid network on the twelve points, with the article's starting weights."""
    from tinygrad_nn import Tensor, datasets, nn

    X, y = datasets.twelve_points()
    network = _example("article_001_twelve_points").make_network()
    cost = nn.binary_cross_entropy(network(Tensor(X, name="X")), y.astype(float))
    return cost, network


def _article_002():
    """One Playground network: three tanh neurons and a tanh output, started as the
    Playground starts them, on its first batch of ten circle points, loss ½(output − label)²."""
    from tinygrad_nn import Tensor

    article = _example("article_002_visual_intro")
    data = article.playground_data([0], "circle")
    network = article.PlaygroundNetworks((3,), "tanh", [0])
    batch = slice(0, article.PLAYGROUND_BATCH)
    error = network(Tensor(data["X_train"][:, batch], name="X")) - data["y_train"][:, batch]
    return (error * error).sum() * (0.5 / error.shape[1]), network


def _article_003():
    """One neuron, price = W · area + b, at the article's W = 0.1, b = 150, on three houses."""
    from tinygrad_nn import Tensor, datasets, nn

    X, y = datasets.house_prices_small()
    neuron = _example("article_003_house_prices").linear_neuron([0.1], 150.0)
    neuron.weight.name, neuron.bias.name = "W", "b"
    return nn.mse_loss(neuron(Tensor(X, name="area")), y), neuron


def _article_004():
    """The article's sigmoid neuron on four of the training images (12288 pixels each)."""
    from tinygrad_nn import Tensor, datasets, nn

    train_x, train_y, *_ = datasets.load_catvnoncat(download=False)
    X = datasets.flatten_images(train_x[:4])
    neuron = _example("article_004_cat").make_neuron(X.shape[1], "article")
    cost = nn.binary_cross_entropy(neuron(Tensor(X, name="X")), train_y[:4, None].astype(float))
    return cost, neuron


NETWORKS: dict[str, Callable] = {
    "article_000_playground.md": _article_000,
    "article_001_twelve_points.md": _article_001,
    "article_002_visual_intro.md": _article_002,
    "article_003_house_prices.md": _article_003,
    "article_004_cat.md": _article_004,
}


def stepper_html(page: str) -> str:
    """The stepper of `page`'s network, or one line saying why the data are missing."""
    from tinygrad_nn import datasets, viz

    try:
        cost, network = NETWORKS[page]()
    except datasets.DataUnavailable as unavailable:
        log.info("%s: no stepper: %s", page, unavailable.reason)
        return f"<p><em>The stepper needs the data: {html.escape(unavailable.reason)}</em></p>"
    cost.name = "cost"
    return viz.backward_stepper(cost, model=network).html()


def on_page_content(content: str, page, config, files) -> str:
    src = page.file.src_uri
    if src not in NETWORKS:
        return content
    if content.count(MARK) != 1:
        raise ValueError(f"{src} must mark the place of its backward stepper once with {MARK}")
    return content.replace(MARK, f'<div class="article-stepper">{stepper_html(src)}</div>')
