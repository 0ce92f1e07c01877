"""Instructor probes for chapter 18 (complete; do not edit).

``check_gradient(fn, x)`` records ``fn`` on a GradientTape. When the grader runs your
code in a separate process, a function of the test's process cannot be recorded on
your tape (its tensors live elsewhere), so the functions checked here are defined
in this module and run next to your code; the test names them. Run locally, they
simply run in the test's process.
"""

import numpy as np

from gradient_check import check_gradient, numeric_gradient
from minikeras import layers, ops


def broken_softplus(x):
    """softplus with a wrong hand-written gradient (sigmoid(x) forgotten: it returns g)."""
    def forward(x):
        return np.log1p(np.exp(x)), lambda g: (g,)
    return ops.apply(forward, x)


def slightly_wrong_square(t):
    """x * x with a gradient 1% too large."""
    def forward(a):
        return a * a, lambda g: (g * 2.02 * a,)
    return ops.apply(forward, t)


def function_named(name, w=None):
    """The function ``name`` (``w``: the weights of the matmul or Dense ones)."""
    if name == "tanh_matmul":
        return lambda t: ops.tanh(ops.matmul(t, np.asarray(w)))
    if name == "dense_sigmoid":
        dense = layers.Dense(np.shape(w[0])[1], activation="sigmoid", dtype="float64")
        dense.build((None, np.shape(w[0])[0]))
        dense.set_weights([np.asarray(a) for a in w])
        return lambda t: dense(t)
    return {"softplus": ops.softplus, "softmax": ops.softmax, "broken_softplus": broken_softplus,
            "slightly_wrong_square": slightly_wrong_square}[name]


def check_gradient_of(name, x, w=None, seed=None):
    """``check_gradient(function_named(name, w), x)`` (with ``seed`` when given)."""
    fn = function_named(name, w)
    if seed is None:
        return check_gradient(fn, np.asarray(x))
    return check_gradient(fn, np.asarray(x), seed=seed)


def numeric_gradient_keeps_x(x):
    """``numeric_gradient`` of ``sum(x ** 3)`` at ``x``, and ``x`` afterwards (it must not move)."""
    x = np.array(x, dtype=np.float64)
    grad = numeric_gradient(lambda a: float(np.sum(np.asarray(a) ** 3)), x)
    return {"grad": np.asarray(grad), "x_after": x}
