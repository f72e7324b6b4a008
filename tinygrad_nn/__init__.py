"""tinygrad_nn: an autograd micro-framework on numpy, written to be read."""

from tinygrad_nn import formulas, nn, optim
from tinygrad_nn.gradcheck import GradcheckError, gradcheck, numerical_grad
from tinygrad_nn.tensor import Tensor, no_grad

__all__ = [
    "GradcheckError",
    "Tensor",
    "formulas",
    "gradcheck",
    "nn",
    "no_grad",
    "numerical_grad",
    "optim",
]
