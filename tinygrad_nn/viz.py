"""Pictures of backpropagation: the graph, the backward pass step by step, the network.

`draw_graph` draws what a `Tensor` remembers: a box per tensor (its values and,
after `backward()`, its gradient ∂L/∂t) and an oval per op, with arrows in the
direction data flows. `backward_steps` replays reverse-mode autodiff one op at a
time without touching any `.grad`: an op receives the gradient of its output,
g = ∂L/∂out, and hands each input the contribution g · ∂out/∂input, which adds
into that input's gradient. `render_backward` draws every step and writes a page
that steps through them. `draw_network` draws a `Sequential` of `Linear` layers
as the articles do: neurons in columns, a weight on every link.

The drawing functions return a `graphviz.Digraph`, whose `.source` is DOT text
(no Graphviz program needed); `save` renders it with Graphviz's `dot` when it is
installed, else with `graphviz-pure`, a port of Graphviz that pip installs (it comes
with the `examples` extra), so the pictures need no system package.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from tinygrad_nn.tensor import Tensor, backward_pass, topological_order

FONT = "Arial"  # dot draws it (or its look-alike Liberation Sans); graphviz-pure knows its widths
KIND_COLOURS = {  # fill colour of a tensor box, by the role the tensor plays
    "parameter": "#b9e4a8",  # learned: a leaf that requires grad
    "input": "#cfe0f3",  # data and constants: leaves that need no gradient
    "intermediate": "#fff3c4",  # computed by an op
    "output": "#f7b98b",  # the root, usually the loss
}
KIND_LEGEND = {
    "parameter": "parameter (learned)",
    "input": "input / constant",
    "intermediate": "intermediate",
    "output": "output (root)",
}
GRAD_COLOUR = "#b2182b"
GREY = {"fillcolor": "#f3f3f3", "fontcolor": "#a0a0a0", "color": "#cccccc"}
CURRENT = {"fillcolor": "#ffd6d6", "color": GRAD_COLOUR, "penwidth": "3"}
RENDERERS = ("dot", "graphviz-pure")  # Graphviz itself first, then its port from PyPI
INSTALL_HINT = (
    "Rendering needs Graphviz's `dot` or `graphviz-pure`, and neither was found on PATH or "
    "beside this Python. `pip install graphviz-pure` (a port of Graphviz; it comes with "
    "`pip install tinygrad-nn[examples]`), or install Graphviz: Debian/Ubuntu "
    "`sudo apt-get install graphviz`, macOS `brew install graphviz`, Windows "
    "https://graphviz.org/download/. Without either, `graph.source` still gives the DOT text."
)


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` or `graphviz-pure`, and neither is installed."""


# ---- numbers as text ---------------------------------------------------------


def _number(x: float) -> str:
    """Four significant digits: enough to follow a calculation by hand."""
    return f"{x:.4g}"


def _values(array: np.ndarray, max_elems: int) -> str:
    """A small array in full; a big one as min / mean / max."""
    array = np.asarray(array)
    if array.size == 1:
        return _number(array.item())
    if array.size <= max_elems:
        return np.array2string(array, separator=", ", formatter={"float_kind": _number})
    return f"min {_number(array.min())}  mean {_number(array.mean())}  max {_number(array.max())}"


