"""What a tensor is called in a drawing: the name it was given, its name in the
model, or the expression that made it ("x @ w1", "σ(a) × tanh(a)").

A title is built from the op and its operands' titles and remembers how it was
built (`bare`, `named`), so putting it inside another expression never has to
read the text back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tinygrad_nn.tensor import Tensor
from tinygrad_nn.viz.style import number

LONGEST = 24  # characters; a longer expression shortens its operands that are expressions


@dataclass(frozen=True)
class Title:
    text: str
    bare: bool  # needs no parentheses as an operand: a name, a number, a call, −x, |x|, x[…]
    named: bool  # a name or number, kept whole when a long expression is shortened


ELLIPSIS = Title("…", bare=True, named=True)


def titles(tensors: list[Tensor], number: Callable[[Tensor], int],
           model: Any = None) -> list[Title]:
    """The title of each tensor of `tensors`, a topological order (inputs first,
    so that an expression can use its operands' titles); `number` gives a
    tensor's position in it."""
    in_model = {id(p): name for name, p in model.named_parameters()} if model is not None else {}
    found: list[Title] = []
    for t in tensors:
        name = _parameter_title(t, in_model.get(id(t))) or t.name
        if name:
            found.append(Title(name, bare=True, named=True))
        elif t._op is None:
            found.append(_leaf_title(t))
        else:
            found.append(_made_title(t._op, [found[number(p)] for p in t._op.inputs]))
    return found


def _parameter_title(t: Tensor, name_in_model: str | None) -> str | None:
    """A layer's parameter left with its default name ("weight") is titled by its
    name in the model ("0.weight"); a name the user gave ("w1") is kept."""
    if name_in_model is not None and t.name in (None, name_in_model.rpartition(".")[2]):
        return name_in_model
    return None


def _leaf_title(t: Tensor) -> Title:
    """An unnamed leaf: its value if it is one number, else what kind of leaf it is."""
    if t.size == 1:
        text = number(t.item())
    else:
        text = "parameter" if t.requires_grad else "input"
    return Title(text, bare=True, named=True)


def _made_title(op: Any, operands: list[Title]) -> Title:
    """The expression that made a tensor, its operands that are themselves
    expressions shortened to "…" when the whole would be longer than LONGEST."""
    title = expression(op, operands)
    if len(title.text) > LONGEST:
        title = expression(op, [a if a.named else ELLIPSIS for a in operands])
    return title


def operand(title: Title) -> str:
    """`title` as it is written inside an expression: in parentheses unless bare."""
    return title.text if title.bare else f"({title.text})"


def op_label(op: Any) -> str:
    """The text in an op's oval: its symbol, and a power's exponent."""
    exponent = getattr(op, "exponent", None)
    return op.symbol if exponent is None else f"{op.symbol} {number(exponent)}"


def expression(op: Any, operands: list[Title]) -> Title:
    """How the op's output is written. A power: x ** 2. An op with a `notation`
    ("{0} + {1}", "−{0}", "|{0}|", "{0}[…]"): the operands put in, each in
    parentheses unless bare or between the notation's own brackets; the result is
    bare unless the notation is infix (an operator between two operands).
    Otherwise a call, symbol(operands), bare when the symbol is one word."""
    if hasattr(op, "exponent"):
        return Title(f"{operand(operands[0])} ** {number(op.exponent)}", bare=False, named=False)
    if not op.notation:
        text = f"{op.symbol}({', '.join(a.text for a in operands)})"
        return Title(text, bare=" " not in op.symbol, named=False)
    written = [a.text if _enclosed(op.notation, i) else operand(a) for i, a in enumerate(operands)]
    infix = op.notation.startswith("{0}") and op.notation.endswith("}")
    return Title(op.notation.format(*written), bare=not infix, named=False)


def _enclosed(notation: str, i: int) -> bool:
    """Whether the notation writes operand i between brackets of its own, a call's
    parentheses or |…|, where it needs no parentheses of its own."""
    placeholder = f"{{{i}}}"
    start = notation.index(placeholder)
    before, after = notation[:start].rstrip(), notation[start + len(placeholder):]
    return before.endswith(("(", "|", ",")) and after.startswith((")", "|", ","))
