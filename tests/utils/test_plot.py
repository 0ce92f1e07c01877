"""plot_model / model_to_dot without Graphviz: layout invariants, DOT text, images.

The layout is checked as geometry (no rendering): boxes never overlap, every edge runs from
its source's rim to its destination's rim along the drawing direction without passing behind
a box or through a foreign cluster, every layer and every connection appears once, and the
seed examples' graphs are drawn without crossings.
"""
import contextlib
import glob
import io
import os
import re
import struct
import sys
import time
import types

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import backend, layers
from minikeras.engine.model import Model
from minikeras.utils.graph_layout import Item, _arrange, _fit, record_cells, record_text
from minikeras.utils.plot import layout
from minikeras.utils import model_to_dot, plot_model
from minikeras.utils import plot as plot_module

SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seed_examples")
SEED_FILES = sorted(glob.glob(os.path.join(SEED_DIR, "s[0-9]*.py")))
# The seeds go on to compile, fit, predict or round-trip configs; the plot needs the models only.
BEYOND_BUILDING = re.compile(r"\.(compile|fit|predict|evaluate)\(|from_config\(")


# ---------------------------------------------------------------------------- seed models
_seed_cache = {}


def seed_models(path, tmp_dir):
    """Exec the model-building part of a seed file in ``tmp_dir`` (where its plot_model calls
    write their images); return {variable name: model}."""
    with open(path) as f:
        lines = f.read().splitlines()
    cut = next((i for i, line in enumerate(lines) if BEYOND_BUILDING.search(line)), len(lines))
    backend.clear_session()
    namespace, cwd = {"__name__": "seed"}, os.getcwd()
    os.chdir(tmp_dir)
    try:
        with contextlib.redirect_stdout(io.StringIO()):   # the seeds print summaries
            exec(compile("\n".join(lines[:cut]), path, "exec"), namespace)
    finally:
        os.chdir(cwd)
    return {k: v for k, v in namespace.items() if isinstance(v, Model)}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Every seed file run once: {file name: (its directory, its models)}."""
    out = {}
    for path in SEED_FILES:
        tmp = tmp_path_factory.mktemp(os.path.basename(path)[:-3])
        out[os.path.basename(path)] = (tmp, seed_models(path, tmp))
    return out


# ---------------------------------------------------------------------------- invariants
def expected_boxes(model, expand, prefix=""):
    keys = []
    if prefix:   # a cluster also shows the inputs its outputs do not use: edges end there
        keys += [prefix + l.name for l in model.input_layers if l not in model.graph.layers]
    for layer in model.graph.layers:
        inner = getattr(layer, "layer", layer)
        if expand and isinstance(inner, Model) and inner.graph is not None:
            keys += expected_boxes(inner, expand, prefix + inner.name + "/")
            if inner is layer:
                continue
        keys.append(prefix + layer.name)
    return keys


def expected_edges(model, expand, prefix=""):
    """(src key, dst key) of every connection, following edges into and out of clusters."""
    def expanded(layer):
        inner = getattr(layer, "layer", layer)
        return inner if expand and isinstance(inner, Model) and inner.graph is not None else None

    def source(layer, t, prefix):
        inner = expanded(layer)
        if inner is None:
            return prefix + layer.name
        producer, _, ti = inner.outputs[t]._keras_history
        return source(producer, ti, prefix + inner.name + "/")

    edges = set()
    for layer in model.graph.layers:
        inner = expanded(layer)
        if inner is not None:
            edges |= expected_edges(inner, expand, prefix + inner.name + "/")
        for node in layer._inbound_nodes:
            if node not in model.graph.nodes:
                continue
            for i, (inbound, t) in enumerate(zip(node.inbound_layers, node.tensor_indices)):
                if inner is layer:
                    dst = prefix + inner.name + "/" + inner.input_layers[i].name
                else:
                    dst = prefix + layer.name
                edges.add((source(inbound, t, prefix), dst))
                if inner is not None and inner is not layer:
                    edges |= {(prefix + layer.name, prefix + inner.name + "/" + l.name)
                              for l in inner.input_layers}
    return edges


def overlaps(a, b, tol=1e-6):
    """Interiors of two rectangles (x, y, w, h; zero width allowed) intersect."""
    return (a[0] < b[0] + b[2] - tol and b[0] < a[0] + a[2] - tol
            and a[1] < b[1] + b[3] - tol and b[1] < a[1] + a[3] - tol)


def segment_box(p, q):
    return (min(p[0], q[0]), min(p[1], q[1]), abs(p[0] - q[0]), abs(p[1] - q[1]))


def crossing_count(edges):
    """Pairs of edge segments that properly cross (drawn curves cross exactly when these do:
    in a gap between ranks all segments span the same interval along the flow)."""
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)

    segments = [(i, p, q) for i, e in enumerate(edges) for p, q in zip(e.points, e.points[1:])]
    count = 0
    for k, (i, p1, p2) in enumerate(segments):
        for j, q1, q2 in segments[:k]:
            if i != j and (orient(p1, p2, q1) * orient(p1, p2, q2) < 0
                           and orient(q1, q2, p1) * orient(q1, q2, p2) < 0):
                count += 1
    return count


def check_layout(model, lay, expand=False, acyclic=True, names=True):
    keys = expected_boxes(model, expand)
    assert sorted(lay.boxes) == sorted(keys), "every layer once, nothing else"
    assert len(keys) == len(set(keys))
    for key, box in lay.boxes.items():
        assert not names or key.split("/")[-1] in record_text(box.label)
        assert box.w > 0 and box.h > 0
        assert -1e-6 <= box.x and box.x + box.w <= lay.width + 1e-6
        assert -1e-6 <= box.y and box.y + box.h <= lay.height + 1e-6
    boxes = list(lay.boxes.items())
    for i, (k1, b1) in enumerate(boxes):
        for k2, b2 in boxes[:i]:
            assert not overlaps(b1[:4], b2[:4], tol=-1.0), f"{k1} and {k2} overlap or touch"
    for name, c in lay.clusters.items():
        for key, box in lay.boxes.items():
            inside = key.startswith(name + "/")
            if inside:
                assert c.x < box.x and box.x + box.w < c.x + c.w and c.y < box.y and box.y + box.h < c.y + c.h
            else:
                assert not overlaps(c[:4], box[:4]), f"{key} lies in cluster {name}"

    pairs = [(e.src, e.dst) for e in lay.edges]
    assert len(pairs) == len(set(pairs)), "one arrow per pair of boxes"
    assert set(pairs) == expected_edges(model, expand), "every connection, nothing else"
    axis = 1 if lay.rankdir in ("TB", "BT") else 0
    sign = 1 if lay.rankdir in ("TB", "LR") else -1
    for e in lay.edges:
        src, dst = lay.boxes[e.src], lay.boxes[e.dst]
        for p, q in zip(e.points, e.points[1:]):
            for key, box in lay.boxes.items():
                assert not overlaps(segment_box(p, q), box[:4]), f"edge {e.src}->{e.dst} crosses {key}"
            for name, c in lay.clusters.items():
                if not (e.src.startswith(name + "/") or e.dst.startswith(name + "/")):
                    assert not overlaps(segment_box(p, q), c[:4]), f"edge {e.src}->{e.dst} enters {name}"
        if not acyclic:
            continue
        # From the source's far rim to the destination's near rim, never going back.
        flow = [sign * p[axis] for p in e.points]
        assert flow == sorted(flow), f"edge {e.src}->{e.dst} turns back"
        src_far = sign * (src[axis] + (src[axis + 2] if sign > 0 else 0))
        dst_near = sign * (dst[axis] + (dst[axis + 2] if sign < 0 else 0))
        assert flow[0] == pytest.approx(src_far) and flow[-1] == pytest.approx(dst_near)
        assert src_far < dst_near, f"edge {e.src}->{e.dst} does not go down a rank"
        for point, box in ((e.points[0], src), (e.points[-1], dst)):
            assert box[1 - axis] - 1e-6 <= point[1 - axis] <= box[1 - axis] + box[3 - axis] + 1e-6


VARIANTS = [dict(), dict(show_shapes=True), dict(rankdir="LR", show_shapes=True),
            dict(rankdir="BT"), dict(rankdir="RL", show_layer_names=False)]


@pytest.mark.parametrize("seed", [os.path.basename(p) for p in SEED_FILES])
def test_seed_layouts(seeds, seed):
    _, models = seeds[seed]
    assert models, f"{seed} builds no model"
    for name, model in models.items():
        nested = any(isinstance(getattr(l, "layer", l), Model) for l in model.graph.layers)
        for options in VARIANTS + ([dict(expand_nested=True), dict(expand_nested=True, rankdir="LR")]
                                   if nested else []):
            lay = layout(model, **options)
            check_layout(model, lay, expand=options.get("expand_nested", False),
                         names=options.get("show_layer_names", True))
            assert crossing_count(lay.edges) == 0, (seed, name, options)


def test_nested_autoencoder_boxes_and_edges_by_hand(seeds):
    _, models = seeds["s003_autoencoder.py"]
    lay = layout(models["autoencoder"], expand_nested=True)
    assert set(lay.clusters) == {"encoder", "decoder"}
    assert "encoder/global_max_pooling2d_1" in lay.boxes and "encoder" not in lay.boxes
    pairs = {(e.src, e.dst) for e in lay.edges}
    assert ("img", "encoder/img") in pairs
    assert ("encoder/global_max_pooling2d_1", "decoder/encoded_img") in pairs
    assert ("decoder/conv2d_transpose_3", "decoder/conv2d_transpose_4") in pairs
    assert len(pairs) == 1 + 6 + 1 + 6
    collapsed = layout(models["autoencoder"])
    assert sorted(collapsed.boxes) == ["decoder", "encoder", "img"]
    assert {(e.src, e.dst) for e in collapsed.edges} == {("img", "encoder"), ("encoder", "decoder")}


def test_nested_model_with_an_unused_input():
    backend.clear_session()
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    inner = keras.Model([a, b], layers.Dense(2, name="d")(a), name="inner")
    x, y = keras.Input((3,), name="x"), keras.Input((3,), name="y")
    model = keras.Model([x, y], inner([x, y]))
    lay = layout(model, expand_nested=True)
    check_layout(model, lay, expand=True)
    assert ("y", "inner/b") in {(e.src, e.dst) for e in lay.edges}
    assert sorted(layout(inner).boxes) == ["a", "d"]   # at the top, as Keras: only used layers


def deep_nesting():
    """A model in a model in a model; the middle one has two inputs and two outputs, one of
    them early (its route runs down past the later layers to the cluster's bottom)."""
    backend.clear_session()
    i = keras.Input((4,), name="i")
    inner = keras.Model(i, layers.Dense(4, name="inner_dense")(i), name="inner")
    p, q = keras.Input((4,), name="p"), keras.Input((4,), name="q")
    early = layers.Dense(4, name="early")(p)
    late = layers.Dense(4, name="late")(layers.Dense(4, name="d2")(inner(layers.add([p, q], name="pq"))))
    middle = keras.Model([p, q], [early, late], name="middle")
    x, y = keras.Input((4,), name="x"), keras.Input((4,), name="y")
    a, b = middle([x, y])
    return keras.Model([x, y], layers.concatenate([b, a], name="cat"), name="outer")


@pytest.mark.parametrize("rankdir", ["TB", "LR", "BT"])
def test_deeply_nested_clusters_with_several_ports(rankdir, tmp_path):
    model = deep_nesting()
    lay = layout(model, rankdir=rankdir, expand_nested=True, show_shapes=True)
    check_layout(model, lay, expand=True)
    assert set(lay.clusters) == {"middle", "middle/inner"}
    assert crossing_count(lay.edges) == 0
    pairs = {(e.src, e.dst) for e in lay.edges}
    assert {("x", "middle/p"), ("y", "middle/q"), ("middle/early", "cat"), ("middle/late", "cat"),
            ("middle/pq", "middle/inner/i"), ("middle/inner/inner_dense", "middle/d2")} <= pairs
    plot_model(model, str(tmp_path / "nested.png"), rankdir=rankdir, expand_nested=True)
    png_size(tmp_path / "nested.png")


def test_shared_layer_is_one_box_with_all_its_edges(seeds):
    _, models = seeds["s003_layer_sharing.py"]
    lay = layout(models["model"])
    assert {(e.src, e.dst) for e in lay.edges} >= {("input_a", "embedding_1"), ("input_b", "embedding_1"),
                                                    ("embedding_1", "lstm_1")}
    # Arrows into one box arrive at different points of its rim.
    ends = [e.points[-1] for e in lay.edges if e.dst == "embedding_1"]
    assert len(set(ends)) == 2


def test_wrapper_labels_and_multiple_shapes():
    a = keras.Input((5, 3), name="a")
    td = layers.TimeDistributed(layers.Dense(2, name="inner"), name="td")(a)
    b = keras.Input((3,), name="b")
    act = layers.Activation("relu", name="act")
    cat = layers.concatenate([act(layers.Flatten(name="f")(td)), act(b)], name="cat")
    model = keras.Model([a, b], cat)
    lay = layout(model, show_shapes=True)
    check_layout(model, lay)
    assert record_text(lay.boxes["td"].label).startswith("td(inner): TimeDistributed(Dense)")
    assert record_text(lay.boxes["act"].label).endswith("{{multiple}|{multiple}}")


def test_cycles_through_a_shared_layer_are_drawn():
    x = keras.Input((4,), name="x")
    d = layers.Dense(4, name="d")
    loop = keras.Model(x, d(d(x)))                      # d feeds itself
    lay = layout(loop)
    check_layout(loop, lay, acyclic=False)
    (edge,) = [e for e in lay.edges if e.src == e.dst == "d"]
    assert edge.points[0][0] >= lay.boxes["d"].x + lay.boxes["d"].w   # beside the box
    a, b = layers.Dense(4, name="a"), layers.Dense(4, name="b")
    cycle = keras.Model(x, a(b(a(x))))                  # a -> b -> a
    lay = layout(cycle)
    check_layout(cycle, lay, acyclic=False)
    up = [e for e in lay.edges if (e.src, e.dst) == ("b", "a")][0]
    assert up.points[0][1] > up.points[-1][1]           # drawn pointing back up


def test_layout_is_pure_and_repeatable(seeds):
    _, models = seeds["s002_toy_resnet.py"]
    model = models["model"]
    layers_before = list(model.layers)
    assert layout(model, show_shapes=True) == layout(model, show_shapes=True)
    assert model.layers == layers_before


def test_ordering_removes_crossings_the_initial_order_has():
    items = {k: Item(40.0, 20.0, record=[k]) for k in "abcd"}
    edges = [("a", None, "d", None), ("b", None, "c", None)]   # c, d start in the crossing order
    out = _arrange(items, edges, [])
    x = {k: u for k, (u, v) in out["corner"].items()}
    assert (x["a"] < x["b"]) == (x["d"] < x["c"])


@settings(deadline=None, derandomize=True, max_examples=40)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=8).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.floats(0.1, 10), min_size=len(w), max_size=len(w)),
                        st.lists(st.floats(0, 30), min_size=len(w) - 1, max_size=len(w) - 1))))
