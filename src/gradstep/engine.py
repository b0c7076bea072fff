"""Reverse-mode automatic differentiation: the chain rule over the recorded graph.

backward() visits the graph's nodes in reverse topological order (computed
without recursion, so a chain of 100 000 ops is fine), calls each op's
backward with dL/d(output), sums gradients where a tensor feeds several ops,
reduces broadcast dimensions back to each input's shape, accumulates into the
``.grad`` of leaf tensors, and frees saved arrays unless ``retain_graph``.
"""

import weakref

import numpy as np

from .errors import GradstepError, GraphFreedError, ShapeError


def unbroadcast(grad, shape):
    """Sum ``grad`` over the dimensions that broadcasting added or stretched, to get ``shape``.

    d(a + b)/da for a of shape (3, 1) broadcast to (2, 3, 4) is the sum over axes 0 and 2.

    >>> import numpy as np
    >>> unbroadcast(np.ones((2, 3, 4)), (3, 1)).tolist()
    [[8.0], [8.0], [8.0]]
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if grad.shape != tuple(shape):
        raise ShapeError(f"backward: gradient of shape {grad.shape} cannot be reduced to input shape {tuple(shape)}")
    return grad


def topological_order(root_ctx):
    """Graph nodes reachable from ``root_ctx``, each before the nodes it depends on (no recursion).

    >>> import gradstep
    >>> x = gradstep.tensor(2.0, requires_grad=True)
    >>> y = (x * x).exp()
    >>> [ctx.fn.name for ctx in topological_order(y._ctx)]
    ['exp', 'mul']
    """
    order = []
    visited = set()  # nodes hash by identity
    stack = [(root_ctx, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for inp in node.inputs:
            child = inp._ctx
            if child is not None and child not in visited:
                stack.append((child, False))
    order.reverse()
    return order


def _accumulate_leaf(leaf, grad, incoming):
    """Add ``grad`` into ``leaf.grad``; the first gradient is stored without a copy when it is fresh.

    (The engine stores a gradient that an op with ``fresh_grads`` returned without calling this.)
    """
    dtype = leaf.data.dtype
    if leaf.grad is not None:
        np.add(leaf.grad, grad if grad.dtype == dtype else grad.astype(dtype), out=leaf.grad)
    elif grad.dtype != dtype:
        leaf.grad = grad.astype(dtype)
    elif type(grad) is not np.ndarray or grad is incoming or grad.base is not None or not grad.flags.writeable:
        leaf.grad = np.array(grad)
    else:
        leaf.grad = grad


def backward(root, grad=None, retain_graph=False):
    """Compute d(root)/d(leaf) for every leaf that requires grad, accumulating into ``.grad``.

    >>> import gradstep
    >>> x = gradstep.tensor(3.0, requires_grad=True)
    >>> (x * x).backward(); float(x.grad)
    6.0
    """
    if not root.requires_grad:
        raise GradstepError(
            "backward: this tensor does not require grad and has no graph; "
            "create the inputs with requires_grad=True (and not inside no_grad())"
        )
    if grad is None:
        if root.data.size != 1:
            raise GradstepError(
                f"backward: output of shape {root.shape} is not a scalar; pass grad= of the same shape "
                "(for example ones_like(output)) or reduce it with .sum() or .mean()"
            )
        # dL/dL = 1 (np.ones and np.ones_like are Python wrappers: empty + fill costs half as much)
        grad = np.empty(root.data.shape, root.data.dtype)
        grad.fill(1)
    else:
        grad = np.asarray(getattr(grad, "data", grad), dtype=root.data.dtype)
        if grad.shape != root.shape:
            raise ShapeError(f"backward: grad of shape {grad.shape} does not match output of shape {root.shape}")

    if root._ctx is None:
        _accumulate_leaf(root, grad, None)
        return

    pending = {root._ctx: grad}  # node -> dL/d(its output), summed over the node's consumers
    private = set()  # nodes whose pending gradient no other code holds: their backward may overwrite it
    for ctx in topological_order(root._ctx):
        g = pending.pop(ctx, None)
        if g is None:
            continue
        if ctx.freed:
            raise GraphFreedError(
                f"backward: the graph through op '{ctx.fn.name}' was freed by an earlier backward(); "
                "call backward(retain_graph=True) the first time to go through it twice"
            )
        if ctx.retained is not None:
            owner = ctx.retained()
            if owner is not None:
                _accumulate_leaf(owner, g, g)
        if ctx in private:
            ctx.owns_grad = True
        input_grads = ctx.fn.backward(ctx, g)
        fresh = ctx.fn.fresh_grads
        for inp, ig, needed in zip(ctx.inputs, input_grads, ctx.needs_input_grad):
            if ig is None or not needed:
                continue
            if ig.shape != inp.data.shape:
                ig = unbroadcast(ig, inp.data.shape)
            child = inp._ctx
            if child is None:
                if fresh and inp.grad is None and ig is not g and ig.dtype == inp.data.dtype:
                    inp.grad = ig  # the op's new array (fresh_grads) becomes the leaf's gradient as it is
                else:
                    _accumulate_leaf(inp, ig, g)
                continue
            earlier = pending.get(child)
            if earlier is None:
                pending[child] = ig
                if fresh and ig is not g:
                    private.add(child)
            else:
                pending[child] = earlier + ig  # a new array: private to the child
                private.add(child)
        if not retain_graph:
            ctx.free()


def retain(tensor):
    """Make backward() keep the gradient of a non-leaf tensor in its ``.grad``.

    >>> import gradstep
    >>> x = gradstep.tensor(2.0, requires_grad=True)
    >>> h = x * 3; _ = h.retain_grad(); (h * h).backward(); float(h.grad)
    12.0
    """
    if tensor._ctx is not None:
        tensor._ctx.retained = weakref.ref(tensor)
