"""How much of Keras 3's public API minikeras offers, module by module, and a floor under it.

For each module (``keras.ops``, ``keras.layers``, ...) the public names are those listed by
``dir()`` (or ``__all__`` where a minikeras module declares one), without private names and
submodules. ``tests/api_coverage.json`` records, for the Keras version it was made with, how
many of Keras's names minikeras has and which it lacks. The tests check, with real Keras
installed (skipped otherwise):

- coverage only goes up: no name recorded as supported goes missing;
- minikeras invents nothing: every name it exports exists in Keras, except the deliberate
  extensions listed in ``EXTENSIONS`` below, each with its reason.

Without Keras they still check that README's "Supported Keras surface" section and
``tests/api_coverage.md`` are what the JSON file says. After adding names, regenerate all three:

    KERAS_BACKEND=torch PYTHONPATH=. python tests/test_api_coverage.py --write
"""
import importlib
import json
import os
import pathlib
import pkgutil
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "api_coverage.json"
REPORT = ROOT / "tests" / "api_coverage.md"
README = ROOT / "README.md"
START, END = "<!-- api-coverage:start -->", "<!-- api-coverage:end -->"

# "" is the top-level namespace (keras.Layer, keras.ops, ...), where submodules count as names.
MODULES = ["", "ops", "layers", "losses", "metrics", "activations", "initializers", "regularizers",
           "constraints", "optimizers", "callbacks", "utils", "config", "saving", "random", "models", "datasets",
           "applications"]
WITH_SUBMODULES = {"", "datasets", "applications"}
KERAS_INTERNAL = {"src"}   # keras.src is Keras's implementation, not its API

_KERAS2 = "Keras 2 name, kept because the tutorials the book grew from use it"
_AUTODIFF = "minikeras's eager autodiff (book chapter on GradientTape), which Keras leaves to its backends"
_HELPER = "helper the package uses internally; visible in the namespace, not documented as API"
EXTENSIONS = {
    "": {"GradientTape": "TensorFlow's name for minikeras's tape; the book's training-loop chapters use it",
         "autograde": "the exercise grader (minikeras-grade, minikeras-release)",
         "common": "minikeras's helpers that import nothing of minikeras (config, registry, progress bar)",
         "engine": "minikeras's implementation package (the book reads it)",
         "kernels": "minikeras's numba kernels (the book reads them)"},
    "ops": {"GradientTape": _AUTODIFF, "Tensor": _AUTODIFF, "Variable": _AUTODIFF, "apply": _AUTODIFF,
            "getitem": _AUTODIFF, "to_numpy": _AUTODIFF, "unbroadcast": _AUTODIFF,
            "exponential": "activation also reachable as an op, like ops.relu",
            "linear": "activation also reachable as an op, like ops.relu"},
    "layers": {"Deconvolution2D": _KERAS2},
    "losses": {**{n: _KERAS2 for n in ("KLD", "MAE", "MAPE", "MSE", "MSLE", "huber_loss", "kld",
                                       "kullback_leibler_divergence", "logcosh", "mae", "mape", "mse",
                                       "msle")},
               "LossFunctionWrapper": "Keras's class that wraps a loss function (internal in Keras 3)",
               "REDUCTIONS": _HELPER, "kind_of": _HELPER, "object_config": _HELPER,
               "object_from_config": _HELPER},
    "metrics": {**{n: _KERAS2 for n in ("KLD", "MAE", "MAPE", "MSE", "MSLE", "accuracy",
                                        "cosine_similarity", "kld", "kullback_leibler_divergence",
                                        "logcosh", "mae", "mape", "mse", "msle")},
                "object_config": _HELPER, "object_from_config": _HELPER},
    "initializers": {"rng": _HELPER, "set_seed": _HELPER},
    "optimizers": {"object_config": _HELPER},
    "callbacks": {"MonitorCallback": "Keras's base class of the monitoring callbacks (internal in Keras 3)"},
    "saving": {"clone_model": _HELPER, "deserialize_layer": _HELPER, "serialize_layer": _HELPER,
               "model_from_json": _HELPER, "model_to_json": _HELPER,
               "enable_unsafe_deserialization": "Keras 3 has it as keras.config.enable_unsafe_deserialization"},
    "models": {"Functional": "Keras's class of graph models (internal in Keras 3); here the same as Model"},
}


def _module(root, name):
    return root if not name else importlib.import_module(f"{root.__name__}.{name}")


