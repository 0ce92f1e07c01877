"""RMSprop: divide the step by a running root-mean-square of recent gradients.

Keras 3's rule (defaults rho=0.9, epsilon=1e-7): ``v = rho * v + (1 - rho) * g**2``;
``w -= lr * g / sqrt(v + epsilon)``. ``centered`` subtracts the square of a running mean
of g inside the root; ``momentum`` accumulates the increments.
"""
import numpy as np

from . import kernels
from .optimizer import Optimizer, flat

_EMPTY = np.zeros(0, dtype="float32")


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = (self.add_optimizer_variables(var_list, "average_gradient")
                                   if self.centered else [])

    def _update(self, i, grad, var, lr):
        if not self._momentums and not self._average_gradients:  # the default rule: its own small kernel
            kernels.rmsprop_plain(var, grad, flat(self._velocities[i]), lr, self.rho, self.epsilon)
            return
        kernels.rmsprop(var, grad, flat(self._velocities[i]),
                        flat(self._momentums[i]) if self._momentums else _EMPTY,
                        flat(self._average_gradients[i]) if self._average_gradients else _EMPTY,
                        lr, self.rho, self.momentum, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
