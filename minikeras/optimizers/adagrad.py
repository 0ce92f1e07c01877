"""Adagrad and Adadelta: per-coordinate step sizes from accumulated squared gradients.

Adagrad (Keras 3; initial_accumulator_value=0.1, epsilon=1e-7): ``a += g**2``;
``w -= lr * g / sqrt(a + epsilon)``.
Adadelta (rho=0.95, epsilon=1e-7): ``a = rho*a + (1-rho)*g**2``;
``d = -sqrt(s + epsilon) / sqrt(a + epsilon) * g``; ``s = rho*s + (1-rho)*d**2``; ``w += lr * d``.
"""
from . import kernels
from ..initializers import Constant
from .optimizer import Optimizer, flat


class Adagrad(Optimizer):
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=Constant(self.initial_accumulator_value))

    def _update(self, i, grad, var, lr):
        kernels.adagrad(var, grad, flat(self._accumulators[i]), lr, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def _update(self, i, grad, var, lr):
        kernels.adadelta(var, grad, flat(self._accumulated_grads[i]), flat(self._accumulated_delta_vars[i]),
                         lr, self.rho, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
