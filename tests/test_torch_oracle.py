"""PyTorch as the oracle of the memory model: random programs run on both engines.

Each program is 3 to 12 statements over a pool of named tensors: ops, views (reshape,
transpose, basic indexing), in-place operators, item writes (`x[i] = v`, `x[i] += v`),
`detach()`, `Tensor()`, `np.array` snapshots and statements under `no_grad`; then a
backward pass (plain or with `create_graph`) and an optimizer step, and a second backward
through the graph the step made stale. After every statement each tensor must hold the
same values in both engines (to 1e-12, float64), or both engines must have refused the
statement; at the end every leaf's gradient must agree, and so must every snapshot.

The deliberate differences (docs/differences.md) are each recognised by their message
here and tested on their own in test_differences.py: division by zero is refused, and a
view made before a recorded in-place write of its memory is refused where PyTorch
re-derives it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tinygrad_nn import Tensor, no_grad, optim

torch = pytest.importorskip("torch")

TOLERANCE = {"rtol": 1e-12, "atol": 1e-12}
DELIBERATE = ("the divisor must not be 0", "shares its memory with", "exp x overflows")
OVERLAP = "shares part of its memory"

BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / b, "matmul": lambda a, b: a @ b}
UNARY = {"tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(), "relu": lambda a: a.relu(),
         "neg": lambda a: -a, "square": lambda a: a ** 2, "abs": lambda a: a.abs(),
         "exp": lambda a: a.exp(), "sum0": lambda a: a.sum(0) if a.ndim else a.sum(), "mean": lambda a: a.mean(),
         "max": lambda a: a.max()}
VIEWS = {"row": lambda a: a[0], "element": lambda a: a[(0,) * a.ndim],
         "tail": lambda a: a[..., 1:], "flat": lambda a: a.reshape(-1),
         # every axis reversed, as numpy's .T; PyTorch's .T does that only for 2-D (else it
         # warns, and is to raise), its permute for any number of axes
         "T": lambda a: a.permute(tuple(reversed(range(a.ndim)))) if isinstance(a, torch.Tensor) else a.T}
IN_PLACE = ("iadd", "isub", "imul", "idiv")
STATEMENTS = (*BINARY, *UNARY, *VIEWS, *IN_PLACE, "setitem", "item_iadd", "detach", "tensor",
              "snapshot", "no_grad_iadd", "no_grad_setitem")


def in_place(kind: str, a, b):
    if kind == "iadd":
        a += b
    elif kind == "isub":
        a -= b
    elif kind == "imul":
        a *= b
    else:
        a /= b
    return a


@dataclass
class World:
    """One engine's side of a program: its tensors, its snapshots, what it refused."""

    engine: str
    tensors: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    order_dependent: bool = False  # whether PyTorch's last write may depend on its order

    def tensor(self, values: np.ndarray, requires_grad: bool):
        if self.engine == "ours":
            return Tensor(values.copy(), requires_grad=requires_grad)
        return torch.tensor(values.copy(), dtype=torch.float64, requires_grad=requires_grad)

    def no_grad(self):
        return no_grad() if self.engine == "ours" else torch.no_grad()

    def values(self, t) -> np.ndarray:
        return t.data.copy() if self.engine == "ours" else t.detach().numpy().copy()

    def run(self, kind: str, i: int, j: int) -> None:
        """One statement on tensors i and j; a new tensor is appended, or one is written.
        A write takes b itself where b's shape fits the written place, else b's mean."""
        a, b = self.tensors[i], self.tensors[j]
        first = (0,)  # on a 0-d tensor an IndexError in both
        self.order_dependent = False
        if kind in (*IN_PLACE, "no_grad_iadd"):
            b = fitting(b, tuple(a.shape))
        elif kind in ("setitem", "item_iadd", "no_grad_setitem"):
            b = fitting(b, tuple(a.shape[1:]))
        if self.engine == "torch" and kind in (*IN_PLACE, "no_grad_iadd"):
            self.order_dependent = b.numel() > 1 and not (dense(a) and dense(b))
        elif self.engine == "torch" and kind in ("setitem", "item_iadd", "no_grad_setitem"):
            self.order_dependent = a.ndim > 0 and b.numel() > 1 and not (
                dense(a[first]) and dense(b.expand(a[first].shape)))  # x[i] = v broadcasts v
        if kind in BINARY:
            self.tensors.append(BINARY[kind](a, b))
        elif kind in UNARY:
            self.tensors.append(UNARY[kind](a))
        elif kind in VIEWS:
            self.tensors.append(VIEWS[kind](a))
        elif kind in IN_PLACE:
            self.tensors[i] = in_place(kind, a, b)
        elif kind == "setitem":
            a[first] = b
        elif kind == "item_iadd":
            a[first] += b
        elif kind == "detach":
            self.tensors.append(a.detach())
        elif kind == "tensor":  # a copy with no graph: Tensor(t) here, t.detach().clone() there
            self.tensors.append(Tensor(a) if self.engine == "ours" else a.detach().clone())
        elif kind == "snapshot":
            self.snapshots.append(np.array(a) if self.engine == "ours"
                                  else np.array(a.detach().numpy()))
        elif kind == "no_grad_iadd":
            with self.no_grad():
                a += b
        elif kind == "no_grad_setitem":
            with self.no_grad():
                a[first] = b


