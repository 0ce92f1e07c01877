"""minikeras.ops.numpy: gradients against float64 finite differences, symbolic shapes and
dtypes on KerasTensors, and the errors for bad arguments. (Values against real Keras are in
tests/parity/test_ops_parity.py.)"""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.conftest import numeric_gradient


def check_gradients(fn, *shapes, low=None, high=None, seed=0, atol=1e-6):
    """Tape gradients of sum(fn(*xs) * w) against central differences, in float64."""
    rng = np.random.default_rng(seed)
    xs = [rng.normal(size=s) if low is None else rng.uniform(low, high, s) for s in shapes]
    out_shape = np.shape(np.asarray(fn(*[ops.convert_to_tensor(x) for x in xs])))
    weights = rng.normal(size=out_shape)

    def loss():
        return float(np.sum(np.asarray(fn(*[ops.convert_to_tensor(x) for x in xs])) * weights))

    tensors = [ops.convert_to_tensor(x) for x in xs]
    with ops.GradientTape() as tape:
        tape.watch(tensors)
        y = ops.sum(ops.multiply(fn(*tensors), weights))
    grads = tape.gradient(y, tensors)
    for x, g in zip(xs, grads):
        assert g is not None
        np.testing.assert_allclose(np.asarray(g), numeric_gradient(loss, x), atol=atol, rtol=1e-5)


UNARY = {
    "expm1": ops.expm1, "exp2": ops.exp2, "tan": ops.tan, "sinh": ops.sinh, "cosh": ops.cosh,
    "arctan": ops.arctan, "arcsinh": ops.arcsinh, "cbrt": lambda x: ops.cbrt(x + 3.0),
    "deg2rad": ops.deg2rad, "rad2deg": ops.rad2deg, "absolute": ops.absolute,
    "copy": ops.copy, "tril": ops.tril, "triu": lambda x: ops.triu(x, 1), "tril_k": lambda x: ops.tril(x, -1),
    "nan_to_num": ops.nan_to_num, "sort": lambda x: ops.sort(x, axis=0), "sort_last": ops.sort,
    "prod": lambda x: ops.prod(x, axis=1), "prod_all": ops.prod,
    "prod_keep": lambda x: ops.prod(x, axis=(0, 1), keepdims=True),
    "var": lambda x: ops.var(x, axis=0), "std": lambda x: ops.std(x, axis=-1, keepdims=True),
    "cumsum": lambda x: ops.cumsum(x, axis=1), "cumsum_flat": ops.cumsum,
    "cumprod": lambda x: ops.cumprod(x, axis=0), "cumprod_flat": ops.cumprod,
    "average": lambda x: ops.average(x, axis=1, weights=np.array([1.0, 2.0, 0.5, 1.0])),
    "diff": lambda x: ops.diff(x, 2, axis=1), "ravel": ops.ravel,
    "moveaxis": lambda x: ops.moveaxis(x, 0, -1), "swapaxes": lambda x: ops.swapaxes(x, 0, 1),
    "roll": lambda x: ops.roll(x, 2, axis=1), "roll_flat": lambda x: ops.roll(x, -3),
    "fliplr": ops.fliplr, "flipud": ops.flipud, "rot90": ops.rot90,
    "unstack": lambda x: ops.unstack(x, axis=1)[2], "hstack": lambda x: ops.hstack([x, x * 2.0]),
    "vstack": lambda x: ops.vstack([x, x]), "append": lambda x: ops.append(x, x * 3.0),
    "diagonal": ops.diagonal, "diagonal_offset": lambda x: ops.diagonal(x, 1),
    "diag": ops.diag, "diag_vector": lambda x: ops.diag(x[0], 1), "trace": ops.trace,
    "amax": lambda x: ops.amax(x, axis=0), "amin": ops.amin,
    "einsum_trace": lambda x: ops.einsum("ii", x[:, :3]), "einsum_diag": lambda x: ops.einsum("ii->i", x[:, :3]),
    "einsum_sum": lambda x: ops.einsum("ij->", x), "einsum_transpose": lambda x: ops.einsum("ij->ji", x),
    "take_along_axis": lambda x: ops.take_along_axis(x, np.array([[0, 3, 3], [1, 1, 0], [2, 0, 1]]), axis=1),
    "take_along_axis_flat": lambda x: ops.take_along_axis(x, np.array([0, 5, 5, 11])),
    "divide_no_nan": lambda x: ops.divide_no_nan(x, np.array([1.0, 0.0, 2.0, -1.0])),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_gradients(name, float64):
    check_gradients(UNARY[name], (3, 4))


@pytest.mark.parametrize("fn", [ops.log2, ops.log10, ops.reciprocal, ops.arccosh],
                         ids=["log2", "log10", "reciprocal", "arccosh"])
def test_gradients_on_the_positive_domain(fn, float64):
    check_gradients(fn, (3, 4), low=1.5, high=3.0)


@pytest.mark.parametrize("fn", [ops.arcsin, ops.arccos, ops.arctanh], ids=["arcsin", "arccos", "arctanh"])
def test_gradients_inside_minus_one_one(fn, float64):
    check_gradients(fn, (3, 4), low=-0.8, high=0.8)


@pytest.mark.parametrize("fn", [ops.arctan2, ops.hypot, ops.logaddexp, ops.mod],
                         ids=["arctan2", "hypot", "logaddexp", "mod"])
def test_binary_gradients(fn, float64):
    check_gradients(fn, (3, 4), (4,), low=0.5, high=2.0)


@pytest.mark.parametrize("name,fn,shapes", [
    ("tensordot_int", lambda a, b: ops.tensordot(a, b, 1), ((2, 3), (3, 4))),
    ("tensordot_lists", lambda a, b: ops.tensordot(a, b, [[0, 2], [1, 0]]), ((2, 3, 4), (4, 2, 5))),
    ("tensordot_0", lambda a, b: ops.tensordot(a, b, 0), ((2, 3), (2,))),
    ("einsum_matmul", lambda a, b: ops.einsum("ij,jk->ik", a, b), ((2, 3), (3, 4))),
    ("einsum_batch", lambda a, b: ops.einsum("bij,bjk->bik", a, b), ((2, 2, 3), (2, 3, 4))),
    ("einsum_ellipsis", lambda a, b: ops.einsum("...ij,jk->...ik", a, b), ((2, 2, 3), (3, 4))),
    ("einsum_implicit", lambda a, b: ops.einsum("ij,jk", a, b), ((2, 3), (3, 4))),
    ("einsum_summed_away", lambda a, b: ops.einsum("ij,k->i", a, b), ((2, 3), (4,))),
    ("einsum_broadcast", lambda a, b: ops.einsum("...j,...j->...", a, b), ((1, 3), (4, 3))),
    ("outer", ops.outer, ((3,), (2, 2))), ("inner", ops.inner, ((2, 3), (4, 3))),
    ("vdot", ops.vdot, ((2, 3), (3, 2))),
])
def test_product_gradients(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_prod_and_cumprod_gradients_with_zeros(float64):
    x = ops.convert_to_tensor(np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]]))
    with ops.GradientTape(persistent=True) as tape:
        tape.watch(x)
        p = ops.sum(ops.prod(x, axis=1))
        c = ops.sum(ops.cumprod(x, axis=1))
    np.testing.assert_allclose(np.asarray(tape.gradient(p, x)), [[0, 6, 0], [0, 0, 0]])
    # row 0: d/dx0 (x0 + x0 x1 + x0 x1 x2) = 1 + x1 + x1 x2 = 1; d/dx1 = x0 + x0 x2 = 8; d/dx2 = x0 x1 = 0
    np.testing.assert_allclose(np.asarray(tape.gradient(c, x))[0], [1, 8, 0])


