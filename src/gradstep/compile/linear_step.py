"""Logistic regression's whole step as one fused replay: z = x W^T + b, BCE-with-logits, plain SGD folded into BLAS.

When the traced step is exactly ``linear`` followed by ``bce_with_logits``
(``nn.Linear`` and ``nn.BCEWithLogitsLoss``, "mean" or "sum", no element
weights) and the optimizer is plain SGD (no momentum, no weight decay) over
W and b alone, the generic ``program.Program`` (a kernel per node, gradient
routing, the optimizer's ``step``) is more Python than NumPy: at batch 256 its
thirty calls cost more than the two products. ``LinearBCEStep`` runs the
step as the hand-written loop would, with the loss thrown in:

    z = x W^T + b                          (gemv/gemm into a buffer, b added in place)
    a = log(1 + e^z)                       (softplus, one stable pass: np.logaddexp(z, 0))
    L = (sum a - z.t) / N                  (the log-loss per sample is softplus(z) - z t; two dot products)
    r = expm1(-a) + t = t - sigmoid(z)     (sigmoid(z) = 1 - e^-a; expm1 keeps a tiny sigmoid's digits)
    W <- W + (lr / N) r^T x                (one gemv, or gemm for several outputs: the gradient is never stored)
    b <- b + (lr / N) sum_rows r

Twelve NumPy/BLAS calls (the sigmoid-then-loss sequence with exp(-|z|) took
seventeen); at batch 256 each call costs about as much as its arithmetic. The
loss, the sigmoid and the update round differently from eager's (another
formula for the same sigmoid, sums in another order, the update rounded
once), so the parameters agree with eager's to rounding, not bit for bit:
``compile(..., exact=True)`` keeps the generic program and eager's bits.
"""

import numpy as np

from ..optim.sgd import SGD
from ..versions import note_writes
from . import blas
from .trace import Cast, Input, Param


