"""Function transforms with torch.func's names: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian.

Each takes a function of gradstep Tensors that returns a Tensor and gives back
a function (or values), without touching anyone's ``.grad``: derivatives are
taken with ``gradstep.autograd.grad`` (reverse mode) and dual tensors
(``gradstep.autograd.forward_ad``, forward mode).

- ``grad(f)(x)``: the gradient of a scalar f; ``jacrev(f)(x)``: the Jacobian,
  one reverse pass per output element (cheap when outputs are few);
  ``jacfwd(f)(x)``: the Jacobian, one forward pass per input element (cheap
  when inputs are few); J[i..., j...] = d f(x)[i...] / d x[j...], of shape
  ``f(x).shape + x.shape``.
- They compose: a reverse transform inside another transform records its
  backward pass (create_graph), so ``grad(grad(f))`` is a second derivative,
  ``jvp(grad(f), (x,), (v,))`` a Hessian-vector product and ``hessian(f) =
  jacfwd(jacrev(f))`` (forward-over-reverse). Forward mode outside reverse
  mode (``jacrev(jacfwd(f))``, ``grad`` of a ``jvp``) and forward-over-forward
  are not supported and raise an error: tangents are computed outside the graph.

>>> import gradstep
>>> from gradstep import func
>>> f = lambda x: (x**3).sum()
>>> func.grad(f)(gradstep.tensor([1.0, 2.0]))                        # 3 x^2
tensor([ 3., 12.])
>>> func.hessian(f)(gradstep.tensor([1.0, 2.0]))                     # diag(6 x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
"""

import functools

import numpy as np

from . import ops
from .autograd import forward_ad
from .autograd.grad import grad as _autograd_grad
from .errors import ArgumentError, DTypeError, GradstepError, ShapeError
from .grad_mode import enable_grad
from .ops.shape import Reshape
from .tensor import Tensor

#: the transforms being evaluated, outermost first: "reverse" or "forward"
_active = []


def _argnums_tuple(argnums, count, op):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise ArgumentError(f"{op}: argnums must name at least one argument")
    for n in nums:
        if not isinstance(n, int) or not -count <= n < count:
            raise ArgumentError(f"{op}: argnums {argnums!r} is out of range for {count} positional arguments")
    return tuple(n % count for n in nums)


def _check_tensor(x, op, what):
    if not isinstance(x, Tensor):
        raise DTypeError(f"{op}: {what} must be a gradstep Tensor, got {type(x).__name__}")
    if x.data.dtype.kind not in "fc":
        raise DTypeError(f"{op}: {what} has dtype {x.dtype}; only floating tensors can be differentiated")


def _needs_graph(tensors):
    """True when an enclosing transform will differentiate the result (so it must stay in the graph)."""
    return bool(_active) or forward_ad.is_active() or any(t.requires_grad for t in tensors)


def _track(x):
    """A tensor equal to ``x`` that requires grad and stays connected to x (its graph and its tangent)."""
    tracked = Reshape.apply(x, shape=x.shape)
    if not tracked.requires_grad:
        tracked.requires_grad = True  # a new leaf (x is a constant), keeping x's tangent if it has one
    return tracked


def _call(f, args, kind):
    _active.append(kind)
    try:
        with enable_grad():
            return f(*args)
    finally:
        _active.pop()


def _split_aux(result, has_aux, op):
    if not has_aux:
        return result, None
    if not isinstance(result, tuple) or len(result) != 2:
        raise GradstepError(f"{op}: with has_aux=True, f must return a pair (output, aux)")
    return result


def _check_output(out, op):
    if not isinstance(out, Tensor):
        raise DTypeError(f"{op}: f must return a gradstep Tensor, got {type(out).__name__}")


def _reverse(f, args, argnums, op, has_aux=False, scalar=True):
    """Evaluate f with the argnums arguments tracked; returns (out, aux, tracked, keep_graph)."""
    nums = _argnums_tuple(argnums, len(args), op)
    args = list(args)
    for n in nums:
        _check_tensor(args[n], op, f"argument {n}")
    keep = _needs_graph([args[n] for n in nums])
    tracked = [_track(args[n]) for n in nums]
    for n, t in zip(nums, tracked):
        args[n] = t
    out, aux = _split_aux(_call(f, args, "reverse"), has_aux, op)
    _check_output(out, op)
    if scalar and out.data.size != 1:
        raise GradstepError(
            f"{op}: f must return a single number (a scalar Tensor), got shape {out.shape}; "
            "use jacrev or jacfwd for the Jacobian of a function with several outputs"
        )
    return out, aux, tracked, keep


