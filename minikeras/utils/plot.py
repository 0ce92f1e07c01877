"""``plot_model`` and ``model_to_dot``, with no Graphviz and no pydot.

The layout is ``minikeras.engine.plot.layout``; this module draws it with matplotlib (the Agg
canvas, never a display), and writes the DOT text that Keras 2's ``model_to_dot`` produced
through pydot, for anyone who has Graphviz and wants its drawing instead.
"""
import os
import re
import warnings

import matplotlib

from ..engine.plot import (CLUSTER_PAD, FONT_FAMILY, FONT_SIZE, PAD_X, check_model, connections,
                           drawn_layers, expanded_model, layout, output_source, record_cells, record_label,
                           record_text)

MARGIN = 8.0                            # points of white round the drawing
MAX_SIDE, MAX_AREA = 32000, 40_000_000  # pixels: Agg stops at 2**16 a side; memory at the area
VECTOR_FORMATS = ("svg", "svgz", "pdf", "eps", "ps")
HINTING = "none"


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
        from IPython import display
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
    from matplotlib.path import Path
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
    if not model._is_graph_network:   # a subclassed model: one node with its name (tf.keras)
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
