"""Drawings of the graph, the backward pass step by step, and network diagrams."""

import math
import re
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

from tinygrad_nn import Tensor, nn, numerical_grad, viz
from tinygrad_nn.tensor import topological_order
from tinygrad_nn.viz import rendering


def renderer_found() -> bool:
    try:
        rendering.renderer()
    except viz.GraphvizNotFoundError:
        return False
    return True


needs_renderer = pytest.mark.skipif(not renderer_found(),
                                    reason="neither Graphviz `dot` nor `graphviz-pure` installed")


def square_plus_constant():
    """loss = Σ(x·x + 3): tensors x, x·x, 3, x·x + 3, loss; ops ×, +, Σ."""
    x = Tensor([[0.123456, -2.0]], requires_grad=True, name="x")
    three = Tensor(3.0)
    loss = (x * x + three).sum()
    loss.name = "loss"
    return x, three, loss


def diamond_loss(x: Tensor, w: Tensor) -> Tensor:
    """a feeds two branches that meet again: a's gradient is the sum of two."""
    a = x * 2.0
    a.name = "a"
    loss = ((a.sigmoid() * a.tanh()) @ w).sum()
    loss.name = "loss"
    return loss


def diamond():
    x = Tensor([[0.3, -0.7]], requires_grad=True, name="x")
    w = Tensor([[0.5], [-1.5]], requires_grad=True, name="w")
    return [x, w], diamond_loss(x, w)


def node_ids(source: str) -> list[str]:
    return re.findall(r"^\s*(t\d+|op\d+) \[", source, flags=re.MULTILINE)


def edges(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.MULTILINE)


def node_attrs(source: str, node_id: str) -> str:
    (line,) = re.findall(rf"^\s*{node_id} \[(.*)\]$", source, flags=re.MULTILINE)
    return line


def number_of(t: Tensor, root: Tensor) -> int:
    return [id(u) for u in topological_order(root)].index(id(t))


# ---- draw_graph --------------------------------------------------------------


def test_one_node_per_tensor_and_per_op_and_two_edges_for_x_times_x():
    x, _, loss = square_plus_constant()
    source = viz.draw_graph(loss).source
    ids = node_ids(source)
    assert len(ids) == len(set(ids))
    assert sum(i.startswith("t") for i in ids) == 5
    assert sum(i.startswith("op") for i in ids) == 3
    square = loss._op.inputs[0]._op.inputs[0]
    x_to_times = (f"t{number_of(x, loss)}", f"op{number_of(square, loss)}")
    assert edges(source).count(x_to_times) == 2


def test_edges_follow_the_data_from_inputs_through_ops_to_outputs():
    x, three, loss = square_plus_constant()
    source = viz.draw_graph(loss).source
    total = loss._op.inputs[0]
    n = {t: number_of(t, loss) for t in (x, three, total, loss)}
    found = set(edges(source))
    assert (f"t{n[three]}", f"op{n[total]}") in found
    assert (f"op{n[total]}", f"t{n[total]}") in found
    assert (f"t{n[total]}", f"op{n[loss]}") in found
    assert (f"op{n[loss]}", f"t{n[loss]}") in found
    assert not any(head.startswith("t") and tail.startswith("t") for tail, head in found)


def test_names_and_op_symbols_appear_and_unnamed_tensors_are_titled_by_their_expression():
    _, loss = diamond()
    source = viz.draw_graph(loss).source
    for text in ("<b>x</b>", "<b>w</b>", "<b>a</b>", "<b>loss</b>", "<b>σ(a)</b>",
                 "<b>tanh(a)</b>", "<b>σ(a) × tanh(a)</b>", 'label="σ"', "label=tanh"):
        assert text in source


def test_each_op_titles_its_output_in_its_own_notation():
    x = Tensor([[1.0, -2.0]], requires_grad=True, name="x")
    w = Tensor([[0.5], [1.0]], requires_grad=True, name="w")
    cases = [(-x, "−x"), (x.abs(), "|x|"), ((x + x)[0], "(x + x)[…]"), (-(x + x), "−(x + x)"),
             (x ** 2, "x ** 2"), (nn.binary_cross_entropy_with_logits(x @ w, np.ones((1, 1))),
                                  "BCE(σ(x @ w), 1)"),
             (nn.cross_entropy(x, np.array([1])), "CE(softmax(x), labels)"), (x.tanh(), "tanh(x)"),
             (-((x + x)[0]), "−(x + x)[…]"), ((x + x).abs(), "|x + x|"),
             ((x + x).abs() * 2.0, "|x + x| × 2"), ((x + x).log_softmax() * 2.0,
                                                    "(log softmax(x + x)) × 2")]
    for tensor, title in cases:
        assert f"<b>{title}</b>" in viz.draw_graph(tensor).source, title


