"""minikeras.ops.nan_reductions: NaN-skipping reductions; no gradient reaches a NaN cell."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients

DATA = np.array([[np.nan, 1.0, 3.0], [2.0, np.nan, np.nan], [np.nan, np.nan, np.nan]], "float32")


@pytest.mark.parametrize("name,kwargs", [
    ("nansum", {"axis": 1}), ("nanprod", {"axis": 0}), ("nanmean", {"axis": 1}), ("nanvar", {"axis": 1}),
    ("nanstd", {"axis": 1, "keepdims": True}), ("nanmax", {"axis": 1}), ("nanmin", {"axis": 0}),
    ("nansum", {}), ("nanmax", {}), ("nancumsum", {"axis": 1}), ("nancumprod", {}),
    ("nanargmax", {"axis": 1}), ("nanargmin", {"axis": 0}),
])
def test_values_match_numpy(name, kwargs):
    with np.errstate(all="ignore"), _quiet():
        expected = None if name.startswith("nanarg") else getattr(np, name)(DATA, **kwargs)
        got = getattr(ops, name)(DATA, **kwargs).numpy()
    if name.startswith("nanarg"):   # numpy raises on an all-NaN slice; Keras (and minikeras) give -1
        fill, pick = (-np.inf, np.argmax) if name == "nanargmax" else (np.inf, np.argmin)
        expected = np.where(np.all(np.isnan(DATA), axis=kwargs["axis"]), -1,
                            pick(np.where(np.isnan(DATA), fill, DATA), axis=kwargs["axis"]))
    np.testing.assert_allclose(got, expected, rtol=1e-6)


class _quiet:
    """numpy warns about all-NaN slices; the answer (NaN) is what is being checked."""
    def __enter__(self):
        import warnings  # only this helper needs it
        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


@pytest.mark.parametrize("name", ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin",
                                  "nancumsum", "nancumprod"])
def test_gradients_skip_nan_cells(name, float64):
    mask = np.array([[1, 0, 1, 1], [1, 1, 1, 0], [0, 1, 1, 1]], bool)

    def fn(x):
        return getattr(ops, name)(ops.where(mask, x, np.nan), axis=1)
    check_gradients(fn, (3, 4))
    x = ops.Variable(np.ones((3, 4)))
    with ops.GradientTape() as tape:
        y = ops.sum(getattr(ops, name)(ops.where(mask, x, np.nan), axis=1))
    assert np.all(tape.gradient(y, x).numpy()[~mask] == 0)


def test_symbolic():
    assert ops.nanmean(KerasTensor((None, 3)), axis=1).shape == (None,)
    assert ops.nanargmax(KerasTensor((None, 3)), axis=-1).dtype == "int32"


NAN_MASK = np.array([[1, 0, 1, 1], [1, 1, 1, 0], [0, 1, 1, 1]], bool)


def _with_nans(x):
    return ops.where(NAN_MASK, x, np.nan)


@pytest.mark.parametrize("name,fn,shapes", [
    ("nanmedian", lambda x: ops.nanmedian(_with_nans(x), axis=1), [(3, 4)]),
    ("nanquantile", lambda x: ops.nanquantile(_with_nans(x), [0.3, 0.8], axis=0), [(3, 4)]),
    ("nanpercentile", lambda x: ops.nanpercentile(_with_nans(x), 40, keepdims=True), [(3, 4)]),
])
def test_gradients_of_later_additions(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_nan_quantiles_match_numpy_and_errors():
    data = np.where(NAN_MASK, np.random.default_rng(3).normal(size=(3, 4)), np.nan).astype("float32")
    for method in ("linear", "lower", "higher", "nearest", "midpoint"):
        np.testing.assert_allclose(ops.nanquantile(data, [0.2, 0.6], axis=1, method=method).numpy(),
                                   np.nanquantile(data, [0.2, 0.6], axis=1, method=method), rtol=1e-5)
    np.testing.assert_allclose(ops.nanmedian(data).numpy(), np.nanmedian(data), rtol=1e-6)
    with pytest.raises(ValueError, match="one axis"):
        ops.nanquantile(np.ones((2, 2)), 0.5, axis=(0, 1))
