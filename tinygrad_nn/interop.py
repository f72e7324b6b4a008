"""The bridge to PyTorch: the same network, the same weights, in the other framework.

Learners who outgrow this engine move to PyTorch (GPUs, many machines). `to_torch` turns
a `Sequential` of `Linear` layers and activations into the equivalent
``torch.nn.Sequential`` and `from_torch` goes back, so a model trained here can be
fine-tuned there and the other way round. The one difference is the layout: our `Linear`
keeps W as (in, out), the articles' ``X @ W + b``; PyTorch keeps (out, in) and computes
``X @ W.T + b``. The weights cross the bridge transposed, as float64 unless asked otherwise.

PyTorch is optional: it is imported only when one of these functions is called.
"""

from __future__ import annotations

from typing import Any

from tinygrad_nn import nn

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


def _as_ours(name: str, tensor: Any) -> Any:
    """A PyTorch parameter as a float64 array in our layout (a weight transposed)."""
    values = tensor.detach().cpu().double().numpy()
    return values.T if name == "weight" else values


def to_torch(model: nn.Sequential, dtype: Any = None) -> Any:
    """The same network as a ``torch.nn.Sequential``, with copies of the weights.

    Each ``Linear(in, out)`` becomes ``torch.nn.Linear(in, out)`` whose weight is our
    W transposed to PyTorch's (out, in); activations map one to one, ``Softmax(axis)``
    to ``torch.nn.Softmax(dim=axis)``. A layer used twice stays one layer, used twice.
    ``dtype`` defaults to ``torch.float64``, so both compute the same numbers to the
    last bits.
    """
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"to_torch takes an nn.Sequential, got a {type(model).__name__}")
    activations = dict(_ACTIVATIONS)
    crossed: dict[int, Any] = {}  # id of our layer → its PyTorch twin
    for position, layer in enumerate(model):
        if id(layer) in crossed:
            continue
        kind = _kind(layer, position, "tinygrad_nn", [nn.Linear, nn.Softmax, *activations])
        if kind is nn.Linear:
            n_in, n_out = layer.weight.shape
            twin = torch.nn.Linear(n_in, n_out, bias=layer.bias is not None, dtype=dtype)
            with torch.no_grad():
                twin.weight.copy_(torch.from_numpy(layer.weight.data.T.copy()))
                if layer.bias is not None:
                    twin.bias.copy_(torch.from_numpy(layer.bias.data))
        elif kind is nn.Softmax:
            twin = torch.nn.Softmax(dim=layer.axis)
        else:
            twin = getattr(torch.nn, activations[kind])()
        crossed[id(layer)] = twin
    return torch.nn.Sequential(*[crossed[id(layer)] for layer in model])


def from_torch(module: Any) -> nn.Sequential:
    """A PyTorch ``Sequential`` of ``Linear`` layers and activations as our
    `nn.Sequential`, its weights copied as float64 and transposed to (in, out). A layer
    used twice stays one layer, used twice."""
    torch = _torch()
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got a {type(module).__name__}")
    activations = {getattr(torch.nn, name): ours for ours, name in _ACTIVATIONS}
    crossed: dict[int, nn.Module] = {}  # id of the PyTorch layer → ours
    for position, layer in enumerate(module):
        if id(layer) in crossed:
            continue
        kind = _kind(layer, position, "PyTorch", [torch.nn.Linear, torch.nn.Softmax, *activations])
        if kind is torch.nn.Linear:
            ours = nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None,
                             init="zeros")
            ours.load_state_dict({name: _as_ours(name, tensor)
                                  for name, tensor in layer.named_parameters()})
        elif kind is torch.nn.Softmax:
            ours = nn.Softmax(axis=-1 if layer.dim is None else layer.dim)
        else:
            ours = activations[kind]()
        crossed[id(layer)] = ours
    return nn.Sequential(*[crossed[id(layer)] for layer in module])
