"""Convolution kernels: fast against reference, both backends' behaviour, references against
finite differences."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from minikeras.kernels import activation_codes as A
from minikeras.kernels import conv_gemm
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R
from minikeras.kernels.conv_geometry import conv_output_length, conv_padding, conv_transpose_output_length
from minikeras.kernels.reference.activations import activation

from .helpers import BOTH_BACKENDS, DTYPES, FEW, SOME, assert_close, check_directional_derivatives, rand


# --------------------------------------------------------------------------- conv2d

@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    case = dict(
        n=draw(st.integers(1, 3)), h=draw(st.integers(1, 9)), w=draw(st.integers(1, 9)),
        cin=groups * draw(st.integers(1, 3)), cout=groups * draw(st.integers(1, 3)), groups=groups,
        kernel_hw=(draw(st.integers(1, 4)), draw(st.integers(1, 4))),
        strides=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        dilation=(draw(st.integers(1, 2)), draw(st.integers(1, 2))),
        padding=draw(st.one_of(st.sampled_from(["valid", "same"]),
                               st.tuples(st.tuples(st.integers(0, 2), st.integers(0, 2)),
                                         st.tuples(st.integers(0, 2), st.integers(0, 2))))),
    )
    out = [conv_output_length(n, k, s, d, p) for n, k, s, d, p in
           zip((case["h"], case["w"]), case["kernel_hw"], case["strides"], case["dilation"],
               [case["padding"]] * 2 if isinstance(case["padding"], str) else case["padding"])]
    assume(min(out) >= 1)
    return case


def _conv_arrays(case, rng, dtype):
    x = rand(rng, (case["n"], case["h"], case["w"], case["cin"]), dtype)
    kernel = rand(rng, case["kernel_hw"] + (case["cin"] // case["groups"], case["cout"]), dtype)
    return x, kernel


@SOME
@given(case=conv_cases(), dtype=st.sampled_from(DTYPES), tiny_chunks=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_matches_reference(case, dtype, tiny_chunks, seed):
    rng = np.random.default_rng(seed)
    x, kernel = _conv_arrays(case, rng, dtype)
    geometry = (case["strides"], case["padding"], case["dilation"], case["groups"])
    saved = conv_gemm.CHUNK_BYTES
    conv_gemm.CHUNK_BYTES = 1 if tiny_chunks else saved  # 1 byte: one image per chunk
    try:
        y = F.conv2d_forward(x, kernel, *geometry)
        dy = rand(rng, y.shape, dtype)
        dx, dkernel = F.conv2d_backward(x, kernel, dy, *geometry)
    finally:
        conv_gemm.CHUNK_BYTES = saved
    assert y.dtype == dx.dtype == dkernel.dtype == dtype
    assert_close(y, R.conv2d_forward(x, kernel, *geometry))
    dx_ref, dkernel_ref = R.conv2d_backward(x, kernel, dy, *geometry)
    assert_close(dx, dx_ref)
    assert_close(dkernel, dkernel_ref)


@FEW
@given(case=conv_cases(), code=st.sampled_from([A.LINEAR, A.RELU, A.SIGMOID, A.TANH]), seed=st.integers(0, 2**16))
def test_conv2d_fused_bias_activation(case, code, seed):
    rng = np.random.default_rng(seed)
    x, kernel = _conv_arrays(case, rng, np.float32)
    bias = rand(rng, case["cout"], np.float32)
    geometry = (case["strides"], case["padding"], case["dilation"], case["groups"])
    y = F.conv2d_forward(x, kernel, *geometry, bias=bias, code=code)
    expected = activation(R.conv2d_forward(x, kernel, *geometry) + bias, code)
    assert_close(y, expected)


@FEW
@given(case=conv_cases(), code=st.sampled_from([A.LINEAR, A.RELU, A.SIGMOID, A.TANH, A.HARD_SIGMOID, A.SOFTMAX]),
       has_bias=st.booleans(), need_dx=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_activation_backward_is_the_activations_then_the_convolutions(case, code, has_bias, need_dx, seed):
    # the backward pass of conv2d_forward with bias and activation: dz = dy * act'(y), then conv2d_backward(dz)
    # (im2col layers run it so; Winograd's own loop: tests/kernels/test_winograd.py)
    rng = np.random.default_rng(seed)
    x, kernel = _conv_arrays(case, rng, np.float32)
    bias = rand(rng, case["cout"], np.float32) if has_bias else None
    geometry = (case["strides"], case["padding"], case["dilation"], case["groups"])
    y = F.conv2d_forward(x, kernel, *geometry, bias=bias, code=code)
    dy = rand(rng, y.shape, np.float32)
    dz, dbias_ref = R.bias_activation_backward(y, dy, code, has_bias)
    dx_ref, dkernel_ref = R.conv2d_backward(x, kernel, dz, *geometry)
    for K in (F, R):
        dx, dkernel, dbias = K.conv2d_activation_backward(x, kernel, y, dy, code, has_bias, *geometry, need_dx=need_dx)
        assert (dx is None) == (not need_dx) and (dbias is None) == (not has_bias)
        if need_dx:
            assert_close(dx, dx_ref)
        assert_close(dkernel, dkernel_ref)
        if has_bias:
            assert dbias.dtype == np.float32
            assert_close(dbias, dbias_ref)


def test_conv2d_pointwise_strided_grouped():
    rng = np.random.default_rng(1)
    x, kernel = rand(rng, (2, 5, 6, 4)), rand(rng, (1, 1, 2, 6))
    y = F.conv2d_forward(x, kernel, (2, 3), "valid", (1, 1), 2)
    assert y.shape == (2, 3, 2, 6)
    assert_close(y, R.conv2d_forward(x, kernel, (2, 3), "valid", (1, 1), 2))
    dy = rand(rng, y.shape)
    for got, want in zip(F.conv2d_backward(x, kernel, dy, (2, 3), "valid", (1, 1), 2),
                         R.conv2d_backward(x, kernel, dy, (2, 3), "valid", (1, 1), 2)):
        assert_close(got, want)


@BOTH_BACKENDS
def test_conv2d_need_dx_false(K):
    rng = np.random.default_rng(2)
    x, kernel = rand(rng, (2, 6, 6, 1), np.float32), rand(rng, (3, 3, 1, 4), np.float32)
    dy = rand(rng, (2, 4, 4, 4), np.float32)
    dx, dkernel = K.conv2d_backward(x, kernel, dy, need_dx=False)
    assert dx is None
    assert_close(dkernel, R.conv2d_backward(x, kernel, dy)[1])


@BOTH_BACKENDS
def test_conv2d_errors_name_the_problem(K):
    x = np.zeros((1, 5, 5, 4), np.float32)
    with pytest.raises(ValueError, match="groups"):
        K.conv2d_forward(x, np.zeros((3, 3, 3, 6), np.float32), groups=2)
    with pytest.raises(ValueError, match="too small"):
        K.conv2d_forward(x, np.zeros((7, 3, 4, 2), np.float32))
    with pytest.raises(ValueError, match="depthwise_conv2d: kernel"):
        K.depthwise_conv2d_forward(x, np.zeros((3, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match="conv2d_transpose: kernel"):
        K.conv2d_transpose_forward(x, np.zeros((3, 3, 2, 3), np.float32))


@pytest.mark.parametrize("strides,padding,dilation,groups", [
    ((1, 1), "valid", (1, 1), 1), ((2, 1), "same", (1, 1), 1), ((1, 2), ((2, 0), (1, 1)), (2, 1), 2),
    ((2, 2), "same", (1, 1), 3)])
def test_conv2d_reference_gradients_by_finite_differences(strides, padding, dilation, groups):
    rng = np.random.default_rng(groups)
    x, kernel = rand(rng, (2, 6, 5, 3 * groups)), rand(rng, (3, 2, 3, 2 * groups))
    geometry = (strides, padding, dilation, groups)
    proj = rand(rng, R.conv2d_forward(x, kernel, *geometry).shape)
    dx, dkernel = R.conv2d_backward(x, kernel, proj, *geometry)
    check_directional_derivatives(lambda x, k: float(np.sum(R.conv2d_forward(x, k, *geometry) * proj)),
                                  [x, kernel], {0: dx, 1: dkernel}, rng)


# --------------------------------------------------------------------------- depthwise

@SOME
@given(case=conv_cases(), mult=st.integers(1, 3), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_depthwise_matches_reference(case, mult, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rand(rng, (case["n"], case["h"], case["w"], case["cin"]), dtype)
    dk = rand(rng, case["kernel_hw"] + (case["cin"], mult), dtype)
    geometry = (case["strides"], case["padding"], case["dilation"])
    y = F.depthwise_conv2d_forward(x, dk, *geometry)
    assert y.shape[3] == case["cin"] * mult
    assert_close(y, R.depthwise_conv2d_forward(x, dk, *geometry))
    dy = rand(rng, y.shape, dtype)
    dx, ddk = F.depthwise_conv2d_backward(x, dk, dy, *geometry)
    dx_ref, ddk_ref = R.depthwise_conv2d_backward(x, dk, dy, *geometry)
    assert_close(dx, dx_ref)
    assert_close(ddk, ddk_ref)
    assert F.depthwise_conv2d_backward(x, dk, dy, *geometry, need_dx=False)[0] is None


@BOTH_BACKENDS
def test_depthwise_output_channel_order_is_keras(K):
    # output channel c*mult + m is input channel c filtered by kernel[..., c, m]
    x = np.zeros((1, 1, 1, 2))
    x[..., 1] = 1.0
    dk = np.arange(4.0).reshape(1, 1, 2, 2)
    assert_close(K.depthwise_conv2d_forward(x, dk)[0, 0, 0], [0, 0, 2, 3])


def test_depthwise_reference_gradients_by_finite_differences():
    rng = np.random.default_rng(3)
    x, dk = rand(rng, (2, 6, 5, 3)), rand(rng, (3, 2, 3, 2))
    geometry = ((2, 1), "same", (1, 2))
    proj = rand(rng, R.depthwise_conv2d_forward(x, dk, *geometry).shape)
    dx, ddk = R.depthwise_conv2d_backward(x, dk, proj, *geometry)
    check_directional_derivatives(
        lambda x, k: float(np.sum(R.depthwise_conv2d_forward(x, k, *geometry) * proj)),
        [x, dk], {0: dx, 1: ddk}, rng)


# --------------------------------------------------------------------------- transposed

@st.composite
def transpose_cases(draw):
    kernel_hw = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["valid", "same"]))
    output_padding = None
    if draw(st.booleans()):
        output_padding = tuple(draw(st.integers(0, s - 1)) for s in strides)
    dilation = (1, 1) if draw(st.booleans()) else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    case = dict(n=draw(st.integers(1, 2)), h=draw(st.integers(1, 5)), w=draw(st.integers(1, 5)),
                cin=draw(st.integers(1, 3)), cout=draw(st.integers(1, 3)), kernel_hw=kernel_hw, strides=strides,
                padding=padding, output_padding=output_padding, dilation=dilation)
    out = [conv_transpose_output_length(n, k, s, d, padding, None if output_padding is None else op)
           for n, k, s, d, op in zip((case["h"], case["w"]), kernel_hw, strides, dilation, output_padding or (0, 0))]
    assume(min(out) >= 1)
    return case


def _transpose_arrays(case, rng, dtype):
    x = rand(rng, (case["n"], case["h"], case["w"], case["cin"]), dtype)
    kernel = rand(rng, case["kernel_hw"] + (case["cout"], case["cin"]), dtype)
    geometry = (case["strides"], case["padding"], case["output_padding"], case["dilation"])
    return x, kernel, geometry


@SOME
@given(case=transpose_cases(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_conv2d_transpose_matches_reference(case, dtype, seed):
    rng = np.random.default_rng(seed)
    x, kernel, geometry = _transpose_arrays(case, rng, dtype)
    y = F.conv2d_transpose_forward(x, kernel, *geometry)
    expected_hw = tuple(conv_transpose_output_length(n, k, s, d, case["padding"], op)
                        for n, k, s, d, op in zip(x.shape[1:3], case["kernel_hw"], case["strides"], case["dilation"],
                                                  case["output_padding"] or (None, None)))
    assert y.shape == (x.shape[0],) + expected_hw + (case["cout"],)
    assert_close(y, R.conv2d_transpose_forward(x, kernel, *geometry))
    dy = rand(rng, y.shape, dtype)
    dx, dkernel = F.conv2d_transpose_backward(x, kernel, dy, *geometry)
    dx_ref, dkernel_ref = R.conv2d_transpose_backward(x, kernel, dy, *geometry)
    assert_close(dx, dx_ref)
    assert_close(dkernel, dkernel_ref)


@FEW
@given(case=transpose_cases(), seed=st.integers(0, 2**16))
def test_conv2d_transpose_is_the_adjoint_of_conv2d(case, seed):
    # <conv2d(y), x> == <y, conv2d_transpose(x)> for the forward conv that maps y's size onto x's
    rng = np.random.default_rng(seed)
    x, kernel, geometry = _transpose_arrays(case, rng, np.float64)
    y = F.conv2d_transpose_forward(x, kernel, *geometry)
    probe = rand(rng, y.shape)
    pads = [conv_padding(n, k, s, d, case["padding"])
            for n, k, s, d in zip(y.shape[1:3], case["kernel_hw"], case["strides"], case["dilation"])]
    # extend the bottom/right padding until the forward conv produces exactly x's size
    for axis in range(2):
        while conv_output_length(y.shape[1 + axis], case["kernel_hw"][axis], case["strides"][axis],
                                   case["dilation"][axis], pads[axis]) < x.shape[1 + axis]:
            pads[axis] = (pads[axis][0], pads[axis][1] + 1)
    conv_probe = F.conv2d_forward(probe, kernel, case["strides"], pads, case["dilation"])
    conv_probe = conv_probe[:, :x.shape[1], :x.shape[2]]
    assert np.isclose(np.vdot(conv_probe, x), np.vdot(probe, y))


@pytest.mark.parametrize("strides,padding,output_padding,dilation", [
    ((2, 2), "valid", None, (1, 1)), ((2, 3), "same", None, (1, 1)), ((2, 2), "same", (1, 0), (1, 1)),
    ((1, 1), "valid", None, (2, 1))])
def test_conv2d_transpose_reference_gradients_by_finite_differences(strides, padding, output_padding, dilation):
    rng = np.random.default_rng(4)
    x, kernel = rand(rng, (2, 3, 4, 2)), rand(rng, (3, 2, 3, 2))
    geometry = (strides, padding, output_padding, dilation)
    proj = rand(rng, R.conv2d_transpose_forward(x, kernel, *geometry).shape)
    dx, dkernel = R.conv2d_transpose_backward(x, kernel, proj, *geometry)
    check_directional_derivatives(
        lambda x, k: float(np.sum(R.conv2d_transpose_forward(x, k, *geometry) * proj)),
        [x, kernel], {0: dx, 1: dkernel}, rng)
