"""``plot_model`` and ``model_to_dot``, with no Graphviz and no pydot.

A model becomes a graph of boxes here: each layer a box labelled as Keras 2 labels it
(``record_label``), each call's inputs an edge, an expanded nested model a cluster laid
out on its own (``layout``). ``minikeras.utils.graph_layout``, which knows nothing of
models, places the boxes and routes the edges; this module draws the result with
matplotlib (the Agg canvas, never a display), and writes the DOT text that Keras 2's
``model_to_dot`` produced through pydot, for anyone who has Graphviz and wants its
drawing instead.
"""
import os
import re
import warnings

import matplotlib

from ..engine.input_layer import InputLayer
from ..engine.model import Model
from ..engine.summary import keras2_class_name
from ..layers.wrappers import Wrapper
from .graph_layout import (CLUSTER_PAD, FONT_FAMILY, FONT_SIZE, PAD_X, RANKDIRS, Item, place_level,
                           record_cells, record_size, record_text, to_xy)

MARGIN = 8.0                            # points of white round the drawing
MAX_SIDE, MAX_AREA = 32000, 40_000_000  # pixels: Agg stops at 2**16 a side; memory at the area
VECTOR_FORMATS = ("svg", "svgz", "pdf", "eps", "ps")
HINTING = "none"


# ---------------------------------------------------------------------------- labels
def record_label(layer, show_shapes=False, show_dtype=False, show_layer_names=True,
                 show_layer_activations=False, show_trainable=False, expanded_wrapper=False):
    """A layer's label as a Graphviz record: a list of fields, where a nested list turns the
    direction (fields side by side, then stacked, ...). Keras 2's text: ``dense_1: Dense``,
    then ``|{input:|output:}|{{(None, 8)}|{(None, 4)}}`` with shapes; the tf.keras extras
    (activation, dtype, T/NT) are stacked under the name."""
    name, class_name = layer.name, keras2_class_name(layer)
    if isinstance(layer, Wrapper) and not expanded_wrapper:   # TimeDistributed(Dense): both
        name, class_name = f"{name}({layer.layer.name})", f"{class_name}({keras2_class_name(layer.layer)})"
    text = f"{name}: {class_name}" if show_layer_names else class_name
    extras = []
    activation = getattr(layer, "activation", None) if show_layer_activations else None
    if activation is not None:
        extras.append(getattr(activation, "name", None) or getattr(activation, "__name__", None)
                      or str(activation))
    if show_dtype:
        extras.append(str(layer.dtype) if layer.dtype is not None else "?")
    main = [text] + extras if extras else text
    fields = ["T" if layer.trainable else "NT"] if show_trainable else []
    if show_shapes:
        if isinstance(main, str):
            main += "\n"   # Keras 2 writes the name then a newline: '%s\n|{input:|...'
        fields += [main, ["input:", "output:"], [[_input_shape_text(layer)], [_output_shape_text(layer)]]]
    else:
        fields.append(main)
    return fields


def _shape_text(shape):
    """``str(shape)`` as Keras prints it, with plain ints (numpy 2 would print np.int64(8))."""
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        inner = ", ".join(_shape_text(s) for s in shape)   # several shapes
        return f"[{inner}]" if isinstance(shape, list) else f"({inner})"
    return str(tuple(None if d is None else int(d) for d in shape))


def _output_shape_text(layer):
    try:
        return _shape_text(layer.output_shape)
    except AttributeError:   # a shared layer seen with different shapes
        return "multiple"


def _input_shape_text(layer):
    if isinstance(layer, InputLayer):   # Keras 2 gives an InputLayer its own shape as input
        return _output_shape_text(layer)
    try:
        return _shape_text(layer.input_shape)
    except AttributeError:
        return "multiple"



# ---------------------------------------------------------------------------- the graph
def expanded_model(layer, expand_nested):
    """The functional model drawn as a cluster for ``layer`` (the layer itself, or the model a
    wrapper holds), or None when the layer is drawn as one box."""
    inner = layer.layer if isinstance(layer, Wrapper) else layer
    if expand_nested and isinstance(inner, Model) and inner.graph is not None:
        return inner
    return None


def drawn_layers(model, nested):
    """``model.graph.operations``: the layers and the ops called between them (``x + y``
    is a box ``add_1: Add``, as in Keras 3), with a Sequential's own InputLayer, as Keras 2.3
    draws it; inside a cluster also the inputs no output uses, since an edge from outside
    ends at each input."""
    unused = [l for l in model.input_layers if l not in model.graph.operations] if nested else []
    return unused + list(model.graph.operations)


