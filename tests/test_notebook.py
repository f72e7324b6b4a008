"""The tour notebook runs top to bottom in a real Jupyter kernel, and the drawings
reach the notebook as pictures: SVG for the graph and the network, one HTML
stepper with every step inline."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_nn import viz

nbformat = pytest.importorskip("nbformat", reason="needs nbformat: pip install -e '.[dev]'")
nbclient = pytest.importorskip("nbclient", reason="needs nbclient: pip install -e '.[dev]'")
pytest.importorskip("ipykernel", reason="needs ipykernel: pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "examples" / "backprop_tour.ipynb"


def renderer_or_skip() -> None:
    try:
        viz.rendering.renderer()
    except viz.GraphvizNotFoundError as error:
        pytest.skip(str(error))


def execute(notebook, path: str = "", folder: Path = TOUR.parent):
    """Run every cell in a fresh kernel started in `folder`, this checkout of
    tinygrad_nn first on its path; `path` replaces PATH for the kernel if given."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if path:
        env["PATH"] = path
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)
    return notebook


def outputs_of(notebook, code: str) -> list:
    """The outputs of the one code cell whose source starts with `code`."""
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(code)]
    return cell.outputs


def svg(output) -> ET.Element:
    return ET.fromstring(output["data"]["image/svg+xml"].encode("utf-8"))


def printed(outputs) -> str:
    return "".join(o.text for o in outputs if o.output_type == "stream")


def test_the_tour_is_committed_without_outputs():
    notebook = nbformat.read(TOUR, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_tour_runs_and_shows_every_drawing_inline():
    renderer_or_skip()
    notebook = execute(nbformat.read(TOUR, as_version=4))

    assert svg(outputs_of(notebook, "viz.draw_network(model)")[0]).tag.endswith("svg")
    graph = svg(outputs_of(notebook, "viz.draw_graph(loss, model=model)")[0])
    assert "loss" in " ".join(graph.itertext())

    (stepper,) = outputs_of(notebook, "stepper = viz.backward_stepper(")
    page = stepper["data"]["text/html"]
    frames = re.findall(r'<div class="frame"', page)
    assert 'class="tinygrad-nn-stepper"' in page and len(frames) == page.count("<svg") == 8

    checks = printed(outputs_of(notebook, "loss.backward()"))
    rows = re.findall(r"^(\w+)  autograd (.*)  by hand (.*)$", checks, flags=re.MULTILINE)
    assert [name for name, *_ in rows] == ["w1", "b1", "w2", "b2"]
    assert all(ours == hand for _, ours, hand in rows), checks
    assert "gradcheck: True" in checks

    training = outputs_of(notebook, "model = article_001.make_network()")
    assert sum("image/svg+xml" in o.get("data", {}) for o in training) == 3
    costs = [float(c) for c in re.findall(r"cost (\d\.\d+)", printed(training))]
    assert len(costs) == 3 and costs[0] > costs[1] > costs[2]
    assert printed(training).rstrip().endswith("12/12 points right")


def test_with_only_graphviz_pure_the_kernel_still_shows_drawings(tmp_path):
    if viz.rendering._find_program("graphviz-pure") is None:
        pytest.skip("graphviz-pure not installed")
    cells = [("from tinygrad_nn import Tensor, nn, viz\n"
              "x = Tensor([[0.5, -1.0]], requires_grad=True, name='x')\n"
              "loss = (x * x).sum()\n"
              "print(viz.rendering.renderer())"),
             "viz.draw_graph(loss)",
             "viz.draw_network(nn.Sequential(nn.Linear(2, 1, rng=0), nn.Sigmoid()))",
             "viz.backward_stepper(loss)"]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells])
    execute(notebook, path=str(tmp_path), folder=tmp_path)  # no `dot` on the kernel's PATH
    first, graph, network, stepper = (cell.outputs for cell in notebook.cells)
    assert printed(first).strip().endswith("graphviz-pure")
    assert svg(graph[0]).tag.endswith("svg") and svg(network[0]).tag.endswith("svg")
    assert stepper[0]["data"]["text/html"].count("<svg") == 3