def _shape(t: Tensor) -> str:
    return "scalar" if t.ndim == 0 else str(t.shape)


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label: escaped, lines left-aligned."""
    return html.escape(text).replace("\n", '<br align="left"/>')


# ---- the graph, numbered -----------------------------------------------------


class _Graph:
    """The tensors `root` was computed from, numbered in topological order so that
    node ids, and so the DOT text, never depend on memory addresses."""

    def __init__(self, root: Tensor, model: Any = None):
        if not isinstance(root, Tensor):
            raise TypeError(f"expected the Tensor to draw from; got {type(root).__name__}")
        self.root = root
        self.tensors = topological_order(root)
        self.number = {id(t): n for n, t in enumerate(self.tensors)}
        self.consumers: dict[int, list[int]] = {id(t): [] for t in self.tensors}
        for t in self.tensors:
            for parent in t._op.inputs if t._op is not None else ():
                self.consumers[id(parent)].append(self.number[id(t)])
        in_model = {id(p): name for name, p in model.named_parameters()} if model is not None else {}
        self.titles: dict[int, str] = {}
        for t in self.tensors:  # inputs first, so an expression can use its operands' titles
            name = _parameter_title(t, in_model.get(id(t))) or t.name
            self.titles[id(t)] = name or self._made_title(t)

    def tensor_id(self, t: Tensor) -> str:
        return f"t{self.number[id(t)]}"

    def op_id(self, t: Tensor) -> str:
        """The op node that made `t`, numbered as its output."""
        return f"op{self.number[id(t)]}"

    def kind(self, t: Tensor) -> str:
        if t is self.root:
            return "output"
        if t._op is not None:
            return "intermediate"
        return "parameter" if t.requires_grad else "input"

    def _made_title(self, t: Tensor) -> str:
        """An unnamed tensor's title: the expression that made it, e.g. "x @ w1",
        with operands that are themselves long expressions shortened to "…"."""
        if t._op is None:
            if t.size == 1:
                return _number(t.item())
            return "parameter" if t.requires_grad else "input"
        operands = [self.titles[id(p)] for p in t._op.inputs]
        title = _expression(t._op, operands)
        if len(title) > 24:
            title = _expression(t._op, [a if _is_name(a) else "…" for a in operands])
        return title


def _parameter_title(t: Tensor, name_in_model: str | None) -> str | None:
    """A layer's parameter left with its default name ("weight") is titled by its
    name in the model ("0.weight"); a name the user gave ("w1") is kept."""
    if name_in_model is not None and t.name in (None, name_in_model.rpartition(".")[2]):
        return name_in_model
    return None


def _is_name(title: str) -> bool:
    return " " not in title and "(" not in title


def _is_atom(title: str) -> bool:
    """A name, a number or one call such as σ(x @ w1): needs no parentheses."""
    head, paren, _ = title.partition("(")
    if " " not in title or not paren or not head or " " in head:
        return " " not in title
    depth = 0
    for position, char in enumerate(title[len(head):], start=len(head)):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return position == len(title) - 1
    return False


def _operand(title: str) -> str:
    return title if _is_atom(title) else f"({title})"


def _op_label(op: Any) -> str:
    exponent = getattr(op, "exponent", None)
    return op.symbol if exponent is None else f"{op.symbol} {_number(exponent)}"


def _expression(op: Any, operands: list[str]) -> str:
    """How the op's output is written: its `notation` with the operands put in,
    each in parentheses unless it is an atom or already sits inside a call's
    "(…)"; else symbol(operands). A power shows its exponent."""
    if hasattr(op, "exponent"):
        return f"{_operand(operands[0])} ** {_number(op.exponent)}"
    if not op.notation:
        return f"{op.symbol}({', '.join(operands)})"
    return op.notation.format(*(a if f"({{{i}}}" in op.notation else _operand(a)
                                for i, a in enumerate(operands)))


# ---- modules as labelled boxes -----------------------------------------------


def _layers(model: Any) -> list[tuple[str, list[Tensor]]]:
    """(label, parameters) of each module that holds parameters itself, found from
    `model.named_parameters()`: "0.weight" and "0.bias" are module "0" of `model`."""
    grouped: dict[str, list[Tensor]] = {}
    for name, parameter in model.named_parameters():
        grouped.setdefault(name.rpartition(".")[0], []).append(parameter)
    return [(_module_label(model, path), parameters) for path, parameters in grouped.items()]


def _module_label(model: Any, path: str) -> str:
    """e.g. "Linear 0 (1→2)": its class, its name in the model, inputs → outputs."""
    module = model
    for part in path.split(".") if path else ():
        module = module[int(part)] if part.isdigit() else getattr(module, part)
    label = " ".join(x for x in (type(module).__name__, path) if x)
    weight = getattr(module, "weight", None)
    if isinstance(weight, Tensor) and weight.ndim == 2:
        label += f" ({weight.shape[0]}→{weight.shape[1]})"
    return label


def _clusters(graph: _Graph, model: Any) -> tuple[list[str], dict[str, int]]:
    """Which layer's box each node goes in: the layer's parameters, every op that
    reads one of them, and tensors passed only between ops of that layer."""
    labels, owner = [], {}
    for index, (label, parameters) in enumerate(_layers(model)):
        labels.append(label)
        owner.update({id(p): index for p in parameters})
    layer_of_op: dict[int, int] = {}
    where: dict[str, int] = {}
    for t in graph.tensors:
        if t._op is None:
            if id(t) in owner:
                where[graph.tensor_id(t)] = owner[id(t)]
            continue
        readers = [owner[id(p)] for p in t._op.inputs if id(p) in owner]
        if readers:
            layer_of_op[graph.number[id(t)]] = where[graph.op_id(t)] = readers[0]
    for t in graph.tensors:
        layer = layer_of_op.get(graph.number[id(t)])
        consumers = graph.consumers[id(t)]
        if layer is not None and consumers and all(layer_of_op.get(c) == layer for c in consumers):
            where[graph.tensor_id(t)] = layer
    return labels, where


# ---- drawing the graph -------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    show_data: bool = True
    show_grad: bool = True
    max_elems: int = 6
    rankdir: str = "LR"

    def __post_init__(self) -> None:
        """Checked here, where every drawing (graph or step) gets its look."""
        if self.rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT'; got {self.rankdir!r}")
        if self.max_elems < 1:
            raise ValueError(f"max_elems must be at least 1; got {self.max_elems}")


@dataclass(frozen=True)
class BackwardStep:
    """One op of the backward pass: its output's gradient g = ∂L/∂out (complete,
    since every use of `output` has been visited), the op's local derivative rule,
    what it adds to each input's gradient (None for an input that needs none),
    and each input's gradient summed so far, just after this step."""

    index: int  # 1 for the op that made the root
    op: Any
    output: Tensor
    upstream: np.ndarray
    rule: str
    contributions: tuple[np.ndarray | None, ...]
    accumulated: tuple[np.ndarray | None, ...]