def test_fit_is_the_constrained_least_squares_optimum(case):
    from scipy.optimize import minimize
    wanted, weights, gaps = (np.array(v, dtype=float) for v in case)
    x = np.array(_fit(list(wanted), list(weights), list(gaps)))
    assert np.all(np.diff(x) >= gaps - 1e-9)
    cost = lambda z: float(np.sum(weights * (z - wanted) ** 2))
    constraints = [{"type": "ineq", "fun": lambda z, i=i: z[i + 1] - z[i] - gaps[i]} for i in range(len(gaps))]
    ref = minimize(cost, np.cumsum(np.r_[0, gaps]) + wanted.mean(), constraints=constraints,
                   method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
    assert cost(x) <= cost(ref.x) + 1e-6 * (1 + cost(ref.x))


@settings(deadline=None, derandomize=True, max_examples=25)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.booleans()), min_size=1, max_size=12),
       st.sampled_from(["TB", "LR"]))
def test_random_graphs_keep_the_invariants(spec, rankdir):
    """Random DAGs of Dense/concatenate with two inputs and every dangling tensor an output."""
    backend.clear_session()
    inputs = [keras.Input((3,)), keras.Input((3,))]
    tensors, used = list(inputs), set()
    for i, j, merge in spec:
        a, b = tensors[i % len(tensors)], tensors[j % len(tensors)]
        if merge and a is not b:
            y = layers.concatenate([a, b])
            used |= {id(a), id(b)}
        else:
            y = layers.Dense(2)(a)
            used.add(id(a))
        tensors.append(y)
    outputs = [t for t in tensors[2:] if id(t) not in used] or [tensors[-1]]
    model = keras.Model(inputs, outputs)   # an unused input is allowed, and not drawn (Keras)
    lay = layout(model, rankdir=rankdir, show_shapes=True)
    check_layout(model, lay)


