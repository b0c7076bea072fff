"""Replay forms of the hot ops: the same formulas as their ``Function`` in ``gradstep.ops``, written into buffers.

A kernel replaces one recorded node. Its buffers are allocated once, from the
traced shapes; ``forward(v)`` reads the slot values ``v[i]`` and writes its
output buffer into ``v[out]``; ``backward(v, g, owns)`` returns one gradient
per input (None where none is needed or where the update was already applied,
see ``fold``). Every product, sum and elementwise pass is the call the op
makes, in the same order, only with ``out=``: tests check the bits against
eager. Ops without a kernel replay through their own forward and backward
(``program.OpNode``).

Kernels exist for ``linear``, ``linear_relu``, ``softmax_cross_entropy``
(integer labels) and ``bce_with_logits``: the nodes of an MLP step and of
logistic regression.
"""

import numpy as np

from ..ops import linear as _linear_op
from ..ops._rowwise import _BLAS_FLOATS
from ..ops.loss import _per_loss_grad, _reduce
from . import blas

#: ``skip_zero_columns``: an input column that is +0.0 in every row of the batch contributes nothing to X W^T nor to
#: dL/dW = G^T X, so the layer's two products run on the other columns only (and W's matching columns, gathered) when
#: at most this fraction of the columns is left: measured on MNIST batches of 128 (about 67% of the 784 pixel columns
#: used), the first layer's product and folded update took ~150 us less a step than on all columns, gathers included
#: (docs/performance.md)
SKIP_MAX_FRACTION = 0.8
#: ... and for batches of at most this many rows (the check reads the whole batch once; full batches use nearly every column)
SKIP_MAX_ROWS = 1024
#: an input column's bits seen as one unsigned integer: the column's maximum is 0 only when every entry is +0.0
_BITS = {np.dtype(np.float32): np.dtype(np.uint32), np.dtype(np.float64): np.dtype(np.uint64)}

_layout = []  # [True] once the weight layout of ops.linear is known to be PyTorch's (out, in)


def weight_is_out_in():
    """True when ``ops.linear`` takes its weight as (out_features, in_features), PyTorch's layout.

    >>> isinstance(weight_is_out_in(), bool)
    True
    """
    if not _layout:
        from ..errors import ShapeError
        from ..tensor import Tensor

        try:  # x (1, 2) with a (3, 2) weight works only in the (out, in) layout
            _linear_op(Tensor(np.ones((1, 2))), Tensor(np.ones((3, 2))))
            _layout.append(True)
        except ShapeError:
            _layout.append(False)
    return _layout[0]