@dataclass(frozen=True)
class _Progress:
    """The backward pass after `steps_done` steps, for drawing that moment."""

    grads: dict[int, np.ndarray]  # gradient so far, by id(tensor)
    done: set[int]  # ops already visited, by their output's number
    current: BackwardStep | None


def _tensor_node(graph: _Graph, t: Tensor, look: _Look, progress: _Progress | None) -> dict:
    grad = t.grad if progress is None else progress.grads.get(id(t))
    title = f"<b>{_html(graph.titles[id(t)])}</b>"
    rows = [f'{title}  <font point-size="10" color="#555555">{_shape(t)}</font>']
    if look.show_data:
        rows.append(f"data {_html(_values(t.data, look.max_elems))}")
    if look.show_grad and grad is not None:
        complete = progress is None or set(graph.consumers[id(t)]) <= progress.done
        caption = "grad" if complete else "grad so far"
        rows.append(
            f'<font color="{GRAD_COLOUR}">{caption} {_html(_values(grad, look.max_elems))}</font>'
        )
    cells = "".join(f'<tr><td align="left" balign="left">{row}</td></tr>' for row in rows)
    label = f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'
    attrs = {"label": label, "shape": "box", "style": "rounded,filled",
             "fillcolor": KIND_COLOURS[graph.kind(t)], "color": "#555555"}
    current = _current_output(progress)
    if current is not None and t.requires_grad and grad is None:
        attrs.update(GREY)
    if t is current:
        attrs.update(color=CURRENT["color"], penwidth=CURRENT["penwidth"])
    return attrs


def _current_output(progress: _Progress | None) -> Tensor | None:
    """The output of the op the drawn step is at; None for a plain drawing and for
    step 0, the forward pass, where nothing is highlighted or greyed."""
    return None if progress is None or progress.current is None else progress.current.output