# ---------------------------------------------------------------------------- DOT text
def dot_with_names(model, **kwargs):
    """model_to_dot with the id(layer) node names replaced by layer names, to compare."""
    text = model_to_dot(model, **kwargs)
    names = {}

    def collect(m):
        names[str(id(m))] = m.name
        for layer in getattr(getattr(m, "graph", None), "layers", []):
            collect(layer)
            if hasattr(layer, "layer"):
                collect(layer.layer)
    collect(model)
    return re.sub(r"\b\d{6,}\b", lambda m: names[m.group()], text)


def small_mlp():
    backend.clear_session()
    x = keras.Input((10,), name="x")
    h = layers.Dense(4, name="hidden")(x)
    return keras.Model(x, layers.Dense(1, name="out")(h))


def test_dot_golden_default():
    assert dot_with_names(small_mlp()) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=96;\n"
        "rankdir=TB;\n"
        "node [shape=record];\n"
        'x [label="x: InputLayer"];\n'
        'hidden [label="hidden: Dense"];\n'
        'out [label="out: Dense"];\n'
        "x -> hidden;\n"
        "hidden -> out;\n"
        "}\n")


def test_dot_golden_shapes_lr():
    # Keras 2: "label\n|{input:|output:}|{{in}|{out}}", the newline escaped by pydot; an
    # InputLayer's input shape is its own.
    assert dot_with_names(small_mlp(), show_shapes=True, rankdir="LR", dpi=72) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=72;\n"
        "rankdir=LR;\n"
        "node [shape=record];\n"
        r'x [label="x: InputLayer\n|{input:|output:}|{{(None, 10)}|{(None, 10)}}"];' "\n"
        r'hidden [label="hidden: Dense\n|{input:|output:}|{{(None, 10)}|{(None, 4)}}"];' "\n"
        r'out [label="out: Dense\n|{input:|output:}|{{(None, 4)}|{(None, 1)}}"];' "\n"
        "x -> hidden;\n"
        "hidden -> out;\n"
        "}\n")


