"""The articles' hand-derived gradients, in plain numpy, with their derivations.

Nothing here uses the autograd engine: these are the formulas the articles
derive on paper, written with the articles' own names and array layouts, so
that the tests can check them three ways (formula = autograd = finite
differences). Each docstring gives the derivation in a few lines.

Notation: m samples; σ(z) = 1/(1 + e⁻ᶻ); ⊙ is the elementwise product; the
binary cross-entropy cost is C = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)].
"""

from __future__ import annotations

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow: only e^−|z| ≤ 1 is ever computed."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---- local derivatives -------------------------------------------------------


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z)).

    σ = (1 + e⁻ᶻ)⁻¹, so σ' = e⁻ᶻ/(1 + e⁻ᶻ)² = σ · e⁻ᶻ/(1 + e⁻ᶻ) = σ(1 − σ).
    """
    s = _sigmoid(z)
    return s * (1 - s)


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z).

    tanh = sinh/cosh, so tanh' = (cosh² − sinh²)/cosh² = 1 − tanh².
    """
    return 1 - np.tanh(z) ** 2


def relu_prime(z: np.ndarray) -> np.ndarray:
    """relu'(z) = 1 where z > 0, else 0 (at z = 0 we take 0, as PyTorch does)."""
    return (np.asarray(z) > 0).astype(float)


# ---- article 003: linear regression with mean squared error -----------------


def linear_regression_gradients(X: np.ndarray, y_: np.ndarray, w: np.ndarray,
                                b: float) -> tuple[np.ndarray, float]:
    """Gradient of the mean squared error E = (1/m) Σᵢ (y_ᵢ − yᵢ)² of the
    prediction y = X @ w + b, for X of shape (m, n) (one house per row), true
    values y_ (m,) (article 003 writes y_ for the true price, y for the
    prediction) and weights w (n,).

    dE/dyᵢ = −(2/m)(y_ᵢ − yᵢ) and dyᵢ/dwⱼ = Xᵢⱼ, dyᵢ/db = 1, so
    dE/dw = −(2/m) Xᵀ(y_ − y),   dE/db = −(2/m) Σᵢ (y_ᵢ − yᵢ).
    Returns (dE/dw, dE/db).
    """
    error = y_ - (X @ w + b)
    m = len(X)
    return -2 / m * X.T @ error, -2 / m * float(np.sum(error))


def one_feature_gradients(x: np.ndarray, y_: np.ndarray, W: float, b: float) -> dict:
    """Article 003's first network, price = W·area + b: dE/dW = −(2/m) Σ (y_ − y)·x,
    dE/db = −(2/m) Σ (y_ − y). Returns {"dW", "db"}."""
    dw, db = linear_regression_gradients(np.reshape(x, (-1, 1)), y_, np.array([W]), b)
    return {"dW": float(dw[0]), "db": db}


def two_feature_gradients(x1: np.ndarray, x2: np.ndarray, y_: np.ndarray,
                          w1: float, w2: float, b: float) -> dict:
    """Article 003's second network, price = w1·area + w2·bathrooms + b:
    dE/dwₖ = −(2/m) Σ (y_ − y)·xₖ, dE/db = −(2/m) Σ (y_ − y). Returns {"dw1", "dw2", "db"}."""
    dw, db = linear_regression_gradients(np.column_stack([x1, x2]), y_, np.array([w1, w2]), b)
    return {"dw1": float(dw[0]), "dw2": float(dw[1]), "db": db}


# ---- article 003: softmax with cross-entropy ---------------------------------


def softmax_cross_entropy_gradient(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """d/dz of C = −(1/n) Σᵢ log softmax(zᵢ)[labelᵢ], for logits z of shape (n, classes).

    One sample with label k costs ℓ = −log softmax(z)ₖ = −zₖ + log Σⱼ e^{zⱼ}, so
    dℓ/dzⱼ = −δₖⱼ + e^{zⱼ}/Σ e^{z} = softmax(z)ⱼ − δₖⱼ: dℓ/dz = softmax(z) − onehot(k).
    Averaged over the n samples: dC/dz = (softmax(z) − onehot(labels)) / n.
    """
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = shifted / shifted.sum(axis=1, keepdims=True)
    onehot = np.eye(logits.shape[1])[labels]
    return (probs - onehot) / len(logits)


# ---- article 004: logistic regression (one sigmoid neuron) ------------------


def logistic_regression_gradients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                                  b: float) -> dict:
    """Article 004's backward pass for z = X·w + b, a = σ(z) and the cross-entropy C.

    Layout as in the article's code: X (m, n) with one flattened image per row
    ((209, 12288) for the cats), w (n, 1), y and a (m, 1). The course this example
    comes from puts samples in columns instead, X (12288, m), z = wᵀX + b; there
    dw = X·dzᵀ/m, the same product as below written with the transposed arrays.

    dC/da = (a − y)/(a(1 − a))/m and da/dz = a(1 − a), so
    dz = a − y                     (per sample; dC/dz = dz/m)
    dw = (1/m) Xᵀ dz,   db = (1/m) Σ dz.
    Returns {"dz", "dw", "db"}, the article's names.
    """
    a = _sigmoid(X @ w + b)
    dz = a - y
    m = len(X)
    return {"dz": dz, "dw": X.T @ dz / m, "db": float(np.sum(dz)) / m}