def _op_node(graph: _Graph, t: Tensor, progress: _Progress | None) -> dict:
    op = t._op
    attrs = {"label": _op_label(op), "shape": "ellipse", "style": "filled", "fillcolor": "white",
             "fontsize": "16", "margin": "0.05,0.02", "tooltip": f"{type(op).__name__}: {op.rule}"}
    current = _current_output(progress)
    if current is t:
        attrs.update(CURRENT)
    elif current is not None and graph.number[id(t)] not in progress.done:
        attrs.update(GREY)
    return attrs


def _legend(dot: graphviz.Digraph, progress: _Progress | None) -> None:
    """A small framed table of what the colours and shapes mean."""
    entries = [(text, f'bgcolor="{KIND_COLOURS[kind]}" style="rounded"')
               for kind, text in KIND_LEGEND.items()]
    entries.append(("op (oval)" if progress is not None else "op (oval; hover: its rule)",
                    'bgcolor="white" style="rounded"'))
    if progress is not None:
        entries.append(("current step", f'bgcolor="{CURRENT["fillcolor"]}" color="{GRAD_COLOUR}"'))
        entries.append(("gradient not reached yet",
                        f'bgcolor="{GREY["fillcolor"]}" color="{GREY["color"]}"'))
    rows = "".join(f'<tr><td border="1" {style} cellpadding="3">{html.escape(text)}</td></tr>'
                   for text, style in entries)
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", fontsize="11", fontcolor="#555555", style="rounded",
                    color="#bbbbbb")
        legend.node("legend", f'<<table border="0" cellspacing="4">{rows}</table>>',
                    shape="plaintext", fontsize="10")


def _digraph(graph: _Graph, look: _Look, model: Any = None,
             progress: _Progress | None = None) -> graphviz.Digraph:
    dot = graphviz.Digraph(
        "computation_graph",
        graph_attr={"rankdir": look.rankdir, "fontname": FONT, "nodesep": "0.2",
                    "ranksep": "0.3"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "color": "#555555", "arrowsize": "0.7"},
    )
    nodes: list[tuple[str, dict]] = []
    edges: list[tuple[str, str, dict]] = []
    for t in graph.tensors:
        nodes.append((graph.tensor_id(t), _tensor_node(graph, t, look, progress)))
        if t._op is None:
            continue
        nodes.append((graph.op_id(t), _op_node(graph, t, progress)))
        edges.append((graph.op_id(t), graph.tensor_id(t), {}))
        current = _current_output(progress) is t
        for position, parent in enumerate(t._op.inputs):
            edge = {}
            contribution = progress.current.contributions[position] if current else None
            if contribution is not None:
                edge = {"label": f" {_values(contribution, look.max_elems)} ",
                        "color": GRAD_COLOUR, "fontcolor": GRAD_COLOUR, "penwidth": "2.5",
                        "dir": "back", "arrowtail": "normal"}
            edges.append((graph.tensor_id(parent), graph.op_id(t), edge))
    labels, where = _clusters(graph, model) if model is not None else ([], {})
    for index, label in enumerate(labels):
        with dot.subgraph(name=f"cluster_{index}") as box:
            box.attr(label=label, fontsize="12", style="rounded,dashed", color="#7a7a7a")
            for node_id, attrs in nodes:
                if where.get(node_id) == index:
                    box.node(node_id, id=node_id, **attrs)
    for node_id, attrs in nodes:
        if node_id not in where:
            dot.node(node_id, id=node_id, **attrs)
    for tail, head, attrs in edges:
        dot.edge(tail, head, **attrs)
    _legend(dot, progress)
    return dot


def draw_graph(root: Tensor, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
               max_elems: int = 6, model: Any = None) -> graphviz.Digraph:
    """The computation graph that made `root`: a box per tensor (title, shape,
    data and — once `backward()` has run — grad, in full up to `max_elems`
    elements, else min/mean/max), an oval per op, arrows as data flows. Fill
    colours tell parameters, inputs/constants, intermediates and the root apart.
    With `model` (an `nn.Module`), each layer's ops sit in a labelled box."""
    return _digraph(_Graph(root, model), _Look(show_data, show_grad, max_elems, rankdir), model)


# ---- rendering ---------------------------------------------------------------


def _find_program(name: str) -> str | None:
    """`name` on PATH, or in this Python's scripts folder, where pip puts programs
    even in a venv that was not activated."""
    return shutil.which(name) or shutil.which(name, path=sysconfig.get_path("scripts"))