def test_sort_gradient_follows_values_home():
    x = ops.Variable(np.array([3.0, 1.0, 2.0]))
    with ops.GradientTape() as tape:
        y = ops.sum(ops.multiply(ops.sort(x), np.array([1.0, 10.0, 100.0])))
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [100.0, 1.0, 10.0])


def test_piecewise_constant_functions_send_no_gradient():
    x = ops.Variable(np.array([1.5, -2.5]))
    with ops.GradientTape() as tape:
        y = ops.sum(ops.floor(x) + ops.ceil(x) + ops.round(x) + ops.trunc(x))
    assert tape.gradient(y, x) is None


# ----------------------------------------------------------------------------- values and dtypes

def test_creation_dtypes_follow_keras():
    assert ops.arange(5).dtype == "int32"
    assert ops.arange(0, 1, 0.25).dtype == "float32"
    assert ops.arange(2, 8, 2).numpy().tolist() == [2, 4, 6]
    assert ops.array([1, 2]).dtype == "int32"
    assert ops.array([1.0, 2.0]).dtype == "float32"
    assert ops.array(np.array([1, 2], "int64")).dtype == "int64"
    assert ops.full((2, 3), 3).dtype == "float32"
    assert ops.full((2,), 7, dtype="int32").numpy().tolist() == [7, 7]
    assert ops.full_like(np.ones(3, "int32"), 5).dtype == "int32"
    assert ops.eye(3, 4, k=1).numpy().tolist() == np.eye(3, 4, 1).tolist()
    assert ops.identity(2).dtype == "float32"
    assert ops.tri(3).numpy().tolist() == np.tri(3).tolist()
    assert ops.linspace(0, 1, 5).numpy().tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert ops.empty((2, 3)).shape == (2, 3) and ops.empty_like(np.ones((4,), "int32")).dtype == "int32"
    assert [g.shape for g in ops.meshgrid(np.arange(3), np.arange(2))] == [(2, 3), (2, 3)]


