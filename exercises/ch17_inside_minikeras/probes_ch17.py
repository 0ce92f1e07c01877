"""Instructor probes for chapter 17 (complete; do not edit).

When the grader runs your code in a separate process, a ``tinygraph.Value`` or a
minikeras ``Tensor`` cannot be handed to it: they are live objects with their own
functions. So the test describes its graph as *data*, a program of steps
``("leaf", array)`` / ``("mul", i, j)`` (``i``, ``j``: earlier steps), and these
probes build it next to your code, run your code on it and return plain arrays (the
gradients), which the test compares with minikeras's own tape. Run locally, they
simply run in the test's process.
"""

import numpy as np

import minikeras as keras
import tinygraph as tg
from backward_fix import scaled_bias_add
from minikeras import ops
from tiny_autodiff import backward, topological_order


def build(program):
    """The ``tinygraph.Value`` of every step of ``program``."""
    nodes = []
    for op, *args in program:
        if op == "leaf":
            nodes.append(tg.leaf(np.asarray(args[0])))
        else:
            nodes.append(getattr(tg, op)(*[nodes[i] for i in args]))
    return nodes


def run_backward(program, wanted=None):
    """Build ``program``, call ``backward`` on its last step; the ``.grad`` of the steps
    in ``wanted`` (default: every step), None where it stayed None."""
    nodes = build(program)
    backward(nodes[-1])
    wanted = range(len(nodes)) if wanted is None else wanted
    return [None if nodes[i].grad is None else np.asarray(nodes[i].grad) for i in wanted]


def topological_positions(program):
    """Build ``program`` and call ``topological_order`` on its last step: the step
    number of each node in the order (-1 for a node that is not one of the steps)."""
    nodes = build(program)
    step = {id(n): i for i, n in enumerate(nodes)}
    return [step.get(id(n), -1) for n in topological_order(nodes[-1])]


def scaled_bias_add_on_tape(x, bias, scale, output_gradient, bias_is_variable=False):
    """``y = scaled_bias_add(x, bias, scale)`` on a GradientTape that watches ``x`` and
    ``bias`` (a Variable when ``bias_is_variable``). Returns ``y``, the gradients for
    ``x`` and ``bias`` given ``output_gradient``, and what the tape recorded as ``y``'s
    inputs (their values, and whether they are ``x`` and ``bias`` themselves)."""
    xt = ops.convert_to_tensor(np.asarray(x))
    bt = ops.Variable(np.asarray(bias)) if bias_is_variable else ops.convert_to_tensor(np.asarray(bias))
    with keras.GradientTape() as tape:
        tape.watch(xt)
        if not bias_is_variable:
            tape.watch(bt)
        y = scaled_bias_add(xt, bt, scale)
    parents = list(getattr(y, "_parents", None) or [])
    grad_x, grad_b = tape.gradient(y, [xt, bt], output_gradients=np.asarray(output_gradient))
    return {"y": np.asarray(y.numpy()),
            "grads": [None if g is None else np.asarray(g.numpy()) for g in (grad_x, grad_b)],
            "parents": [np.asarray(p.numpy()) for p in parents],
            "parents_are_x_and_bias": len(parents) == 2 and parents[0] is xt and parents[1] is bt}


def sgd_step_on_bias(x, scale, learning_rate, units):
    """``bias = Variable(zeros(units))``; one ``SGD(learning_rate)`` step on
    ``sum(scaled_bias_add(x, bias, scale))``; the bias afterwards."""
    bias = ops.Variable(np.zeros(units, "float32"))
    optimizer = keras.optimizers.SGD(learning_rate)
    with keras.GradientTape() as tape:
        loss = ops.sum(scaled_bias_add(np.asarray(x), bias, scale))
    optimizer.apply_gradients(zip(tape.gradient(loss, [bias]), [bias]))
    return np.asarray(bias.numpy())