class Rate:
    """The learning rate of one parameter group for the current step (set before each replay)."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0.0


class Affine:
    """Kernel of ``linear`` (y = x W^T + b) and, with ``relu``, of ``linear_relu`` (max(0, y) in y's buffer).

    ``fold_weight`` / ``fold_bias``: a ``Rate`` when plain SGD's update is applied right here, in
    the gradient's BLAS call (``blas.WeightUpdate``), instead of returning the gradient.
    ``skip_zero_columns``: for a layer whose input needs no gradient (the batch), leave out of both products the
    input columns that are zero in every row of the batch (see ``SKIP_MAX_FRACTION``; not bit-exact: the
    products sum in another order). Those columns' weights are not read: where eager would multiply an inf
    or nan weight by those zeros and get nan, this gets the finite sum of the other columns.
    """

    fresh = True

    def __init__(self, node, values, relu, fold_weight=None, fold_bias=None, skip_zero_columns=False):
        x, w = values[node.in_slots[0]], values[node.in_slots[1]]
        self.ins, self.out, self.needs, self.relu = node.in_slots, node.out, node.needs, relu
        self.has_bias = len(node.in_slots) > 2
        n, dtype = x.shape[0], values[node.out].dtype
        self.out_in = weight_is_out_in()
        units = w.shape[0] if self.out_in else w.shape[1]
        self.y = np.empty((n, units), dtype)
        self.gx = np.empty(x.shape, dtype) if self.needs[0] else None
        # dL/dW in W's memory order, computed as ops.linear computes it (the same bits): G^T X for a C-ordered W,
        # (X^T G)^T for a Fortran-ordered one (nn.Linear's)
        self.w_c_order = w.flags.c_contiguous or not self.out_in
        gw_shape = w.shape if self.w_c_order else w.shape[::-1]
        self.gw = None
        if self.needs[1]:
            self.gw = np.empty(gw_shape, dtype) if self.w_c_order else np.empty(gw_shape, dtype).T
        self.gb = np.empty(units, dtype) if self.has_bias and self.needs[2] else None
        self.mask = np.empty((n, units), bool) if relu else None
        self.ones = np.ones(n, dtype)
        self.fold_weight = fold_weight if self.needs[1] else None
        self.fold_bias = fold_bias if self.gb is not None else None
        self.weight_update = blas.WeightUpdate(w, self.out_in) if self.fold_weight is not None else None
        self.bias_update = blas.BiasUpdate(values[node.in_slots[2]]) if self.fold_bias is not None else None
        self.cols = None  # the used columns of this step's batch, when the products left the others out
        self.skip = (
            skip_zero_columns and self.gx is None and self.out_in and w.flags.f_contiguous and x.dtype in _BITS
            and n <= SKIP_MAX_ROWS and x.shape[1] >= 8
        )  # fmt: skip
        if self.skip:  # W^T (in, out) is C-ordered: a column of W is a contiguous row of W^T
            self.used = np.empty(x.shape[1], _BITS[x.dtype])
            self.in_use = np.empty(x.shape[1], bool)
            self.most = int(SKIP_MAX_FRACTION * x.shape[1])
            self.gwc = np.empty((self.most, units), dtype) if self.gw is not None and self.fold_weight is None else None

    @staticmethod
    def applies(node, values):
        """True for 2-D float input and weight of one dtype (what BLAS runs)."""
        x, w, y = values[node.in_slots[0]], values[node.in_slots[1]], values[node.out]
        return x.ndim == 2 and w.ndim == 2 and x.dtype == w.dtype == y.dtype and x.dtype in _BLAS_FLOATS

    def forward(self, v):
        w = v[self.ins[1]]
        if self.skip and self._gather_used(v[self.ins[0]], w):
            y = np.matmul(self.xk, self.wk, out=self.y)  # Y = X_used W_used^T: the zero columns add nothing
        else:
            y = np.matmul(v[self.ins[0]], w.T if self.out_in else w, out=self.y)  # Y = X W^T
        if self.has_bias:
            y += v[self.ins[2]]  # + b
        if self.relu:
            np.maximum(y, 0, out=y)  # A = max(0, Z) in the product's buffer
        v[self.out] = y

    def _gather_used(self, x, w):
        """True (after gathering them) when the batch uses few enough of its columns to run on those only."""
        self.cols = None
        if not x.flags.c_contiguous or x.shape != (self.y.shape[0], self.used.shape[0]):
            return False
        np.maximum.reduce(x.view(self.used.dtype), axis=0, out=self.used)  # a +0.0 column: every bit 0 in every row
        in_use = np.not_equal(self.used, 0, out=self.in_use)
        cols = np.flatnonzero(in_use)
        k = cols.shape[0]
        if k == 0 or k > self.most:
            return False
        self.cols = cols
        # fresh arrays: indexing gathers them faster than np.take(..., out=) into buffers (4% of the MNIST step), and
        # X's columns faster by a mask than by their indices (26 against 34 us on an MNIST batch of 128)
        self.xk = x[:, in_use]
        self.wk = w.T[cols]  # W's used columns as the rows of W^T (a C-ordered (k, out) array)
        return True

    def _used_columns_backward(self, g):
        """dL/dW (or the folded update) on the used columns; the others' gradient is 0."""
        cols, xk, wk = self.cols, self.xk, self.wk
        wt = self.weight_update.weight.T if self.fold_weight is not None else None
        if wt is not None:  # W_used <- W_used - lr G^T X_used, written back into W's columns
            self.weight_update(xk, g, self.fold_weight.value, weight=wk.T)
            wt[cols] = wk
            return None
        gwt = self.gw.T  # (in, out) C-ordered: the unused rows zero, then the used ones
        gwt[~self.in_use] = 0
        gwt[cols] = np.matmul(xk.T, g, out=self.gwc[: cols.shape[0]])
        return self.gw

    def backward(self, v, g, owns):
        if self.relu:  # G_z = G [A > 0]
            active = np.greater(self.y, 0, out=self.mask)
            g = np.multiply(g, active, out=g) if owns else g * active
        x, w = v[self.ins[0]], v[self.ins[1]]
        gx = np.matmul(g, w if self.out_in else w.T, out=self.gx) if self.gx is not None else None  # dL/dX = G W
        gw = gb = None
        if self.gw is not None and self.cols is not None:
            gw = self._used_columns_backward(g)
        elif self.gw is not None:
            if self.fold_weight is not None:  # W <- W - lr G^T X in one BLAS call, after G W used the old W
                self.weight_update(x, g, self.fold_weight.value)
            elif not self.w_c_order:  # (X^T G)^T into the transposed buffer
                if x.shape[0] == 1:
                    np.einsum("ki,kj->ij", x, g, out=self.gw.T)
                else:
                    np.matmul(x.T, g, out=self.gw.T)
                gw = self.gw
            elif x.shape[0] == 1:  # dL/dW = G^T X: at batch 1 the outer product, through einsum as ops.linear
                gw = np.einsum("ki,kj->ij", g, x, out=self.gw) if self.out_in else np.einsum("ki,kj->ij", x, g, out=self.gw)
            else:
                gw = np.matmul(g.T, x, out=self.gw) if self.out_in else np.matmul(x.T, g, out=self.gw)
        if self.gb is not None:
            if self.fold_bias is not None:  # b <- b - lr sum_rows G
                self.bias_update(g, self.fold_bias.value)
            elif g.shape[0] == 1:  # dL/db = sum_rows G: the one row
                gb = self.gb
                gb[...] = g[0]
            else:
                gb = np.matmul(self.ones, g, out=self.gb)
        return (gx, gw, gb) if self.has_bias else (gx, gw)


class SoftmaxCrossEntropy:
    """Kernel of ``softmax_cross_entropy`` with integer labels, no class weights, "mean" or "sum".

    Forward keeps softmax(z) in its buffer; backward turns that buffer into (softmax - onehot) g.
    """

    fresh = True

    def __init__(self, node, values):
        z = values[node.in_slots[0]]
        n, k = z.shape
        dtype = z.dtype
        self.ins, self.out, self.n, self.k = node.in_slots, node.out, n, k
        self.reduction = node.attrs.get("reduction", "mean")
        self.p = np.empty((n, k), dtype)
        self.narrow = k <= 32  # row maxima over the contiguous transpose, as ops._rowwise.row_maxima
        self.zt = np.empty((k, n), dtype) if self.narrow else None
        self.rowmax = np.empty(n, dtype)
        self.total = np.empty(n, dtype)
        self.losses = np.empty(n, dtype)
        self.picked = np.empty(n, dtype)
        self.base = np.arange(0, n * k, k)
        self.at_label = np.empty(n, self.base.dtype)
        self.ones = np.ones(k, dtype)

    @staticmethod
    def applies(node, values):
        z, t = values[node.in_slots[0]], values[node.in_slots[1]]
        return (
            len(node.in_slots) == 2 and node.attrs.get("weight") is None
            and node.attrs.get("reduction", "mean") in ("mean", "sum")
            and z.ndim == 2 and z.shape[0] > 0 and z.dtype in _BLAS_FLOATS and t.dtype.kind in "iu" and not node.needs[1]
        )  # fmt: skip

    def forward(self, v):
        z, p = v[self.ins[0]], self.p
        if self.narrow:
            np.copyto(self.zt, z.T)
            np.maximum.reduce(self.zt, axis=0, out=self.rowmax)
        else:
            z.max(axis=1, out=self.rowmax)
        np.subtract(z, self.rowmax[:, None], out=p)  # log-sum-exp trick: z - max_k z
        np.add(self.base, v[self.ins[1]], out=self.at_label, casting="unsafe")  # flat index i k + y_i
        np.take(p.reshape(-1), self.at_label, out=self.picked)
        np.exp(p, out=p)
        np.matmul(p, self.ones, out=self.total)
        p /= self.total[:, None]  # softmax(z)
        losses = np.log(self.total, out=self.losses)
        losses -= self.picked  # -log softmax(z)_y = logsumexp(z) - z_y
        v[self.out] = _reduce(losses, self.reduction, self.n)

    def backward(self, v, g, owns):
        g = _per_loss_grad(g, self.reduction, self.n)  # dL/dl_i = g / n for "mean"
        gz = np.multiply(self.p, g, out=self.p)  # (softmax - onehot) g
        gz.reshape(-1)[self.at_label] -= g
        return gz, None


class BCEWithLogits:
    """Kernel of ``bce_with_logits`` without element weights, "mean" or "sum": l = max(z, 0) - z t + log(1 + e^-|z|)."""

    fresh = True

    def __init__(self, node, values):
        z = values[node.in_slots[0]]
        self.ins, self.out, self.count = node.in_slots, node.out, z.size
        self.reduction = node.attrs.get("reduction", "mean")
        self.e, self.losses, self.tmp, self.s = (np.empty(z.shape, z.dtype) for _ in range(4))
        self.nonneg = np.empty(z.shape, bool)

    @staticmethod
    def applies(node, values):
        z, t = values[node.in_slots[0]], values[node.in_slots[1]]
        return (
            node.attrs.get("weight") is None and node.attrs.get("reduction", "mean") in ("mean", "sum")
            and z.dtype in _BLAS_FLOATS and t.dtype == z.dtype and t.shape == z.shape and z.size > 0 and not node.needs[1]
        )  # fmt: skip

    def forward(self, v):
        z, t = v[self.ins[0]], v[self.ins[1]]
        e, losses, tmp = self.e, self.losses, self.tmp
        np.abs(z, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e^-|z|, in (0, 1]: never overflows
        np.maximum(z, 0, out=losses)
        losses -= np.multiply(z, t, out=tmp)
        losses += np.log1p(e, out=tmp)
        v[self.out] = _reduce(losses, self.reduction, self.count)

    def backward(self, v, g, owns):
        g = _per_loss_grad(g, self.reduction, self.count)
        z, e, s = v[self.ins[0]], self.e, self.s
        np.copyto(s, e)  # sigmoid(z) from e^-|z|: 1 / (1 + e) for z >= 0, e / (1 + e) below
        np.copyto(s, 1.0, where=np.greater_equal(z, 0, out=self.nonneg))
        s /= np.add(e, 1, out=self.tmp)
        s -= v[self.ins[1]]  # dl/dz = sigmoid(z) - t
        s *= g
        return s, None
