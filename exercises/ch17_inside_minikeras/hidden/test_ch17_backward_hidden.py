import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from probes_ch17 import run_backward


class Program:
    """Records tinygraph calls as data: ``p.mul(a, b)`` appends ``("mul", a, b)`` and
    returns the new step's number. Your ``backward`` runs on the graph this describes
    next to your code (probes_ch17.py): a tinygraph Value cannot cross to it."""

    def __init__(self):
        self.steps = []

    def leaf(self, array):
        self.steps.append(("leaf", np.asarray(array, dtype=np.float64)))
        return len(self.steps) - 1

    def __getattr__(self, op):
        if op.startswith("_"):
            raise AttributeError(op)

        def record(*args):
            self.steps.append((op, *args))
            return len(self.steps) - 1
        return record


@pytest.mark.exercise("ch17.backward", points=1)
def test_random_graphs_match_the_tape():
    rng = np.random.default_rng(42)
    for trial in range(5):
        arrays = [rng.uniform(0.5, 1.5, size=(3, 3)) for _ in range(3)]
        tg = Program()   # the graph as data; backward runs next to your code (probes_ch17.py)
        leaves = [tg.leaf(a) for a in arrays]
        tensors = [ops.convert_to_tensor(a, dtype="float64") for a in arrays]
        with keras.GradientTape() as tape:
            tape.watch(tensors)
            pool_t, pool_v = list(tensors), list(leaves)
            for _ in range(8):
                i, j = rng.integers(0, len(pool_v), size=2)
                kind = rng.integers(0, 4)
                if kind == 0:
                    pool_v.append(tg.add(pool_v[i], pool_v[j]))
                    pool_t.append(pool_t[i] + pool_t[j])
                elif kind == 1:
                    pool_v.append(tg.mul(pool_v[i], pool_v[j]))
                    pool_t.append(pool_t[i] * pool_t[j])
                elif kind == 2:
                    pool_v.append(tg.matmul(pool_v[i], pool_v[j]))
                    pool_t.append(ops.matmul(pool_t[i], pool_t[j]))
                else:
                    pool_v.append(tg.tanh(pool_v[i]))
                    pool_t.append(ops.tanh(pool_t[i]))
            out_t = ops.sum(pool_t[-1]) + ops.sum(pool_t[-2])
        tg.add(tg.total(pool_v[-1]), tg.total(pool_v[-2]))
        got = run_backward(tg.steps, leaves)
        grads = tape.gradient(out_t, tensors)
        for leaf_grad, g in zip(got, grads):
            want = np.zeros((3, 3)) if g is None else g.numpy()
            np.testing.assert_allclose(leaf_grad if leaf_grad is not None else 0 * want, want,
                                       rtol=1e-9, atol=1e-12, err_msg=f"trial {trial}")
