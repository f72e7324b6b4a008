"""The bridge to PyTorch: the same network, the same weights, in the other framework.

Learners who outgrow this engine move to PyTorch (GPUs, many machines). `to_torch` turns
a `Sequential` of `Linear` layers and activations into the equivalent
``torch.nn.Sequential`` and `from_torch` goes back, so a model trained here can be
fine-tuned there and the other way round. The one difference is the layout: our `Linear`
keeps W as (in, out), the articles' ``X @ W + b``; PyTorch keeps (out, in) and computes
``X @ W.T + b``. The weights cross the bridge transposed, as float64 unless asked otherwise.
What the weights are crosses too: one weight shared by two layers stays one weight, and a
frozen one (requires_grad=False) stays frozen. Hooks cannot cross (this engine has none):
a PyTorch module with hooks is refused rather than carried without them.

PyTorch is optional: it is imported only when one of these functions is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_nn import nn
from tinygrad_nn.tensor import Tensor

# The hooks a PyTorch module keeps, each a dict that is empty when none is registered.
_HOOKS = {
    "_forward_pre_hooks": "a forward pre-hook",
    "_forward_hooks": "a forward hook",
    "_backward_pre_hooks": "a backward pre-hook",
    "_backward_hooks": "a backward hook",
}

# Our activation modules and PyTorch's, one pair per kind of layer without weights.
_ACTIVATIONS = (
    (nn.Sigmoid, "Sigmoid"),
    (nn.Tanh, "Tanh"),
    (nn.ReLU, "ReLU"),
    (nn.Identity, "Identity"),
)


def _torch() -> Any:
    """PyTorch, or an ImportError that names what to install."""
    try:
        import torch
    except ImportError as err:
        raise ImportError(
            "tinygrad_nn.interop needs PyTorch, which is optional: "
            "pip install tinygrad-nn[torch]  (a CPU build is enough: "
            "pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        ) from err
    return torch


def _unsupported(layer: Any, position: int, side: str) -> TypeError:
    kinds = ", ".join(["Linear", "Softmax"] + [name for _, name in _ACTIVATIONS])
    return TypeError(
        f"layer {position} of the {side} Sequential is a {type(layer).__name__}; "
        f"the bridge carries {kinds}"
    )


def _kind(layer: Any, position: int, side: str, kinds: list[type]) -> type:
    """Which of `kinds` the layer is, matched exactly: a subclass with a forward of its own
    would cross as its parent, its own computation silently lost, so it is refused."""
    for kind in kinds:
        if type(layer) is kind:
            return kind
        if isinstance(layer, kind):
            if type(layer).forward is kind.forward:
                return kind
            raise TypeError(
                f"layer {position} of the {side} Sequential is a {type(layer).__name__}, a "
                f"subclass of {kind.__name__} with a forward of its own, which the bridge cannot "
                f"carry: it would cross as a plain {kind.__name__}"
            )
    raise _unsupported(layer, position, side)


def _refuse_hooks(module: Any, where: str) -> None:
    """A TypeError if `module` has hooks: they change what it computes, and a copy made
    without them would compute something else without a word."""
    for attribute, hook in _HOOKS.items():
        if getattr(module, attribute, None):
            raise TypeError(
                f"{where} has {hook} registered, which the bridge cannot carry (this engine "
                "has no hooks); without it the copy would compute something else. Remove it "
                "(the handle that registering returned has .remove()) before from_torch, and "
                "apply what it does to our model's inputs or outputs yourself"
            )


def _linear_to_torch(layer: nn.Linear, dtype: Any, crossed: dict[int, Any]) -> Any:
    """``torch.nn.Linear`` with `layer`'s weights transposed to (out, in). `crossed` maps
    our tensors to the Parameters made for them, so a tensor shared by two layers
    becomes one Parameter shared by their twins."""
    torch = _torch()
    n_in, n_out = layer.weight.shape
    twin = torch.nn.Linear(n_in, n_out, bias=layer.bias is not None, dtype=dtype)
    for name, tensor in layer.named_tensors():
        if id(tensor) not in crossed:
            values = tensor.data.T if name == "weight" else tensor.data
            crossed[id(tensor)] = torch.nn.Parameter(torch.tensor(values, dtype=dtype),
                                                     requires_grad=tensor.requires_grad)
        setattr(twin, name, crossed[id(tensor)])
    return twin


def _linear_from_torch(layer: Any, crossed: dict[int, Tensor]) -> nn.Linear:
    """Our Linear with `layer`'s Parameters copied as float64 in the (in, out) layout.
    `crossed` maps PyTorch's Parameters to the Tensors made for them, so a Parameter
    shared by two layers becomes one Tensor shared by ours."""
    n_out, n_in = layer.weight.shape
    ours = nn.Linear(n_in, n_out, bias=layer.bias is not None, init="zeros")
    for name, parameter in layer.named_parameters():
        if id(parameter) not in crossed:
            values = parameter.detach().cpu().double().numpy()
            values = np.array(values.T if name == "weight" else values)  # a copy of its own
            crossed[id(parameter)] = Tensor(values, requires_grad=parameter.requires_grad,
                                            name=name)
        setattr(ours, name, crossed[id(parameter)])
    return ours


def to_torch(model: nn.Sequential, dtype: Any = None) -> Any:
    """The same network as a ``torch.nn.Sequential``, with copies of the weights.

    Each ``Linear(in, out)`` becomes ``torch.nn.Linear(in, out)`` whose weight is our
    W transposed to PyTorch's (out, in); activations map one to one, ``Softmax(axis)``
    to ``torch.nn.Softmax(dim=axis)``. A layer used twice stays one layer, used twice.
    ``dtype`` defaults to ``torch.float64``, so both compute the same numbers to the
    last bits. A weight shared by two layers becomes one Parameter shared by both; a
    frozen weight (requires_grad=False) becomes a frozen Parameter.
    """
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"to_torch takes an nn.Sequential, got a {type(model).__name__}")
    activations = dict(_ACTIVATIONS)
    crossed: dict[int, Any] = {}  # id of our layer → its PyTorch twin
    parameters: dict[int, Any] = {}  # id of our tensor → its Parameter
    for position, layer in enumerate(model):
        if id(layer) in crossed:
            continue
        kind = _kind(layer, position, "tinygrad_nn", [nn.Linear, nn.Softmax, *activations])
        if kind is nn.Linear:
            twin = _linear_to_torch(layer, dtype, parameters)
        elif kind is nn.Softmax:
            twin = torch.nn.Softmax(dim=layer.axis)
        else:
            twin = getattr(torch.nn, activations[kind])()
        crossed[id(layer)] = twin
    return torch.nn.Sequential(*[crossed[id(layer)] for layer in model])


def from_torch(module: Any) -> nn.Sequential:
    """A PyTorch ``Sequential`` of ``Linear`` layers and activations as our
    `nn.Sequential`, its weights copied as float64 and transposed to (in, out). A layer
    used twice stays one layer, used twice; a Parameter shared by two layers becomes one
    Tensor shared by both; a frozen Parameter becomes a Tensor with requires_grad=False.
    A module with hooks, or a layer with hooks, is refused: they cannot cross."""
    torch = _torch()
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got a {type(module).__name__}")
    _refuse_hooks(module, "the PyTorch Sequential")
    for position, layer in enumerate(module):
        _refuse_hooks(layer, f"layer {position} of the PyTorch Sequential ({type(layer).__name__})")
    activations = {getattr(torch.nn, name): ours for ours, name in _ACTIVATIONS}
    crossed: dict[int, nn.Module] = {}  # id of the PyTorch layer → ours
    tensors: dict[int, Tensor] = {}  # id of a PyTorch Parameter → our Tensor
    for position, layer in enumerate(module):
        if id(layer) in crossed:
            continue
        kind = _kind(layer, position, "PyTorch", [torch.nn.Linear, torch.nn.Softmax, *activations])
        if kind is torch.nn.Linear:
            ours = _linear_from_torch(layer, tensors)
        elif kind is torch.nn.Softmax:
            ours = nn.Softmax(axis=-1 if layer.dim is None else layer.dim)
        else:
            ours = activations[kind]()
        crossed[id(layer)] = ours
    return nn.Sequential(*[crossed[id(layer)] for layer in module])
