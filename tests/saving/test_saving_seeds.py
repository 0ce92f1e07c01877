"""Every model every seed example builds saves and loads (.keras and .h5) to the same
config, the same weights and bit-for-bit the same predictions."""
import ast
import json

import numpy as np
import pytest

import minikeras as keras
from tests.seed_examples.run import HERE

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


_RUN_CALLS = {"fit", "evaluate", "predict", "compile", "summary", "plot_model", "print"}


def _model_building_part(source):
    """The seed without its top-level statements that only use the models (printing,
    plotting, compiling, training, asserting): building the models is what this test needs."""
    tree = ast.parse(source)

    def runs_model(node):
        value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in _RUN_CALLS

    tree.body = [node for node in tree.body if not isinstance(node, ast.Assert) and not runs_model(node)]
    return tree


@pytest.fixture(scope="module")
def seed_models(tmp_path_factory):
    built = {}
    for name in sorted(PARAMS):
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        path = HERE / f"{name}.py"
        namespace = {"__name__": "__main__"}
        exec(compile(_model_building_part(path.read_text()), str(path), "exec"), namespace)
        built[name] = namespace
    return built


def _custom_objects(namespace):
    from minikeras.engine.layer import Layer
    from minikeras.saving.class_lookup import builtin_layer_classes
    builtins = set(builtin_layer_classes().values())
    return {k: v for k, v in namespace.items()
            if isinstance(v, type) and issubclass(v, Layer) and v not in builtins}


@pytest.mark.parametrize("name,model_name", CASES)
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_seed_model_round_trip(name, model_name, suffix, tmp_path, seed_models):
    namespace = seed_models[name]
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


@pytest.mark.parametrize("name,model_name", CASES)
def test_seed_model_predicts_outputs_of_the_declared_shape(name, model_name, seed_models):
    model = seed_models[name][model_name]
    x = _sample(model, n=2)
    out = model.predict(x, verbose=0)
    outs = out if isinstance(out, list) else [out]
    assert len(outs) == len(model.outputs)
    for o, tensor in zip(outs, model.outputs):
        expected = (2,) + tuple(d or s for d, s in zip(tensor.shape[1:], o.shape[1:]))
        assert o.shape == expected and np.all(np.isfinite(o))
