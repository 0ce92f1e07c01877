"""Reading the masks Keras 3 writes into a masked model's config.

When Keras 3 builds a functional model, a layer's ``compute_mask`` runs ``keras.ops`` on
symbolic tensors (``Embedding``: ``not_equal(ids, 0)``; ``Masking``: ``any(not_equal(x,
value), axis=-1)``; merges: ``logical_or``...), and each of those operations becomes a
node of the graph. The next layer's call then records the mask it received as a keyword
tensor, ``mask=``. Saved, such a model lists ``NotEqual``/``Any``/... entries among its
layers, and ``"mask": <keras tensor>`` in the calls after them.

minikeras computes those masks itself, by the same rules (``engine/masking.py``), while
the model is rebuilt. So, before the rebuild, this module leaves out

1. the operation entries whose results serve only as masks (directly, or through other
   such operations), and
2. the ``mask`` keywords that refer only to them;

and after the rebuild it checks that every call whose mask was left out does receive a
mask from minikeras's rules. An operation used for anything else stays in the config and
is rebuilt as an op node (``ops/operation.py``). A mask that the rules would not make (one
computed by hand, ``lstm(x, mask=ops.not_equal(ids, 0))``) fails the check, and the reader
rebuilds the model again with every recorded operation and ``mask=`` kept
(``engine/functional_config.py``).
"""
from .. import tree

KERAS_TENSOR = "__keras_tensor__"


def _is_operation(layer_data):
    return str(layer_data.get("module") or "").startswith("keras.src.ops")


def _references(value):
    """Names of the layers whose outputs ``value`` (a call's args or kwargs) refers to."""
    names = []

    def note(item):
        if isinstance(item, dict) and item.get("class_name") == KERAS_TENSOR:
            names.append(item["config"]["keras_history"][0])
            return item   # a tensor's record: nothing inside it to visit
        return None
    tree.traverse(note, value)
    return names


def _output_names(config):
    """Names of the layers the model outputs come from: the strings among the
    ``[name, node_index, tensor_index]`` entries of ``output_layers``."""
    return [entry for entry in tree.flatten(config.get("output_layers") or []) if isinstance(entry, str)]


def without_recorded_masks(config):
    """(the config without the mask operations and keywords, the (layer name, call index)
    pairs whose recorded mask was left out). A config without operations is returned as is."""
    layers_data = config["layers"]
    operations = {d["name"] for d in layers_data if _is_operation(d)}
    if not operations:
        return config, []
    # 1. operations whose every use is as a mask, or as an input of another such operation
    outputs = set(_output_names(config))
    mask_only = operations - outputs
    changed = True
    while changed:
        changed = False
        for d in layers_data:
            for node in d.get("inbound_nodes", []):
                if not isinstance(node, dict):
                    continue
                uses = _references(node.get("args", [])) + _references(
                    {k: v for k, v in node.get("kwargs", {}).items() if k != "mask"})
                if d["name"] in mask_only:
                    continue   # an input of a mask operation is a mask use
                for name in uses:
                    if name in mask_only:
                        mask_only.discard(name)
                        changed = True
    if not mask_only:
        return config, []
    # 2. drop them, and the mask keywords that refer only to them
    masked_calls = []
    kept = []
    for d in layers_data:
        if d["name"] in mask_only:
            continue
        nodes = []
        for index, node in enumerate(d.get("inbound_nodes", [])):
            kwargs = node.get("kwargs", {}) if isinstance(node, dict) else {}
            refs = _references(kwargs.get("mask"))
            if refs and all(name in mask_only for name in refs):
                node = dict(node, kwargs={k: v for k, v in kwargs.items() if k != "mask"})
                masked_calls.append((d["name"], index))
            nodes.append(node)
        kept.append(dict(d, inbound_nodes=nodes))
    return dict(config, layers=kept), masked_calls


class MaskNotRecomputedError(ValueError):
    """A call's recorded mask that minikeras's rules do not make: the reader then keeps the
    operations that compute it (engine/functional_config.py)."""


def check_masks_recomputed(created, masked_calls):
    """Every call that Keras gave a computed mask receives one from minikeras's rules."""
    for name, index in masked_calls:
        layer = created[name]
        offset = 1 if layer._inbound_nodes and layer._inbound_nodes[0].is_model_internal else 0
        node = layer._inbound_nodes[index + offset]
        if not any(getattr(t, "_keras_mask", None) is not None for t in node.input_tensors):
            raise MaskNotRecomputedError(
                f"Layer '{name}': the Keras file gives its call a mask computed with keras.ops, and "
                "minikeras's layers make no mask for that input, so the model cannot be rebuilt with "
                "the same masks. Build the model in code (with the mask made by a layer) and load its "
                "weights.")
