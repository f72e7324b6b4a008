"""A small engine of your own: a Tensor that records its graph, its ops, the
backward walk and gradient descent, on numpy alone.

It is tinygrad_nn's engine cut down to what the chain rule needs (no guards, no
second derivatives). Some bodies are yours to write: each says what to compute
and gives a hint. `python -m tinygrad_nn.exercises check <this folder>` grades
them in order.
"""

from .optim import SGD, Adam
from .tensor import Tensor, apply, backward_pass, topological_order

__all__ = ["SGD", "Adam", "Tensor", "apply", "backward_pass", "topological_order"]
