"""Chapter 17, exercise ch17.backward: the backward pass of a tape, micrograd-style.

``tinygraph.py`` records operations: each ``Value`` knows its ``parents`` and
its ``backward_fn``. Write the two functions that ``GradientTape.gradient``
runs on such a graph (compare ``minikeras/ops/tape.py`` once you are done).
The tests build the same expressions with ``minikeras.ops`` under a
``GradientTape`` and compare the gradients.
"""


def topological_order(root):
    """Every ``Value`` that ``root`` depends on (``root`` and the leaves included),
    each exactly once, each AFTER all of its parents.

    A depth-first search from ``root`` that appends a node once all its
    parents have been appended gives that order (a "post-order"). Write it with
    an explicit stack, not recursion: graphs of thousands of operations (an RNN
    unrolled over time) would exceed Python's recursion limit (a test has a chain
    of 3000 operations). Compare nodes by identity (a set of ``id(node)``).
    """
    raise NotImplementedError("ch17.backward: implement topological_order()")


def backward(root):
    """Fill ``node.grad`` for every node ``root`` depends on: d root / d node.

    ``root`` is usually a scalar (``tinygraph.total(...)``); its own gradient is
    ones (``np.ones_like(root.value)``). Start every other node at zeros, then
    visit the nodes from ``root`` back to the leaves (the topological order,
    reversed): a node's ``backward_fn(node.grad)`` gives one gradient per parent,
    and each is ADDED to that parent's ``grad`` (a value used twice receives
    gradient from both uses). Leaves have ``backward_fn = None``. Return None.
    """
    raise NotImplementedError("ch17.backward: implement backward()")
