"""Masks: which time steps of a padded batch are real, carried beside the tensors.

A mask is a boolean tensor, ``(batch, steps)`` for a sequence, ``True`` where a step holds
data. It is made by ``Embedding(mask_zero=True)`` (ids that are not 0) or ``Masking``
(steps whose features are not all ``mask_value``), and travels with the tensor as its
``_keras_mask`` attribute: a KerasTensor carries a symbolic mask while a model is being
defined, a Tensor carries the values when a layer runs. The rules are Keras 3's, applied
at every call of a layer (``Layer.__call__`` on tensors or on values, and each node of a
functional model's walk):

1. The masks of the first argument are read, in its structure (a list of inputs gives a
   list of masks, ``None`` where an input has none).
2. If ``call`` has a ``mask`` parameter and the caller gave none, it receives them.
3. After the call, a layer that ``supports_masking`` gives its outputs the masks of
   ``compute_mask(inputs, mask)`` (by default the input mask, unchanged), except on
   outputs that already carry one. ``supports_masking`` is True by default exactly when
   the class overrides ``compute_mask``.
4. A layer that does not support masking but was given a masked input drops the mask,
   with Keras's warning: the layers after it see no mask.

A loss reads the mask of the prediction (``losses.apply_mask``): masked steps weigh
nothing, and the loss is the mean over the real steps.
"""
import inspect
import warnings

from .. import tree


def get_keras_mask(x):
    """The mask carried by ``x``, or None (arrays and numbers carry none)."""
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x, mask):
    """Attach ``mask`` to ``x`` (a Tensor or KerasTensor), in place."""
    x._keras_mask = mask


def input_masks(inputs):
    """Rule 1: the masks of ``inputs``, in the same structure (None for a missing mask)."""
    return tree.map_structure(get_keras_mask, inputs)


def any_mask(masks):
    return any(m is not None for m in tree.flatten(masks))


def with_mask_argument(layer, kwargs, masks, accepted):
    """Rule 2: ``kwargs`` plus ``mask=masks`` when ``call`` takes a ``mask`` parameter (the
    names in ``accepted``) and the caller passed none. Returns the keyword arguments and the
    mask the outputs inherit: a mask the caller gave wins over the carried one. A mask given
    to a layer whose ``call`` takes none is an error, as in Keras."""
    given = kwargs.get("mask")
    if given is not None and "mask" not in accepted and "**" not in accepted:
        raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) was called with mask=, but its "
                        "call() takes no `mask` argument. Its input's mask (if any) reaches it by itself; "
                        "to set a mask, use a layer that makes one (Masking, Embedding(mask_zero=True)).")
    if given is not None:
        return kwargs, given
    if "mask" not in accepted:
        return kwargs, masks
    return dict(kwargs, mask=masks), masks


def with_argument_masks(layer, inputs, args, kwargs, accepted):
    """Rule 2 for a call with several tensor arguments (``mha(query, value, key=k)``): each
    argument ``name`` whose tensors carry masks gives them as ``name_mask=`` when ``call``
    takes that keyword and the caller passed none (Keras 3's rule; a model's walk applies it
    with the recorded call, engine/model.py)."""
    if not any(get_keras_mask(t) is not None for t in tree.flatten([list(args), kwargs])):
        return kwargs
    try:
        bound = inspect.signature(layer.call).bind(inputs, *args, **kwargs).arguments
    except TypeError:
        return kwargs
    tensors = {name: value for name, value in bound.items()
               if any(hasattr(t, "shape") for t in tree.flatten(value))}
    if len(tensors) < 2:
        return kwargs
    for name, value in tensors.items():
        key = name + "_mask"
        masks = input_masks(value)
        if key in accepted and kwargs.get(key) is None and any_mask(masks):
            kwargs = dict(kwargs, **{key: masks})
    return kwargs


def output_masks(layer, inputs, outputs, previous_mask):
    """Rules 3 and 4: the mask of each flat output of ``layer`` (None where it has none)."""
    flat_outputs = tree.flatten(outputs)
    existing = [get_keras_mask(t) for t in flat_outputs]
    if not layer.supports_masking:
        if any_mask(previous_mask):
            warnings.warn(
                f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a mask "
                "attached to it. However, this layer does not support masking and will therefore "
                "destroy the mask information. Downstream layers will not see the mask.", stacklevel=4)
        return existing
    if all(m is not None for m in existing):
        return existing
    computed = layer.compute_mask(inputs, previous_mask)
    if computed is None:
        return existing
    flat_computed = tree.flatten(computed)
    return [old if old is not None else new
            for old, new in zip(existing, flat_computed + [None] * (len(existing) - len(flat_computed)))]