def test_dot_golden_names_off_wrapper_shared_layer():
    backend.clear_session()
    a = keras.Input((5, 3), name="a")
    td = layers.TimeDistributed(layers.Dense(2, name="inner"), name="td")(a)
    act = layers.Activation("relu", name="act")
    first = act(td)
    second = act(first)   # a layer used twice: one node, two edges (act -> act is a loop)
    model = keras.Model(a, second)
    assert dot_with_names(model, show_layer_names=False) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=96;\n"
        "rankdir=TB;\n"
        "node [shape=record];\n"
        "a [label=InputLayer];\n"
        'td [label="TimeDistributed(Dense)"];\n'
        "act [label=Activation];\n"
        "a -> td;\n"
        "td -> act;\n"
        "act -> act;\n"
        "}\n")
    assert dot_with_names(model)[-60:].endswith("td -> act;\nact -> act;\n}\n")
    assert 'td [label="td(inner): TimeDistributed(Dense)"]' in dot_with_names(model)


def nested_model():
    backend.clear_session()
    enc_in = keras.Input((4,), name="enc_in")
    enc = keras.Model(enc_in, layers.Dense(2, name="code")(enc_in), name="enc")
    img = keras.Input((4,), name="img")
    return keras.Model(img, layers.Dense(4, name="dec")(enc(img)), name="ae")