def _gradients(out, tracked, keep, grad_outputs=None, retain_graph=None):
    """d out / d tracked, zeros for the arguments out does not depend on."""
    if not out.requires_grad:
        grads = [None] * len(tracked)
    else:
        grads = _autograd_grad(
            out, tracked, grad_outputs=grad_outputs, retain_graph=keep if retain_graph is None else retain_graph,
            create_graph=keep, allow_unused=True,
        )  # fmt: skip
    return [Tensor(np.zeros(t.shape, t.dtype)) if g is None else g for g, t in zip(grads, tracked)]


def _detach(value, keep):
    return value if keep else Tensor(value.data)


def _pack(values, argnums):
    return values[0] if isinstance(argnums, int) else tuple(values)


def grad_and_value(f, argnums=0, has_aux=False):
    """Like ``grad``, returning ``(gradient, value)`` (``(gradient, (value, aux))`` with ``has_aux``).

    >>> import gradstep
    >>> g, value = grad_and_value(lambda x: (x * x).sum())(gradstep.tensor([3.0]))
    >>> g, value
    (tensor([6.]), tensor(9.))
    """

    @functools.wraps(f)
    def transformed(*args):
        out, aux, tracked, keep = _reverse(f, args, argnums, "grad", has_aux)
        grads = [_detach(g, keep) for g in _gradients(out, tracked, keep)]
        value = _detach(out, keep)
        return _pack(grads, argnums), ((value, aux) if has_aux else value)

    return transformed


def grad(f, argnums=0, has_aux=False):
    """The gradient of a scalar function: ``grad(f)(x)`` is df/dx, with x's shape.

    ``argnums`` (an int or a tuple) says which positional arguments to
    differentiate (a tuple gives a tuple of gradients); with ``has_aux`` f
    returns ``(output, aux)`` and the result is ``(gradient, aux)``.

    >>> import gradstep
    >>> x = gradstep.tensor(1.0)
    >>> d = grad(lambda x: x.sigmoid())
    >>> round(d(x).item(), 7), round(grad(d)(x).item(), 6)   # s(1-s), s(1-s)(1-2s)
    (0.1966119, -0.090858)
    """
    both = grad_and_value(f, argnums, has_aux)

    @functools.wraps(f)
    def transformed(*args):
        gradients, value = both(*args)
        return (gradients, value[1]) if has_aux else gradients

    return transformed


def vjp(f, *primals, has_aux=False):
    """``(f(*primals), vjp_fn)``; ``vjp_fn(v)`` gives v^T J for each primal (a tuple), and can be called again.

    >>> import gradstep
    >>> out, vjp_fn = vjp(lambda x: x * x, gradstep.tensor([1.0, 2.0]))
    >>> vjp_fn(gradstep.tensor([1.0, 1.0]))   # v^T diag(2x)
    (tensor([2., 4.]),)
    """
    out, aux, tracked, keep = _reverse(f, primals, tuple(range(len(primals))), "vjp", has_aux, scalar=False)

    def vjp_fn(cotangent):
        v = np.asarray(getattr(cotangent, "data", cotangent))
        if v.shape != out.shape:
            raise ShapeError(f"vjp: cotangent of shape {v.shape} does not match the output's shape {out.shape}")
        if keep and isinstance(cotangent, Tensor):
            v = cotangent
        grads = _gradients(out, tracked, keep, grad_outputs=[v], retain_graph=True)
        return tuple(_detach(g, keep) for g in grads)

    value = _detach(out, keep)
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def _forward_guard(op):
    if "reverse" in _active:
        raise GradstepError(
            f"{op}: forward mode inside a reverse-mode transform (jacrev(jacfwd(f)), grad of a jvp) is not "
            "supported, because tangents are computed outside the graph; use forward-over-reverse instead "
            "(jacfwd(jacrev(f)), jvp(grad(f), ...), hessian)"
        )


