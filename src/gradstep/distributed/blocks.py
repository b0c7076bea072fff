"""What the workers run: plain functions of one row block (X_b, t_b) of the data, NumPy in and NumPy out.

The driver (``engine``, ``chunks``) submits these with the block futures as
arguments, so each runs on the worker that holds the block. Every function
returns *sums* over the block's rows (not means): the driver adds them in
block order and divides once by the global row count, so the result does not
depend on how the rows are spread over workers.
"""

import threading

import numpy as np

from ..errors import DataError
from ..grad_mode import no_grad
from ..tensor import Tensor

#: one network step at a time per worker process (a worker's tasks share the model object)
_MODEL_LOCK = threading.Lock()


# ----- preparing the blocks ------------------------------------------------------------------
def prepare(X_b, y_b, dtype, index, where, flat_y=True):
    """The block as C-contiguous ``dtype`` X (2-D) and 1-D y, with NaN/inf in X named by block and row.

    ``flat_y=False`` keeps y's shape (Trainer's targets, e.g. (n, 1) for a regression).

    >>> X, y = prepare(np.array([[1, 2]]), np.array([[3]]), np.float64, 0, "fit")
    >>> X.dtype, y.shape
    (dtype('float64'), (1,))
    """
    X_b = np.ascontiguousarray(getattr(X_b, "to_numpy", lambda: X_b)(), dtype=dtype)
    if X_b.ndim == 1:
        X_b = X_b[:, None]
    if X_b.ndim != 2:
        raise DataError(f"{where}: chunk {index} of X has shape {X_b.shape}; expected 2-D (n_samples, n_features)")
    if not np.isfinite(np.add.reduce(X_b, axis=None)) and not np.isfinite(X_b).all():
        row, col = np.argwhere(~np.isfinite(X_b))[0]
        raise DataError(
            f"{where}: input X contains {'NaN' if np.isnan(X_b[row, col]) else 'infinity'} in chunk {index} "
            f"(row {row} of that chunk, column {col}); NaN and inf values are not supported, remove or impute them first"
        )
    if y_b is None:
        return X_b, None
    y_b = np.asarray(getattr(y_b, "to_numpy", lambda: y_b)())
    if flat_y and y_b.ndim == 2 and y_b.shape[1] == 1:
        y_b = y_b[:, 0]
    if (flat_y and y_b.ndim != 1) or y_b.ndim == 0 or len(y_b) != len(X_b):
        raise DataError(f"{where}: chunk {index} has {len(X_b)} rows of X but y of shape {y_b.shape}")
    return X_b, y_b


def describe(block):
    """(rows, columns) of a block.

    >>> describe((np.zeros((3, 2)), None))
    (3, 2)
    """
    return block[0].shape


def column_sums(block, center=None):
    """sum_i x_i over the block's rows, or sum_i (x_i - center)^2 when ``center`` is given.

    >>> column_sums((np.array([[1.0], [3.0]]), None)).tolist(), column_sums((np.array([[1.0], [3.0]]), None), 2.0).tolist()
    ([4.0], [2.0])
    """
    X = block[0]
    if center is None:
        return np.add.reduce(X, axis=0, dtype=np.float64)
    d = X - center
    return np.einsum("ij,ij->j", d, d)


def target_sums(block, center=None):
    """Column sums of the targets t (n, k), or of (t - center)^2 when ``center`` is given.

    >>> target_sums((None, np.array([[1.0], [3.0]]))).tolist(), target_sums((None, np.array([[1.0], [3.0]])), 2.0).tolist()
    ([4.0], [2.0])
    """
    t = block[1].astype(np.float64, copy=False).reshape(len(block[1]), -1)
    if center is None:
        return np.add.reduce(t, axis=0)
    d = t - center
    return np.einsum("ij,ij->j", d, d)


