"""Activation and dense kernels: fast against reference, both backends' behaviour, references
against finite differences."""
import time

import numpy as np
import pytest
from hypothesis import given, strategies as st

from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R
from minikeras.kernels.reference.activations import activation

from .helpers import BOTH_BACKENDS, DTYPES, SOME, assert_close, check_directional_derivatives, rand

CODES = [A.LINEAR, A.RELU, A.SIGMOID, A.TANH, A.HARD_SIGMOID, A.SOFTMAX]


def test_activation_codes():
    assert (A.LINEAR, A.RELU, A.SIGMOID, A.TANH) == (0, 1, 2, 3)
    assert A.activation_code(None) == A.LINEAR
    assert A.activation_code("linear") == A.LINEAR
    assert A.activation_code("relu") == A.RELU
    assert A.activation_code("sigmoid") == A.SIGMOID
    assert A.activation_code("tanh") == A.TANH
    assert A.activation_code("softmax") == A.SOFTMAX
    assert A.activation_code("elu") is None
    assert A.activation_code(np.tanh) is None


@SOME
@given(shape=st.lists(st.integers(1, 7), min_size=1, max_size=3), code=st.sampled_from(CODES),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_activation_kernels_match_reference(shape, code, dtype, seed):
    rng = np.random.default_rng(seed)
    z = rand(rng, shape, dtype, scale=3)
    expected = activation(z, code)
    for K in (F, R):
        out = z.copy()
        assert K.apply_activation_inplace(out, code) is out
        assert out.dtype == dtype
        assert_close(out, expected)
    dy = rand(rng, shape, dtype)
    dz = F.activation_grad_from_output(expected, dy, code)
    assert dz.dtype == dtype
    assert_close(dz, R.activation_grad_from_output(expected, dy, code))


@BOTH_BACKENDS
def test_activation_inplace_on_strided_view(K):
    z = np.linspace(-3, 3, 24, dtype=np.float32).reshape(4, 6)
    expected = z.copy()
    expected[:, ::2] = np.tanh(expected[:, ::2])
    K.apply_activation_inplace(z[:, ::2], A.TANH)
    assert_close(z, expected)


@BOTH_BACKENDS
def test_activations_keep_float32_and_saturate(K):
    z = np.array([-1000, -20, 0, 20, 1000], np.float32)
    assert_close(K.apply_activation_inplace(z.copy(), A.SIGMOID), [0, 2.06e-9, 0.5, 1, 1])
    assert_close(K.apply_activation_inplace(z.copy(), A.TANH), [-1, -1, 0, 1, 1])
    assert_close(K.apply_activation_inplace(z.copy(), A.HARD_SIGMOID), [0, 0, 0.5, 1, 1])
    for code in CODES:
        assert K.apply_activation_inplace(z.copy(), code).dtype == np.float32


@SOME
@given(rows=st.integers(1, 9), cols=st.integers(1, 9), code=st.sampled_from(CODES), has_bias=st.booleans(),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_bias_activation_matches_reference(rows, cols, code, has_bias, dtype, seed):
    rng = np.random.default_rng(seed)
    y = rand(rng, (rows, cols), dtype, scale=2)
    bias = rand(rng, cols, dtype) if has_bias else None
    out = F.bias_activation_inplace(y.copy(), bias, code)
    expected = R.bias_activation_inplace(y.copy(), bias, code)
    assert_close(out, expected)
    dy = rand(rng, (rows, cols), dtype)
    dz, db = F.bias_activation_backward(out, dy, code, has_bias)
    dz_ref, db_ref = R.bias_activation_backward(expected, dy, code, has_bias)
    assert_close(dz, dz_ref)
    if has_bias:
        assert db.dtype == dtype
        assert_close(db, db_ref)
    else:
        assert db is None


def test_linear_bias_backward_of_a_read_only_gradient():
    dy = np.arange(6, dtype=np.float32).reshape(3, 2)
    dy.flags.writeable = False
    dz, db = F.bias_activation_backward(np.zeros_like(dy), dy, A.LINEAR, True)
    assert_close(dz, dy)
    assert_close(db, [6.0, 9.0])


@SOME
@given(batch=st.integers(1, 8), n_in=st.integers(1, 9), units=st.integers(1, 9), code=st.sampled_from(CODES),
       has_bias=st.booleans(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_dense_matches_reference(batch, n_in, units, code, has_bias, dtype, seed):
    rng = np.random.default_rng(seed)
    x, kernel = rand(rng, (batch, n_in), dtype), rand(rng, (n_in, units), dtype)
    bias = rand(rng, units, dtype) if has_bias else None
    y = F.dense_forward(x, kernel, bias, code)
    assert y.dtype == dtype and y.flags.c_contiguous
    assert_close(y, R.dense_forward(x, kernel, bias, code))
    dy = rand(rng, y.shape, dtype)
    got = F.dense_backward(x, kernel, y, dy, code, has_bias)
    want = R.dense_backward(x, kernel, y, dy, code, has_bias)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            assert g.dtype == dtype
            assert_close(g, w)
    for K in (F, R):
        assert K.dense_backward(x, kernel, y, dy, code, has_bias, need_dx=False)[0] is None


@BOTH_BACKENDS
def test_dense_accepts_non_contiguous_inputs(K):
    rng = np.random.default_rng(0)
    x = rand(rng, (6, 8), np.float32)[:, ::2]
    kernel = rand(rng, (3, 4), np.float32).T
    assert_close(K.dense_forward(x, kernel, None, A.RELU), np.maximum(np.ascontiguousarray(x) @ kernel, 0))


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("has_bias", [True, False])
def test_dense_reference_gradients_by_finite_differences(code, has_bias):
    rng = np.random.default_rng(code + 10 * has_bias)
    x, kernel, bias = rand(rng, (5, 4)), rand(rng, (4, 3)), rand(rng, 3)
    proj = rand(rng, (5, 3))

    def loss(x, kernel, bias):
        return float(np.sum(R.dense_forward(x, kernel, bias if has_bias else None, code) * proj))

    y = R.dense_forward(x, kernel, bias if has_bias else None, code)
    dx, dkernel, dbias = R.dense_backward(x, kernel, y, proj, code, has_bias)
    grads = {0: dx, 1: dkernel}
    if has_bias:
        grads[2] = dbias
    check_directional_derivatives(loss, [x, kernel, bias], grads, rng)


# --------------------------------------------------------------------------- the threaded forward GEMM
# kernels/dense.py splits the rows of a forward GEMM of at least SPLIT_FLOPS over numba's
# threads; these tests force the situations its docstring names.

@pytest.fixture
def split_state(monkeypatch):
    """dense.py's splitting state, fresh for the test, with two CPUs and a call counter."""
    from minikeras.kernels import dense
    monkeypatch.setattr(dense, "_split_state", {"forked": False, "paused_until": 0.0,
                                                "pause": dense.PAUSE_SECONDS[0], "started": False})
    monkeypatch.setattr(dense, "num_threads", lambda: 2)
    monkeypatch.setattr(dense, "seconds_since_pool_work", lambda: float("inf"))  # (other tests used the pool)
    calls = []
    compiled = dense._matmul_split_rows
    monkeypatch.setattr(dense, "_matmul_split_rows", lambda *a: calls.append(a[3]) or compiled(*a))
    return dense, calls


def _large_case(dtype, rows=48):
    rng = np.random.default_rng(1)
    return rand(rng, (rows, 300), dtype), rand(rng, (300, 80), dtype), rand(rng, 80, dtype)  # 2.3 MFLOP at 48 rows


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", CODES)
def test_split_forward_matches_reference(split_state, dtype, code):
    dense, calls = split_state
    x, kernel, bias = _large_case(dtype)
    assert 2 * x.shape[0] * x.shape[1] * kernel.shape[1] >= dense.SPLIT_FLOPS
    y = F.dense_forward(x, kernel, bias, code)
    assert calls == [2] and y.dtype == dtype and y.flags.c_contiguous
    assert_close(y, R.dense_forward(x, kernel, bias, code))


def test_small_gemms_and_one_cpu_stay_on_one_thread(split_state, monkeypatch):
    dense, calls = split_state
    x, kernel, bias = _large_case(np.float32, rows=8)  # 0.4 MFLOP
    assert_close(F.dense_forward(x, kernel, bias, A.RELU), R.dense_forward(x, kernel, bias, A.RELU))
    monkeypatch.setattr(dense, "num_threads", lambda: 1)
    x, kernel, bias = _large_case(np.float32)
    assert_close(F.dense_forward(x, kernel, bias, A.RELU), R.dense_forward(x, kernel, bias, A.RELU))
    assert calls == []


def test_a_slow_split_pauses_splitting_and_the_first_call_is_not_judged(split_state, monkeypatch):
    dense, calls = split_state
    monkeypatch.setattr(dense, "_too_slow", lambda seconds, flops: True)  # every call "waited"
    monkeypatch.setattr(dense, "PAUSE_SECONDS", (600.0, 1200.0))  # no pause ends during the test
    dense._split_state["pause"] = 600.0
    x, kernel, bias = _large_case(np.float32)
    expected = R.dense_forward(x, kernel, bias, A.TANH)
    results = [F.dense_forward(x, kernel, bias, A.TANH) for _ in range(4)]
    for y in results:
        assert_close(y, expected)
        np.testing.assert_array_equal(y, results[0])  # paused or not: the same bits
    assert calls == [2, 2]  # the first (threads starting) is not judged, the second pauses
    dense._split_state["paused_until"] = 0.0  # the pause is over: one call tries again
    F.dense_forward(x, kernel, bias, A.TANH)
    assert calls == [2, 2, 2]


def test_the_pause_doubles_with_every_slow_try_and_halves_with_every_normal_call(split_state, monkeypatch):
    dense, calls = split_state
    shortest, longest = dense.PAUSE_SECONDS
    slow = [True]
    monkeypatch.setattr(dense, "_too_slow", lambda seconds, flops: slow[0])
    x, kernel, bias = _large_case(np.float32)
    F.dense_forward(x, kernel, bias, A.RELU)  # starts the threads: not judged
    pauses = []
    for _ in range(12):  # a busy machine: every try is slow
        dense._split_state["paused_until"] = 0.0  # (the pause is over)
        before = time.monotonic()
        F.dense_forward(x, kernel, bias, A.RELU)
        pauses.append(dense._split_state["paused_until"] - before)
    assert pauses[0] >= shortest and pauses[1] >= 2 * shortest and pauses[2] >= 4 * shortest
    assert max(pauses) <= longest + 1.0 and pauses[-1] >= longest  # it grows up to the longest, no further
    slow[0] = False  # the machine is quiet again: each normal call halves the pause
    dense._split_state["paused_until"] = 0.0
    F.dense_forward(x, kernel, bias, A.RELU)
    assert dense._split_state["pause"] == longest / 2
    for _ in range(12):
        F.dense_forward(x, kernel, bias, A.RELU)
    assert dense._split_state["pause"] == shortest and len(calls) == 26


def test_too_slow_compares_the_time_with_the_work():
    from minikeras.kernels.dense import _too_slow
    assert not _too_slow(60e-6, 6.4e6) and _too_slow(8e-3, 6.4e6)  # the MNIST MLP's layer, normal vs a tick
    assert not _too_slow(20e-3, 268e6) and _too_slow(40e-3, 268e6)  # 64x2048 @ 2048x1024


def test_a_concurrent_call_computes_the_same_blocks_without_threads(split_state):
    dense, calls = split_state
    x, kernel, bias = _large_case(np.float32)
    with dense._split_lock:  # another thread is inside the split
        alone = F.dense_forward(x, kernel, bias, A.LINEAR)
    assert calls == []
    np.testing.assert_array_equal(alone, F.dense_forward(x, kernel, bias, A.LINEAR))
    assert calls == [2]


def test_no_split_while_the_python_threads_have_work(split_state, monkeypatch):
    """Right after a convolution's Python threads, the product stays on one thread (the same
    row blocks, the same bits); once they have been idle long enough, it splits again."""
    dense, calls = split_state
    x, kernel, bias = _large_case(np.float32)
    monkeypatch.setattr(dense, "seconds_since_pool_work", lambda: 0.01)
    sharing = F.dense_forward(x, kernel, bias, A.RELU)
    assert calls == []
    monkeypatch.setattr(dense, "seconds_since_pool_work", lambda: dense.POOL_QUIET_SECONDS + 0.01)
    np.testing.assert_array_equal(sharing, F.dense_forward(x, kernel, bias, A.RELU))
    assert calls == [2]


def test_the_python_threads_note_when_they_last_had_work():
    from minikeras.kernels import threads
    threads.run_parts(lambda a: a, [(1,)])  # one part: no helper thread, nothing noted
    idle = threads.seconds_since_pool_work()
    assert threads.run_parts(lambda a: a * 2, [(1,), (2,)]) == [2, 4]
    assert threads.seconds_since_pool_work() < min(idle, 60.0)


def _child_forward(queue):
    from minikeras.kernels import dense
    x, kernel, bias = _large_case(np.float32)
    queue.put((dense._split_state["forked"], F.dense_forward(x, kernel, bias, A.RELU)))


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_computes_without_numbas_threads_and_gets_the_same_bits():
    import multiprocessing
    x, kernel, bias = _large_case(np.float32)
    parent = F.dense_forward(x, kernel, bias, A.RELU)  # this process has used the split (if it has 2 CPUs)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_forward, args=(queue,))
    child.start()
    forked, y = queue.get(timeout=120)
    child.join(60)
    assert child.exitcode == 0 and forked
    np.testing.assert_array_equal(y, parent)


def test_integer_and_half_precision_products_are_not_split(split_state):
    dense, calls = split_state
    rng = np.random.default_rng(0)
    for dtype in (np.int64, np.float16):
        x, kernel = rng.integers(-3, 3, (48, 300)).astype(dtype), rng.integers(-3, 3, (300, 80)).astype(dtype)
        np.testing.assert_array_equal(F.dense_forward(x, kernel, None, A.LINEAR), x @ kernel)
    assert calls == []


def test_integer_and_half_precision_products_of_large_layers(split_state):
    """The Python threads' parts multiply other types with numpy (numba's np.dot takes floats only)."""
    from minikeras.kernels.dense import POOL_FLOPS
    rng = np.random.default_rng(0)
    for dtype in (np.int64, np.float16):
        x, kernel = rng.integers(-3, 3, (160, 512)).astype(dtype), rng.integers(-3, 3, (512, 128)).astype(dtype)
        assert 2 * 160 * 512 * 128 >= POOL_FLOPS
        np.testing.assert_array_equal(F.dense_forward(x, kernel, None, A.LINEAR), x @ kernel)


def test_large_products_use_the_python_threads_not_numbas(split_state):
    """From POOL_FLOPS on, forward and backward both run on the Python pool (dense.py says why)."""
    dense, calls = split_state
    rng = np.random.default_rng(5)
    x, kernel, bias = rand(rng, (160, 512), np.float32), rand(rng, (512, 128), np.float32), rand(rng, 128, np.float32)
    assert 2 * 160 * 512 * 128 >= dense.POOL_FLOPS
    assert_close(F.dense_forward(x, kernel, bias, A.RELU), R.dense_forward(x, kernel, bias, A.RELU))
    assert calls == []


def test_below_the_pool_size_both_passes_split_on_numbas_threads(split_state, monkeypatch):
    """Dense(256) at batch 64 (8.4 MFLOP): handing its passes to the Python threads cost more
    than it gained (dense.py); its forward product and its two backward products split on
    numba's threads instead, and no work goes to the Python threads."""
    dense, calls = split_state
    handed, backward = [], []
    monkeypatch.setattr(dense, "run_parts", lambda fn, parts: handed.append(parts))
    compiled = dense._backward_split
    monkeypatch.setattr(dense, "_backward_split", lambda *a: backward.append(a[4].shape[0]) or compiled(*a))
    rng = np.random.default_rng(6)
    x, kernel, bias = rand(rng, (64, 256), np.float32), rand(rng, (256, 256), np.float32), rand(rng, 256, np.float32)
    assert dense.SPLIT_FLOPS < 2 * 64 * 256 * 256 < dense.POOL_FLOPS
    y = F.dense_forward(x, kernel, bias, A.RELU)
    assert_close(y, R.dense_forward(x, kernel, bias, A.RELU))
    dy = rand(rng, y.shape, np.float32)
    for got, want in zip(F.dense_backward(x, kernel, y, dy, A.RELU, True),
                         R.dense_backward(x, kernel, y, dy, A.RELU, True)):
        assert_close(got, want)
    assert calls == [2] and backward == [64] and handed == []


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", [A.RELU, A.SOFTMAX])
def test_split_backward_matches_reference_and_its_one_thread_twin(split_state, monkeypatch, dtype, code):
    """dkernel on one thread, dx on the other: the reference's values, and the same bits
    whether numba's threads ran it or the twin did (a paused split). A first layer (no dx)
    keeps its one product here."""
    dense, _ = split_state
    used = []
    compiled = dense._backward_split
    monkeypatch.setattr(dense, "_backward_split", lambda *a: used.append(1) or compiled(*a))
    x, kernel, bias = _large_case(dtype)
    y = R.dense_forward(x, kernel, bias, code)
    dy = rand(np.random.default_rng(2), y.shape, dtype)
    threaded = F.dense_backward(x, kernel, y, dy, code, True)
    for got, want in zip(threaded, R.dense_backward(x, kernel, y, dy, code, True)):
        assert got.dtype == dtype and got.shape == want.shape
        assert_close(got, want)
    assert used == [1]
    dense._split_state["paused_until"] = time.monotonic() + 600  # now the twin computes it
    for got, again in zip(threaded, F.dense_backward(x, kernel, y, dy, code, True)):
        np.testing.assert_array_equal(got, again)
    dense._split_state["paused_until"] = 0.0
    dx, dkernel, dbias = F.dense_backward(x, kernel, y, dy, code, True, need_dx=False)
    assert dx is None and used == [1]
    assert_close(dkernel, threaded[1])


def test_one_cpu_keeps_the_backward_products_whole(split_state, monkeypatch):
    dense, _ = split_state
    monkeypatch.setattr(dense, "num_threads", lambda: 1)
    monkeypatch.setattr(dense, "_backward_products", None)  # would fail if called
    monkeypatch.setattr(dense, "_backward_split", None)
    x, kernel, bias = _large_case(np.float32)
    y = R.dense_forward(x, kernel, bias, A.RELU)
    dy = rand(np.random.default_rng(3), y.shape, np.float32)
    for got, want in zip(F.dense_backward(x, kernel, y, dy, A.RELU, True),
                         R.dense_backward(x, kernel, y, dy, A.RELU, True)):
        assert_close(got, want)


def test_warmup_compiles_both_ways_of_splitting():
    from minikeras.kernels import dense
    dense.compile_split_kernels(np.float32)
    assert dense._matmul_row_blocks.signatures and dense._matmul_split_rows.signatures
    assert dense._backward_products.signatures and dense._backward_split.signatures


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("has_bias", [True, False])
def test_a_wide_large_layer_splits_its_units_over_the_threads(split_state, monkeypatch, code, has_bias):
    """A kernel too large for the small-matrix row blocks (k * units over SMALL_MNK / 8) is
    split by columns, each thread adding the bias and activating its own columns; softmax,
    which needs whole rows, keeps the split by rows. Both give the reference's values."""
    from minikeras.kernels import activations, threads
    dense, _ = split_state
    monkeypatch.setattr(threads, "num_threads", lambda: 2)
    used = []
    columns = activations.bias_activation_columns
    monkeypatch.setattr(dense, "bias_activation_columns", lambda y, c0, c1, b, c: used.append((c0, c1)) or
                        columns(y, c0, c1, b, c))
    rng = np.random.default_rng(3)
    x, kernel, bias = rand(rng, (64, 640), np.float32), rand(rng, (640, 300), np.float32), rand(rng, 300, np.float32)
    assert 8 * 640 * 300 > dense.SMALL_MNK and 2 * 64 * 640 * 300 >= dense.POOL_FLOPS
    bias = bias if has_bias else None
    assert_close(F.dense_forward(x, kernel, bias, code), R.dense_forward(x, kernel, bias, code))
    assert sorted(used) == ([] if code == A.SOFTMAX else [(0, 150), (150, 300)])


def test_column_activation_refuses_softmax_and_strided_arrays():
    from minikeras.kernels.activations import bias_activation_columns
    y = np.ones((4, 6), np.float32)
    with pytest.raises(ValueError, match="softmax needs whole rows"):
        bias_activation_columns(y, 0, 3, None, A.SOFTMAX)
    with pytest.raises(ValueError, match="C-contiguous"):
        bias_activation_columns(y[:, :3], 0, 3, None, A.RELU)
    bias_activation_columns(y, 2, 4, np.arange(6, dtype=np.float32), A.RELU)
    np.testing.assert_array_equal(y[0], [1, 1, 3, 4, 1, 1])
