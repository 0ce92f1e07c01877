"""Chapter 16, exercises ch16.sgd_momentum and ch16.rmsprop: one optimizer step, by hand.

An optimizer turns a gradient into a change of the weights. Write two of
Keras 3's rules in NumPy. Each function gets the weights ``w``, their gradient
``g`` and the optimizer's state for these weights, and returns the NEW weights
and the NEW state (do not modify the arrays you receive). The tests run your
steps side by side with ``keras.optimizers.SGD`` / ``RMSprop`` on the same
gradients. (Adam is chapter 3's exercise.)
"""

import numpy as np


def sgd_momentum_step(w, g, velocity, learning_rate=0.01, momentum=0.9, nesterov=False):
    """One step of SGD with momentum, Keras 3's rule. Return ``(new_w, new_velocity)``.

    ``velocity`` starts at zeros (same shape as ``w``) and becomes
    ``momentum * velocity - learning_rate * g``. Then

    * plain momentum: ``w + new_velocity``;
    * Nesterov momentum: ``w + momentum * new_velocity - learning_rate * g``
      (the step looks ahead along the velocity).
    """
    raise NotImplementedError("ch16.sgd_momentum: implement sgd_momentum_step()")


def rmsprop_step(w, g, velocity, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """One step of RMSprop, Keras 3's rule. Return ``(new_w, new_velocity)``.

    ``velocity`` (zeros at first) is a running mean of the squared gradient:
    ``rho * velocity + (1 - rho) * g**2``. The step divides the gradient by its
    root: ``w - learning_rate * g / sqrt(new_velocity + epsilon)``. Note where
    ``epsilon`` goes: inside the square root (Adam puts it outside).
    """
    raise NotImplementedError("ch16.rmsprop: implement rmsprop_step()")