def test_gradients_appear_after_backward_and_not_before():
    _, _, loss = square_plus_constant()
    grad_row, data_row = re.compile(r">grad (so far )?\S"), re.compile(r">data \S")
    assert not grad_row.search(viz.draw_graph(loss).source)
    loss.backward()
    source = viz.draw_graph(loss).source
    assert len(grad_row.findall(source)) == 4  # every tensor but the constant 3
    assert ">grad [[0.2469, -4]]<" in source  # d Σ(x² + 3)/dx = 2x, to 4 significant digits
    assert not grad_row.search(viz.draw_graph(loss, show_grad=False).source)
    assert len(data_row.findall(source)) == 5
    assert not data_row.search(viz.draw_graph(loss, show_data=False).source)


def test_the_same_graph_gives_the_same_source_even_rebuilt():
    _, loss = diamond()
    first = viz.draw_graph(loss).source
    assert viz.draw_graph(loss).source == first
    _, rebuilt = diamond()
    assert viz.draw_graph(rebuilt).source == first


def test_fill_colours_tell_parameters_constants_intermediates_and_the_root_apart():
    x, three, loss = square_plus_constant()
    source = viz.draw_graph(loss).source
    for tensor, kind in ((x, "parameter"), (three, "input"), (loss._op.inputs[0], "intermediate"),
                         (loss, "output")):
        attrs = node_attrs(source, f"t{number_of(tensor, loss)}")
        assert f'fillcolor="{viz.KIND_COLOURS[kind]}"' in attrs
    assert len(set(viz.KIND_COLOURS.values())) == 4
    assert "cluster_legend" in source
    assert all(text in source for text in viz.KIND_LEGEND.values())


def test_big_tensors_are_summarised_by_min_mean_max():
    x = Tensor(np.arange(10.0), requires_grad=True, name="x")
    loss = (x * 2.0).sum()
    summary = viz.draw_graph(loss, max_elems=6).source
    assert "min 0  mean 4.5  max 9" in summary
    assert "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" not in summary
    assert "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in viz.draw_graph(loss, max_elems=10).source


def test_model_layers_are_drawn_as_labelled_boxes_holding_their_ops():
    model = nn.Sequential(nn.Linear(1, 2, rng=0), nn.Sigmoid(), nn.Linear(2, 1, rng=1))
    hidden = model[0](Tensor([[0.5]], name="x"))
    loss = model[2](model[1](hidden)).sum()
    source = viz.draw_graph(loss, model=model).source
    boxes = dict(re.findall(r"subgraph (cluster_\d+) \{(.*?)\n\t\}", source, flags=re.DOTALL))
    assert len(boxes) == 2
    first = next(body for body in boxes.values() if "Linear 0 (1→2)" in body)
    add, matmul = hidden._op, hidden._op.inputs[0]._op
    assert add.inputs[1] is model[0].bias and matmul.inputs[1] is model[0].weight
    inside = [f"t{number_of(t, loss)}" for t in (hidden._op.inputs[0], *model[0].parameters())]
    inside += [f"op{number_of(t, loss)}" for t in (hidden, hidden._op.inputs[0])]
    assert sorted(re.findall(r"^\s*(t\d+|op\d+) \[", first, flags=re.MULTILINE)) == sorted(inside)
    assert f"t{number_of(hidden, loss)} [" not in first  # the layer's output goes on to σ
    assert "<b>0.weight</b>" in first
    assert any("Linear 2 (2→1)" in body for body in boxes.values())