def test_dot_golden_nested():
    model = nested_model()
    assert dot_with_names(model) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=96;\n"
        "rankdir=TB;\n"
        "node [shape=record];\n"
        'img [label="img: InputLayer"];\n'
        'enc [label="enc: Model"];\n'
        'dec [label="dec: Dense"];\n'
        "img -> enc;\n"
        "enc -> dec;\n"
        "}\n")
    # Keras 2.3: the nested model becomes a dashed cluster; pydot ends a subgraph with "}\n\n".
    assert dot_with_names(model, expand_nested=True) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=96;\n"
        "rankdir=TB;\n"
        "node [shape=record];\n"
        'img [label="img: InputLayer"];\n'
        "subgraph cluster_enc {\n"
        "label=enc;\n"
        "labeljust=l;\n"
        "style=dashed;\n"
        'enc_in [label="enc_in: InputLayer"];\n'
        'code [label="code: Dense"];\n'
        "enc_in -> code;\n"
        "}\n"
        "\n"
        'dec [label="dec: Dense"];\n'
        "img -> enc_in;\n"
        "code -> dec;\n"
        "}\n")
    enc = model.get_layer("enc")
    assert dot_with_names(enc, subgraph=True).startswith("subgraph cluster_enc {\nlabel=enc;\n")