class LinearBCEStep:
    """The fused step of logistic regression (see the module docstring); built by ``program.make``.

    Same interface as ``program.Program``: ``valid()``, ``labels_fit(x, y)``,
    ``run(x, y)`` (the whole step, update included; returns the loss) and
    ``update()`` (counts the step), ``output`` (the logits' buffer).

    >>> import numpy as np, gradstep
    >>> from gradstep import nn, optim
    >>> model = nn.Linear(3, 1, dtype=np.float64, seed=0)
    >>> step = gradstep.compile(model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=0.5))
    >>> x, y = np.eye(3), np.array([[1.0], [0.0], [1.0]])
    >>> losses = [step(x, y) for _ in range(4)]   # two traced steps, then two fused replays
    >>> step.replays, losses[3] < losses[2] < losses[0]
    (2, True)
    """

    @staticmethod
    def applies(trace, optimizer):
        """True when ``trace`` is linear + bce_with_logits trained by plain SGD on its W and b (and SciPy is there)."""
        if type(optimizer) is not SGD or len(trace.nodes) != 2 or trace.program != [("node", 0), ("node", 1)]:
            return False
        linear, loss = trace.nodes
        kinds, values = trace.kinds, trace.values
        if linear.fn.name != "linear" or loss.fn.name != "bce_with_logits" or len(linear.in_slots) != 3:
            return False
        xs, ws, bs = linear.in_slots
        if loss.in_slots[0] != linear.out or trace.loss_slot != loss.out or trace.backward != [1, 0]:
            return False
        if type(kinds[xs]) is not Input or kinds[xs].index != 0 or not isinstance(kinds[loss.in_slots[1]], (Input, Cast)):
            return False
        if kinds[loss.in_slots[1]].index != 1 or type(kinds[ws]) is not Param or type(kinds[bs]) is not Param:
            return False
        if linear.needs[1:] != (True, True) or loss.needs[1] or loss.attrs.get("weight") is not None:
            return False
        if loss.attrs.get("reduction", "mean") not in ("mean", "sum"):
            return False
        from .kernels import weight_is_out_in

        x, w, b, z, t = (values[s] for s in (xs, ws, bs, linear.out, loss.in_slots[1]))
        if not weight_is_out_in() or x.ndim != 2 or w.ndim != 2 or b.shape != (w.shape[0],) or z.size == 0:
            return False
        if not (x.dtype == w.dtype == b.dtype == z.dtype == t.dtype) or t.shape != z.shape or not blas.supports(z.dtype):
            return False
        if not (w.flags.f_contiguous or w.flags.c_contiguous) or not b.flags.c_contiguous:
            return False
        params = [p for group in optimizer.param_groups for p in group["params"]]
        if len(params) != 2 or {id(p) for p in params} != {id(kinds[ws].tensor), id(kinds[bs].tensor)}:
            return False
        return all(group["momentum"] == 0 and group["weight_decay"] == 0 for group in optimizer.param_groups)

    def __init__(self, trace, optimizer):
        linear, loss = trace.nodes
        xs, ws, bs = linear.in_slots
        values = trace.values
        self.optimizer = optimizer
        self.weight, self.bias = trace.kinds[ws].tensor, trace.kinds[bs].tensor
        group_of = {id(p): group for group in optimizer.param_groups for p in group["params"]}
        self.groups = (group_of[id(self.weight)], group_of[id(self.bias)])
        self.w, self.b = self.weight.data, self.bias.data
        z = values[linear.out]
        n, k = z.shape
        dtype = z.dtype
        self.cast = trace.kinds[loss.in_slots[1]].dtype if isinstance(trace.kinds[loss.in_slots[1]], Cast) else None
        self.count = z.size if loss.attrs.get("reduction", "mean") == "mean" else 1
        self.z, self.a, self.r = (np.empty((n, k), dtype) for _ in range(3))
        self.zf, self.af, self.rf = (buffer.reshape(-1) for buffer in (self.z, self.a, self.r))
        self.ones = np.ones(n * k, dtype)
        self.k = k
        if k == 1:  # W is one row: the products are matrix-vector ones, on W's memory as a vector
            self.wf = self.w.reshape(-1)
            self.gemv = blas.routine("gemv", dtype)
        else:
            self.weight_update = blas.WeightUpdate(self.w, out_in=True)
            self.bias_update = blas.BiasUpdate(self.b)
        self.output = self.z
        self.stamps = []  # the parameters' version records (versions.note_writes)

    def valid(self):
        """False when a parameter's array was replaced or a group was given momentum or weight decay."""
        if self.weight.data is not self.w or self.bias.data is not self.b:
            return False
        for group in self.groups:
            if group["momentum"] != 0 or group["weight_decay"] != 0:
                return False
        return True

    def labels_fit(self, x, y):
        """Targets are numbers, not class labels: any batch fits."""
        return True

    def run(self, x, t):
        """The whole step on (x, t): forward, loss, gradient and update; returns the loss (a NumPy scalar)."""
        if self.cast is not None:
            t = t.astype(self.cast)
        z, a, r, zf = self.z, self.a, self.r, self.zf
        w, b = self.w, self.b
        if self.k == 1:
            np.dot(x, self.wf, out=zf)  # z = x w^T
            z += b.item()  # + b
        else:
            np.matmul(x, w.T, out=z)
            z += b
        np.logaddexp(z, 0, out=a)  # a = log(1 + e^z), no overflow
        total = np.dot(self.af, self.ones) - np.dot(zf, t.reshape(-1))  # sum_i l_i = sum a - z.t
        np.negative(a, out=r)
        np.expm1(r, out=r)  # e^-a - 1 = -sigmoid(z)
        r += t  # r = t - sigmoid(z) = -dl/dz
        opt = self.optimizer
        rate_w = opt._group_lr(self.groups[0]) / self.count
        rate_b = rate_w if self.groups[1] is self.groups[0] else opt._group_lr(self.groups[1]) / self.count
        if self.k == 1:
            rf = self.rf
            # w <- w + (lr / N) x^T r: one gemv on w's memory
            blas._written(self.gemv(rate_w, x.T, rf, beta=1.0, y=self.wf, overwrite_y=1), self.wf)
            b[0] += rate_b * np.dot(rf, self.ones)  # b <- b + (lr / N) sum r
        else:  # (the updates subtract lr g: g = -r)
            self.weight_update(x, r, -rate_w)
            self.bias_update(r, -rate_b)
        return total / self.count

    def update(self, before_update=None):
        """Count the step and stamp the parameters' versions (``run`` already updated them)."""
        self.weight._version += 1
        self.bias._version += 1
        note_writes([self.w, self.b], "SGD.step", self.stamps)
        self.optimizer.global_step += 1