def jvp(f, primals, tangents, has_aux=False):
    """``(f(*primals), J v)``: forward mode, the output and its directional derivative along ``tangents``.

    ``primals`` and ``tangents`` are tuples of Tensors of the same shapes.
    ``jvp(grad(f), (x,), (v,))`` is the Hessian-vector product H v.

    >>> import gradstep
    >>> out, jv = jvp(lambda x: x**3, (gradstep.tensor([2.0]),), (gradstep.tensor([1.0]),))
    >>> out, jv                      # x^3, 3 x^2 v
    (tensor([8.]), tensor([12.]))
    """
    _forward_guard("jvp")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ShapeError(f"jvp: got {len(tangents)} tangents for {len(primals)} primals")
    for i, (x, v) in enumerate(zip(primals, tangents)):
        _check_tensor(x, "jvp", f"primal {i}")
        shape = np.shape(getattr(v, "data", v))
        if shape != x.shape:
            raise ShapeError(f"jvp: tangent {i} of shape {shape} does not match primal {i} of shape {x.shape}")
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(x, v) for x, v in zip(primals, tangents)]
        out, aux = _split_aux(_call(f, duals, "forward"), has_aux, "jvp")
        _check_output(out, "jvp")
        primal, tangent = forward_ad.unpack_dual(out)
    if tangent is None:
        tangent = Tensor(np.zeros(out.shape, out.dtype))
    return (Tensor(primal.data), tangent, aux) if has_aux else (Tensor(primal.data), tangent)


def jacrev(f, argnums=0):
    """The Jacobian by reverse mode: one backward pass per output element; shape f(x).shape + x.shape.

    >>> import gradstep
    >>> jacrev(lambda x: x.softmax())(gradstep.tensor([0.0, 0.0]))   # diag(s) - s s^T
    tensor([[ 0.25, -0.25],
            [-0.25,  0.25]])
    """

    @functools.wraps(f)
    def transformed(*args):
        out, _, tracked, keep = _reverse(f, args, argnums, "jacrev", scalar=False)
        rows = [[] for _ in tracked]
        for i in range(out.data.size):
            v = np.zeros(out.shape, out.dtype)
            v.reshape(-1)[i] = 1
            for row, g in zip(rows, _gradients(out, tracked, keep, grad_outputs=[v], retain_graph=True)):
                row.append(g)
        jacobians = [_stack(row, out.shape + t.shape, t.dtype) for row, t in zip(rows, tracked)]
        return _pack([_detach(j, keep) for j in jacobians], argnums)

    return transformed


def _stack(parts, shape, dtype):
    if not parts:
        return Tensor(np.zeros(shape, dtype))
    return ops.reshape(ops.stack(parts), shape)


def jacfwd(f, argnums=0):
    """The Jacobian by forward mode: one forward pass per input element; shape f(x).shape + x.shape.

    >>> import gradstep
    >>> jacfwd(lambda x: x * x)(gradstep.tensor([1.0, 3.0]))   # diag(2x)
    tensor([[2., 0.],
            [0., 6.]])
    """

    @functools.wraps(f)
    def transformed(*args):
        _forward_guard("jacfwd")
        nums = _argnums_tuple(argnums, len(args), "jacfwd")
        jacobians = []
        for n in nums:
            x = args[n]
            _check_tensor(x, "jacfwd", f"argument {n}")
            columns, out_shape = [], None
            for j in range(x.data.size):
                e = np.zeros(x.shape, x.dtype)
                e.reshape(-1)[j] = 1
                with forward_ad.dual_level():
                    moved = list(args)
                    moved[n] = forward_ad.make_dual(x, e)
                    out = _call(f, moved, "forward")
                    _check_output(out, "jacfwd")
                    tangent = forward_ad.unpack_dual(out).tangent
                out_shape = out.shape
                columns.append(np.zeros(out.shape, out.dtype) if tangent is None else tangent.data)
            if out_shape is None:  # an empty input: f tells the output's shape
                out_shape = _call(f, args, "forward").shape
            J = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,), x.dtype)
            jacobians.append(Tensor(np.ascontiguousarray(J.reshape(out_shape + x.shape))))
        return _pack(jacobians, argnums)

    return transformed


def hessian(f, argnums=0):
    """The Hessian of a scalar function, forward-over-reverse: ``jacfwd(jacrev(f))``; shape x.shape + x.shape.

    >>> import gradstep
    >>> hessian(lambda x: (x[0] * x[1]) ** 2)(gradstep.tensor([1.0, 2.0]))   # [[2 b^2, 4ab], [4ab, 2 a^2]]
    tensor([[8., 8.],
            [8., 2.]])
    """
    if not isinstance(argnums, int):
        raise ArgumentError(f"hessian: argnums must be one int (the argument to differentiate twice), got {argnums!r}")
    return jacfwd(jacrev(f, argnums), argnums)