def test_bad_arguments_are_refused_with_a_clear_message():
    _, _, loss = square_plus_constant()
    with pytest.raises(TypeError, match="expected the Tensor"):
        viz.draw_graph(np.ones(2))
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.draw_graph(loss, rankdir="sideways")
    with pytest.raises(ValueError, match="max_elems must be at least 1"):
        viz.draw_graph(loss, max_elems=0)
    for wrong in ({"max_elems": 0}, {"rankdir": "sideways"}):
        with pytest.raises(ValueError, match="max_elems must be|rankdir must be"):
            viz.render_backward(loss, "unused", **wrong)
    with pytest.raises(ValueError, match=r"writes \.svg, \.png, \.pdf or \.dot"):
        viz.save(viz.draw_graph(loss), "graph.jpeg")
    with pytest.raises(ValueError, match="render\\(\\) draws 'svg', 'png' or 'pdf'; got 'dot'"):
        viz.render(viz.draw_graph(loss), "dot")


# ---- rendering ---------------------------------------------------------------


def test_without_a_renderer_the_source_is_still_there_and_saving_says_how_to_install(tmp_path,
                                                                               monkeypatch):
    monkeypatch.setattr(rendering.shutil, "which", lambda name, path=None: None)
    _, _, loss = square_plus_constant()
    graph = viz.draw_graph(loss)
    assert viz.save(graph, tmp_path / "graph.dot").read_text(encoding="utf-8") == graph.source
    hint = r"apt-get install graphviz.*brew install graphviz"
    with pytest.raises(viz.GraphvizNotFoundError, match=hint):
        viz.save(graph, tmp_path / "graph.svg")
    with pytest.raises(viz.GraphvizNotFoundError, match=hint):
        viz.render_backward(loss, tmp_path / "steps")
    assert not (tmp_path / "graph.svg").exists()


@pytest.fixture(params=viz.RENDERERS)
def only_renderer(request, monkeypatch):
    """One renderer at a time, as if the other were not installed: Graphviz's dot,
    or the graphviz-pure port that pip installs where dot is missing."""
    found = rendering._find_program(request.param)
    if found is None:
        pytest.skip(f"{request.param} not installed")
    monkeypatch.setattr(rendering, "_find_program",
                        lambda name: found if name == request.param else None)
    assert rendering.renderer() == found
    return request.param


def test_each_renderer_draws_svg_and_png(tmp_path, only_renderer):
    _, loss = diamond()
    loss.backward()
    graph = viz.draw_graph(loss)
    text = " ".join(ET.parse(viz.save(graph, tmp_path / "graph.svg")).getroot().itertext())
    for label in ("loss", "σ", "tanh", "grad"):
        assert label in text
    assert viz.save(graph, tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def drawn_at(drawing, kind: str, shape: str, x: str, y: str) -> dict[str, tuple[float, float]]:
    """Where the renderer put each node or edge ("kind") of `drawing`: the (x, y) attributes
    of its first `shape` element in the SVG, by the node's or edge's name."""
    ns = {"svg": "http://www.w3.org/2000/svg"}
    svg = ET.fromstring(viz.render(drawing, "svg"))
    where = {}
    for group in svg.iterfind(f".//svg:g[@class='{kind}']", ns):
        element = group.find(f".//svg:{shape}", ns)
        if element is not None:
            where[group.findtext("svg:title", namespaces=ns)] = (float(element.get(x)),
                                                                 float(element.get(y)))
    return where


def test_each_renderer_keeps_the_network_in_columns_left_to_right(only_renderer):
    """draw_network pins every neuron (neato's pos="x,y!"): input, hidden and output
    layers must come out as columns from left to right, the hidden pair one above
    the other."""
    centre = drawn_at(viz.draw_network(article_network()), "node", "ellipse", "cx", "cy")
    assert set(centre) == {"n0_0", "n1_0", "n1_1", "n2_0"}
    assert centre["n0_0"][0] < centre["n1_0"][0] == pytest.approx(centre["n1_1"][0])
    assert centre["n1_0"][0] < centre["n2_0"][0]
    assert centre["n1_0"][1] < centre["n2_0"][1] < centre["n1_1"][1]  # SVG's y grows downwards


def test_a_renderer_that_fails_to_start_gives_the_same_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering.shutil, "which", lambda name, path=None: str(tmp_path / "no-dot"))
    _, _, loss = square_plus_constant()
    with pytest.raises(viz.GraphvizNotFoundError, match="would not start.*brew install graphviz"):
        viz.save(viz.draw_graph(loss), tmp_path / "graph.png")