def _renderer() -> str:
    """The program that lays out and draws DOT text: the first of RENDERERS found."""
    for name in RENDERERS:
        found = _find_program(name)
        if found:
            return found
    raise GraphvizNotFoundError(INSTALL_HINT)


def render(graph: graphviz.Digraph, fmt: str = "svg") -> bytes:
    """The drawing as `fmt` bytes (svg, png, pdf), laid out by the graph's engine (dot or neato);
    PNG at twice the screen resolution."""
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render() draws 'svg', 'png' or 'pdf'; got {fmt!r}")
    command = [_renderer(), f"-K{graph.engine}", f"-T{fmt}"]
    if fmt == "png":
        command.append("-Gdpi=150")
    try:
        done = subprocess.run(command, input=graph.source.encode("utf-8"), capture_output=True,
                              check=False)
    except OSError as error:  # found, but it would not start
        raise GraphvizNotFoundError(f"{command[0]} would not start ({error}). {INSTALL_HINT}") \
            from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise RuntimeError(f"{command[0]} could not draw the graph: {message}")
    return done.stdout


def save(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write `graph` to `path` in the format its suffix names: .svg, .png, .pdf,
    or .dot (the DOT text, which needs no Graphviz program)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf", "dot"):
        raise ValueError(f"save() writes .svg, .png, .pdf or .dot files; got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
    else:
        path.write_bytes(render(graph, fmt))
    return path


# ---- the backward pass, step by step -----------------------------------------


def backward_steps(root: Tensor) -> list[BackwardStep]:
    """The steps `root.backward()` takes, in its order (reverse topological: an op
    is visited once its output's gradient is complete), without changing any
    `.grad`. Starts from ∂root/∂root = 1, so `root` must hold one element."""
    if not isinstance(root, Tensor) or not root.requires_grad or root.size != 1:
        raise ValueError(
            "backward_steps() needs a one-element Tensor (a loss) that requires grad, "
            f"got {root!r}"
        )
    so_far: dict[int, np.ndarray] = {}  # each input's gradient summed so far, by id
    steps = []
    for t, upstream, contributions in backward_pass(root, np.ones_like(root.data)):
        if t._op is None:
            continue
        for parent, contribution in zip(t._op.inputs, contributions):
            if contribution is not None:
                before = so_far.get(id(parent))
                so_far[id(parent)] = contribution if before is None else before + contribution
        accumulated = tuple(so_far.get(id(p)) if c is not None else None
                            for p, c in zip(t._op.inputs, contributions))
        steps.append(BackwardStep(len(steps) + 1, t._op, t, upstream, t._op.rule,
                                  tuple(contributions), accumulated))
    return steps


def _progress(graph: _Graph, steps: list[BackwardStep], steps_done: int) -> _Progress:
    if steps_done == 0:
        return _Progress({}, set(), None)
    grads = {id(graph.root): steps[0].upstream}
    for step in steps[:steps_done]:
        for parent, accumulated in zip(step.op.inputs, step.accumulated):
            if accumulated is not None:
                grads[id(parent)] = accumulated
    done = {graph.number[id(step.output)] for step in steps[:steps_done]}
    return _Progress(grads, done, steps[steps_done - 1])


def _step_text(graph: _Graph, steps: list[BackwardStep], steps_done: int, max_elems: int) -> str:
    """What happens at a step, as HTML for the side panel of the step-through page."""
    loss = html.escape(graph.titles[id(graph.root)])
    if steps_done == 0:
        return (
            f"<h2>Forward pass</h2><p>Every value has been computed, inputs to "
            f"<b>{loss}</b>. No gradient yet.</p><p>The backward pass starts at <b>{loss}</b> "
            f"with ∂{loss}/∂{loss} = 1 and visits the {len(steps)} ops in reverse order. "
            f"At each op, the gradient of its output (upstream) times the op's local "
            f"derivative gives what flows to each input; an input used more than once "
            f"adds up what it receives.</p><p>Press → or <i>Next</i>.</p>"
        )
    step = steps[steps_done - 1]

    def code(array: np.ndarray) -> str:
        return f"<code>{html.escape(_values(array, max_elems))}</code>"

    out = html.escape(graph.titles[id(step.output)])
    d_out = f"∂{loss}/∂{html.escape(_operand(graph.titles[id(step.output)]))}"
    rows = []
    for parent, contribution, accumulated in zip(step.op.inputs, step.contributions,
                                                 step.accumulated):
        name = html.escape(graph.titles[id(parent)])
        if contribution is None:
            rows.append(f"<tr><td>{name}</td><td colspan=2>constant: needs no gradient</td></tr>")
        else:
            rows.append(f"<tr><td>{name}</td><td>{code(contribution)}</td>"
                        f"<td>{code(accumulated)}</td></tr>")
    return (
        f"<h2>Step {step.index} of {len(steps)}: <span class=op>{html.escape(_op_label(step.op))}"
        f"</span> {type(step.op).__name__}</h2>"
        f"<p>output <b>{out}</b> = {code(step.output.data)}</p>"
        f"<p>upstream gradient {d_out} = {code(step.upstream)}</p>"
        f"<p>local rule: <code>{html.escape(step.rule)}</code></p>"
        f"<p>upstream × local derivative flows to each input:</p>"
        f"<table><tr><th>input</th><th>contribution</th><th>its gradient so far</th></tr>"
        f"{''.join(rows)}</table>"
    )


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Backward pass of {title}, step by step</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }}
#main {{ display: flex; gap: 1.5em; align-items: flex-start; }}
#picture {{ flex: 1 1 auto; min-width: 0; overflow: auto; max-height: calc(100vh - 9em);
           border: 1px solid #ddd; }}
