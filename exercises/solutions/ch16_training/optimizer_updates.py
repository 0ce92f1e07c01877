"""Chapter 16, exercises ch16.sgd_momentum and ch16.rmsprop: reference solution."""

import numpy as np


def sgd_momentum_step(w, g, velocity, learning_rate=0.01, momentum=0.9, nesterov=False):
    """Reference solution."""
    new_velocity = momentum * velocity - learning_rate * g
    if nesterov:
        return w + momentum * new_velocity - learning_rate * g, new_velocity
    return w + new_velocity, new_velocity


def rmsprop_step(w, g, velocity, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """Reference solution."""
    new_velocity = rho * velocity + (1 - rho) * np.square(g)
    return w - learning_rate * g / np.sqrt(new_velocity + epsilon), new_velocity
