"""Chapter 18, exercise ch18.gradient_check: trust, but check your gradients.

A wrong backward pass does not crash: the model just learns badly. The habit
that catches it is the *gradient check*: compare the gradient the tape computes
with a finite-difference estimate. Write the three pieces; the tests use them on
minikeras' own operations (where they must agree) and on a broken one (where
they must not).
"""

import numpy as np

import minikeras as keras
from minikeras import ops


def numeric_gradient(f, x, eps=1e-5):
    """Central finite differences of a scalar function ``f`` at the array ``x``.

    ``f`` takes a float64 array shaped like ``x`` and returns a float. For each
    entry ``i`` of ``x``: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, where
    ``e_i`` is 1 at ``i`` and 0 elsewhere. Return a float64 array shaped like
    ``x``. Work on a float64 copy; leave ``x`` unchanged.
    """
    raise NotImplementedError("ch18.gradient_check: implement numeric_gradient()")


def relative_error(a, b):
    """Largest relative difference between two arrays of the same shape.

    ``max over entries of |a - b| / max(|a| + |b|, 1e-12)``: 0 for identical
    arrays, about 1 when they have nothing in common, scale-free in between.
    Return a float.
    """
    raise NotImplementedError("ch18.gradient_check: implement relative_error()")


def check_gradient(fn, x, seed=0):
    """Relative error between the tape's gradient and the numeric one, for ``fn`` at ``x``.

    ``fn`` maps a minikeras Tensor to a Tensor (written with ``minikeras.ops``).
    To check all of its outputs at once, reduce them with fixed random weights:
    ``loss(x) = sum(fn(x) * r)`` with ``r = np.random.default_rng(seed).normal(size=out_shape)``.

    1. the tape's gradient: ``t = ops.convert_to_tensor(x, dtype="float64")``;
       under ``keras.GradientTape()``, ``tape.watch(t)``, compute the loss, then
       ``tape.gradient(loss, t)``;
    2. the numeric gradient of the same loss (as a function of a NumPy array);
    3. return ``relative_error`` of the two.

    Work in float64: float32 finite differences are too noisy to check anything.
    Careful: minikeras turns float64 NumPy arrays into float32 tensors unless you
    ask for float64 (``ops.convert_to_tensor(array, dtype="float64")``), also
    when such an array meets a tensor in ``t * array``.
    """
    raise NotImplementedError("ch18.gradient_check: implement check_gradient()")
