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

from report import run_from_command_line

from tinygrad_nn import Tensor, nn, viz


def network_001() -> tuple[nn.Sequential, Tensor]:
    """Article 001's network with its printed clf.coefs_ and clf.intercepts_, and
    its loss on one point: x = −0.53, y = 1."""
    model = nn.Sequential(nn.Linear(1, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    hidden, output = model[0], model[2]
    hidden.weight.data[...] = [[-20.89123833, -8.09121263]]
    hidden.bias.data[...] = [-12.35004862, 4.62846821]
    output.weight.data[...] = [[-20.19430919], [17.74430684]]
    output.bias.data[...] = [-8.19425129]
    hidden.weight.name, hidden.bias.name = "w1", "b1"
    output.weight.name, output.bias.name = "w2", "b2"
    x, y = Tensor([[-0.53]], name="x"), Tensor([[1.0]], name="y")
    loss = nn.binary_cross_entropy(model(x), y)
    loss.name = "loss"
    return model, loss


def house_price_003() -> tuple[nn.Sequential, Tensor]:
    """Article 003's neuron, price = weight · area + bias, and its squared error
    on the first house of its table (area 2,104, price 399.9 in $1000)."""
    model = nn.Sequential(nn.Linear(1, 1))
    model[0].weight.data[...] = 0.1
    model[0].bias.data[...] = 150.0
    model[0].weight.name, model[0].bias.name = "W", "b"
    area, price = Tensor([[2104.0]], name="area"), Tensor([[399.9]], name="price")
    loss = nn.mse_loss(model(area), price)
    loss.name = "loss"
    return model, loss


def draw(article: str, model: nn.Sequential, loss: Tensor, out: Path) -> list[Path]:
    """Every picture of one article's model; returns the files, steps page first."""
    steps_page = viz.render_backward(loss, out / f"backward_{article}", model=model)
    pictures = [("graph_forward", viz.draw_graph(loss, model=model))]
    loss.backward()
    pictures += [("graph", viz.draw_graph(loss, model=model)),
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