def connections(model):
    """(inbound layer, tensor index, layer, input position) for each input of each call inside
    ``model``, in Keras's order."""
    for layer in model.graph.operations:
        for node in layer._inbound_nodes:
            if node in model.graph.nodes:
                for i, (inbound, t) in enumerate(zip(node.inbound_layers, node.tensor_indices)):
                    yield inbound, t, layer, i


def output_source(model, t):
    """The layer (and its tensor index) that produces ``model``'s output ``t``."""
    layer, _, tensor_index = model.outputs[t]._keras_history
    return layer, tensor_index



# ---------------------------------------------------------------------------- layout
def check_model(model, rankdir="TB"):
    """Refuse, with Keras's words, what cannot be drawn."""
    if not isinstance(model, Model):
        raise TypeError(f"plot_model/model_to_dot expect a Model, received {model!r} "
                        f"(type {type(model).__name__}).")
    if not model.built:
        raise ValueError(f"The model {model.name} has not yet been built. Build the model first by "
                         "calling `build()` or by calling the model on a batch of data.")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, received {rankdir!r}.")


def layout(model, rankdir="TB", expand_nested=False, **label_options):
    """Boxes, edges and clusters of the drawing of ``model`` (see the module docstring).

    ``label_options`` are record_label's show_* flags. Box keys are layer names, with the
    nested model's name as prefix inside a cluster (``encoder/conv2d_1``)."""
    check_model(model, rankdir)
    across = rankdir in ("TB", "BT")   # Graphviz turns records round in LR layouts

    def size(record):
        w, h = record_size(record, across)
        return (w, h) if across else (h, w)

    if model.graph is None:   # a subclassed model: one box
        record = [model.name]
        items = {model.name: Item(*size(record), record=record)}
        block = place_level(items, [], {}, {}, rankdir, label=None)
    else:
        block = _model_block(model, "", expand_nested, label_options, size, rankdir, label=None)
    return to_xy(block, rankdir)


def _model_block(model, scope, expand_nested, label_options, size, rankdir, label):
    """Lay out one model's level; nested expanded models become blocks, laid out first."""
    items, blocks = {}, {}
    for layer in drawn_layers(model, nested=label is not None):
        inner = expanded_model(layer, expand_nested)
        if inner is not None:
            block = _model_block(inner, scope + inner.name + "/", expand_nested, label_options,
                                 size, rankdir, label=inner.name)
            blocks[layer] = scope + inner.name + "/"
            items[blocks[layer]] = Item(block.breadth, block.depth, block=block)
            if inner is layer:
                continue   # the cluster replaces the box
        record = record_label(layer, expanded_wrapper=inner is not None, **label_options)
        items[scope + layer.name] = Item(*size(record), record=record)

    def source(layer, t):
        return (blocks[layer], t) if layer in blocks else (scope + layer.name, None)

    def target(layer, i):
        if layer in blocks and not isinstance(layer, Wrapper):
            return blocks[layer], i
        return scope + layer.name, None

    edges = []
    for inbound, t, layer, i in connections(model):
        edges.append(source(inbound, t) + target(layer, i))
        if layer in blocks and isinstance(layer, Wrapper):   # a wrapped model
            edges += [(scope + layer.name, None, blocks[layer], j)
                      for j in range(len(layer.layer.inputs))]
    edges = list(dict.fromkeys(edges))   # a repeated call draws one arrow (Graphviz concentrate)
    entries = {i: scope + l.name for i, l in enumerate(model.input_layers)}
    exits = {t: source(*output_source(model, t)) for t in range(len(model.outputs))}
    return place_level(items, edges, entries, exits, rankdir, label, scope)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96,
               show_layer_activations=False, show_trainable=False):
    """Draw ``model``'s graph into ``to_file``: PNG, SVG, PDF... by its extension (PNG if it
    has none). Returns an IPython image to show inline in a notebook, or None without IPython."""
    check_model(model, rankdir)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    drawing = layout(model, rankdir=rankdir, expand_nested=expand_nested, show_shapes=show_shapes,
                     show_dtype=show_dtype, show_layer_names=show_layer_names,
                     show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    figure = render(drawing)
    formats = figure.canvas.get_supported_filetypes()
    if extension not in formats:
        raise ValueError(f"plot_model cannot write {to_file!r}: unknown image format {extension!r}. "
                         f"Use one of: {', '.join(sorted(formats))}.")
    if extension not in VECTOR_FORMATS:
        dpi = _capped_dpi(drawing, dpi, to_file)
    # Unhinted glyphs keep the widths the layout measured, at every dpi (hinting at 96 dpi
    # widens a line of digits by 6%, pushing it out of its cell).
    with matplotlib.rc_context({"text.hinting": HINTING}):
        figure.savefig(to_file, format=extension, dpi=dpi)
    try:
        from IPython import display   # optional: only a notebook shows the image inline
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=to_file)
    if extension in ("png", "jpg", "jpeg", "gif"):
        # the format is given, not guessed from the name: a file called "model" is still a PNG
        return display.Image(filename=to_file, format="jpeg" if extension == "jpg" else extension)
    return None


