"""Parity of ``minikeras.ops`` with ``keras.ops`` (real Keras 3, torch backend): the same values
and dtypes for the same inputs. Skipped when keras is not importable.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_ops_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

from minikeras import ops  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(size=(3, 4)).astype("float32")
Y = rng.normal(size=(3, 4)).astype("float32")
POS = rng.uniform(0.5, 2.0, size=(3, 4)).astype("float32")
UNIT = rng.uniform(-0.9, 0.9, size=(3, 4)).astype("float32")
SQUARE = (rng.normal(size=(2, 3, 3)) + 3 * np.eye(3)).astype("float32")
INTS = np.array([[3, -1, 0, 2], [5, 5, -4, 1]], "int32")
LABELS = np.array([2, 0, 3], "int32")
PROBS = (np.exp(X) / np.exp(X).sum(1, keepdims=True)).astype("float32")
TARGET = np.eye(4, dtype="float32")[LABELS]
SPECIAL = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, -2.5], "float32")


def _same(ours, theirs, rtol=1e-5, atol=1e-6, dtype=True):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t, rtol, atol, dtype)
        return
    expected = keras.ops.convert_to_numpy(theirs)
    got = np.asarray(ours)
    assert got.shape == expected.shape
    if dtype:
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got.astype("float64"), expected.astype("float64"), rtol=rtol, atol=atol,
                               equal_nan=True)


CASES = {
    # creation
    "array_ints": lambda o: o.array([1, 2, 3]), "array_floats": lambda o: o.array([[1.0, 2.5]]),
    "convert_to_tensor": lambda o: o.convert_to_tensor([[1, 2]], dtype="float32"),
    "arange": lambda o: o.arange(7), "arange_float": lambda o: o.arange(1, 3, 0.5),
    "arange_step": lambda o: o.arange(10, 2, -3),
    "linspace": lambda o: o.linspace(-1, 2, 7), "linspace_open": lambda o: o.linspace(0, 1, 4, endpoint=False),
    "full": lambda o: o.full((2, 3), 4), "full_int": lambda o: o.full((2,), 4, dtype="int32"),
    "full_like": lambda o: o.full_like(INTS, 7), "eye": lambda o: o.eye(3, 4, k=-1), "identity": lambda o: o.identity(3),
    "tri": lambda o: o.tri(3, 2), "tril": lambda o: o.tril(X, 1), "triu": lambda o: o.triu(X, -1),
    # elementwise
    "expm1": lambda o: o.expm1(X), "log2": lambda o: o.log2(POS), "log10": lambda o: o.log10(POS),
    "exp2": lambda o: o.exp2(X), "reciprocal": lambda o: o.reciprocal(POS), "tan": lambda o: o.tan(UNIT),
    "sinh": lambda o: o.sinh(X), "cosh": lambda o: o.cosh(X), "arcsin": lambda o: o.arcsin(UNIT),
    "arccos": lambda o: o.arccos(UNIT), "arctan": lambda o: o.arctan(X), "arcsinh": lambda o: o.arcsinh(X),
    "arccosh": lambda o: o.arccosh(POS + 1), "arctanh": lambda o: o.arctanh(UNIT), "cbrt": lambda o: o.cbrt(X),
    "deg2rad": lambda o: o.deg2rad(X), "rad2deg": lambda o: o.rad2deg(X),
    "floor": lambda o: o.floor(X * 3), "ceil": lambda o: o.ceil(X * 3), "trunc": lambda o: o.trunc(X * 3),
    "round": lambda o: o.round(X * 3), "round_decimals": lambda o: o.round(X, 2),
    "floor_int": lambda o: o.floor(INTS), "sqrt_int": lambda o: o.sqrt(np.abs(INTS)),
    "absolute": lambda o: o.absolute(X), "fabs": lambda o: o.fabs(X),
    "mod": lambda o: o.mod(X * 5, 1.5), "mod_int": lambda o: o.mod(INTS, 3),
    "floor_divide": lambda o: o.floor_divide(X * 5, 2.0), "arctan2": lambda o: o.arctan2(X, Y),
    "hypot": lambda o: o.hypot(X, Y), "logaddexp": lambda o: o.logaddexp(X, Y),
    "divide_no_nan": lambda o: o.divide_no_nan(X, np.array([1.0, 0.0, 2.0, 0.0], "float32")),
    "true_divide": lambda o: o.true_divide(X, POS), "heaviside": lambda o: o.heaviside(X, 0.5),
    "nan_to_num": lambda o: o.nan_to_num(SPECIAL), "nan_to_num_args": lambda o: o.nan_to_num(SPECIAL, 1.0, 9.0, -9.0),
    "erf": lambda o: o.erf(X), "erfinv": lambda o: o.erfinv(UNIT), "rsqrt": lambda o: o.rsqrt(POS),
    # logic
    "isnan": lambda o: o.isnan(SPECIAL), "isinf": lambda o: o.isinf(SPECIAL),
    "isfinite": lambda o: o.isfinite(SPECIAL), "isneginf": lambda o: o.isneginf(SPECIAL),
    "isposinf": lambda o: o.isposinf(SPECIAL), "signbit": lambda o: o.signbit(SPECIAL),
    "logical_and": lambda o: o.logical_and(X > 0, Y > 0), "logical_or": lambda o: o.logical_or(X > 0, Y > 0),
    "logical_not": lambda o: o.logical_not(X > 0), "logical_xor": lambda o: o.logical_xor(X > 0, Y > 0),
    "isclose": lambda o: o.isclose(X, X + 1e-7), "isin": lambda o: o.isin(INTS, np.array([5, 0], "int32")),
    # reductions and scans
    "prod": lambda o: o.prod(X, axis=1), "prod_all": lambda o: o.prod(POS), "prod_int": lambda o: o.prod(INTS, axis=0),
    "var": lambda o: o.var(X, axis=0), "std": lambda o: o.std(X, axis=1, keepdims=True), "var_all": lambda o: o.var(X),
    "var_int": lambda o: o.var(INTS), "amax": lambda o: o.amax(X, axis=1), "amin": lambda o: o.amin(X, axis=0),
    "average": lambda o: o.average(X, axis=1, weights=np.array([1, 2, 3, 4], "float32")),
    "average_full_weights": lambda o: o.average(X, axis=1, weights=POS),
    "count_nonzero": lambda o: o.count_nonzero(INTS, axis=1),
    "cumsum": lambda o: o.cumsum(X, axis=1), "cumsum_flat": lambda o: o.cumsum(X),
    "cumsum_int": lambda o: o.cumsum(INTS, axis=0), "cumprod": lambda o: o.cumprod(X, axis=0),
    "diff": lambda o: o.diff(X, 2), "logsumexp": lambda o: o.logsumexp(X, axis=1),
    "logsumexp_all": lambda o: o.logsumexp(X),
    # ordering
    "sort": lambda o: o.sort(X), "sort_axis0": lambda o: o.sort(X, axis=0),
    "argsort": lambda o: o.argsort(X), "argsort_axis0": lambda o: o.argsort(X, axis=0),
    "top_k": lambda o: o.top_k(X, 2), "in_top_k": lambda o: o.in_top_k(LABELS, X[:, :4], 2),
    "take_along_axis": lambda o: o.take_along_axis(X, np.array([[0, 3], [1, 1], [2, 0]]), axis=1),
    "take_along_axis_broadcast": lambda o: o.take_along_axis(X, np.array([[1, 0, 2, 0]]), axis=0),
    # rearranging
    "ravel": lambda o: o.ravel(X), "moveaxis": lambda o: o.moveaxis(SQUARE, 0, -1),
    "swapaxes": lambda o: o.swapaxes(SQUARE, 1, 2), "roll": lambda o: o.roll(X, 1, axis=1),
    "roll_flat": lambda o: o.roll(X, -5), "fliplr": lambda o: o.fliplr(X), "flipud": lambda o: o.flipud(X),
    "rot90": lambda o: o.rot90(X), "rot90_k": lambda o: o.rot90(X, 3),
    "unstack": lambda o: o.unstack(o.convert_to_tensor(X), axis=1), "hstack": lambda o: o.hstack([X, Y]),
    "vstack": lambda o: o.vstack([X, Y]), "append": lambda o: o.append(X, Y),
    "append_axis": lambda o: o.append(X, Y, axis=0),
    "diagonal": lambda o: o.diagonal(SQUARE, 1, 1, 2), "diag": lambda o: o.diag(X, 1),
    "diag_vector": lambda o: o.diag(X[0]), "trace": lambda o: o.trace(X), "copy": lambda o: o.copy(X),
    # products
    "tensordot": lambda o: o.tensordot(X, Y.T, 1), "tensordot_axes": lambda o: o.tensordot(X, Y, [[0, 1], [0, 1]]),
    "einsum": lambda o: o.einsum("ij,kj->ik", X, Y), "einsum_ellipsis": lambda o: o.einsum("...ij->...ji", SQUARE),
    "einsum_trace": lambda o: o.einsum("bii->b", SQUARE), "outer": lambda o: o.outer(X[0], Y[1]),
    "inner": lambda o: o.inner(X, Y), "vdot": lambda o: o.vdot(X[0], Y[0]),
    # linalg
    "norm": lambda o: o.norm(X), "norm_axis": lambda o: o.norm(X, axis=1),
    "norm_ord1": lambda o: o.norm(X, ord=1, axis=-1), "norm_inf": lambda o: o.norm(X, ord=np.inf, axis=0),
    "norm_fro": lambda o: o.norm(SQUARE, ord="fro", axis=(1, 2)), "norm_keep": lambda o: o.norm(X, keepdims=True),
    "norm_matrix_1": lambda o: o.norm(X, ord=1), "inv": lambda o: o.inv(SQUARE), "det": lambda o: o.det(SQUARE),
    "slogdet": lambda o: o.slogdet(SQUARE), "solve": lambda o: o.solve(SQUARE, X[:, :3].T[None].repeat(2, 0)),
    # nn
    "one_hot": lambda o: o.one_hot(LABELS, 4), "one_hot_axis": lambda o: o.one_hot(INTS, 6, axis=0),
    "multi_hot": lambda o: o.multi_hot(np.array([[0, 2], [1, 1]], "int32"), 4),
    "bce": lambda o: o.binary_crossentropy(TARGET, PROBS),
    "bce_logits": lambda o: o.binary_crossentropy(TARGET, X, from_logits=True),
    "cce": lambda o: o.categorical_crossentropy(TARGET, PROBS),
    "cce_logits": lambda o: o.categorical_crossentropy(TARGET, X, from_logits=True),
    "scce": lambda o: o.sparse_categorical_crossentropy(LABELS, PROBS),
    "scce_logits": lambda o: o.sparse_categorical_crossentropy(LABELS, X, from_logits=True),
    "moments": lambda o: o.moments(X, axes=[0]), "moments_keep": lambda o: o.moments(X, axes=[0, 1], keepdims=True),
    "normalize": lambda o: o.normalize(X), "normalize_l1": lambda o: o.normalize(X, axis=0, order=1),
    "batch_normalization": lambda o: o.batch_normalization(X, X[0], POS[0], axis=-1, offset=Y[0], scale=POS[1]),
    "log_sigmoid": lambda o: o.log_sigmoid(X * 10), "hard_tanh": lambda o: o.hard_tanh(X * 2),
    "hard_silu": lambda o: o.hard_silu(X * 3), "hard_swish": lambda o: o.hard_swish(X * 3),
    "celu": lambda o: o.celu(X, 0.5), "glu": lambda o: o.glu(X), "soft_shrink": lambda o: o.soft_shrink(X),
    "hard_shrink": lambda o: o.hard_shrink(X), "tanh_shrink": lambda o: o.tanh_shrink(X),
    "squareplus": lambda o: o.squareplus(X), "sparse_plus": lambda o: o.sparse_plus(X * 2),
    "threshold": lambda o: o.threshold(X, 0.2, -1.0),
    "segment_sum": lambda o: o.segment_sum(X, np.array([0, 2, 0], "int32"), num_segments=3),
    "segment_max": lambda o: o.segment_max(X, np.array([1, 1, 0], "int32"), num_segments=2),
}

# Values only: Keras's index dtype for top_k depends on its backend (int64 under torch, int32 under
# JAX and TensorFlow); minikeras gives int32 as for argsort and argmax.
VALUES_ONLY = {"top_k"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_keras(name):
    _same(CASES[name](ops), CASES[name](keras.ops), dtype=name not in VALUES_ONLY)


def test_scalar_helpers():
    assert ops.ndim(X) == keras.ops.ndim(X)
    assert int(ops.size(X)) == int(keras.ops.size(X))
    assert ops.dtype(INTS) == keras.ops.dtype(INTS)
    assert ops.is_tensor(ops.array(X)) and not ops.is_tensor(X)
    assert bool(ops.allclose(X, X + 1e-7)) == bool(keras.ops.allclose(X, X + 1e-7))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.array(X)), keras.ops.convert_to_numpy(X))


@pytest.mark.parametrize("name,fn", [
    ("argmax", lambda o: o.argmax(X)), ("argmax_axis", lambda o: o.argmax(X, axis=0)),
    ("argmin_keepdims", lambda o: o.argmin(X, axis=1, keepdims=True)), ("mean_int", lambda o: o.mean(INTS, axis=0)),
    ("sqrt_int", lambda o: o.sqrt(np.abs(INTS))), ("exp_int", lambda o: o.exp(INTS)),
    ("mod_python_int", lambda o: o.mod(INTS, 3)), ("multiply_python_int", lambda o: o.multiply(INTS, 2)),
])
def test_core_ops_follow_keras_dtypes(name, fn):
    _same(fn(ops), fn(keras.ops))


IMAGES = rng.normal(size=(2, 6, 6, 3)).astype("float32")
SEQ = rng.normal(size=(2, 7, 3)).astype("float32")
QKV = rng.normal(size=(2, 4, 2, 3)).astype("float32")

MORE_CASES = {
    "slice": lambda o: o.slice(X, [1, 0], [2, 3]),
    "slice_update": lambda o: o.slice_update(X, [1, 1], Y[:2, :2]),
    "scatter": lambda o: o.scatter(np.array([[0, 1], [2, 2], [0, 1]]), X[0, :3], (3, 3)),
    "scatter_update": lambda o: o.scatter_update(X, np.array([[0, 0], [2, 3]]), Y[1, :2]),
    "get_item": lambda o: o.get_item(X, 1),
    "select": lambda o: o.select([X > 0.5, X < -0.5], [X * 2, Y], 0.0),
    "searchsorted": lambda o: o.searchsorted(np.array([1.0, 3.0, 5.0], "float32"), np.array([0.0, 3.0, 6.0], "float32")),
    "digitize": lambda o: o.digitize(X, np.array([-1.0, 0.0, 1.0], "float32")),
    "bincount": lambda o: o.bincount(np.array([0, 2, 2, 5], "int32")),
    "ptp": lambda o: o.ptp(X, axis=1), "median": lambda o: o.median(X, axis=0),
    "median_all": lambda o: o.median(X), "quantile": lambda o: o.quantile(X, [0.1, 0.7], axis=1),
    "percentile": lambda o: o.percentile(X, 30.0, axis=0, keepdims=True),
    "quantile_lower": lambda o: o.quantile(X, 0.4, axis=1, method="lower"),
    "conv1d": lambda o: o.conv(SEQ, np.ones((3, 3, 2), "float32") * 0.3, padding="same"),
    "conv2d": lambda o: o.conv(IMAGES, POS[:3, :2].reshape(1, 1, 3, 2).repeat(2, 0).repeat(2, 1), strides=2),
    "depthwise_conv": lambda o: o.depthwise_conv(IMAGES, POS[:2, :2].reshape(2, 2, 1, 1).repeat(3, 2)),
    "max_pool": lambda o: o.max_pool(IMAGES, 2), "average_pool": lambda o: o.average_pool(SEQ, 2, 1, "same"),
    "layer_normalization": lambda o: o.layer_normalization(X, gamma=POS[0], beta=Y[0]),
    "rms_normalization": lambda o: o.rms_normalization(X, scale=POS[0]),
    "psnr": lambda o: o.psnr(PROBS, TARGET, 1.0),
    "dot_product_attention": lambda o: o.dot_product_attention(QKV, QKV * 0.5, QKV + 1.0),
    "dot_product_attention_causal": lambda o: o.dot_product_attention(QKV, QKV, QKV, is_causal=True),
    "map": lambda o: o.map(lambda row: o.sum(row * row), o.convert_to_tensor(X)),
    "scan": lambda o: o.scan(lambda c, x: (c + x, c * x), o.zeros((4,)), o.convert_to_tensor(X)),
    "fori_loop": lambda o: o.fori_loop(0, 3, lambda i, v: v * 2.0 + 1.0, o.convert_to_tensor(X)),
    "switch": lambda o: o.switch(1, [lambda a: a + 1, lambda a: a * 3], o.convert_to_tensor(X)),
}


@pytest.mark.parametrize("name", sorted(MORE_CASES))
def test_more_same_as_keras(name):
    _same(MORE_CASES[name](ops), MORE_CASES[name](keras.ops), rtol=1e-5, atol=1e-5)


NANS = np.array([[np.nan, 1.0, 3.0], [2.0, np.nan, np.nan], [np.nan, 5.0, -1.0]], "float32")
A_INT = np.array([6, 3, 12], "int32")
B_INT = np.array([5, 1, 3], "int32")

BATCH_2 = {
    **{name: (lambda n: lambda o: getattr(o, n)(NANS, axis=1))(name)
       for name in ("nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nancumsum",
                    "nancumprod", "nanargmax", "nanargmin")},
    "nansum_all": lambda o: o.nansum(NANS), "nanmean_keep": lambda o: o.nanmean(NANS, axis=0, keepdims=True),
    **{name: (lambda n: lambda o: getattr(o, n)(A_INT, B_INT))(name)
       for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "gcd", "lcm")},
    "bitwise_invert": lambda o: o.bitwise_invert(A_INT),
    **{name: (lambda n: lambda o: getattr(o, n)(7))(name) for name in ("bartlett", "blackman", "hamming", "hanning")},
    "kaiser": lambda o: o.kaiser(6, 2.5),
    "fmax": lambda o: o.fmax(NANS, NANS[::-1]), "fmin": lambda o: o.fmin(NANS, NANS[::-1]),
    "fmod": lambda o: o.fmod(X * 3, 1.7), "logaddexp2": lambda o: o.logaddexp2(X, Y),
    "ldexp": lambda o: o.ldexp(X, np.array([1, -2, 3, 0], "int32")), "sinc": lambda o: o.sinc(X),
    "erfc": lambda o: o.erfc(X), "i0": lambda o: o.i0(X),
    "saturate_cast": lambda o: o.saturate_cast(X * 200, "uint8"),
    "real": lambda o: o.real(X), "conj": lambda o: o.conj(X),
    "angle": lambda o: o.angle(X), "isreal": lambda o: o.isreal(X),
    "geomspace": lambda o: o.geomspace(1, 1000, 4), "array_split": lambda o: o.array_split(X, 3, axis=1),
    "hsplit": lambda o: o.hsplit(X, 2), "vsplit": lambda o: o.vsplit(X, 3), "dsplit": lambda o: o.dsplit(SQUARE, 3),
    "dstack": lambda o: o.dstack([X, Y]), "diagflat": lambda o: o.diagflat(X[:2, :2], -1),
    "kron": lambda o: o.kron(X[:2, :2], Y[:2, :3]), "cross": lambda o: o.cross(X[:2, :3], Y[:2, 1:]),
    "vander": lambda o: o.vander(X[0], 3), "vander_increasing": lambda o: o.vander(X[0], increasing=True),
    "trapezoid": lambda o: o.trapezoid(X, dx=0.5), "corrcoef": lambda o: o.corrcoef(X),
    "unravel_index": lambda o: o.unravel_index(np.array([5, 7], "int32"), (3, 4)),
    "sparse_sigmoid": lambda o: o.sparse_sigmoid(X * 2),
    "depth_to_space": lambda o: o.depth_to_space(IMAGES[:, :2, :2, :].repeat(4, 3), 2),
    "space_to_depth": lambda o: o.space_to_depth(IMAGES, 2),
    "segment_prod": lambda o: o.segment_prod(X, np.array([0, 1, 0], "int32"), num_segments=2),
    "histogram": lambda o: o.histogram(X.ravel(), bins=4),
}
# Keras keeps float64 for histogram's outputs; minikeras gives the input's float dtype.
# Not compared (Keras 3.15's torch backend differs from its own documentation): ``imag`` of a real
# tensor raises; ``sparsemax`` sums the running sums when it computes tau (its outputs need not sum
# to 1); ``cross`` with axis=None picks torch's first axis of size 3. tests/ops checks these against
# their definitions instead.
BATCH_2_VALUES_ONLY = {"histogram"}


@pytest.mark.parametrize("name", sorted(BATCH_2))
def test_batch_2_same_as_keras(name):
    _same(BATCH_2[name](ops), BATCH_2[name](keras.ops), rtol=1e-5, atol=1e-5, dtype=name not in BATCH_2_VALUES_ONLY)


def test_argpartition_partitions_like_keras():
    # Keras's torch backend casts the input to int32 first, so compare on distinct integers
    data = np.array([[7, 2, 9, 4, 1], [3, 8, 0, 6, 5]], "int32")
    ours = np.asarray(ops.argpartition(data, 1, axis=1))
    theirs = keras.ops.convert_to_numpy(keras.ops.argpartition(data, 1, axis=1))
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(np.take_along_axis(data, ours, axis=1)[:, 1], np.sort(data, axis=1)[:, 1])
    np.testing.assert_array_equal(np.sort(ours[:, :2], axis=1), np.sort(theirs[:, :2], axis=1))


SPD = np.einsum("bij,bkj->bik", SQUARE, SQUARE) + np.eye(3, dtype="float32")
TALL = rng.normal(size=(5, 3)).astype("float32")

BATCH_3 = {
    "cholesky": lambda o: o.cholesky(SPD),
    "solve_triangular": lambda o: o.solve_triangular(SQUARE[0], X[:, :2], lower=True),
    "solve_triangular_upper": lambda o: o.solve_triangular(SQUARE[0], X[:, :2]),
    "lstsq": lambda o: o.lstsq(TALL, TALL[:, :2] + 0.1),
    "matrix_rank": lambda o: o.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]], "float32")),
    "unique": lambda o: o.unique(np.array([3, 1, 3, 2, 1], "int32")),
    "conv_transpose": lambda o: o.conv_transpose(IMAGES, POS[:2, :4].reshape(2, 2, 2, 1).repeat(3, 3), strides=2),
    "conv_transpose_same": lambda o: o.conv_transpose(IMAGES, POS[:3, :2].reshape(3, 1, 2, 1).repeat(3, 3),
                                                      strides=2, padding="same"),
}


@pytest.mark.parametrize("name", sorted(BATCH_3))
def test_batch_3_same_as_keras(name):
    _same(BATCH_3[name](ops), BATCH_3[name](keras.ops), rtol=1e-4, atol=1e-4)


SIGNAL = rng.normal(size=(2, 8)).astype("float32")

BATCH_4 = {
    "pinv": lambda o: o.pinv(TALL), "cdist": lambda o: o.cdist(X, Y[:2]), "cdist_batch": lambda o: o.cdist(SQUARE, SQUARE[:, :2]),
    "cholesky_inverse": lambda o: o.cholesky_inverse(np.linalg.cholesky(SPD).astype("float32")),
    "nanmedian": lambda o: o.nanmedian(NANS, axis=1), "nanmedian_all": lambda o: o.nanmedian(NANS),
    "nanquantile": lambda o: o.nanquantile(NANS, 0.3, axis=0),
    "nanpercentile": lambda o: o.nanpercentile(NANS, 70.0, axis=1),
    "correlate": lambda o: o.correlate(X[0], Y[0, :3]), "correlate_same": lambda o: o.correlate(X[0], Y[0, :3], "same"),
    "correlate_full": lambda o: o.correlate(X[0], Y[0, :2], "full"),
    "extract_sequences": lambda o: o.extract_sequences(SIGNAL, 3, 2),
    "associative_scan": lambda o: o.associative_scan(lambda a, b: a + b, o.convert_to_tensor(X), axis=1),
    "fft": lambda o: o.fft((SIGNAL, SIGNAL[::-1])), "fft2": lambda o: o.fft2((X, Y)),
    "ifft2": lambda o: o.ifft2((X, Y)), "rfft": lambda o: o.rfft(SIGNAL), "rfft_length": lambda o: o.rfft(SIGNAL, 6),
    "irfft": lambda o: o.irfft((X, Y)), "irfft_length": lambda o: o.irfft((X, Y), 7),
    "nextafter": lambda o: o.nextafter(X, Y), "view": lambda o: o.view(X, "int32"),
}


@pytest.mark.parametrize("name", sorted(BATCH_4))
def test_batch_4_same_as_keras(name):
    _same(BATCH_4[name](ops), BATCH_4[name](keras.ops), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,fn", [
    ("gelu", lambda o: o.gelu(X * 2)), ("gelu_exact", lambda o: o.gelu(X * 2, approximate=False)),
    ("elu_alpha", lambda o: o.elu(X, alpha=0.3)), ("max_initial", lambda o: o.max(X, axis=1, initial=0.5)),
    ("min_initial", lambda o: o.min(X, axis=0, initial=-0.2)),
    ("clip", lambda o: o.clip(X, x_min=-0.5, x_max=0.4)),
    ("pad_reflect", lambda o: o.pad(X, ((1, 2), (2, 1)), mode="reflect")),
    # Keras's torch backend refuses 'edge' and 'wrap', and its 'symmetric' is not numpy's:
    # tests/ops checks those modes against numpy instead
    ("pad_constant", lambda o: o.pad(X, ((1, 1), (0, 2)), constant_values=2.0)),
])
def test_existing_ops_take_keras_arguments(name, fn):
    _same(fn(ops), fn(keras.ops), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,fn", [
    ("adaptive_average_pool", lambda o: o.adaptive_average_pool(IMAGES, (4, 5))),
    ("adaptive_max_pool", lambda o: o.adaptive_max_pool(IMAGES, 4)),
    ("adaptive_average_pool_1d", lambda o: o.adaptive_average_pool(SEQ, 3)),
    ("vectorize", lambda o: o.vectorize(lambda a, b: o.sum(a * b), signature="(n),(n)->()")(X, Y)),
])
def test_adaptive_pooling_and_vectorize(name, fn):
    _same(fn(ops), fn(keras.ops), rtol=1e-5, atol=1e-6)


def test_complex_pairs_same_as_keras():
    pairs = np.stack([X, Y], axis=-1)
    _same(ops.view_as_complex(pairs), keras.ops.view_as_complex(pairs))
    _same(ops.polar(POS, X), keras.ops.polar(POS, X))
    _same(ops.view_as_real(ops.view_as_complex(pairs)),
          keras.ops.view_as_real(keras.ops.view_as_complex(pairs)))


def test_eigh_same_as_keras_up_to_the_sign_of_each_vector():
    ours_w, ours_v = (np.asarray(t) for t in ops.eigh(SPD))
    theirs_w, theirs_v = (keras.ops.convert_to_numpy(t) for t in keras.ops.eigh(SPD))
    np.testing.assert_allclose(ours_w, theirs_w, rtol=1e-4, atol=1e-5)
    assert ours_w.dtype == theirs_w.dtype and ours_v.dtype == theirs_v.dtype
    signs = np.sign(np.sum(ours_v * theirs_v, axis=-2, keepdims=True))
    np.testing.assert_allclose(ours_v * signs, theirs_v, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2, padding=1),
                                    dict(kernel_size=2, dilation=2, padding=(1, 0))])
def test_unfold_and_fold_same_as_keras(kwargs):
    image = np.moveaxis(IMAGES, -1, 1).copy()          # channels first, as these two ops expect
    k_image = keras.ops.convert_to_tensor(image)        # Keras's torch unfold takes tensors only
    _same(ops.unfold(image, **kwargs), keras.ops.unfold(k_image, **kwargs))
    k_columns = keras.ops.unfold(k_image, **kwargs)
    columns = keras.ops.convert_to_numpy(k_columns)
    _same(ops.fold(columns, (6, 6), **kwargs), keras.ops.fold(k_columns, (6, 6), **kwargs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,fn", [
    ("qr_tall", lambda o: o.qr(TALL)), ("qr_wide", lambda o: o.qr(X)), ("qr_batch", lambda o: o.qr(SQUARE)),
    ("qr_complete", lambda o: o.qr(TALL, mode="complete")),
])
def test_qr_same_as_keras(name, fn):
    _same(fn(ops), fn(keras.ops), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("matrix,full", [("TALL", True), ("TALL", False), ("X", False), ("SQUARE", True)])
def test_svd_same_as_keras_up_to_signs(matrix, full):
    a = {"TALL": TALL, "X": X, "SQUARE": SQUARE}[matrix]
    ours = [np.asarray(t) for t in ops.svd(a, full_matrices=full)]
    theirs = [keras.ops.convert_to_numpy(t) for t in keras.ops.svd(a, full_matrices=full)]
    assert [o.shape for o in ours] == [t.shape for t in theirs]
    assert [o.dtype for o in ours] == [t.dtype for t in theirs]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-5)
    k = ours[1].shape[-1]   # singular vectors beyond k (full_matrices) span the same space, any basis
    signs = np.sign(np.sum(ours[0][..., :k] * theirs[0][..., :k], axis=-2, keepdims=True))
    np.testing.assert_allclose(ours[0][..., :k] * signs, theirs[0][..., :k], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(ours[2][..., :k, :] * np.swapaxes(signs, -1, -2), theirs[2][..., :k, :],
                               rtol=1e-3, atol=1e-4)
    _same(ops.svd(a, compute_uv=False), keras.ops.svd(a, compute_uv=False), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("pattern,lengths", [
    ("b h w c -> b (h w) c", {}), ("b (h p) w c -> b h p (w c)", {"p": 2}), ("b h w c -> c b w h", {}),
])
def test_rearrange_same_as_keras(pattern, lengths):
    _same(ops.rearrange(IMAGES, pattern, **lengths), keras.ops.rearrange(IMAGES, pattern, **lengths))


@pytest.mark.parametrize("kwargs", [
    dict(sequence_length=4, sequence_stride=2, fft_length=4),
    dict(sequence_length=5, sequence_stride=3, fft_length=8, window="hamming"),
    dict(sequence_length=4, sequence_stride=1, fft_length=6, window=None, center=False),
])
def test_stft_same_as_keras(kwargs):
    signal = rng.normal(size=(2, 20)).astype("float32")
    _same(ops.stft(signal, **kwargs), keras.ops.stft(signal, **kwargs), rtol=1e-4, atol=1e-5)