@needs_renderer
def test_dot_text_the_renderer_rejects_raises_with_its_message(tmp_path):
    broken = graphviz.Digraph(body=["a -> {"])
    with pytest.raises(RuntimeError, match="could not draw the graph: .*syntax error"):
        viz.save(broken, tmp_path / "broken.svg")
    assert not (tmp_path / "broken.svg").exists()


# ---- the backward pass, step by step -----------------------------------------


def test_backward_steps_visit_every_op_after_all_the_ops_that_use_its_output():
    _, loss = diamond()
    steps = viz.backward_steps(loss)
    position = {id(step.output): k for k, step in enumerate(steps)}
    assert len(steps) == sum(t._op is not None for t in topological_order(loss))
    assert steps[0].output is loss and [s.index for s in steps] == list(range(1, len(steps) + 1))
    for k, step in enumerate(steps):
        assert step.op is step.output._op and step.rule == step.op.rule
        for parent in step.op.inputs:
            if parent._op is not None:
                assert position[id(parent)] > k


def test_backward_steps_report_the_gradients_backward_computes_and_touch_no_grad():
    params, loss = diamond()
    steps = viz.backward_steps(loss)
    assert all(t.grad is None for t in topological_order(loss))
    final = {}
    for step in steps:
        for parent, accumulated in zip(step.op.inputs, step.accumulated):
            final[id(parent)] = accumulated
    loss.backward()
    for t in topological_order(loss, grad_only=True):
        if t is not loss:
            np.testing.assert_allclose(final[id(t)], t.grad, rtol=0, atol=1e-12)
    for p, numerical in zip(params, numerical_grad(lambda: diamond_loss(*params), *params)):
        np.testing.assert_allclose(final[id(p)], numerical, rtol=1e-6)


def test_backward_steps_leave_existing_gradients_as_they_were():
    params, loss = diamond()
    loss.backward()
    before = [p.grad.copy() for p in params]
    viz.backward_steps(loss)
    for p, grad in zip(params, before):
        np.testing.assert_array_equal(p.grad, grad)


def test_a_step_carries_upstream_times_local_derivative_for_each_input():
    x, three, loss = square_plus_constant()
    steps = viz.backward_steps(loss)
    square_step = steps[-1]
    assert square_step.op.symbol == "×" and square_step.op.inputs == (x, x)
    np.testing.assert_allclose(square_step.upstream, np.ones((1, 2)))
    for contribution in square_step.contributions:  # d(a·b)/da = b = x, twice
        np.testing.assert_allclose(contribution, x.data)
    for accumulated in square_step.accumulated:  # both uses summed: 2x
        np.testing.assert_allclose(accumulated, 2 * x.data)
    add_step = steps[1]
    assert add_step.op.inputs[1] is three and add_step.contributions[1] is None


def test_backward_steps_need_a_one_element_tensor_that_requires_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="one-element Tensor"):
        viz.backward_steps(x * 2.0)
    with pytest.raises(ValueError, match="requires grad"):
        viz.backward_steps(Tensor(1.0))


@needs_renderer
def test_render_backward_writes_a_step_per_op_plus_the_forward_pass_and_a_page(tmp_path):
    x, _, loss = square_plus_constant()
    index = viz.render_backward(loss, tmp_path / "steps")
    files = sorted((tmp_path / "steps").glob("step_*.svg"))
    assert len(files) == len(viz.backward_steps(loss)) + 1 == 4
    page = index.read_text(encoding="utf-8")
    for path in files:
        ET.parse(path)
    assert page.count("<svg") == len(files)
    assert "ArrowRight" in page and "Previous" in page and "Next" in page
    assert "d(a·b)/da = b" in page  # the rule of the last step, x·x
    assert all(t.grad is None for t in (x, loss))


@needs_renderer
def test_render_backward_shows_gradients_only_once_reached(tmp_path):
    _, _, loss = square_plus_constant()
    viz.render_backward(loss, tmp_path)
    first = " ".join(ET.parse(tmp_path / "step_000.svg").getroot().itertext())
    last = " ".join(ET.parse(tmp_path / "step_003.svg").getroot().itertext())
    assert "grad" not in first.replace("gradient not reached yet", "")
    assert "grad [[0.2469, -4]]" in last
    assert last.count("0.1235") >= 3  # x's data and its two contributions on the x·x edges