def public_names(module, with_submodules=False, package_on_disk=False):
    """Public names of ``module``; with ``package_on_disk`` its subpackages are read from its
    directory, so the answer does not depend on what else the test session has imported."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    names = {n for n in names if not isinstance(getattr(module, n, None), types.ModuleType)}
    if with_submodules:
        if package_on_disk:
            names |= {m.name for m in pkgutil.iter_modules(module.__path__) if not m.name.startswith("_")}
        else:
            names |= {n for n in dir(module) if not n.startswith("_")
                      and isinstance(getattr(module, n), types.ModuleType)}
    return names


def measure(keras, minikeras):
    """{module: {"supported", "total", "missing", "extras"}} for the installed Keras."""
    result = {}
    for name in MODULES:
        wide = name in WITH_SUBMODULES
        theirs = public_names(_module(keras, name), wide) - KERAS_INTERNAL
        try:
            ours = public_names(_module(minikeras, name), wide, package_on_disk=True)
        except ModuleNotFoundError:
            ours = set()
        result[name] = {"supported": len(theirs & ours), "total": len(theirs),
                        "missing": sorted(theirs - ours), "extras": sorted(ours - theirs)}
    return result


def _label(name):
    return "keras" if not name else f"keras.{name}"


def render_readme_section(data):
    lines = [START, "", "## Supported Keras surface", "",
             f"Public names of Keras {data['keras_version']} that minikeras has, module by module "
             "(measured by `tests/test_api_coverage.py`, which also checks that minikeras invents no "
             "names and that coverage never goes down). The missing names are listed in "
             "[`tests/api_coverage.md`](tests/api_coverage.md).", "",
             "| module | names | of Keras's | coverage |", "|---|---:|---:|---:|"]
    for name, entry in data["modules"].items():
        share = entry["supported"] / entry["total"] if entry["total"] else 1.0
        lines.append(f"| `{_label(name)}` | {entry['supported']} | {entry['total']} | {share:.0%} |")
    return "\n".join(lines + ["", END])


def render_report(data):
    lines = ["# Keras API coverage", "",
             f"Generated by `tests/test_api_coverage.py --write` against Keras {data['keras_version']}. "
             "For each module: the public Keras names minikeras does not have yet.", ""]
    for name, entry in data["modules"].items():
        lines += [f"## `{_label(name)}`: {entry['supported']} of {entry['total']}", ""]
        if entry["missing"]:
            lines += [", ".join(f"`{n}`" for n in entry["missing"]), ""]
        else:
            lines += ["Nothing missing.", ""]
    return "\n".join(lines)


def _recorded():
    return json.loads(DATA.read_text())


# ----------------------------------------------------------------------------- without Keras

def test_readme_and_report_match_the_recorded_coverage():
    data = _recorded()
    assert list(data["modules"]) == MODULES
    readme = README.read_text()
    assert readme.count(START) == 1 and readme.count(END) == 1, "README lacks the coverage markers"
    section = readme[readme.index(START):readme.index(END) + len(END)]
    assert section == render_readme_section(data), \
        "README's coverage section is stale: run python tests/test_api_coverage.py --write"
    assert REPORT.read_text() == render_report(data), \
        "tests/api_coverage.md is stale: run python tests/test_api_coverage.py --write"
    for name, entry in data["modules"].items():
        assert entry["supported"] + len(entry["missing"]) == entry["total"], name


# ----------------------------------------------------------------------------- with Keras

@pytest.fixture(scope="module")
def measured():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    import minikeras
    return keras, measure(keras, minikeras)


@pytest.mark.parametrize("name", MODULES, ids=_label)
def test_minikeras_invents_no_names(measured, name):
    invented = set(measured[1][name]["extras"]) - set(EXTENSIONS.get(name, {}))
    assert not invented, (
        f"minikeras.{name or '<top level>'} exports names that Keras {measured[0].__version__} does not "
        f"have: {sorted(invented)}. Remove them, or, if they are deliberate, add them with a reason to "
        "EXTENSIONS in tests/test_api_coverage.py.")


@pytest.mark.parametrize("name", MODULES, ids=_label)
def test_coverage_never_goes_down(measured, name):
    keras, result = measured
    recorded = _recorded()
    now, before = result[name], recorded["modules"][name]
    if keras.__version__ == recorded["keras_version"]:
        lost = set(now["missing"]) - set(before["missing"])
        assert not lost, f"{_label(name)}: names minikeras used to have are gone: {sorted(lost)}"
    assert now["supported"] >= before["supported"], (
        f"{_label(name)}: {now['supported']} names supported, {before['supported']} recorded")


def write(keras, minikeras):
    """Regenerate tests/api_coverage.json, tests/api_coverage.md and README's section."""
    result = measure(keras, minikeras)
    invented = {name: sorted(set(entry["extras"]) - set(EXTENSIONS.get(name, {})))
                for name, entry in result.items()}
    invented = {k: v for k, v in invented.items() if v}
    if invented:
        raise SystemExit(f"Names Keras does not have (remove them, or add them to EXTENSIONS): {invented}")
    data = {"keras_version": keras.__version__,
            "modules": {name: {k: entry[k] for k in ("supported", "total", "missing")}
                        for name, entry in result.items()}}
    DATA.write_text(json.dumps(data, indent=1) + "\n")
    REPORT.write_text(render_report(data))
    readme = README.read_text()
    section = render_readme_section(data)
    if START in readme:
        readme = readme[:readme.index(START)] + section + readme[readme.index(END) + len(END):]
    else:
        readme = readme.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(readme)
    for name, entry in data["modules"].items():
        print(f"{_label(name):24s} {entry['supported']:4d} / {entry['total']:4d}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: KERAS_BACKEND=torch PYTHONPATH=. python tests/test_api_coverage.py --write")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    sys.path.insert(0, str(ROOT))
    import keras as _keras
    import minikeras as _minikeras
    write(_keras, _minikeras)
