"""The backward pass as one self-contained HTML stepper: every step's picture
inside it, Previous/Next buttons, a slider and the arrow keys.

Jupyter shows a `BackwardStepper` inline; `.save(path)` writes the same stepper
as a page. Each stepper finds its own elements from its own root element, so
several on one page step on their own; the arrow keys move the one that has
the focus (click it first), or, on a saved page, the only one.
"""

from __future__ import annotations

import html
import uuid
from pathlib import Path
from typing import Any

from tinygrad_nn.tensor import Tensor
from tinygrad_nn.viz.backward import BackwardStep, Frame, backward_steps, frames, inline_svg
from tinygrad_nn.viz.graph import Graph, Look
from tinygrad_nn.viz.rendering import renderer

_STYLE = """<style>
.tinygrad-nn-stepper { font-family: Helvetica, Arial, sans-serif; color: #222; outline: none; }
.tinygrad-nn-stepper:focus-within { box-shadow: 0 0 0 2px #9ecae1; }
.tinygrad-nn-stepper .heading { font-size: 1.15em; font-weight: bold; margin: .3em 0; }
.tinygrad-nn-stepper .controls { margin: .3em 0 .6em; }
.tinygrad-nn-stepper button { font: inherit; min-height: 44px; padding: .3em 1em; color: #222;
  background: #f2f2f2; border: 1px solid #767676; border-radius: 4px; cursor: pointer; }
.tinygrad-nn-stepper button:hover:enabled { background: #e0e0e0; }
.tinygrad-nn-stepper button:disabled { color: #767676; border-color: #c8c8c8; cursor: default; }
.tinygrad-nn-stepper .slider { vertical-align: middle; width: 12em; }
.tinygrad-nn-stepper .hint { color: #666; }  /* 5.7:1 on white: #777 falls short of 4.5:1 */
.tinygrad-nn-stepper .frame { display: flex; gap: 1.2em; align-items: flex-start; }
.tinygrad-nn-stepper .frame[hidden] { display: none; }
.tinygrad-nn-stepper .picture { flex: 1 1 auto; min-width: 0; overflow: auto; max-height: 75vh;
  border: 1px solid #ddd; }
.tinygrad-nn-stepper.fit .picture svg { height: auto; }  /* its width: zoom() below */
.tinygrad-nn-stepper .text { flex: 0 0 24em; font-size: .95em; }
.tinygrad-nn-stepper h3 { font-size: 1.05em; margin: 0 0 .5em; }
.tinygrad-nn-stepper .op { color: #b2182b; }
.tinygrad-nn-stepper code { background: #f4f4f4; padding: 0 .2em; white-space: pre-wrap; }
.tinygrad-nn-stepper table { border-collapse: collapse; }
.tinygrad-nn-stepper td, .tinygrad-nn-stepper th { border: 1px solid #ddd; padding: .3em;
  text-align: left; }
</style>"""

_SCRIPT = """<script>
(function (root, keysOnPage) {
  const frames = root.querySelectorAll(":scope > .frame");
  const control = (name) => root.querySelector(":scope > .controls ." + name);
  const [prev, next, slider, counter, fit] = ["prev", "next", "slider", "counter", "fit"].map(control);
  let current = 0;
  function centre(frame) {  // scroll the picture, not the page, to the step's op
    const picture = frame.querySelector(".picture");
    const focus = Array.from(picture.querySelectorAll("g.node")).find(
      (node) => node.querySelector("title").textContent === frame.dataset.focus);
    if (!focus) return;
    const box = focus.getBoundingClientRect(), view = picture.getBoundingClientRect();
    picture.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
    picture.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
  }
  function show(k) {
    const focused = document.activeElement;
    current = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach((frame, i) => { frame.hidden = i !== current; });
    slider.value = current;
    counter.textContent = "step " + current + " of " + (frames.length - 1);
    prev.disabled = current === 0;
    next.disabled = current === frames.length - 1;
    if (focused && focused.disabled) root.focus();  // at an end: the keys still step it
    centre(frames[current]);
  }
  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  slider.addEventListener("input", () => show(Number(slider.value)));
  // Zoomed out, the graph fits its picture's width unless its smallest text would then be
  // under LEGIBLE_PX: a big graph stops at that size and scrolls (squeezed to the width, a
  // 4,000 px graph's words would be 3 px tall).
  const LEGIBLE_PX = 11;
  function zoom() {
    root.classList.toggle("fit", fit.checked);
    const room = root.querySelector(":scope > .frame:not([hidden]) .picture").clientWidth;
    root.querySelectorAll(".picture svg").forEach((svg) => {
      const own = svg.width.baseVal.value, units = svg.viewBox.baseVal.width || own;
      const sizes = Array.from(svg.querySelectorAll("text"), (t) => Number(t.getAttribute("font-size")));
      const smallest = Math.min(...sizes.filter((s) => s > 0)) * own / units;
      const legible = Number.isFinite(smallest) ? own * Math.min(1, LEGIBLE_PX / smallest) : 0;
      svg.style.width = fit.checked ? Math.min(own, Math.max(room, legible)) + "px" : "";
    });
  }
  fit.addEventListener("change", zoom);
  window.addEventListener("resize", () => { if (fit.checked) zoom(); });
  (keysOnPage ? document : root).addEventListener("keydown", (event) => {
    const move = {ArrowRight: 1, ArrowLeft: -1}[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation();
    show(current + move);
  });
  show(0);
})(document.getElementById("%(id)s"), %(keys_on_page)s);
</script>"""