def test_dot_golden_sequential_draws_its_input_and_tf_keras_extras():
    backend.clear_session()
    seq = keras.Sequential([layers.Dense(2, input_dim=1, name="d1", activation="relu"), layers.Dense(1, name="d2")])
    seq.get_layer("d2").trainable = False
    assert dot_with_names(seq, show_layer_activations=True, show_dtype=True, show_trainable=True) == (
        "digraph G {\n"
        "concentrate=True;\n"
        "dpi=96;\n"
        "rankdir=TB;\n"
        "node [shape=record];\n"
        'd1_input [label="T|{d1_input: InputLayer|float32}"];\n'
        'd1 [label="T|{d1: Dense|relu|float32}"];\n'
        'd2 [label="NT|{d2: Dense|linear|float32}"];\n'
        "d1_input -> d1;\n"
        "d1 -> d2;\n"
        "}\n")


def test_unbuilt_and_wrong_models_are_refused(tmp_path):
    with pytest.raises(ValueError, match="has not yet been built"):
        plot_model(keras.Sequential([layers.Dense(2)]), str(tmp_path / "m.png"))
    with pytest.raises(TypeError, match="expect a Model, received"):
        model_to_dot(layers.Dense(2))
    with pytest.raises(ValueError, match="rankdir must be one of"):
        layout(small_mlp(), rankdir="XY")
    with pytest.raises(ValueError, match="unknown image format 'bmpx'"):
        plot_model(small_mlp(), str(tmp_path / "m.bmpx"))


# ---------------------------------------------------------------------------- images
def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_seed_images(seeds):
    """Every image a seed asks for exists and is a PNG of the size its layout implies; the
    seeds that draw nothing get one image per model here."""
    for seed, (tmp, models) in seeds.items():
        with open(os.path.join(SEED_DIR, seed)) as f:
            source = f.read()
        asked = re.findall(r"plot_model\(\s*\w+\s*,\s*(?:to_file\s*=\s*)?['\"]([^'\"]+)['\"]", source)
        for name, model in models.items():
            if not asked:
                plot_model(model, str(tmp / f"{name}.png"), show_shapes=True)
        for file in asked or [f"{name}.png" for name in models]:
            width, height = png_size(tmp / file)
            assert 100 <= width <= plot_module.MAX_SIDE and 50 <= height <= plot_module.MAX_SIDE
            assert os.path.getsize(tmp / file) > 2000


