"""Reverse-mode automatic differentiation: the chain rule over the recorded graph.

backward() visits the graph's nodes in reverse topological order (computed
without recursion, so a chain of 100 000 ops is fine), calls each op's
backward with dL/d(output), sums gradients where a tensor feeds several ops,
reduces broadcast dimensions back to each input's shape, accumulates into the
``.grad`` of leaf tensors, and frees saved arrays unless ``retain_graph``.

Two loops share that walk: ``backward`` is the fast first-order path (NumPy
gradients, buffers reused where nobody else holds them); ``differentiate``
serves ``gradstep.autograd.grad`` (gradients returned, not accumulated) and
``create_graph=True``, where each op's same backward formula runs on Tensors
(autograd/graph.py) so that the gradients are themselves differentiable.
"""

import weakref

import numpy as np

from .errors import GradstepError, GraphFreedError, ShapeError
from .tensor import Tensor, _grad_array
from .versions import _Clock, check_node


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


def topological_order(root_ctx, *more_roots):
    """Graph nodes reachable from the roots, each before the nodes it depends on (no recursion).

    >>> import gradstep
    >>> x = gradstep.tensor(2.0, requires_grad=True)
    >>> y = (x * x).exp()
    >>> [ctx.fn.name for ctx in topological_order(y._ctx)]
    ['exp', 'mul']
    """
    order = []
    visited = set()  # nodes hash by identity
    stack = [(root_ctx, False)]
    if more_roots:
        stack += [(r, False) for r in more_roots]
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
    """Add the array ``grad`` into ``leaf.grad`` (a Tensor); the first one is stored without a copy when it is fresh.

    (The engine stores a gradient that an op with ``fresh_grads`` returned without calling this.)
    """
    dtype = leaf.data.dtype
    current = _grad_array(leaf)
    if current is not None:
        np.add(current, grad if grad.dtype == dtype else grad.astype(dtype), out=current)
    elif grad.dtype != dtype:
        leaf._grad = grad.astype(dtype)
    elif type(grad) is not np.ndarray or grad is incoming or grad.base is not None or not grad.flags.writeable:
        leaf._grad = np.array(grad)
    else:
        leaf._grad = grad  # (``leaf.grad`` wraps it in a Tensor when someone reads it)


def backward(root, grad=None, retain_graph=None, create_graph=False):
    """Compute d(root)/d(leaf) for every leaf that requires grad, accumulating into ``.grad``.

    With ``create_graph=True`` the backward pass is recorded too, so the
    gradients can be differentiated again (``retain_graph`` then defaults to True).

    >>> import gradstep
    >>> x = gradstep.tensor(3.0, requires_grad=True)
    >>> (x * x).backward(); float(x.grad)
    6.0
    """
    if retain_graph is None:
        retain_graph = create_graph
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

    if create_graph:
        differentiate([root], [grad], None, retain_graph, True)
        return
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
            raise _freed_error(ctx)
        if ctx.epoch != _Clock.epoch:  # something changed in place since this node was recorded
            check_node(ctx)
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
                if fresh and inp._grad is None and ig is not g and ig.dtype == inp.data.dtype:
                    inp._grad = ig  # the op's new array (fresh_grads) becomes the leaf's gradient as it is
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


def _freed_error(ctx):
    return GraphFreedError(
        f"backward: the graph through op '{ctx.fn.name}' was freed by an earlier backward(); "
        "call backward(retain_graph=True) the first time to go through it twice"
    )


def _add(total, grad):
    """total + grad, out of place (either may be shared), None meaning zero; a Tensor if either is."""
    if total is None:
        return grad
    if isinstance(grad, Tensor) and not isinstance(total, Tensor):
        total = Tensor(total)
    return total + grad


def _store_graph_grad(tensor, grad):
    """Accumulate a gradient that is a Tensor (create_graph) into ``tensor.grad``, out of place."""
    if grad.dtype != tensor.data.dtype:
        grad = grad.astype(tensor.data.dtype)
    tensor.grad = _add(tensor.grad, grad)