# ---- network diagrams --------------------------------------------------------


def article_network():
    model = nn.Sequential(nn.Linear(1, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    model[0].weight.data[...] = [[-20.89123833, -8.09121263]]
    model[0].bias.data[...] = [-12.35004862, 4.62846821]
    model[2].weight.data[...] = [[-20.19430919], [17.74430684]]
    model[2].bias.data[...] = [-8.19425129]
    return model


def test_draw_network_has_a_neuron_per_unit_and_a_labelled_link_per_weight():
    source = viz.draw_network(article_network()).source
    neurons = re.findall(r"^\s*(n\d+_\d+) \[", source, flags=re.MULTILINE)
    assert sorted(neurons) == ["n0_0", "n1_0", "n1_1", "n2_0"]
    links = [e for e in edges(source) if e[0].startswith("n") and e[1].startswith("n")]
    assert len(links) == 2 + 2
    for weight in ("-20.89", "-8.09", "-20.19", "17.74"):
        assert f"<td>{weight}</td>" in source
    for bias in ("-12.35", "4.63", "-8.19"):
        assert f"b = {bias}" in source
    assert source.count("σ") == 3


def test_each_renderer_writes_the_weights_of_crossing_links_apart(only_renderer):
    """A 2 x 2 layer's links cross in the middle; their weights, written at the same
    distance from each tail, overlapped there. The climbing link writes its weight at its
    head, so the two labels' centres are more than a label's width apart."""
    layer = nn.Linear(2, 2)
    layer.weight.data[...] = [[-0.52, 0.52], [0.48, -0.48]]
    where = drawn_at(viz.draw_network(nn.Sequential(layer)), "edge", "text", "x", "y")
    (x_down, y_down), (x_up, y_up) = where["n0_0->n1_1"], where["n0_1->n1_0"]
    assert math.hypot(x_down - x_up, y_down - y_up) > 40  # points; "0.52" at 11 pt is ~25 wide
    assert x_up > x_down + 40  # the climbing link's weight sits toward its head, on the right
    source = viz.draw_network(nn.Sequential(layer)).source
    for level in re.findall(r"n0_(\d) -> n1_\1 \[(.*)\]", source):  # a level link: at its tail
        assert "taillabel=" in level[1] and "headlabel=" not in level[1]
    assert len(re.findall(r"n0_(\d) -> n1_\1 \[", source)) == 2


def test_draw_network_colours_links_by_sign():
    source = viz.draw_network(article_network()).source
    positive = re.findall(r"n1_1 -> n2_0 \[(.*)\]", source)[0]
    negative = re.findall(r"n1_0 -> n2_0 \[(.*)\]", source)[0]
    assert viz.POSITIVE in positive and viz.NEGATIVE in negative


def test_draw_network_names_the_inputs_it_is_given():
    model = nn.Sequential(nn.Linear(2, 1))
    source = viz.draw_network(model, input_names=("area (standardised)", "bathrooms")).source
    assert "area (standardised)" in source and "bathrooms" in source
    assert "x1" not in source and "x1" in viz.draw_network(model).source
    with pytest.raises(ValueError, match="1 names for the model's 2 inputs"):
        viz.draw_network(model, input_names=("area",))


def test_draw_network_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError, match="at most 16 neurons a layer"):
        viz.draw_network(nn.Sequential(nn.Linear(2, 30), nn.ReLU(), nn.Linear(30, 1)))
    with pytest.raises(ValueError, match="draws Linear layers"):
        viz.draw_network(nn.Sequential(nn.Sigmoid()))


@needs_renderer
def test_a_gradient_still_waiting_for_a_contribution_is_marked_so_far(tmp_path):
    _, loss = diamond()  # a feeds σ and tanh: after the first of them, a has half its gradient
    viz.render_backward(loss, tmp_path)
    texts = [" ".join(ET.parse(path).getroot().itertext())
             for path in sorted(tmp_path.glob("step_*.svg"))]
    partial = [k for k, text in enumerate(texts) if "grad so far" in text]
    assert len(partial) == 1
    assert "grad so far" not in texts[-1]


def test_a_name_is_never_read_back_as_an_expression():
    x = Tensor([[1.0, -2.0]], requires_grad=True, name="x")
    odd = x * 2.0
    odd.name = "f(x) + g(x)"  # looks like an expression, but the user named it
    assert "<b>−f(x) + g(x)</b>" in viz.draw_graph(-odd).source
    assert "<b>f(x) + g(x) × 3</b>" in viz.draw_graph(odd * 3.0).source


# ---- drawings inline in a notebook -------------------------------------------


def test_each_renderer_shows_drawings_inline_as_svg(only_renderer, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # the renderer found, nothing else on PATH
    _, loss = diamond()
    for drawing in (viz.draw_graph(loss), viz.draw_network(article_network())):
        bundle = drawing._repr_mimebundle_()
        assert list(bundle) == ["image/svg+xml"]
        assert ET.fromstring(bundle["image/svg+xml"].encode()).tag.endswith("svg")


def test_without_a_renderer_a_drawing_shows_how_to_install_one(monkeypatch):
    monkeypatch.setattr(rendering.shutil, "which", lambda name, path=None: None)
    _, loss = diamond()
    assert "apt-get install graphviz" in viz.draw_graph(loss)._repr_mimebundle_()["text/plain"]
    with pytest.raises(viz.GraphvizNotFoundError, match="brew install graphviz"):
        viz.backward_stepper(loss)


# ---- the backward stepper ----------------------------------------------------


def frames_of(page: str) -> list[str]:
    return re.findall(r'<div class="frame"[^>]*>', page)


@needs_renderer
def test_the_stepper_holds_every_step_inline_the_first_shown():
    x, _, loss = square_plus_constant()
    stepper = viz.backward_stepper(loss, max_elems=6, rankdir="LR")
    page = stepper._repr_html_()
    assert len(stepper) == len(stepper.steps) + 1 == len(viz.backward_steps(loss)) + 1 == 4
    assert page.count("<svg") == len(frames_of(page)) == 4
    assert [" hidden" in frame for frame in frames_of(page)] == [False, True, True, True]
    assert not re.search(r'(src|href)="(?!#)', page)  # nothing outside the stepper itself
    assert "<?xml" not in page and "<!DOCTYPE" not in page
    for text in ("Previous", "Next", 'type="range" min="0" max="3"', "ArrowRight", "ArrowLeft",
                 "d(a·b)/da = b", "upstream gradient", "Forward pass"):
        assert text in page
    assert all(t.grad is None for t in (x, loss))


@needs_renderer
def test_each_frame_centres_the_op_of_its_step():
    _, _, loss = square_plus_constant()
    stepper = viz.backward_stepper(loss)
    numbers = [number_of(step.output, loss) for step in stepper.steps]
    assert [frame.focus for frame in stepper.frames] == (
        [f"t{number_of(loss, loss)}"] + [f"op{n}" for n in numbers])
    page = stepper._repr_html_()
    assert re.findall(r'data-focus="(\w+)"', page) == [frame.focus for frame in stepper.frames]


@needs_renderer
def test_two_steppers_on_one_page_share_no_element_id():
    _, loss = diamond()
    stepper = viz.backward_stepper(loss, rankdir="TB")
    page = stepper._repr_html_() + stepper._repr_html_()
    ids = re.findall(r'\sid="([^"]*)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    for element_id in ids:
        assert f'document.getElementById("{element_id}")' in page
    assert "document.querySelector" not in page and "getElementsBy" not in page


@needs_renderer
def test_a_saved_stepper_is_one_page_the_arrow_keys_step_at_once(tmp_path):
    _, loss = diamond()
    stepper = viz.backward_stepper(loss, max_elems=3)
    path = stepper.save(tmp_path / "backward.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == len(stepper)
    assert "<title>Backward pass of loss, step by step</title>" in page
    assert page.rstrip().endswith('), true);\n</script></div></body></html>')
    assert stepper._repr_html_().endswith('), false);\n</script></div>')


def test_the_stepper_refuses_what_backward_steps_refuses():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="one-element Tensor"):
        viz.backward_stepper(x * 2.0)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.backward_stepper((x * 2.0).sum(), rankdir="sideways")


def test_every_public_viz_name_has_a_docstring():
    for name in viz.__all__:
        thing = getattr(viz, name)
        if callable(thing):
            assert (thing.__doc__ or "").strip(), f"viz.{name} has no docstring"
    assert viz.__doc__ and "backward_stepper" in viz.__doc__
