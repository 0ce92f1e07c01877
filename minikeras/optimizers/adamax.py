"""Adamax: Adam with the infinity norm in place of the second moment.

Keras 3's rule: ``m += (g - m) * (1 - beta_1)``, ``u = max(beta_2 * u, |g|)``,
``w -= lr * m / ((1 - beta_1**t) * (u + epsilon))`` where t counts steps from 1. The
max makes the step size insensitive to rare huge gradients (Kingma and Ba, 2015, sec. 7).
"""
from . import kernels
from .optimizer import Optimizer, flat


class Adamax(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def _before_updates(self):
        self._bias_correction = 1.0 / (1.0 - self.beta_1 ** (int(self._iterations.value) + 1))

    def _update(self, i, grad, var, lr):
        kernels.adamax(var, grad, flat(self._m[i]), flat(self._u[i]), lr * self._bias_correction,
                       self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
