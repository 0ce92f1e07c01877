"""Every model every seed example builds saves and loads (.keras and .h5) to the same
config, the same weights and bit-for-bit the same predictions."""
import json

import numpy as np
import pytest

import minikeras as keras
from tests.seed_examples.run import HERE, run_example

PARAMS = json.loads((HERE / "seed-example-params.json").read_text())
CASES = [(name, model) for name in sorted(PARAMS) for model in sorted(PARAMS[name])]


def _embedding_limit(model):
    """The smallest input_dim of any Embedding, so integer test inputs are valid ids."""
    limits = [l.input_dim for l in _all_layers(model) if hasattr(l, "input_dim") and hasattr(l, "embeddings")]
    return min(limits) if limits else None


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _sample(model, n=3):
    rng = np.random.default_rng(0)
    limit = _embedding_limit(model)
    arrays = []
    for x in model.inputs:
        shape = (n,) + tuple(d or 4 for d in x.shape[1:])
        if limit is not None and ("int" in x.dtype or len(x.shape) == 2):
            arrays.append(rng.integers(0, limit, shape).astype("int32"))
        else:
            arrays.append(rng.random(shape).astype(x.dtype))
    return arrays if len(arrays) > 1 else arrays[0]


@pytest.fixture(scope="module")
def seed_models(tmp_path_factory):
    """Run each seed once; keep its models (a seed that goes on to train or plot after building
    its models and fails there still gives its models: that part is other tests' business)."""
    built = {}
    for name in sorted(PARAMS):
        try:
            namespace, _ = run_example(name, tmp_path_factory.mktemp(name))
        except Exception as e:  # noqa: BLE001 - reported below if a model is missing
            namespace = getattr(e, "namespace", None) or {}
            built[name] = (namespace, repr(e))
            continue
        built[name] = (namespace, None)
    return built


def _custom_objects(namespace):
    from minikeras.engine.layer import Layer
    from minikeras.saving.serialization import builtin_layer_classes
    builtins = set(builtin_layer_classes().values())
    return {k: v for k, v in namespace.items()
            if isinstance(v, type) and issubclass(v, Layer) and v not in builtins}


@pytest.mark.parametrize("name,model_name", CASES)
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_seed_model_round_trip(name, model_name, suffix, tmp_path, seed_models):
    namespace, error = seed_models[name]
    if model_name not in namespace:
        pytest.fail(f"seed {name} did not build {model_name}: {error}")
    model = namespace[model_name]
    path = tmp_path / f"{model_name}{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects=_custom_objects(namespace), compile=False)
    assert loaded.count_params() == PARAMS[name][model_name]
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = _sample(model)
    expected, got = model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    for a, b in zip(expected if isinstance(expected, list) else [expected],
                    got if isinstance(got, list) else [got]):
        np.testing.assert_array_equal(a, b)