# ---- article 001: 1-2-1 sigmoid network, cross-entropy ----------------------


def sigmoid_network_gradients(X: np.ndarray, y: np.ndarray, w1: np.ndarray, b1: np.ndarray,
                              w2: np.ndarray, b2: float, reduction: str = "mean") -> dict:
    """Article 001's gradients, computed as its code does, for
    a1 = σ(X·w1 + b1), output = σ(a1·w2 + b2), with X (m, 1), y (m, 1), w1 (1, 2),
    b1 (2,) or (1, 2), w2 (2, 1), b2 a number.

    With z2 = a1·w2 + b2 and ŷ = output:
    dC/dz2 = (ŷ − y)/m = res/m                        (σ' cancels the log's 1/(ŷ(1 − ŷ)))
    dC/dw2 = a1ᵀ·res / m,   dC/db2 = Σ res / m
    dC/dz1 = (res·w2ᵀ) ⊙ a1(1 − a1) / m = d_b1_v / m   (one row per sample)
    dC/db1 = Σ_rows d_b1_v / m,   dC/dw1 = Xᵀ·d_b1_v / m

    reduction="mean" divides by m, as the article's step-by-step derivation
    (the gradient of the mean cost C); reduction="sum" does not, as the
    `backprop` method of its NeuralNetwork class (the gradient of m·C, which it
    applies with lr = 0.1). Returns {"res", "d_w2", "d_b2", "d_b1_v", "d_b1", "d_w1"};
    d_b1 has shape (2,), as in the article, whatever the shape of b1.
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")
    divisor = len(X) if reduction == "mean" else 1
    a1 = _sigmoid(np.dot(X, w1) + b1)
    output = _sigmoid(np.dot(a1, w2) + b2)
    res = output - y
    d_b1_v = np.dot(res, w2.T) * a1 * (1 - a1)
    return {
        "res": res,
        "d_w2": np.dot(a1.T, res) / divisor,
        "d_b2": np.sum(res) / divisor,
        "d_b1_v": d_b1_v,
        "d_b1": np.sum(d_b1_v, axis=0) / divisor,
        "d_w1": np.dot(X.T, d_b1_v) / divisor,
    }


# ---- article 000: the playground's tanh/sigmoid network ----------------------


def tanh_sigmoid_network_gradients(X: np.ndarray, y: np.ndarray, w1: np.ndarray,
                                   b1: np.ndarray, w2: np.ndarray, b2: float) -> dict:
    """Article 000's backward pass, in its layout: one sample per *column*.
    X (n_features, m), y (1, m), w1 (n_hidden, n_features), b1 (n_hidden, 1),
    w2 (1, n_hidden), b2 a number; a1 = tanh(w1·X + b1), a2 = σ(w2·a1 + b2).
    (Our `nn.Linear` uses rows: its weight is w1ᵀ and its gradient dw1ᵀ.)

    dz2 = a2 − y                         (dC/dz2 = dz2/m: σ' cancels the log's)
    dw2 = (1/m) dz2·a1ᵀ,   db2 = (1/m) Σ dz2
    dz1 = (w2ᵀ·dz2) ⊙ (1 − a1²)          (tanh' = 1 − tanh²)
    dw1 = (1/m) dz1·Xᵀ,    db1 = (1/m) Σ_columns dz1   (shape (n_hidden, 1))
    Returns {"dz2", "dw2", "db2", "dz1", "dw1", "db1"}.
    """
    m = X.shape[1]
    a1 = np.tanh(np.dot(w1, X) + b1)
    a2 = _sigmoid(np.dot(w2, a1) + b2)
    dz2 = a2 - y
    dz1 = np.dot(w2.T, dz2) * (1 - a1**2)
    return {
        "dz2": dz2,
        "dw2": np.dot(dz2, a1.T) / m,
        "db2": np.sum(dz2) / m,
        "dz1": dz1,
        "dw1": np.dot(dz1, X.T) / m,
        "db1": np.sum(dz1, axis=1, keepdims=True) / m,
    }
