"""Nadam: Adam with Nesterov momentum, as in Keras 3 (Dozat's momentum schedule).

With ``u_t = beta_1 * (1 - 0.5 * 0.96**t)`` and a running product ``U_t = u_1 ... u_t``
(kept as an optimizer variable, so that it is saved with the rest of the state):
``m_hat = u_{t+1} m / (1 - U_t u_{t+1}) + (1 - u_t) g / (1 - U_t)``,
``v_hat = v / (1 - beta_2**t)``, ``w -= lr * m_hat / (sqrt(v_hat) + epsilon)``.
"""
import numpy as np

from . import kernels
from .optimizer import Optimizer, flat


class Nadam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        dtype = var_list[0].dtype if var_list else "float32"
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _before_updates(self):
        t = int(self._iterations.value) + 1
        dtype = self._u_product.value.dtype.type
        self._u_t = self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        self._u_t_1 = self.beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_product.value[...] = dtype(float(self._u_product.value) * self._u_t)
        self._u_product_t = float(self._u_product.value)
        self._beta_2_power = self.beta_2 ** t

    def _update(self, i, grad, var, lr):
        kernels.nadam(var, grad, flat(self._momentums[i]), flat(self._velocities[i]), lr, self.beta_1,
                      self.beta_2, self.epsilon, self._u_t, self._u_t_1, self._u_product_t,
                      self._u_product_t * self._u_t_1, self._beta_2_power)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
