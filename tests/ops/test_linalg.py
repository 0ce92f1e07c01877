"""minikeras.ops.linalg: norms, inverses, determinants, solves, with their gradients."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients


def _well_conditioned(x):
    return ops.add(x, ops.multiply(ops.eye(3, dtype=x.dtype), 4.0))


@pytest.mark.parametrize("name,fn", [
    ("norm", ops.norm), ("norm_axis", lambda x: ops.norm(x, axis=1)),
    ("norm_l1", lambda x: ops.norm(x, ord=1, axis=0)), ("norm_l3", lambda x: ops.norm(x, ord=3, axis=-1)),
    ("norm_inf", lambda x: ops.norm(x, ord=np.inf, axis=1, keepdims=True)),
    ("norm_fro", lambda x: ops.norm(x, ord="fro", axis=(0, 1))),
    ("norm_matrix_1", lambda x: ops.norm(x, ord=1)), ("norm_matrix_inf", lambda x: ops.norm(x, ord=np.inf)),
    ("inv", lambda x: ops.inv(_well_conditioned(x))), ("det", lambda x: ops.det(_well_conditioned(x))),
    ("slogdet", lambda x: ops.slogdet(_well_conditioned(x))[1]),
    ("logdet", lambda x: ops.logdet(_well_conditioned(x))),
    ("solve", lambda x: ops.solve(_well_conditioned(x), x[:, :2])),
    ("solve_vector", lambda x: ops.solve(_well_conditioned(x), x[0])),
])
def test_gradients(name, fn, float64):
    check_gradients(fn, (3, 3))


def test_norm_of_zero_has_a_zero_gradient():
    x = ops.Variable(np.zeros(3))
    with ops.GradientTape() as tape:
        y = ops.norm(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0, 0, 0])


def test_values_match_numpy():
    x = np.random.default_rng(0).normal(size=(2, 3, 3)).astype("float32")
    for kwargs in ({}, {"axis": -1}, {"ord": 1, "axis": 0}, {"ord": "fro", "axis": (1, 2)},
                   {"ord": -np.inf, "axis": (1, 2)}, {"ord": 0, "axis": 2}):
        np.testing.assert_allclose(ops.norm(x, **kwargs).numpy(),
                                   np.linalg.norm(x if kwargs else x.ravel(), **kwargs), rtol=1e-5)
    np.testing.assert_allclose(ops.inv(x).numpy(), np.linalg.inv(x), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ops.det(x).numpy(), np.linalg.det(x), rtol=1e-5)
    assert ops.det(np.eye(2, dtype="int32")).dtype == "float32"


def test_symbolic_and_errors():
    assert ops.norm(KerasTensor((None, 4)), axis=-1).shape == (None,)
    assert ops.inv(KerasTensor((None, 3, 3))).shape == (None, 3, 3)
    with pytest.raises(ValueError, match="square"):
        ops.inv(np.ones((2, 3)))
    with pytest.raises(ValueError, match="matrix norms"):
        ops.norm(np.ones((2, 2)), ord="nuc")
    with pytest.raises(ValueError, match="one or two axes"):
        ops.norm(np.ones((2, 2, 2)), axis=(0, 1, 2))


def _spd(x):
    return ops.add(ops.matmul(x, ops.transpose(x)), ops.multiply(ops.eye(3, dtype=x.dtype), 3.0))


@pytest.mark.parametrize("name,fn", [
    ("cholesky", lambda x: ops.cholesky(_spd(x))), ("cholesky_upper", lambda x: ops.cholesky(_spd(x), upper=True)),
    ("solve_triangular", lambda x: ops.solve_triangular(_well_conditioned(x), x[:, :2], lower=True)),
    ("solve_triangular_upper", lambda x: ops.solve_triangular(_well_conditioned(x), x[0])),
    ("lstsq_tall", lambda x: ops.lstsq(ops.concatenate([_well_conditioned(x), x[:1]], axis=0),
                                       ops.concatenate([x, x[:1] * 2.0], axis=0))),
    ("lstsq_wide", lambda x: ops.lstsq(ops.transpose(ops.concatenate([_well_conditioned(x), x[:1]], axis=0)),
                                       x[:, :2])),
])
def test_more_gradients(name, fn, float64):
    check_gradients(fn, (3, 3))


def test_more_values_and_errors():
    a = np.array([[4.0, 2.0], [2.0, 3.0]], "float32")
    np.testing.assert_allclose(ops.cholesky(a).numpy(), np.linalg.cholesky(a), rtol=1e-6)
    assert int(ops.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))) == 1
    tall = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    b = np.random.default_rng(2).normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(ops.lstsq(tall, b).numpy(), np.linalg.lstsq(tall, b, rcond=None)[0], rtol=1e-4,
                               atol=1e-5)
    with pytest.raises(ValueError, match="positive definite"):
        ops.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="rank 1"):
        ops.lstsq(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), np.ones((3, 1)))


def _symmetric(x):
    return ops.add(x, ops.transpose(x))


def _sign_fixed(v):
    # eigenvectors are defined up to sign: fix it by making each column's largest entry positive
    signs = ops.sign(ops.take_along_axis(v, ops.expand_dims(ops.argmax(ops.abs(v), axis=0), 0), axis=0))
    return ops.multiply(v, ops.stop_gradient(signs))


@pytest.mark.parametrize("name,fn", [
    ("eigenvalues", lambda x: ops.eigh(_symmetric(x))[0]),
    ("eigenvectors", lambda x: _sign_fixed(ops.eigh(_symmetric(x))[1])),
])
def test_eigh_gradients(name, fn, float64):
    check_gradients(fn, (3, 3))


def test_eigh_values_and_symbolic():
    a = np.array([[2.0, 1.0], [1.0, 3.0]], "float32")
    w, v = ops.eigh(a)
    np.testing.assert_allclose(w.numpy(), np.linalg.eigvalsh(a), rtol=1e-6)
    np.testing.assert_allclose((v.numpy() * w.numpy()) @ v.numpy().T, a, rtol=1e-5, atol=1e-6)
    values, vectors = ops.eigh(KerasTensor((None, 4, 4)))
    assert (values.shape, vectors.shape) == ((None, 4), (None, 4, 4))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4)])
@pytest.mark.parametrize("part", [0, 1])
def test_qr_gradients(shape, part, float64):
    check_gradients(lambda x: ops.qr(x)[part], shape)


def test_qr_values_modes_and_errors():
    a = np.random.default_rng(4).normal(size=(2, 5, 3)).astype("float32")
    q, r = ops.qr(a)
    np.testing.assert_allclose((q.numpy() @ r.numpy()), a, rtol=1e-5, atol=1e-5)
    assert ops.qr(a, mode="complete")[0].shape == (2, 5, 5)
    assert [t.shape for t in ops.qr(KerasTensor((None, 5, 3)))] == [(None, 5, 3), (None, 3, 3)]
    with pytest.raises(ValueError, match="mode"):
        ops.qr(a, mode="r")
    x = ops.Variable(np.ones((3, 2)) + np.eye(3, 2))
    with ops.GradientTape() as tape:
        y = ops.sum(ops.qr(x, mode="complete")[0])
    with pytest.raises(ValueError, match="no gradient"):
        tape.gradient(y, x)


def _columns_sign_fixed(m):
    signs = ops.sign(ops.take_along_axis(m, ops.expand_dims(ops.argmax(ops.abs(m), axis=0), 0), axis=0))
    return ops.multiply(m, ops.stop_gradient(signs))


@pytest.mark.parametrize("shape,full", [((3, 3), True), ((4, 3), False), ((3, 5), False)])
@pytest.mark.parametrize("part", ["u", "s", "vh"])
def test_svd_gradients(shape, full, part, float64):
    def fn(x):
        u, s, vh = ops.svd(x, full_matrices=full)
        return {"u": _columns_sign_fixed(u), "s": s, "vh": ops.transpose(_columns_sign_fixed(ops.transpose(vh)))}[part]
    check_gradients(fn, shape)


def test_svd_values_only_and_errors(float64):
    check_gradients(lambda x: ops.svd(x, compute_uv=False), (4, 3))
    a = np.random.default_rng(5).normal(size=(4, 3))
    u, s, vh = ops.svd(a)
    assert u.shape == (4, 4) and vh.shape == (3, 3)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False))
    x = ops.Variable(a)
    with ops.GradientTape() as tape:
        y = ops.sum(ops.svd(x)[0])
    with pytest.raises(ValueError, match="full_matrices=False"):
        tape.gradient(y, x)


@pytest.mark.parametrize("name,fn,shapes", [
    ("pinv", ops.pinv, [(3, 4)]),
    ("pinv_tall", ops.pinv, [(4, 3)]),
    ("cholesky_inverse", lambda x: ops.cholesky_inverse(ops.tril(x) + ops.eye(3, dtype=x.dtype) * 3.0), [(3, 3)]),
    ("cholesky_inverse_upper", lambda x: ops.cholesky_inverse(ops.triu(x) + ops.eye(3, dtype=x.dtype) * 3.0,
                                                              upper=True), [(3, 3)]),
    ("cdist", lambda a, b: ops.cdist(a, b), [(3, 4), (2, 4)]),
])
def test_gradients_of_later_additions(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_pinv_and_cdist_values_and_symbolic():
    a = np.random.default_rng(3).normal(size=(4, 3)).astype("float32")
    np.testing.assert_allclose(ops.pinv(a).numpy(), np.linalg.pinv(a), rtol=1e-4, atol=1e-5)
    assert ops.pinv(KerasTensor((None, 3, 4))).shape == (None, 4, 3)
    assert ops.cdist(KerasTensor((None, 5, 2)), np.ones((3, 2), "float32")).shape == (None, 5, 3)