def dense(t) -> bool:
    """PyTorch's is_non_overlapping_and_dense: only where both sides of a write are dense
    does PyTorch look for a value that overlaps the place written (MemoryOverlap.cpp)."""
    block = 1
    for stride, size in sorted((stride, size) for stride, size in zip(t.stride(), t.shape)
                               if size != 1):
        if stride != block:
            return False
        block *= size
    return True


def fitting(b, shape: tuple):
    """b if it broadcasts to `shape` without changing it, else its mean (a number)."""
    try:
        fits = np.broadcast_shapes(tuple(b.shape), shape) == shape
    except ValueError:
        fits = False
    return b if fits else b.mean()


def attempt(action, *args, **kwargs) -> Exception | None:
    """The error `action(*args, **kwargs)` raised, or None."""
    try:
        action(*args, **kwargs)
    except (RuntimeError, ValueError, IndexError, TypeError) as error:
        return error
    return None


class Diverged(Exception):
    """Ours refused on purpose where PyTorch ran (a listed difference): from here on the
    two programs are different programs."""


def agree(ours: Exception | None, theirs: Exception | None, what: str,
          order_dependent: bool = False) -> bool:
    """Whether the statement ran in both (True) or was refused by both (False); else fail,
    unless ours refused on purpose (Diverged): a listed difference, or a write whose value
    of several elements overlaps its place where PyTorch does not look for overlap (its
    answer then depends on the order it writes the elements in)."""
    if ours is None and theirs is None:
        return True
    if ours is not None and theirs is not None:
        return False
    refused_order = OVERLAP in str(ours) and order_dependent
    if ours is not None and (refused_order or any(reason in str(ours) for reason in DELIBERATE)):
        raise Diverged(str(ours))
    raise AssertionError(f"{what}: tinygrad_nn {'raised ' + repr(ours) if ours else 'ran'}, "
                         f"PyTorch {'raised ' + repr(theirs) if theirs else 'ran'}")


def same_values(ours: World, theirs: World, where: str) -> None:
    """Every tensor holds the same values and requires grad alike in both engines (a
    tensor of ours that the graph left behind must say so when used)."""
    assert len(ours.tensors) == len(theirs.tensors), where
    for n, (mine, reference) in enumerate(zip(ours.tensors, theirs.tensors)):
        if mine.requires_grad != reference.requires_grad:
            error = attempt(mine.__add__, 0.0)
            if error is not None and any(reason in str(error) for reason in DELIBERATE):
                raise Diverged(str(error))
            raise AssertionError(f"tensor {n} after {where}: requires_grad {mine.requires_grad}"
                                 f" here, {reference.requires_grad} in PyTorch")
        np.testing.assert_allclose(ours.values(mine), theirs.values(reference), **TOLERANCE,
                                   err_msg=f"tensor {n} after {where}")
    for mine, reference in zip(ours.snapshots, theirs.snapshots):
        np.testing.assert_allclose(mine, reference, **TOLERANCE, err_msg=f"a snapshot, {where}")


