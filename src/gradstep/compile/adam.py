"""Adam's update in few passes over flat arrays: the compiled step's default for Adam and AdamW (needs SciPy).

``Adam.step`` makes 13 elementwise passes per parameter (and one NumPy call
per pass and parameter, 78 calls for the six arrays of an MLP). Here every
parameter group's gradients, first moments m and second moments v live in
three flat arrays (the gradient kernels write straight into theirs; each
parameter's piece is a view in the parameter's memory order, and the
optimizer's state holds the views of m and v), and the bias corrections are
folded into two scalars, as the Adam paper's "more efficient" form:

    c1 = 1 - b1^t,  c2 = 1 - b2^t
    m <- b1 m;  m <- m + (1 - b1) g               m scaled, then BLAS axpy
    g <- g g;  (v, g) <- (b2 v + (1 - b2) g, ...)  BLAS rot: one pass (g is scratch from here on)
    g <- m / (sqrt(v) + eps sqrt(c2))             three passes
    w <- w - (lr sqrt(c2) / c1) g                 axpy, one per parameter

which is eager's ``w - lr / c1 * m / (sqrt(v) / sqrt(c2) + eps)`` with both
sides multiplied by sqrt(c2): the same value rounded differently (and axpy
and rot may round a multiply-add once). 7 flat passes and one per parameter
instead of 13 per parameter; weight decay adds one per parameter (Adam's g + lambda w
by axpy, AdamW's w (1 - lr lambda) by scal). ``compile(..., exact=True)``
keeps ``Adam.step`` and eager's bits. ``amsgrad`` runs through ``Adam.step``.
"""

import math

import numpy as np

from ..optim.adam import Adam
from ..optim.adamw import AdamW
from ..versions import note_writes
from . import blas


def _order(array):
    """"F" for a Fortran-ordered (not C-ordered) array, else "C": the order its memory is read in."""
    return "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"


class _Group:
    """One parameter group's flat arrays: gradients g, moments m and v, and per parameter the views into them."""

    def __init__(self, group, params):
        self.group, self.params = group, params
        dtype = params[0].data.dtype
        sizes = [p.data.size for p in params]
        total = sum(sizes)
        self.g, self.m, self.v = np.empty(total, dtype), np.zeros(total, dtype), np.zeros(total, dtype)
        self.g_views, self.m_views, self.v_views = [], [], []
        self.g_flat, self.w_flat = [], []  # per parameter: its piece of g, and its weights as a flat view
        start = 0
        for p, size in zip(params, sizes):
            w = p.data
            order, piece = _order(w), slice(start, start + size)
            self.g_flat.append(self.g[piece])
            self.g_views.append(self.g[piece].reshape(w.shape, order=order))
            self.m_views.append(self.m[piece].reshape(w.shape, order=order))
            self.v_views.append(self.v[piece].reshape(w.shape, order=order))
            self.w_flat.append(w.reshape(-1, order=order))
            start += size
        self.axpy, self.scal, self.rot = (blas.routine(name, dtype) for name in ("axpy", "scal", "rot"))