def _capped_dpi(drawing, dpi, to_file):
    """Lower ``dpi`` when the image would be too many pixels, and say so."""
    width = (drawing.width + 2 * MARGIN) / 72 * dpi
    height = (drawing.height + 2 * MARGIN) / 72 * dpi
    scale = min(1.0, MAX_SIDE / max(width, height), (MAX_AREA / (width * height)) ** 0.5)
    if scale < 1.0:
        warnings.warn(f"plot_model: a {width:.0f}x{height:.0f}-pixel image at dpi={dpi} is too "
                      f"large; writing {to_file} at dpi={dpi * scale:.0f} instead (or save as .svg "
                      "or .pdf, which have no pixel limit).", stacklevel=4)
    return dpi * scale


def render(drawing):
    """A matplotlib Figure of a Layout, one data unit per point, so text keeps its measured size.
    Shapes go in collections (one artist each for boxes, dividers, edges and arrowheads)."""
    # matplotlib's drawing modules load at the first drawing, not with minikeras: they are heavy.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=((drawing.width + 2 * MARGIN) / 72, (drawing.height + 2 * MARGIN) / 72))
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-MARGIN, drawing.width + MARGIN)
    axes.set_ylim(drawing.height + MARGIN, -MARGIN)   # y grows downwards, as in the layout
    axes.set_axis_off()
    text_style = dict(fontsize=FONT_SIZE, family=FONT_FAMILY, zorder=4)
    for cluster in drawing.clusters.values():
        axes.add_patch(Rectangle((cluster.x, cluster.y), cluster.w, cluster.h, fill=False,
                                 linestyle=(0, (5, 3)), linewidth=1.0, edgecolor="0.35", zorder=0))
        axes.text(cluster.x + CLUSTER_PAD + PAD_X / 2, cluster.y + CLUSTER_PAD, cluster.label,
                  ha="left", va="top", color="0.25", **text_style)

    across = drawing.rankdir in ("TB", "BT")
    paths = [_edge_path(edge.points, across) for edge in drawing.edges]
    heads = [_arrowhead(path.vertices) for path in paths]
    axes.add_collection(PathCollection(paths, facecolors="none", edgecolors="black",
                                       linewidths=1.0, zorder=1))
    axes.add_collection(PolyCollection(heads, facecolors="black", edgecolors="black",
                                       linewidths=0.5, zorder=1.5))
    rectangles, dividers = [], []
    for box in drawing.boxes.values():
        x, y, w, h = box.x, box.y, box.w, box.h
        rectangles.append([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        cells, lines = record_cells(box.label, x, y, w, h, across)
        dividers += lines
        for text, cx, cy, cw, ch in cells:
            axes.text(cx + cw / 2, cy + ch / 2, text, ha="center", va="center_baseline", **text_style)
    axes.add_collection(PolyCollection(rectangles, facecolors="white", edgecolors="black",
                                       linewidths=1.0, zorder=2))
    axes.add_collection(LineCollection(dividers, colors="black", linewidths=1.0, zorder=3))
    return figure


def _arrowhead(vertices, length=8.0, half_width=3.2):
    """The triangle at the end of an edge, pointing along its last stretch (for a curve, from
    its last control point)."""
    (x0, y0), (x1, y1) = vertices[-2], vertices[-1]
    norm = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
    dx, dy = (x1 - x0) / norm, (y1 - y0) / norm
    bx, by = x1 - dx * length, y1 - dy * length
    return [(x1, y1), (bx - dy * half_width, by + dx * half_width),
            (bx + dy * half_width, by - dx * half_width)]


def _edge_path(points, flow_is_y):
    """Straight runs stay straight; a step across the gap between two ranks becomes an S-curve
    with its control points half-way along the flow, so two curves in one gap cross only if
    their ends do, and the arrowhead points along the flow."""
    from matplotlib.path import Path   # heavy, as in render(): loaded at the first drawing
    vertices, codes = [points[0]], [Path.MOVETO]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 != x1 and y0 != y1:
            if flow_is_y:
                mid = (y0 + y1) / 2
                vertices += [(x0, mid), (x1, mid), (x1, y1)]
            else:
                mid = (x0 + x1) / 2
                vertices += [(mid, y0), (mid, y1), (x1, y1)]
            codes += [Path.CURVE4] * 3
        else:
            vertices.append((x1, y1))
            codes.append(Path.LINETO)
    return Path(vertices, codes)


# ---------------------------------------------------------------------------- DOT text
def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=96, subgraph=False, show_layer_activations=False,
                 show_trainable=False):
    """The model as Graphviz DOT text, as Keras 2's ``model_to_dot(model).to_string()`` gives it:
    record nodes named by ``id(layer)``, an edge from each inbound layer to the layer, and a
    dashed ``cluster_<name>`` subgraph per nested model when ``expand_nested``. A string, not a
    pydot object: ``dot -Tpng`` renders it. ``subgraph=True`` gives the cluster alone (with
    ``->`` edges, ready to paste into a digraph, where pydot would write ``--``)."""
    check_model(model, rankdir)
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    return _dot(model, options, expand_nested, rankdir, dpi, subgraph)


def _dot(model, options, expand_nested, rankdir, dpi, subgraph):
    if subgraph:
        lines = [f"subgraph {_dot_id('cluster_' + model.name)} {{", f"label={_dot_id(model.name)};",
                 "labeljust=l;", "style=dashed;"]
    else:
        lines = ["digraph G {", "concentrate=True;", f"dpi={_dot_id(dpi)};",
                 f"rankdir={_dot_id(rankdir)};", "node [shape=record];"]
    if model.graph is None:   # a subclassed model: one node with its name (tf.keras)
        return "\n".join(lines + [f"{id(model)} [label={_dot_id(model.name)}];", "}"]) + "\n"
    for layer in drawn_layers(model, subgraph):
        inner = expanded_model(layer, expand_nested)
        if inner is not None:
            lines.append(_dot(inner, options, expand_nested, rankdir, dpi, subgraph=True))
            if inner is layer:
                continue   # the cluster stands for the model
        label = record_text(record_label(layer, expanded_wrapper=inner is not None, **options))
        lines.append(f"{id(layer)} [label={_dot_id(label)}];")
    edges = []
    for inbound, t, layer, i in connections(model):
        edges.append((_leaf_source(inbound, t, expand_nested), _leaf_target(layer, i, expand_nested)))
        inner = expanded_model(layer, expand_nested)
        if inner is not None and inner is not layer:   # a wrapped model: wrapper -> its inputs
            edges += [(layer, input_layer) for input_layer in inner.input_layers]
    # One edge per pair, as Graphviz draws it with concentrate=True (tf.keras's add_edge).
    lines += [f"{id(src)} -> {id(dst)};" for src, dst in dict.fromkeys(edges)]
    return "\n".join(lines + ["}"]) + "\n"


def _leaf_source(layer, t, expand_nested):
    """The drawn layer that makes output ``t`` of ``layer`` (inside it, if it is expanded)."""
    inner = expanded_model(layer, expand_nested)
    if inner is None:
        return layer
    return _leaf_source(*output_source(inner, t), expand_nested)


def _leaf_target(layer, i, expand_nested):
    """The drawn layer that receives input ``i`` of ``layer`` (a nested model's input layer)."""
    inner = expanded_model(layer, expand_nested)
    return inner.input_layers[i] if inner is layer and inner is not None else layer


_PLAIN_ID = re.compile(r"^[_a-zA-Z][a-zA-Z0-9_,]*$|^[0-9,]+$")


def _dot_id(value):
    """A DOT ID, quoted as pydot quotes it: plain words and numbers bare, the rest in quotes."""
    if not isinstance(value, str):
        return str(value)
    if _PLAIN_ID.match(value) or value in ("graph", "subgraph", "digraph", "node", "edge", "strict"):
        return value
    return '"' + value.replace('"', r'\"').replace("\n", r"\n").replace("\r", r"\r") + '"'