def loss_of(world: World):
    """The sum of every tensor that requires grad (0 if none does)."""
    parts = [t.sum() for t in world.tensors if t.requires_grad]
    return sum(parts[1:], parts[0]) if parts else None


def same_gradients(ours: World, theirs: World, where: str) -> None:
    """The two leaves' gradients agree (None, before any reached them, on both sides)."""
    for mine, reference in zip(ours.tensors[:2], theirs.tensors[:2]):
        assert (mine.grad is None) == (reference.grad is None), where
        if mine.grad is not None:
            np.testing.assert_allclose(np.asarray(getattr(mine.grad, "data", mine.grad)),
                                       reference.grad.detach().numpy(), **TOLERANCE,
                                       err_msg=f"a leaf's gradient after {where}")


# a mutation run (mutmut sets MUTANT_UNDER_TEST) tries fewer programs per mutant
EXAMPLES = 40 if os.environ.get("MUTANT_UNDER_TEST") else 300
STATEMENT = st.tuples(st.sampled_from(STATEMENTS), st.integers(0, 50), st.integers(0, 50))


# PyTorch warns that create_graph=True ties a leaf to its gradient in a reference cycle (a
# leak in a long training loop); here every program builds new leaves and drops them
@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(program=[("add", 0, 0), ("element", 3, 0), ("no_grad_setitem", 3, 4)], seed=0,
         create_graph=False, momentum=0.0)  # x[0] = x[0, 0]: one number, read once
@example(program=[("mean", 0, 0), ("T", 3, 0), ("add", 4, 4)], seed=0,
         create_graph=False, momentum=0.0)  # .T of a 0-d tensor is itself
@given(program=st.lists(STATEMENT, min_size=3, max_size=12), seed=st.integers(0, 2**16),
       create_graph=st.booleans(), momentum=st.sampled_from([0.0, 0.9]))
def test_a_random_program_gives_pytorchs_values_gradients_and_refusals(program, seed,
                                                                       create_graph, momentum):
    with contextlib.suppress(Diverged):
        run_on_both(program, seed, create_graph, momentum)


def run_on_both(program: list, seed: int, create_graph: bool, momentum: float) -> None:
    rng = np.random.default_rng(seed)
    starts = [rng.uniform(-1.5, 1.5, (2, 3)) for _ in range(3)]
    ours, theirs = World("ours"), World("torch")
    for world in (ours, theirs):
        world.tensors = [world.tensor(v, requires_grad=n < 2) for n, v in enumerate(starts)]
    for number, (kind, i, j) in enumerate(program):
        i, j = i % len(ours.tensors), j % len(ours.tensors)
        where = f"statement {number} ({kind} {i} {j}) of {program}"
        before = len(ours.tensors)
        mine, reference = (attempt(w.run, kind, i, j) for w in (ours, theirs))
        if not agree(mine, reference, where, theirs.order_dependent):
            for world in (ours, theirs):  # a refused statement adds nothing
                del world.tensors[before:]
        same_values(ours, theirs, where)

    losses: list = [None, None]

    def make_loss(side: int, world: World) -> None:
        losses[side] = loss_of(world)

    if not agree(*(attempt(make_loss, n, w) for n, w in enumerate((ours, theirs))),
                 f"the loss of {program}") or losses[0] is None:
        return
    backward = [attempt(losses[0].backward, create_graph=create_graph),
                attempt(losses[1].backward, create_graph=create_graph, retain_graph=True)]
    if not agree(*backward, f"backward of {program}"):
        return
    same_gradients(ours, theirs, f"backward of {program}")

    # a step moves every leaf that has a gradient; the graph before it is then stale
    steps = [optim.SGD(ours.tensors[:2], lr=0.1, momentum=momentum),
             torch.optim.SGD(theirs.tensors[:2], lr=0.1, momentum=momentum)]
    for step in steps:
        step.step()
    same_values(ours, theirs, f"an SGD step after {program}")
    again = [attempt(loss.backward) for loss in losses]
    if agree(*again, f"a backward through the graph before the step, {program}"):
        same_gradients(ours, theirs, f"the second backward of {program}")