#text {{ flex: 0 0 26em; }}
h1 {{ font-size: 1.3em; }} h2 {{ font-size: 1.1em; margin-top: 0; }} .op {{ color: #b2182b; }}
code {{ background: #f4f4f4; padding: 0 .2em; white-space: pre-wrap; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ddd; padding: .3em; text-align: left; }}
button {{ font-size: 1em; padding: .3em 1em; }}
#picture.fit svg {{ width: 100%; height: auto; }}
</style></head>
<body>
<h1>Backward pass of {title}, step by step</h1>
<p><button id="prev">◀ Previous</button> <button id="next">Next ▶</button>
<span id="counter"></span> &nbsp; (or the arrow keys ← →) &nbsp;
<label><input type="checkbox" id="fit"> whole graph at once</label></p>
<div id="main"><div id="picture"></div><div id="text"></div></div>
<script>
// Each step: its picture (also saved beside this page as `file`), the node to
// scroll into view, and the text of what happens.
const steps = {steps};
let current = 0;
function show(k) {{
  current = Math.max(0, Math.min(steps.length - 1, k));
  const step = steps[current];
  document.getElementById("picture").innerHTML = step.svg;
  document.getElementById("text").innerHTML = step.text;
  document.getElementById("counter").textContent = "step " + current + " of " + (steps.length - 1);
  document.getElementById("prev").disabled = current === 0;
  document.getElementById("next").disabled = current === steps.length - 1;
  const focus = document.getElementById(step.focus);
  if (focus) focus.scrollIntoView({{block: "nearest", inline: "center"}});
  history.replaceState(null, "", "#" + current);
}}
document.getElementById("fit").onchange = (e) => {{
  document.getElementById("picture").classList.toggle("fit", e.target.checked);
}};
document.getElementById("prev").onclick = () => show(current - 1);
document.getElementById("next").onclick = () => show(current + 1);
document.addEventListener("keydown", (e) => {{
  if (e.key === "ArrowRight") show(current + 1);
  if (e.key === "ArrowLeft") show(current - 1);
}});
show(parseInt(location.hash.slice(1)) || 0);
</script>
</body></html>
"""


def render_backward(root: Tensor, out_dir: str | Path, max_elems: int = 6, rankdir: str = "LR",
                    model: Any = None) -> Path:
    """Draw the backward pass of `root` one step per SVG — step 0 the forward pass,
    step k with the k-th op highlighted, its input edges labelled with what flows
    back, gradients so far shown, nodes not reached yet greyed — and write an
    `index.html` that steps through them (the pictures inlined, so the page works
    on its own). Returns the path of `index.html`."""
    look = _Look(max_elems=max_elems, rankdir=rankdir)
    _renderer()  # fail before the work when nothing can render
    steps = backward_steps(root)
    graph = _Graph(root, model)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for steps_done in range(len(steps) + 1):
        progress = _progress(graph, steps, steps_done)
        svg = render(_digraph(graph, look, model, progress), "svg").decode("utf-8")
        name = f"step_{steps_done:03d}.svg"
        (out_dir / name).write_text(svg, encoding="utf-8")
        focus = graph.op_id(progress.current.output) if progress.current else graph.tensor_id(root)
        pages.append({"file": name, "svg": svg[svg.index("<svg"):], "focus": focus,
                      "text": _step_text(graph, steps, steps_done, max_elems)})
    index = out_dir / "index.html"
    steps_json = json.dumps(pages, ensure_ascii=False, indent=0).replace("</", "<\\/")
    title = html.escape(graph.titles[id(root)])
    index.write_text(_PAGE.format(title=title, steps=steps_json), encoding="utf-8")
    return index


# ---- network diagrams --------------------------------------------------------

ACTIVATION_SYMBOLS = {"Sigmoid": "σ", "Tanh": "tanh", "ReLU": "relu", "Identity": "",
                      "Softmax": "softmax"}
MAX_NEURONS = 16
COLUMN_GAP, NEURON_GAP = 2.8, 1.2  # inches between layers, between neurons of a layer
TEXT_GAP, OUTPUT_GAP = 0.9, 1.3  # inches from the neurons to the captions, to the ŷ labels
WRITTEN_LINKS = 8  # layers with more links leave the weights off them: they would overlap
NETWORK_KEY = ("links: weights w, blue w > 0, red w < 0, thicker when |w| is larger; "
               "neurons: activation (Σ: none) and bias b")
POSITIVE, NEGATIVE = "#2166ac", "#d6604d"


def _dense_layers(model: Any) -> list[tuple[Any, str]]:
    """(Linear, activation symbol) per layer of a Sequential such as
    Sequential(Linear(1, 2), Sigmoid(), Linear(2, 1), Sigmoid())."""
    layers: list[tuple[Any, str]] = []
    for module in model if hasattr(model, "__iter__") else [model]:
        name = type(module).__name__
        if isinstance(getattr(module, "weight", None), Tensor):
            if layers and module.weight.shape[0] != layers[-1][0].weight.shape[1]:
                raise ValueError(f"layer {name} takes {module.weight.shape[0]} inputs but the "
                                 f"layer before gives {layers[-1][0].weight.shape[1]}")
            layers.append((module, ""))
        elif name in ACTIVATION_SYMBOLS and layers:
            layers[-1] = (layers[-1][0], ACTIVATION_SYMBOLS[name])
        else:
            raise ValueError(f"draw_network draws Linear layers, each optionally followed by one of "
                             f"{', '.join(ACTIVATION_SYMBOLS)}; got {name} where it cannot go")
    if not layers:
        raise ValueError("draw_network needs a Sequential with at least one Linear layer")
    return layers


def draw_network(model: Any, decimals: int = 2,
                 show_weights: bool | None = None) -> graphviz.Digraph:
    """A `Sequential` of `Linear` layers drawn as the articles draw networks:
    columns of neurons (inputs x, hidden layers, outputs ŷ), links coloured by the
    sign of their weight and as wide as its size, each neuron with its activation
    and its bias b. Weights are written on the links when `show_weights`, by
    default only in layers of at most WRITTEN_LINKS = 8 links (more would overlap).
    At most MAX_NEURONS = 16 neurons a layer."""
    layers = _dense_layers(model)
    sizes = [layers[0][0].weight.shape[0]] + [layer.weight.shape[1] for layer, _ in layers]
    if max(sizes) > MAX_NEURONS:
        raise ValueError(f"draw_network draws at most {MAX_NEURONS} neurons a layer; the layer "
                         f"sizes here are {sizes}. Use draw_graph for bigger models")
    biggest = max(float(np.abs(layer.weight.data).max()) for layer, _ in layers) or 1.0
    dot = graphviz.Digraph(
        "network", engine="neato",
        graph_attr={"fontname": FONT, "splines": "line"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "arrowsize": "0.6"},
    )
    captions = ["input"] + [f"hidden layer {k}" for k in range(1, len(layers))] + ["output"]
    top = (max(sizes) - 1) / 2 * NEURON_GAP + TEXT_GAP
    for column, caption in enumerate(captions):
        dot.node(f"caption{column}", caption, shape="plaintext", fontcolor="#555555",
                 pos=_pinned(column * COLUMN_GAP, top))
        for i in range(sizes[column]):
            dot.node(f"n{column}_{i}", pos=_pinned(*_position(column, i, sizes[column])),
                     **_neuron(layers, column, i, sizes, decimals))
    for column, (layer, _) in enumerate(layers):
        written = show_weights if show_weights is not None else layer.weight.size <= WRITTEN_LINKS
        for i, j in np.ndindex(*layer.weight.shape):
            w = float(layer.weight.data[i, j])
            colour = POSITIVE if w >= 0 else NEGATIVE
            label = (f'<<table border="0" cellpadding="1" bgcolor="white"><tr><td>'
                     f"{w:.{decimals}f}</td></tr></table>>")
            dot.edge(f"n{column}_{i}", f"n{column + 1}_{j}", taillabel=label if written else "",
                     labelangle="0", labeldistance="5", color=colour, fontcolor=colour,
                     penwidth=f"{0.6 + 3.4 * abs(w) / biggest:.2f}", tooltip=f"w = {w:.4g}")
    bottom = -(max(sizes) - 1) / 2 * NEURON_GAP - TEXT_GAP
    dot.node("key", NETWORK_KEY, shape="plaintext", fontsize="11", fontcolor="#555555",
             pos=_pinned(len(layers) * COLUMN_GAP / 2, bottom))
    last = len(layers)
    for i in range(sizes[-1]):
        x, y = _position(last, i, sizes[-1])
        dot.node(f"out{i}", "ŷ" if sizes[-1] == 1 else f"ŷ{i + 1}", shape="plaintext",
                 fontsize="16", pos=_pinned(x + OUTPUT_GAP, y))
        dot.edge(f"n{last}_{i}", f"out{i}", color="#555555")
    return dot


def _position(column: int, i: int, size: int) -> tuple[float, float]:
    """Neurons of a column centred on y = 0, the first on top (inches)."""
    return column * COLUMN_GAP, ((size - 1) / 2 - i) * NEURON_GAP


def _pinned(x: float, y: float) -> str:
    """neato's position attribute; the "!" keeps the node exactly there."""
    return f"{x},{y}!"


def _neuron(layers: list[tuple[Any, str]], column: int, i: int, sizes: list[int],
            decimals: int) -> dict:
    """An input is a plain circle named x (x1, x2, …); a neuron shows its
    activation (Σ if none) and, below it, its bias."""
    if column == 0:
        return {"label": "x" if sizes[0] == 1 else f"x{i + 1}", "shape": "circle",
                "style": "filled", "fillcolor": KIND_COLOURS["input"], "width": "0.6"}
    layer, symbol = layers[column - 1]
    bias = getattr(layer, "bias", None)
    rows = f'<tr><td><font point-size="15">{html.escape(symbol or "Σ")}</font></td></tr>'
    if bias is not None:
        rows += (f'<tr><td><font point-size="10" color="#555555">'
                 f"b = {float(bias.data[i]):.{decimals}f}</font></td></tr>")
    return {"label": f'<<table border="0" cellspacing="0" cellpadding="0">{rows}</table>>',
            "shape": "circle", "style": "filled", "fillcolor": KIND_COLOURS["intermediate"],
            "width": "0.85", "fixedsize": "true"}


__all__ = ["BackwardStep", "GraphvizNotFoundError", "backward_steps", "draw_graph",
           "draw_network", "render", "render_backward", "save"]
