"""See backpropagation: the graphs, backward passes and network diagrams of two articles.

Article 001: the 12-point network (1 input, 2 sigmoid hidden units, 1 sigmoid
output) with the parameters scikit-learn found in the article, on one of its
points, x = −0.53 with label y = 1, and the cross-entropy loss
L = −(y·log ŷ + (1 − y)·log(1 − ŷ)).

Article 003: the one-neuron house-price model, price = weight · area + bias
(price in $1000), at the article's starting dials weight = 0.1, bias = 150, on
its first house (2,104 sq ft, $399,900) with the squared error L = (ŷ − y)².

    python examples/draw_graph.py [--out figures/graphs]

writes PNG and SVG pictures of each graph (before and after backward) and each
network, a step-through of each backward pass (backward_001/index.html,
backward_003/index.html) and an index.html that shows them all.
"""

from __future__ import annotations

import html
from pathlib import Path

import article_001_twelve_points as article_001
import article_003_house_prices as article_003
from report import run_from_command_line

from tinygrad_nn import Tensor, datasets, nn, viz

# Top to bottom: a left-to-right chain of a dozen boxes is several page widths wide,
# and shrunk to one its text is too small to read.
GRAPH_DIRECTION = "TB"


def network_001() -> tuple[nn.Sequential, Tensor]:
    """Article 001's network with scikit-learn's parameters (the clf.coefs_ and
    clf.intercepts_ it prints), and its loss on the fifth point: x = −0.53, y = 1."""
    model = article_001.set_parameters(article_001.make_network(), article_001.SKLEARN)
    X, y = datasets.twelve_points()
    x, label = Tensor(X[4:5], name="x"), Tensor(y[4:5], name="y")
    loss = nn.binary_cross_entropy(model(x), label)
    loss.name = "loss"
    return model, loss


def house_price_003() -> tuple[nn.Sequential, Tensor]:
    """Article 003's neuron at its starting dials, price = 0.1 · area + 150, and its
    squared error on the first house of its table (2,104 sq ft, $399,900)."""
    model = nn.Sequential(nn.Linear(1, 1))
    weight, bias = model[0].weight, model[0].bias
    weight.data[...], bias.data[...] = article_003.ARTICLE_DIALS
    weight.name, bias.name = "W", "b"
    areas, prices = datasets.house_prices_small()
    area, price = Tensor(areas[:1], name="area"), Tensor(prices[:1], name="price")
    loss = nn.mse_loss(model(area), price)
    loss.name = "loss"
    return model, loss


def draw(article: str, model: nn.Sequential, loss: Tensor, out: Path) -> list[Path]:
    """Every picture of one article's model; returns the files, steps page first."""
    steps_page = viz.render_backward(loss, out / f"backward_{article}", model=model)
    pictures = [("graph_forward", viz.draw_graph(loss, model=model, rankdir=GRAPH_DIRECTION))]
    loss.backward()
    pictures += [("graph", viz.draw_graph(loss, model=model, rankdir=GRAPH_DIRECTION)),
                 ("network", viz.draw_network(model))]
    files = [steps_page]
    for name, picture in pictures:
        viz.save(picture, out / f"{name}_{article}.png")
        files.append(viz.save(picture, out / f"{name}_{article}.svg"))
    return files


CAPTIONS = {
    "graph_forward": "the computation graph after the forward pass: every value, no gradient yet",
    "graph": "the same graph after loss.backward(): each box also shows grad = ∂loss/∂box",
    "network": "the network drawn as the article draws it",
}


def write_index(out: Path, sections: dict[str, tuple[str, list[Path]]]) -> Path:
    """One page linking the step-throughs and showing every SVG with a caption."""
    parts = []
    for article, (title, files) in sections.items():
        steps_page, *svgs = files
        parts.append(f"<h2>Article {article}: {html.escape(title)}</h2>"
                     f'<p><a href="{steps_page.relative_to(out).as_posix()}">'
                     f"Step through the backward pass</a></p>")
        for svg in svgs:
            caption = CAPTIONS[svg.stem.rsplit("_", 1)[0]]
            parts.append(f'<figure><a href="{svg.name}"><img src="{svg.name}" alt="{caption}"></a>'
                         f"<figcaption>{caption} (click for full size)</figcaption></figure>")
    index = out / "index.html"
    index.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Seeing backprop'
        "</title><style>body { font-family: Helvetica, Arial, sans-serif; margin: 1em; }"
        " img { max-width: 100%; } figure { margin: 1em 0 2em; }"
        " figcaption { color: #555; }</style></head><body><h1>Seeing backprop</h1>"
        + "".join(parts) + "</body></html>\n",
        encoding="utf-8",
    )
    return index


def run(out_dir: Path, quick: bool = False) -> Path:
    """Every picture of both articles into `out_dir`, and the page that shows them;
    returns that page. `quick` changes nothing: the drawings are quick already."""
    sections = {
        "001": ("2 sigmoid hidden units, cross-entropy on x = −0.53, y = 1",
                draw("001", *network_001(), out_dir)),
        "003": ("house price = weight · area + bias, squared error on one house",
                draw("003", *house_price_003(), out_dir)),
    }
    index = write_index(out_dir, sections)
    print(f"wrote {index}")
    return index


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/graphs")
