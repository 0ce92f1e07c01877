"""Adam and AdamW: steps scaled by bias-corrected running moments of the gradient.

Keras 3's rule (epsilon=1e-7): ``m += (g - m) * (1 - beta_1)``,
``v += (g**2 - v) * (1 - beta_2)``, ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``,
``w -= alpha * m / (sqrt(v) + epsilon)`` where t counts steps from 1. AdamW is Adam with
decoupled weight decay (``w *= 1 - weight_decay * lr`` before the step; default 0.004).
"""
import math

import numpy as np

from . import kernels
from .optimizer import Optimizer, flat

_EMPTY = np.zeros(0, dtype="float32")


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat") if self.amsgrad else []

    def _before_updates(self):
        t = int(self._iterations.value) + 1
        self._bias_correction = math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)

    def _update(self, i, grad, var, lr):
        kernels.adam(var, grad, flat(self._momentums[i]), flat(self._velocities[i]),
                     flat(self._velocity_hats[i]) if self.amsgrad else _EMPTY,
                     lr * self._bias_correction, self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