def test_integer_inputs_of_float_functions_become_floatx():
    x = np.array([1, 4], "int32")
    for fn in (ops.expm1, ops.log2, ops.floor, ops.reciprocal, ops.var):
        assert fn(x).dtype == "float32", fn
    assert ops.cumsum(x).dtype == "int32"
    assert ops.argsort(np.array([3.0, 1.0])).dtype == "int32"
    assert ops.count_nonzero(np.array([[1, 0], [2, 3]]), axis=1).numpy().tolist() == [1, 2]


def test_predicates_and_logic():
    x = np.array([np.nan, np.inf, -np.inf, 1.0, -0.0], "float32")
    assert ops.isnan(x).numpy().tolist() == [True, False, False, False, False]
    assert ops.isfinite(x).numpy().tolist() == [False, False, False, True, True]
    assert ops.isinf(x).dtype == "bool"
    assert ops.isneginf(x).numpy().tolist() == [False, False, True, False, False]
    assert ops.signbit(x).numpy().tolist() == [False, False, True, False, True]
    assert ops.logical_xor(np.array([1, 0, 1]), np.array([1, 1, 0])).numpy().tolist() == [False, True, True]
    assert bool(ops.allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])))
    assert ops.isin(np.array([1, 2, 3]), np.array([3, 1])).numpy().tolist() == [True, False, True]
    np.testing.assert_array_equal(ops.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0).numpy(),
                                  [-1, 9, -9, 1, 0])


# ----------------------------------------------------------------------------- symbolic

@pytest.mark.parametrize("fn,expected_shape,expected_dtype", [
    (lambda x: ops.cumsum(x, axis=1), (None, 4, 3), "float32"),
    (lambda x: ops.sort(x), (None, 4, 3), "float32"),
    (lambda x: ops.argsort(x, axis=1), (None, 4, 3), "int32"),
    (lambda x: ops.prod(x, axis=-1), (None, 4), "float32"),
    (lambda x: ops.var(x, axis=1, keepdims=True), (None, 1, 3), "float32"),
    (lambda x: ops.isnan(x), (None, 4, 3), "bool"),
    (lambda x: ops.take_along_axis(x, np.zeros((1, 2, 1), "int32"), axis=1), (None, 2, 3), "float32"),
    (lambda x: ops.einsum("bij,jk->bik", x, np.ones((3, 5), "float32")), (None, 4, 5), "float32"),
    (lambda x: ops.tensordot(x, np.ones((3, 2), "float32"), 1), (None, 4, 2), "float32"),
    (lambda x: ops.moveaxis(x, 1, 2), (None, 3, 4), "float32"),
    (lambda x: ops.roll(x, 1, axis=1), (None, 4, 3), "float32"),
    (lambda x: ops.tril(x), (None, 4, 3), "float32"),
    (lambda x: ops.unstack(x, axis=1)[0], (None, 3), "float32"),
    (lambda x: ops.ravel(x), (None,), "float32"),
    (lambda x: ops.expm1(x), (None, 4, 3), "float32"),
    (lambda x: ops.full_like(x, 2, dtype="int32"), (None, 4, 3), "int32"),
    (lambda x: ops.mod(x, 2.0), (None, 4, 3), "float32"),
])
def test_symbolic_shapes_and_dtypes(fn, expected_shape, expected_dtype):
    out = fn(KerasTensor((None, 4, 3)))
    assert isinstance(out, KerasTensor)
    assert (out.shape, out.dtype) == (expected_shape, expected_dtype)