def regression_targets(block, dtype, where):
    """The block with numeric, finite regression targets as a (n, 1) ``dtype`` column.

    >>> regression_targets((None, np.array([1, 2])), np.float64, "fit")[1].tolist()
    [[1.0], [2.0]]
    """
    X, y = block
    try:
        y = np.asarray(y, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise DataError(f"{where}: y must be numeric for a regressor: {err}") from None
    if not np.isfinite(y).all():
        raise DataError(f"{where}: input y contains NaN or infinity; NaN and inf values are not supported")
    return X, y[:, None]


def scale_targets(block, mean, scale, dtype):
    """The block with t' = (t - mean) / scale (the MLP regressor's standardised target), in ``dtype``.

    >>> scale_targets((None, np.array([[3.0]])), 1.0, 2.0, np.float32)[1].tolist()
    [[1.0]]
    """
    X, t = block
    return X, ((t - mean) / scale).astype(dtype)


def unique_labels(block):
    """The distinct labels of the block's y (``np.unique``).

    >>> unique_labels((None, np.array([2, 0, 2]))).tolist()
    [0, 2]
    """
    return np.unique(block[1])


def encode(block, classes):
    """The block with y replaced by its codes 0..K-1 in ``classes``.

    >>> X, codes = encode((np.zeros((2, 1)), np.array(["b", "a"])), np.array(["a", "b"]))
    >>> codes.tolist()
    [1, 0]
    """
    X, y = block
    return X, np.searchsorted(classes, y)


def apply_targets(block, targets):
    """The block with its codes turned into a model's training targets ``targets(codes)`` (e.g. t = +-1).

    >>> apply_targets((None, np.array([0, 1])), lambda c: 2 * c - 1)[1].tolist()
    [-1, 1]
    """
    X, codes = block
    return X, targets(codes)


def standardize(block, mean, scale, dtype):
    """The block with x' = (x - mean) / scale (the estimators' preconditioning), in ``dtype``.

    >>> standardize((np.array([[3.0]]), None), np.array([1.0]), np.array([2.0]), np.float64)[0].tolist()
    [[1.0]]
    """
    X, t = block
    X = X - mean  # one copy, as in the single-process fit
    X /= scale
    return X.astype(dtype, copy=False), t


def gram_and_norms(block):
    """(X^T X, column sums, rows, max_i ||x_i||^2) of a block: the pieces of the smoothness constant.

    >>> G, s, n, largest = gram_and_norms((np.array([[1.0, 2.0], [0.0, 1.0]]), None))
    >>> G.tolist(), s.tolist(), n, largest
    ([[1.0, 2.0], [2.0, 5.0]], [1.0, 3.0], 2, 5.0)
    """
    X = block[0]
    return X.T @ X, X.sum(axis=0), len(X), float(np.einsum("ij,ij->i", X, X).max())


def shuffle(block, seed, index):
    """The block's rows in the order of ``default_rng([seed, index]).permutation`` (one epoch's order).

    The permutation depends only on the seed and the block's index, not on the
    worker: a recomputed block is shuffled the same way.

    >>> X, t = shuffle((np.arange(4.0)[:, None], np.arange(4)), 0, 0)
    >>> sorted(t.tolist())
    [0, 1, 2, 3]
    """
    X, t = block
    order = np.random.default_rng([seed, index]).permutation(len(X))
    return X[order], t[order]


# ----- one step's loss and gradient -----------------------------------------------------------
def _rows(block, rows):
    X, t = block
    if rows is None:
        return X, t
    lo, hi = rows
    return X[lo:hi], t[lo:hi]


def _grad_array(p):
    g = p.grad
    g = getattr(g, "data", g)  # a Tensor or an ndarray
    return np.zeros(p.data.shape, np.float64) if g is None else np.asarray(g, np.float64)


#: a block's rows go through a step in pieces of about this many bytes of X, so that X is read from memory
#: once per step: X w (forward) and X^T delta (backward) of a piece run while it is still in the cache
PIECE_BYTES = 4 << 20


def pieces(n, row_bytes, piece_bytes=None):
    """Row ranges ``(lo, hi)`` cutting ``n`` rows into pieces of at most ``piece_bytes`` (default ``PIECE_BYTES``).

    >>> pieces(10, 8, piece_bytes=32)    # 4 rows of 8 bytes per piece
    [(0, 4), (4, 8), (8, 10)]
    >>> pieces(3, 100, piece_bytes=10)
    [(0, 1), (1, 2), (2, 3)]
    """
    rows = max(1, (PIECE_BYTES if piece_bytes is None else piece_bytes) // max(1, row_bytes))  # at least one row
    return [(lo, min(lo + rows, n)) for lo in range(0, n, rows)]


def loss_and_grad_sums(blocks, rows, params, model_and_step, summed):
    """[(loss sum, [sum dL/dp for each parameter], rows)] of Trainer's ``loss_and_grad`` on each block (or row range).

    ``model_and_step`` is the pair (model, loss_and_grad) the driver's Trainer
    uses (pickled together, so the step's closure sees this copy of the
    model): the worker's copy gets the driver's parameter values, then the
    step runs on the block's rows in train mode, exactly as one Trainer step
    on those rows; its mean loss and gradients, times the rows, are sums
    (``summed``: the loss is already a sum over the rows). A block bigger than
    ``PIECE_BYTES`` goes through the step in pieces whose sums are added in
    row order (float64): the same sums, with X read from memory once.

    >>> from gradstep import nn
    >>> from gradstep.models._linear_gd import LinearScores, delta_rule
    >>> from gradstep.models._score_losses import squared_error
    >>> m = LinearScores(1, 1)
    >>> [(loss, (gW, gb), n)] = loss_and_grad_sums([(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]))], [None],
    ...                                          [np.zeros((1, 1)), np.zeros(1)], (m, delta_rule(m, squared_error, 0.0)), False)
    >>> loss, gW.tolist(), gb.tolist(), n    # 1/2 (1 + 4) ; -(1*1 + 2*2) ; -(1 + 2)
    (2.5, [[-5.0]], [-3.0], 2)
    """
    model, step = model_and_step
    out = []
    with _MODEL_LOCK:
        own = list(model.parameters())
        for p, value in zip(own, params):
            p.data = value
        model.train()
        for block, r in zip(blocks, rows):
            X, t = _rows(block, r)
            loss, grads = 0.0, None
            for lo, hi in pieces(len(X), X.itemsize * X[:1].size):
                for p in own:
                    p.grad = None
                piece_loss, _ = step(X[lo:hi], t[lo:hi])
                scale = 1.0 if summed else float(hi - lo)  # mean over the rows -> sum over them
                loss += float(piece_loss) * scale
                if grads is None:
                    grads = [_grad_array(p) * scale for p in own]
                else:
                    for total, p in zip(grads, own):
                        total += _grad_array(p) * scale
            out.append((loss, grads if grads is not None else [_grad_array(p) for p in own], len(X)))
        for p in own:
            p.grad = None
    return out


def network_outputs_loss(block, params, model, loss_fn, summed):
    """(loss sum, rows) of an nn model on a block in eval mode, without a graph (the validation loss).

    >>> from gradstep import nn
    >>> model = nn.Linear(1, 1, init="zeros")
    >>> network_outputs_loss((np.ones((2, 1), np.float32), np.ones((2, 1), np.float32)),
    ...                      [p.data for p in model.parameters()], model, nn.MSELoss(), False)
    (2.0, 2)
    """
    X, t = block
    with _MODEL_LOCK:
        for p, value in zip(model.parameters(), params):
            p.data = value
        model.eval()
        with no_grad():
            loss = float(loss_fn(model(Tensor(X)), Tensor(t)).data)
    n = len(X)
    return (loss if summed else loss * n), n


# ----- the worker's end of a step ----------------------------------------------------------
class BlockActor:
    """A dask actor on one worker: the step function, its static arguments and that worker's blocks.

    ``attach({index: key})`` takes references to blocks held in the worker's
    memory (no copy); ``run(indices, rows, *params)`` is ``step(those blocks,
    rows, *params, *static)``, answered straight to the driver.
    """

    def __init__(self, step, static):
        self.step, self.static, self.blocks = step, list(static), {}

    def attach(self, keys):
        from distributed import get_worker

        data = get_worker().data
        self.blocks = {i: data[key] for i, key in keys.items()}  # KeyError when a block is not here (lost)
        return len(self.blocks)

    def run(self, indices, rows, *params):
        return self.step([self.blocks[i] for i in indices], rows, *params, *self.static)


# ----- local SGD ----------------------------------------------------------------------------
def linear_local_sgd(block, slices, params, model, lr, alpha):
    """Plain SGD steps p <- p - lr dL/dp on this block alone, one per row range of ``slices``.

    The loss is the model's data loss plus alpha/2 ||W||^2. Returns (params,
    loss sum, rows) after the local steps; the driver averages the blocks'
    parameters weighted by their rows (local SGD, also called model averaging).
    """
    W, b = params[0].copy(), (params[1].copy() if len(params) > 1 else None)
    total, count = 0.0, 0
    for lo, hi in slices:
        if hi <= lo:
            continue
        X, t = block[0][lo:hi], block[1][lo:hi]
        z = X @ W
        if b is not None:
            z += b
        loss, delta = model._score_loss(z, t)
        gW = X.T @ delta
        if np.any(alpha):
            gW += alpha * W  # d/dW alpha/2 ||W||^2 (alpha may be a column of per-feature strengths)
        W -= lr * gW
        if b is not None:
            b -= lr * delta.sum(axis=0)
        total += loss if getattr(model, "_summed_loss", False) else loss * (hi - lo)
        count += hi - lo
    return [W] + ([] if b is None else [b]), total, count
