"""The topological order's checks: every tensor once, each after its inputs, on
fan-out, a diamond and a deep chain, a wrong order named by its shape (reversed,
pre-order, leaves left out).
"""

from __future__ import annotations

from typing import Any

from tinygrad_nn.exercises.grading import Grader, Wrong
from tinygrad_nn.exercises.graphs import (
    DEEP,
    built,
    describe,
    graph_chain,
    graph_diamond,
    graph_fan_out,
    inputs_of,
    on_graph,
)


def check_order(order: Any, made: list[Any]) -> None:
    """`order` lists every tensor of the graph once, each after its inputs."""
    root = made[-1]
    if not isinstance(order, (list, tuple)):
        raise Wrong(f"topological_order returned {type(order).__name__}; it must return a list")
    everything = {id(t): t for t in made} | {id(p): p for t in made for p in inputs_of(t)}
    seen: dict[int, int] = {}
    for position, tensor in enumerate(order):
        if id(tensor) not in everything:
            raise Wrong(f"position {position} holds {tensor!r:.60}, which is not a tensor of "
                        "the graph")
        if id(tensor) in seen:
            raise Wrong(f"{describe(tensor)} is listed at positions {seen[id(tensor)]} and "
                        f"{position}", "a tensor listed twice: keep a set of visited tensors",
                        node=describe(tensor))
        seen[id(tensor)] = position
    missing = [t for key, t in everything.items() if key not in seen]
    if missing:
        leaf = missing[0]._op is None
        raise Wrong(f"{describe(missing[0])} is not listed ({len(order)} of {len(everything)} "
                    f"tensors)", "the leaves left out: list every tensor, leaves (_op None) too"
                    if leaf else "a tensor left out", node=describe(missing[0]))
    misplaced = _first_before_its_input(order, seen)
    if misplaced is not None:
        tensor, parent = misplaced
        if seen[id(root)] != 0:
            mistake = "a tensor appended before all of its inputs were"
        elif _first_before_its_input(order[::-1], {key: len(order) - 1 - at
                                                   for key, at in seen.items()}) is None:
            mistake = ("the order reversed: each tensor must come after its inputs, the root "
                       "last (backward walks the list from the end)")
        else:
            mistake = ("each tensor appended when first reached (pre-order), before its inputs: "
                       "append it when (t, True) comes off the stack, after all of its inputs")
        raise Wrong(f"{describe(tensor)} is at position {seen[id(tensor)]}, before its input "
                    f"{describe(parent)} at position {seen[id(parent)]}", mistake,
                    node=describe(tensor))


def _first_before_its_input(order: Any, seen: dict[int, int]) -> tuple[Any, Any] | None:
    """The first (tensor, input) of `order` with the input listed after the tensor."""
    for tensor in order:
        for parent in inputs_of(tensor):
            if seen[id(parent)] > seen[id(tensor)]:
                return tensor, parent
    return None


def grade_topological_order(grader: Grader) -> str:
    """Fan-out, a diamond with a constant, and a chain of DEEP ops."""
    tensor = grader.engine.tensor
    for build in (graph_fan_out, graph_diamond, graph_chain):
        made = built(build, tensor.Tensor)
        with on_graph(build):
            check_order(tensor.topological_order(made[-1]), made)
    return f"a chain of {DEEP:,} ops too"