def test_ops_inside_a_functional_model_and_lambda():
    import minikeras as keras
    inputs = keras.Input((4,))
    x = keras.layers.Lambda(lambda t: ops.cumsum(ops.sort(t), axis=-1))(inputs)
    model = keras.Model(inputs, x)
    data = np.array([[3.0, 1.0, 2.0, 0.0]], "float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), [[0, 1, 3, 6]])


# ----------------------------------------------------------------------------- errors

def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="step"):
        ops.arange(0, 5, 0)
    with pytest.raises(ValueError, match="shape"):
        ops.full((2, -1), 0.0)
    with pytest.raises(TypeError, match="dtype"):
        ops.eye(2, dtype="no-such-type")
    with pytest.raises(ValueError, match="2 axes"):
        ops.tril(np.ones(3))
    with pytest.raises(TypeError, match="integers"):
        ops.take_along_axis(np.ones((2, 3)), np.zeros((2, 1)), axis=1)
    with pytest.raises(ValueError, match="as many axes"):
        ops.take_along_axis(np.ones((2, 3)), np.zeros((2,), "int32"), axis=1)
    with pytest.raises(ValueError, match="operands"):
        ops.einsum("ij,jk->ik", np.ones((2, 2)))
    with pytest.raises(TypeError, match="subscripts"):
        ops.einsum(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="meshgrid"):
        ops.meshgrid(np.ones(2), indexing="xx")
    with pytest.raises(ValueError, match="1-D weights"):
        ops.average(np.ones((2, 3)), weights=np.ones(3))
    with pytest.raises(ValueError, match="num=4"):
        ops.unstack(np.ones((2, 3)), num=4, axis=1)
    with pytest.raises(TypeError, match="symbolic"):
        ops.convert_to_numpy(KerasTensor((None, 2)))


MORE = {
    "fmax": lambda x: ops.fmax(x, ops.where(x > 0.5, np.nan, x * 0.5)),
    "fmin": lambda x: ops.fmin(x, x[::-1]),
    "fmod": lambda x: ops.fmod(x * 3.0, 1.7), "logaddexp2": lambda x: ops.logaddexp2(x, x[::-1] * 2.0),
    "ldexp": lambda x: ops.ldexp(x, np.array([1, -2, 3, 0])), "sinc": ops.sinc,
    "saturate_cast": lambda x: ops.saturate_cast(x * 1e30, "float16") * 1e-30,
    "real": ops.real, "conj": ops.conjugate,
    "array_split": lambda x: ops.array_split(x, 3, axis=1)[0], "hsplit": lambda x: ops.hsplit(x, 2)[1],
    "vsplit": lambda x: ops.vsplit(x, 3)[2], "dsplit": lambda x: ops.dsplit(ops.reshape(x, (3, 2, 2)), 2)[1],
    "dstack": lambda x: ops.dstack([x, x * 2.0]), "diagflat": lambda x: ops.diagflat(x[0], 1),
    "kron": lambda x: ops.kron(x, x[:2, :2]), "cross": lambda x: ops.cross(x[:, :3], x[:, 1:]),
    "cross_2d": lambda x: ops.cross(x[:, :2], x[:, 2:]), "vander": lambda x: ops.vander(x[0], 3),
    "trapezoid": lambda x: ops.trapezoid(x, dx=0.5), "trapezoid_x": lambda x: ops.trapezoid(x[0], x[1] * 0 + [0, 1, 3, 4]),
    "corrcoef": ops.corrcoef, "sparsemax": ops.sparsemax, "sparse_sigmoid": ops.sparse_sigmoid,
    "depth_to_space": lambda x: ops.depth_to_space(ops.reshape(x, (1, 1, 3, 4)), 2),
    "space_to_depth": lambda x: ops.space_to_depth(ops.reshape(x, (1, 2, 6, 1)), 2),
    "erfc": lambda x: ops.erfc(x), "i0": lambda x: ops.i0(x),
    "segment_prod": lambda x: ops.segment_prod(x, np.array([0, 1, 0])),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_gradients(name, float64):
    check_gradients(MORE[name], (3, 4))


def test_more_values():
    assert ops.geomspace(1, 1000, 4).numpy().tolist() == pytest.approx([1, 10, 100, 1000], rel=1e-5)
    assert [p.shape for p in ops.array_split(np.ones(7), 3)] == [(3,), (2,), (2,)]
    assert [c.numpy().tolist() for c in ops.unravel_index(np.array([5, 7]), (3, 4))] == [[1, 1], [1, 3]]
    parted = ops.argpartition(np.array([5.0, 1.0, 4.0, 2.0]), 1).numpy()
    assert sorted(parted[:2].tolist()) == [1, 3] and parted.dtype == np.int32
    assert ops.saturate_cast(np.array([-3.0, 300.0]), "uint8").numpy().tolist() == [0, 255]
    assert ops.angle(np.array([-1.0, 2.0])).numpy().tolist() == pytest.approx([np.pi, 0])
    assert ops.isreal(np.array([1 + 0j, 1 + 1j])).numpy().tolist() == [True, False]
    assert ops.imag(np.array([1.0, 2.0])).numpy().tolist() == [0, 0]
    cross = ops.cross(np.eye(3, dtype="float32"), np.roll(np.eye(3, dtype="float32"), 1, axis=0)).numpy()
    np.testing.assert_array_equal(cross, np.cross(np.eye(3), np.roll(np.eye(3), 1, axis=0)))
    logits = np.array([[0.1, 0.2, 1.5, 1.3], [3.0, -1.0, 0.0, 0.5]], "float32")
    projected = ops.sparsemax(logits).numpy()
    np.testing.assert_allclose(projected, [[0, 0, 0.6, 0.4], [1, 0, 0, 0]], atol=1e-6)   # on the simplex
    with pytest.raises(ValueError, match="do not divide"):
        ops.hsplit(np.ones((2, 5)), 2)
    with pytest.raises(ValueError, match="2 or 3 components"):
        ops.cross(np.ones(4), np.ones(3))
    with pytest.raises(TypeError, match="exponents"):
        ops.ldexp(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="divisible"):
        ops.space_to_depth(np.ones((1, 3, 3, 1)), 2)


@pytest.mark.parametrize("pattern,lengths,shape", [
    ("b h w -> b (h w)", {}, (2, 3, 4)), ("b (h p) w -> b h p w", {"p": 3}, (2, 3, 4)),
    ("a b c -> c a b", {}, (2, 3, 4)), ("b h (w q) -> (b q) w h", {"q": 2}, (2, 3, 4)),
    ("a b c -> a () b c", {}, (2, 3, 4)),
])
def test_rearrange_matches_reshape_transpose_and_differentiates(pattern, lengths, shape, float64):
    check_gradients(lambda x: ops.rearrange(x, pattern, **lengths), shape)


def test_rearrange_values_symbolic_and_errors():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.rearrange(x, "b (h p) w -> b h (p w)", p=3).numpy(),
                                  x.reshape(2, 1, 3, 4).reshape(2, 1, 12))
    np.testing.assert_array_equal(ops.rearrange(x, "b h w -> w b h").numpy(), x.transpose(2, 0, 1))
    assert ops.rearrange(KerasTensor((None, 4, 6)), "b h (w c) -> b (h w) c", c=3).shape == (None, 8, 3)
    with pytest.raises(ValueError, match="->"):
        ops.rearrange(x, "b h w")
    with pytest.raises(ValueError, match="same axes"):
        ops.rearrange(x, "b h w -> b h")
    with pytest.raises(ValueError, match="all but one"):
        ops.rearrange(x, "b (h p) w -> b h p w")
    with pytest.raises(ValueError, match="not"):
        ops.rearrange(x, "... w -> w ...")