class FusedAdam:
    """The update of ``Adam`` / ``AdamW`` for the parameters ``params`` of a compiled step (see the module).

    ``step(grads)`` returns False, changing nothing, when it cannot run this
    step (a parameter without a gradient, ``amsgrad`` switched on, parameters of
    one group at different step counts); the caller then runs ``optimizer.step``.

    >>> import numpy as np, gradstep
    >>> from gradstep import optim
    >>> w = gradstep.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1, eps=0.0)
    >>> if FusedAdam.applies(opt, [w]):
    ...     fused = FusedAdam(opt, [w]); _ = fused.step({id(w): np.array([5.0, 5.0], np.float32)}); print(w.data)
    ... else:
    ...     print(np.array([0.9, -1.1], np.float32))   # first step: w - 0.1 * sign(g)
    [ 0.9 -1.1]
    """

    def __init__(self, optimizer, params):
        self.optimizer = optimizer
        wanted = {id(p) for p in params}
        self.groups = []  # in the optimizer's order of groups and parameters: the layout does not depend on ``params``
        for group in optimizer.param_groups:
            members = [p for p in group["params"] if id(p) in wanted]
            if members:
                self.groups.append(_Group(group, members))
        self.params = [p for group in self.groups for p in group.params]
        self.views = {id(p): view for group in self.groups for p, view in zip(group.params, group.g_views)}
        self.arrays = [p.data for p in self.params]
        self.stamps = []  # the parameters' version records (versions.note_writes)

    @staticmethod
    def applies(optimizer, params):
        """True for Adam or AdamW (not a subclass, no ``amsgrad``) on contiguous float32/float64 parameters of one dtype, with SciPy."""
        if type(optimizer) not in (Adam, AdamW) or not params or any(g["amsgrad"] for g in optimizer.param_groups):
            return False
        dtype = params[0].data.dtype
        return blas.supports(dtype) and all(
            p.data.dtype == dtype and (p.data.flags.c_contiguous or p.data.flags.f_contiguous) for p in params
        )

    def valid(self):
        """False when a parameter's array was replaced (``p.data = ...``) since this was made."""
        return all(p.data is array for p, array in zip(self.params, self.arrays))

    def gradient_buffer(self, p):
        """The view of the flat gradients where ``p``'s gradient is expected (a kernel may write it there)."""
        return self.views[id(p)]

    def step(self, grads):
        """One update from ``grads`` (id(parameter) -> gradient array, for every parameter); False if it cannot run."""
        optimizer = self.optimizer
        states = optimizer.state
        for group in self.groups:
            if group.group["amsgrad"]:
                return False
            first = states.get(group.params[0])
            t = 0 if first is None else first["step"]
            for p in group.params:
                state = states.get(p)
                if (0 if state is None else state["step"]) != t:
                    return False
        given = [grads.get(id(p)) for p in self.params]
        if any(g is None for g in given):
            return False
        k = 0
        for group in self.groups:
            self._update(group, given[k : k + len(group.params)], states)
            k += len(group.params)
        for p in self.params:
            p._version += 1
            p._grad = None
        note_writes(self.arrays, f"{type(optimizer).__name__}.step", self.stamps)
        optimizer.global_step += 1
        return True

    def _adopt(self, group, states):
        """Make the optimizer's state of each parameter hold the views of m and v (copying in what it had)."""
        optimizer = self.optimizer
        for p, m, v in zip(group.params, group.m_views, group.v_views):
            state = states.get(p)
            if state is None:
                state = states[p] = optimizer._init_state(p, group.group)
            if state["exp_avg"] is not m:
                np.copyto(m, state["exp_avg"])
                state["exp_avg"] = m
            if state["exp_avg_sq"] is not v:
                np.copyto(v, state["exp_avg_sq"])
                state["exp_avg_sq"] = v

    def _update(self, group, grads, states):
        hyper = group.group
        (beta1, beta2), eps, decay = hyper["betas"], hyper["eps"], hyper["weight_decay"]
        lr = self.optimizer._group_lr(hyper)
        self._adopt(group, states)
        g, m, v, axpy = group.g, group.m, group.v, group.axpy
        for view, grad in zip(group.g_views, grads):
            if grad is not view:
                np.copyto(view, grad)
        if decay != 0:
            if type(self.optimizer) is AdamW:  # w <- w (1 - lr lambda)
                for w in group.w_flat:
                    group.scal(1.0 - lr * decay, w)
            else:  # g <- g + lambda w
                for w, piece in zip(group.w_flat, group.g_flat):
                    axpy(w, piece, a=decay)
        t = states[group.params[0]]["step"] + 1
        for p in group.params:
            states[p]["step"] = t
        root_c2 = math.sqrt(1.0 - beta2**t)
        step_size, eps_t = lr * root_c2 / (1.0 - beta1**t), eps * root_c2
        m *= beta1  # m <- b1 m + (1 - b1) g
        axpy(g, m, a=1.0 - beta1)
        np.multiply(g, g, out=g)  # v <- b2 v + (1 - b2) g^2: a plane rotation's first row (its second, into g, is not used)
        group.rot(v, g, beta2, 1.0 - beta2, overwrite_x=1, overwrite_y=1)
        np.sqrt(v, out=g)  # m / (sqrt(v) + eps sqrt(c2))
        g += eps_t
        np.divide(m, g, out=g)
        for w, piece in zip(group.w_flat, group.g_flat):  # w <- w - lr sqrt(c2) / c1 * m / (sqrt(v) + eps sqrt(c2))
            axpy(piece, w, a=-step_size)
