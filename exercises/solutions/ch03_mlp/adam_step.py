"""Chapter 3: one step of the Adam optimizer that ``compile(optimizer="adam")`` chooses."""
import numpy as np  # noqa: F401


def adam_update(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Apply one Adam step to the weights ``w`` with gradient ``g``; return ``(w, m, v)``.

    ``m`` and ``v`` are Adam's running averages of the gradient and of its square (arrays
    shaped like ``w``, zeros before the first step); ``t`` is the number of this step,
    1 for the first. Return *new* arrays: do not modify the arguments. Use Keras's form
    of the rule (minikeras and Keras 3 both use it)::

        m     <- m + (1 - beta_1) * (g - m)          (i.e. beta_1 m + (1 - beta_1) g)
        v     <- v + (1 - beta_2) * (g² - v)
        alpha  = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w     <- w - alpha * m / (sqrt(v) + epsilon)

    The factor in ``alpha`` corrects the bias of ``m`` and ``v`` towards 0 in the first
    steps, when they have seen only a few gradients.
    """
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * np.square(g)
    alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v
