"""Recurrent kernels: fast against reference, both backends' behaviour, references against finite
differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R

from .helpers import BOTH_BACKENDS, DTYPES, SOME, assert_close, check_directional_derivatives, rand

ACTIVATION_PAIRS = [(A.TANH, A.SIGMOID), (A.RELU, A.HARD_SIGMOID), (A.SIGMOID, A.TANH), (A.LINEAR, A.SIGMOID)]


def _mask(rng, steps, batch, kind):
    if kind == "none":
        return None
    mask = rng.random((steps, batch)) > 0.4
    mask[0, 0] = False  # a masked first step: the initial state must carry over
    if batch > 1:
        mask[:, 1] = False  # a fully masked sequence
    return mask


def _check_all(got, want):
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            assert_close(g, w)


@st.composite
def rnn_cases(draw):
    return dict(steps=draw(st.integers(1, 6)), batch=draw(st.integers(1, 4)), units=draw(st.integers(1, 6)),
                mask=draw(st.sampled_from(["none", "random"])), acts=draw(st.sampled_from(ACTIVATION_PAIRS)),
                dtype=draw(st.sampled_from(DTYPES)), seed=draw(st.integers(0, 2**16)))


# --------------------------------------------------------------------------- kernel == reference

@SOME
@given(case=rnn_cases())
def test_lstm_matches_reference(case):
    rng = np.random.default_rng(case["seed"])
    T, B, u, dt = case["steps"], case["batch"], case["units"], case["dtype"]
    mask, acts = _mask(rng, T, B, case["mask"]), case["acts"]
    xproj, U = rand(rng, (T, B, 4 * u), dt), rand(rng, (u, 4 * u), dt, 0.5)
    h0, c0 = rand(rng, (B, u), dt), rand(rng, (B, u), dt)
    saved = F.lstm_sequence_forward(xproj, h0, c0, U, mask, *acts)
    saved_ref = R.lstm_sequence_forward(xproj, h0, c0, U, mask, *acts)
    _check_all(saved, saved_ref)
    dhs, dh_last, dc_last = rand(rng, (T, B, u), dt), rand(rng, (B, u), dt), rand(rng, (B, u), dt)
    _check_all(F.lstm_sequence_backward(U, h0, c0, *saved, dhs, dh_last, dc_last, mask, *acts),
               R.lstm_sequence_backward(U, h0, c0, *saved_ref, dhs, dh_last, dc_last, mask, *acts))


@SOME
@given(case=rnn_cases(), reset_after=st.booleans())
def test_gru_matches_reference(case, reset_after):
    rng = np.random.default_rng(case["seed"])
    T, B, u, dt = case["steps"], case["batch"], case["units"], case["dtype"]
    mask, acts = _mask(rng, T, B, case["mask"]), case["acts"]
    xproj, U, h0 = rand(rng, (T, B, 3 * u), dt), rand(rng, (u, 3 * u), dt, 0.5), rand(rng, (B, u), dt)
    b_rec = rand(rng, 3 * u, dt) if reset_after else None
    saved = F.gru_sequence_forward(xproj, h0, U, b_rec, reset_after, mask, *acts)
    saved_ref = R.gru_sequence_forward(xproj, h0, U, b_rec, reset_after, mask, *acts)
    _check_all(saved[:2], saved_ref[:2])
    if reset_after:
        assert_close(saved[2], saved_ref[2])
    dhs, dh_last = rand(rng, (T, B, u), dt), rand(rng, (B, u), dt)
    _check_all(F.gru_sequence_backward(U, h0, *saved, dhs, dh_last, reset_after, mask, *acts),
               R.gru_sequence_backward(U, h0, *saved_ref, dhs, dh_last, reset_after, mask, *acts))


@SOME
@given(case=rnn_cases())
def test_simple_rnn_matches_reference(case):
    rng = np.random.default_rng(case["seed"])
    T, B, u, dt = case["steps"], case["batch"], case["units"], case["dtype"]
    mask, act = _mask(rng, T, B, case["mask"]), case["acts"][0]
    xproj, U, h0 = rand(rng, (T, B, u), dt), rand(rng, (u, u), dt, 0.5), rand(rng, (B, u), dt)
    hs = F.simple_rnn_sequence_forward(xproj, h0, U, mask, act)
    hs_ref = R.simple_rnn_sequence_forward(xproj, h0, U, mask, act)
    assert_close(hs, hs_ref)
    dhs, dh_last = rand(rng, (T, B, u), dt), rand(rng, (B, u), dt)
    _check_all(F.simple_rnn_sequence_backward(U, h0, hs, dhs, dh_last, mask, act),
               R.simple_rnn_sequence_backward(U, h0, hs_ref, dhs, dh_last, mask, act))


# --------------------------------------------------------------------------- semantics

@BOTH_BACKENDS
def test_masked_steps_carry_state_and_output(K):
    rng = np.random.default_rng(0)
    T, B, u = 5, 2, 3
    mask = np.array([[False, True], [True, False], [False, False], [True, True], [False, True]])
    h0, c0 = rand(rng, (B, u), np.float32), rand(rng, (B, u), np.float32)
    results = {
        "lstm": K.lstm_sequence_forward(rand(rng, (T, B, 4 * u), np.float32), h0, c0,
                                        rand(rng, (u, 4 * u), np.float32), mask)[0],
        "gru": K.gru_sequence_forward(rand(rng, (T, B, 3 * u), np.float32), h0, rand(rng, (u, 3 * u), np.float32),
                                      mask=mask)[0],
        "rnn": K.simple_rnn_sequence_forward(rand(rng, (T, B, u), np.float32), h0, rand(rng, (u, u), np.float32),
                                             mask),
    }
    for name, hs in results.items():
        previous = h0
        for t in range(T):
            for b in range(B):
                if not mask[t, b]:
                    np.testing.assert_array_equal(hs[t, b], previous[b], err_msg=f"{name} t={t} b={b}")
                else:
                    assert not np.array_equal(hs[t, b], previous[b])
            previous = hs[t]


@BOTH_BACKENDS
def test_default_initial_state_is_zero_and_gate_order_is_keras(K):
    # one LSTM step from h0 = c0 = 0 with only the candidate (c) and output (o) blocks open
    u = 2
    xproj = np.zeros((1, 1, 4 * u))
    xproj[..., 0 * u:1 * u] = 50.0   # i: sigmoid -> 1
    xproj[..., 1 * u:2 * u] = -50.0  # f: irrelevant, c0 = 0
    xproj[..., 2 * u:3 * u] = [0.3, -0.7]  # c candidate: tanh
    xproj[..., 3 * u:4 * u] = 50.0   # o: sigmoid -> 1
    hs, cs, _ = K.lstm_sequence_forward(xproj, None, None, np.zeros((u, 4 * u)))
    assert_close(cs[0, 0], np.tanh([0.3, -0.7]))
    assert_close(hs[0, 0], np.tanh(np.tanh([0.3, -0.7])))
    # GRU: z near 1 keeps the old state (Keras: h = z * h_prev + (1 - z) * hh)
    xg = np.zeros((1, 1, 3 * u))
    xg[..., :u] = 50.0
    h0 = np.array([[0.25, -0.5]])
    assert_close(K.gru_sequence_forward(xg, h0, np.zeros((u, 3 * u)))[0][0], h0)


@BOTH_BACKENDS
def test_shape_errors(K):
    with pytest.raises(ValueError, match="time-major"):
        K.lstm_sequence_forward(np.zeros((2, 8)), None, None, np.zeros((2, 8)))
    with pytest.raises(ValueError, match="initial state"):
        K.simple_rnn_sequence_forward(np.zeros((3, 2, 4)), np.zeros((3, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="mask"):
        K.simple_rnn_sequence_forward(np.zeros((3, 2, 4)), None, np.zeros((4, 4)), mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="recurrent bias"):
        K.gru_sequence_forward(np.zeros((3, 2, 6)), None, np.zeros((2, 6)), np.zeros(6), reset_after=False)


# --------------------------------------------------------------------------- references vs finite differences

@pytest.mark.parametrize("mask_kind", ["none", "random"])
@pytest.mark.parametrize("acts", ACTIVATION_PAIRS[:3])
def test_lstm_reference_gradients_by_finite_differences(mask_kind, acts):
    rng = np.random.default_rng(11)
    T, B, u = 4, 3, 3
    mask = _mask(rng, T, B, mask_kind)
    args = [rand(rng, (T, B, 4 * u)), rand(rng, (B, u)), rand(rng, (B, u)), rand(rng, (u, 4 * u), scale=0.5)]
    P, Qh, Qc = rand(rng, (T, B, u)), rand(rng, (B, u)), rand(rng, (B, u))

    def loss(xproj, h0, c0, U):
        hs, cs, _ = R.lstm_sequence_forward(xproj, h0, c0, U, mask, *acts)
        return float(np.sum(hs * P) + np.sum(hs[-1] * Qh) + np.sum(cs[-1] * Qc))

    saved = R.lstm_sequence_forward(*args, mask, *acts)
    dxproj, dU, dh0, dc0 = R.lstm_sequence_backward(args[3], args[1], args[2], *saved, P, Qh, Qc, mask,
                                                              *acts)
    check_directional_derivatives(loss, args, {0: dxproj, 1: dh0, 2: dc0, 3: dU}, rng)


@pytest.mark.parametrize("mask_kind", ["none", "random"])
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("acts", ACTIVATION_PAIRS[:2])
def test_gru_reference_gradients_by_finite_differences(mask_kind, reset_after, acts):
    rng = np.random.default_rng(12)
    T, B, u = 4, 3, 3
    mask = _mask(rng, T, B, mask_kind)
    args = [rand(rng, (T, B, 3 * u)), rand(rng, (B, u)), rand(rng, (u, 3 * u), scale=0.5), rand(rng, 3 * u)]
    P, Qh = rand(rng, (T, B, u)), rand(rng, (B, u))

    def loss(xproj, h0, U, b_rec):
        hs = R.gru_sequence_forward(xproj, h0, U, b_rec if reset_after else None, reset_after, mask,
                                              *acts)[0]
        return float(np.sum(hs * P) + np.sum(hs[-1] * Qh))

    saved = R.gru_sequence_forward(args[0], args[1], args[2], args[3] if reset_after else None,
                                             reset_after, mask, *acts)
    dxproj, dU, db, dh0 = R.gru_sequence_backward(args[2], args[1], *saved, P, Qh, reset_after, mask, *acts)
    grads = {0: dxproj, 1: dh0, 2: dU}
    if reset_after:
        grads[3] = db
    check_directional_derivatives(loss, args, grads, rng)


@pytest.mark.parametrize("mask_kind", ["none", "random"])
@pytest.mark.parametrize("act", [A.TANH, A.RELU, A.SIGMOID])
def test_simple_rnn_reference_gradients_by_finite_differences(mask_kind, act):
    rng = np.random.default_rng(13)
    T, B, u = 4, 3, 3
    mask = _mask(rng, T, B, mask_kind)
    args = [rand(rng, (T, B, u)), rand(rng, (B, u)), rand(rng, (u, u), scale=0.5)]
    P, Qh = rand(rng, (T, B, u)), rand(rng, (B, u))

    def loss(xproj, h0, U):
        hs = R.simple_rnn_sequence_forward(xproj, h0, U, mask, act)
        return float(np.sum(hs * P) + np.sum(hs[-1] * Qh))

    hs = R.simple_rnn_sequence_forward(*args, mask, act)
    dxproj, dU, dh0 = R.simple_rnn_sequence_backward(args[2], args[1], hs, P, Qh, mask, act)
    check_directional_derivatives(loss, args, {0: dxproj, 1: dh0, 2: dU}, rng)