@pytest.mark.parametrize("name,fn,shapes", [
    ("correlate", lambda a, b: ops.correlate(a, b, "same"), [(6,), (3,)]),
    ("correlate_full", lambda a, b: ops.correlate(a, b, "full"), [(5,), (5,)]),
])
def test_correlate_gradients(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_correlate_nextafter_view_and_errors():
    a, v = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), np.array([0.0, 1.0, 0.5, 2.0])
    for mode in ("valid", "same", "full"):
        np.testing.assert_allclose(ops.correlate(a, v, mode).numpy(), np.correlate(a, v, mode), rtol=1e-6)
    np.testing.assert_array_equal(ops.nextafter(np.float32(1), np.float32(2)).numpy(), np.nextafter(np.float32(1), 2))
    assert ops.view(np.ones(2, "float32"), "int32").numpy().tolist() == [1065353216] * 2
    with pytest.raises(ValueError, match="len\\(x1\\) >= len\\(x2\\)"):
        ops.correlate(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        ops.correlate(np.ones(3), np.ones(2), mode="circular")


def test_complex_pairs(float64):
    check_gradients(lambda r, t: ops.view_as_real(ops.polar(r, t)), (2, 3), (2, 3))
    check_gradients(lambda x: ops.view_as_real(ops.view_as_complex(x)) * 3.0, (3, 2))


def test_complex_pair_values_and_errors():
    z = ops.view_as_complex(np.array([[1.0, 2.0], [3.0, -1.0]], "float32"))
    assert z.dtype == "complex64" and z.numpy().tolist() == [1 + 2j, 3 - 1j]
    np.testing.assert_allclose(ops.polar(np.array([2.0]), np.array([np.pi / 2])).numpy(), [2j], atol=1e-12)
    with pytest.raises(ValueError, match="size 2"):
        ops.view_as_complex(np.ones((2, 3), "float32"))
    with pytest.raises(TypeError, match="complex"):
        ops.view_as_real(np.ones(2, "float32"))