def test_image_size_follows_layout_and_dpi(tmp_path):
    model = small_mlp()
    lay = layout(model, show_shapes=True)
    for dpi in (96, 200):
        plot_model(model, str(tmp_path / f"m{dpi}.png"), show_shapes=True, dpi=dpi)
        width, height = png_size(tmp_path / f"m{dpi}.png")
        assert width == pytest.approx((lay.width + 2 * plot_module.MARGIN) / 72 * dpi, abs=2)
        assert height == pytest.approx((lay.height + 2 * plot_module.MARGIN) / 72 * dpi, abs=2)


def test_formats_by_extension_and_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)   # neither pydot nor a `dot` executable
    monkeypatch.setenv("PATH", "")
    model = nested_model()
    plot_model(model, str(tmp_path / "m.svg"), expand_nested=True)
    plot_model(model, str(tmp_path / "m.pdf"), rankdir="LR")
    plot_model(model, str(tmp_path / "model"))           # no extension: PNG, name kept
    assert (tmp_path / "m.svg").read_text()[:200].lstrip().startswith("<?xml")
    assert (tmp_path / "m.pdf").read_bytes()[:5] == b"%PDF-"
    png_size(tmp_path / "model")
    import pathlib
    plot_model(model, pathlib.Path(tmp_path / "p.png"))
    png_size(tmp_path / "p.png")


def test_returns_ipython_image_when_available(tmp_path, monkeypatch):
    model = small_mlp()
    monkeypatch.setitem(sys.modules, "IPython", None)
    assert plot_model(model, str(tmp_path / "a.png")) is None
    display = types.SimpleNamespace(Image=lambda filename, format: ("Image", filename, format),
                                    SVG=lambda filename: ("SVG", filename))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(display=display))
    assert plot_model(model, str(tmp_path / "b.png")) == ("Image", str(tmp_path / "b.png"), "png")
    assert plot_model(model, str(tmp_path / "model")) == ("Image", str(tmp_path / "model"), "png")
    assert plot_model(model, str(tmp_path / "b.svg")) == ("SVG", str(tmp_path / "b.svg"))
    assert plot_model(model, str(tmp_path / "b.pdf")) is None


def test_huge_images_are_capped_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(plot_module, "MAX_SIDE", 1500)   # small caps keep the test quick
    monkeypatch.setattr(plot_module, "MAX_AREA", 600_000)
    with pytest.warns(UserWarning, match="too large"):
        plot_model(small_mlp(), str(tmp_path / "big.png"), show_shapes=True, dpi=1000)
    width, height = png_size(tmp_path / "big.png")
    assert max(width, height) <= 1500 and width * height <= 600_000 * 1.01
    with pytest.warns(UserWarning, match="too large"):
        plot_model(resnet50(), str(tmp_path / "tall.png"))
    assert png_size(tmp_path / "tall.png")[1] <= 1500
    plot_model(small_mlp(), str(tmp_path / "big.svg"), dpi=1000)   # vector: no cap, no warning


@pytest.mark.parametrize("dpi", [72, 96, 150])
def test_text_stays_inside_its_cell(seeds, dpi):
    """Each label, as matplotlib draws it, fits the record cell the layout measured for it."""
    _, models = seeds["s003_multi_input.py"]
    lay = layout(models["model"], show_shapes=True, show_dtype=True)
    cells = {}
    for box in lay.boxes.values():
        for text, x, y, w, h in record_cells(box.label, box.x, box.y, box.w, box.h)[0]:
            cells[(round(x + w / 2, 6), round(y + h / 2, 6))] = (x, y, w, h)
    figure = plot_module.render(lay)
    figure.set_dpi(dpi)
    with matplotlib.rc_context({"text.hinting": plot_module.HINTING}):
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        axes = figure.axes[0]
        to_data = axes.transData.inverted()
        for artist in axes.texts:
            x0, y1 = to_data.transform(artist.get_window_extent(renderer).p0)
            x1, y0 = to_data.transform(artist.get_window_extent(renderer).p1)
            cx, cy, cw, ch = cells[(round(artist.get_position()[0], 6), round(artist.get_position()[1], 6))]
            assert cx + 1 <= x0 and x1 <= cx + cw - 1, artist.get_text()
            assert cy <= y0 and y1 <= cy + ch, artist.get_text()