def differentiate(outputs, grad_outputs, inputs=None, retain_graph=False, create_graph=False):
    """Backpropagate from several ``outputs``; return d/d(input) for each of ``inputs``, or accumulate into leaves.

    ``grad_outputs`` holds one dL/d(output) per output (ndarrays or Tensors, the
    outputs' shapes). With ``inputs`` the gradients are returned (None for an
    input the outputs do not depend on) and no ``.grad`` changes; without, they
    accumulate into every leaf's ``.grad``. Under ``create_graph`` each op's
    backward runs on Tensors (``autograd.graph``) and records its own graph.

    >>> import numpy as np, gradstep
    >>> x = gradstep.tensor(3.0, requires_grad=True)
    >>> [g.item() for g in differentiate([x * x], [np.ones((), np.float32)], [x])]
    [6.0]
    """
    if create_graph:
        from .autograd.graph import differentiable_backward
        from .grad_mode import enable_grad

        mode = enable_grad()
    else:
        from .grad_mode import no_grad

        mode = no_grad()
    pending = {}  # node -> dL/d(its output)
    outputs_of = {}  # node -> its output tensor (what the graph's saved output is, under create_graph)
    leaf_slots = {}  # leaf input -> positions in ``inputs``
    node_slots = {}  # node of a non-leaf input -> positions
    results = None
    if inputs is not None:
        results = [None] * len(inputs)
        for i, t in enumerate(inputs):
            (leaf_slots if t._ctx is None else node_slots).setdefault(t._ctx or t, []).append(i)

    def to_leaf(leaf, g):
        if results is not None:
            for i in leaf_slots.get(leaf, ()):
                results[i] = _add(results[i], g)
        elif not leaf.requires_grad:
            return
        elif create_graph:
            _store_graph_grad(leaf, g)
        else:
            _accumulate_leaf(leaf, np.array(g) if leaf.grad is None else g, None)

    with mode:
        for out, g in zip(outputs, grad_outputs):
            if create_graph and not isinstance(g, Tensor):
                g = Tensor(g)
            if out._ctx is None:
                to_leaf(out, g)
            else:
                pending[out._ctx] = _add(pending.get(out._ctx), g)
                outputs_of.setdefault(out._ctx, out)
        roots = list(pending)
        for ctx in topological_order(*roots) if roots else ():
            g = pending.pop(ctx, None)
            if g is None:
                continue
            if ctx.freed:
                raise _freed_error(ctx)
            if ctx.epoch != _Clock.epoch:
                check_node(ctx)
            for i in node_slots.get(ctx, ()):
                results[i] = _add(results[i], g)
            if results is None and ctx.retained is not None:
                owner = ctx.retained()
                if owner is not None:
                    if create_graph:
                        _store_graph_grad(owner, g)
                    else:
                        _accumulate_leaf(owner, g, g)
            if create_graph:
                input_grads = differentiable_backward(ctx, outputs_of[ctx], g)
            else:
                input_grads = ctx.fn.backward(ctx, g)
            for inp, ig, needed in zip(ctx.inputs, input_grads, ctx.needs_input_grad):
                if ig is None or not needed:
                    continue
                if ig.shape != inp.data.shape:
                    ig = unbroadcast(ig, inp.data.shape)
                child = inp._ctx
                if child is None:
                    to_leaf(inp, ig)
                    continue
                outputs_of.setdefault(child, inp)
                pending[child] = _add(pending.get(child), ig)
            if not retain_graph:
                ctx.free()
    return results


def retain(tensor):
    """Make backward() keep the gradient of a non-leaf tensor in its ``.grad``.

    >>> import gradstep
    >>> x = gradstep.tensor(2.0, requires_grad=True)
    >>> h = x * 3; _ = h.retain_grad(); (h * h).backward(); float(h.grad)
    12.0
    """
    if tensor._ctx is not None:
        tensor._ctx.retained = weakref.ref(tensor)