class BackwardStepper:
    """The backward pass of a loss, step by step, as one self-contained piece of
    HTML. Jupyter displays it inline (`_repr_html_`); `save(path)` writes it as a
    page. `steps` are the `BackwardStep`s; `frames` the pictures, one per step
    after the forward pass (frame 0)."""

    def __init__(self, title: str, steps: list[BackwardStep], frames: list[Frame]):
        self.title, self.steps, self.frames = title, steps, frames

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"<BackwardStepper of {self.title}: {len(self.steps)} steps>"

    def html(self, keys_on_page: bool = False) -> str:
        """The stepper as an HTML fragment with its own style and script; with
        `keys_on_page`, the arrow keys step it wherever the focus is."""
        element_id = f"tinygrad-nn-stepper-{uuid.uuid4().hex}"  # a fresh one for every display
        last = len(self.frames) - 1
        controls = (
            '<div class="controls"><button class="prev">◀ Previous</button> '
            '<button class="next">Next ▶</button> '
            f'<input class="slider" type="range" min="0" max="{last}" value="0" '
            'aria-label="step"> '
            f'<span class="counter">step 0 of {last}</span> '
            '<span class="hint">(or the arrow keys ← →)</span> '
            '<label><input type="checkbox" class="fit"> zoom out (words stay legible)</label></div>'
        )
        shown = "".join(
            f'<div class="frame" data-focus="{frame.focus}"{" hidden" if k else ""}>'
            f'<div class="picture" tabindex="0" role="group" aria-label="The graph at step {k}">'
            f'{inline_svg(frame.svg)}</div>'
            f'<div class="text">{frame.text}</div></div>'
            for k, frame in enumerate(self.frames)
        )
        heading = f"Backward pass of <b>{html.escape(self.title)}</b>, step by step"
        script = _SCRIPT % {"id": element_id, "keys_on_page": "true" if keys_on_page else "false"}
        return (f'<div class="tinygrad-nn-stepper" id="{element_id}" tabindex="0">{_STYLE}'
                f'<div class="heading">{heading}</div>{controls}{shown}{script}</div>')

    def _repr_html_(self) -> str:
        return self.html()

    def save(self, path: str | Path) -> Path:
        """Write the stepper as one HTML page, the arrow keys working at once.
        Returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Backward pass of {html.escape(self.title)}, step by step</title></head>"
            f"<body>{self.html(keys_on_page=True)}</body></html>\n",
            encoding="utf-8",
        )
        return path


def backward_stepper(root: Tensor, max_elems: int = 6, rankdir: str = "LR",
                     model: Any = None) -> BackwardStepper:
    """The backward pass of `root` (a one-element tensor, the loss) to step through
    in a notebook or a page: step 0 the forward pass, step k the k-th op visited,
    with the upstream gradient, the op's local rule and what flows to each input.
    Values with more than `max_elems` elements show as min/mean/max; `rankdir` and
    `model` are as in `draw_graph`. No `.grad` is changed."""
    look = Look(max_elems=max_elems, rankdir=rankdir)
    renderer()  # fail before the work when nothing can render
    steps = backward_steps(root)
    graph = Graph(root, model)
    return BackwardStepper(graph.title(root).text, steps, frames(graph, steps, look))


def render_backward(root: Tensor, out_dir: str | Path, max_elems: int = 6, rankdir: str = "LR",
                    model: Any = None) -> Path:
    """The `backward_stepper` of `root` as files in `out_dir`: each step's picture
    (step_000.svg is the forward pass) and `index.html`, the stepper as a page that
    works on its own. Returns the path of `index.html`."""
    stepper = backward_stepper(root, max_elems, rankdir, model)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for k, frame in enumerate(stepper.frames):
        (out_dir / f"step_{k:03d}.svg").write_text(frame.svg, encoding="utf-8")
    return stepper.save(out_dir / "index.html")