# ---------------------------------------------------------------------------- large graphs
def resnet50():
    """ResNet50's graph from minikeras layers (shapes only): 177 layers, 16 residual blocks."""
    def block(x, filters, stride, conv_shortcut):
        shortcut = x
        if conv_shortcut:
            shortcut = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride)(x))
        y = layers.Conv2D(filters, 1, strides=stride)(x)
        y = layers.Activation("relu")(layers.BatchNormalization()(y))
        y = layers.Conv2D(filters, 3, padding="same")(y)
        y = layers.Activation("relu")(layers.BatchNormalization()(y))
        y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1)(y))
        return layers.Activation("relu")(layers.Add()([shortcut, y]))

    backend.clear_session()
    inputs = keras.Input((224, 224, 3))
    x = layers.Conv2D(64, 7, strides=2)(layers.ZeroPadding2D(3)(inputs))
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.MaxPooling2D(3, strides=2)(layers.ZeroPadding2D(1)(x))
    for blocks, filters, stride in [(3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)]:
        for i in range(blocks):
            x = block(x, filters, stride if i == 0 else 1, conv_shortcut=i == 0)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(1000, activation="softmax")(x), name="resnet50")


def test_resnet50_size_graph(tmp_path):
    model = resnet50()
    assert len(model.layers) == 177
    lay = layout(model, show_shapes=True)
    check_layout(model, lay)
    assert crossing_count(lay.edges) == 0
    start = time.process_time()
    plot_model(model, str(tmp_path / "resnet50.png"), show_shapes=True)
    seconds = time.process_time() - start
    width, height = png_size(tmp_path / "resnet50.png")
    # Tall and narrow, at full scale (11-point labels stay 11 points: no shrinking to fit).
    assert height == pytest.approx((lay.height + 2 * plot_module.MARGIN) / 72 * 96, abs=2)
    assert height > 10 * width and 10000 < height < plot_module.MAX_SIDE
    assert seconds < 20, f"rendering took {seconds:.1f} s of CPU"


def test_ops_between_layers_are_boxes_with_their_edges(tmp_path):
    """``x + y`` and ``ops.mean`` between layers are drawn as Keras 3 draws op nodes: a box
    ``add_1: Add`` with an edge from each input and one to the next layer."""
    inp = keras.Input((4,), name="inp")
    x = layers.Dense(4, name="d1")(inp)
    total = inp + x
    mean = keras.ops.mean(layers.Dense(2, name="d2")(total), axis=-1)
    model = keras.Model(inp, mean)
    add_name, mean_name = total.name, mean.name
    dot = str(model_to_dot(model, show_shapes=True))
    ids = {name: re.search(rf'(\d+) \[label="{name}: ', dot).group(1) for name in ("inp", "d1", add_name, "d2", mean_name)}
    assert f'{add_name}: Add' in dot and f'{mean_name}: Mean' in dot
    edges = set(re.findall(r"(\d+) -> (\d+);", dot))
    assert edges == {(ids["inp"], ids["d1"]), (ids["inp"], ids[add_name]), (ids["d1"], ids[add_name]),
                     (ids[add_name], ids["d2"]), (ids["d2"], ids[mean_name])}
    assert "(None,)" in dot   # the mean's output shape
    plot_model(model, to_file=str(tmp_path / "ops.png"), show_shapes=True, show_trainable=True)
    assert (tmp_path / "ops.png").stat().st_size > 0
