"""The SGD update folded into BLAS calls: W <- W - lr * dW without ever storing dW (needs SciPy).

For a layer y = x W^T + b (W of shape (out, in)) the weight gradient
is dW = G^T X. SciPy's ``gemm`` computes C <- alpha op(A) op(B) + beta C in
place on a Fortran-ordered C: W itself when it is stored in Fortran order
(``nn.Linear``'s weights are), else W^T (the same memory read in Fortran
order), so one call with alpha = -lr, beta = 1 makes the update:

    W <- -lr G^T X + W,  or  W^T <- -lr X^T G + W^T     (gemm; at batch 1 the rank-1 ``ger``)
    b   <- -lr G^T 1 + b                 (gemv; at batch 1 ``axpy``)

Without SciPy ``available()`` is False and the compiled step computes dW and
lets the optimizer apply it, as eager does.

SciPy's wheels bring a BLAS library of their own, apart from NumPy's, each
with its own pool of threads, and an OpenBLAS thread spins for a while after
each call. With both pools at 2 threads on 2 cores, NumPy's products and
SciPy's updates waited for each other's spinning threads: the compiled step
took 12.1 ms at batch 128 against eager's 2.0 ms (SGD; Adam 23.9 against
2.9; 2-vCPU AMD EPYC). So while a compiled step runs, SciPy's own pools run
one thread (``pin_threads``): NumPy's products keep their threads, and
SciPy's calls (an update, a matrix-vector product: little for a second
thread to share) run beside NumPy's idle ones. threadpoolctl finds the pools
and sets their size; without it ``available()`` is False. Both come with
``pip install "gradstep[models]"``.
"""

import os

import numpy as np

_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}
#: [scipy.linalg.blas or None, the threadpoolctl controllers of SciPy's own BLAS pools], filled on first use:
#: importing gradstep never loads SciPy
_loaded = []


def _library():
    if not _loaded:
        _loaded.extend(_load())
    return _loaded[0]


def _load():
    """(scipy.linalg.blas, SciPy's own BLAS pools), or (None, []) without SciPy or threadpoolctl."""
    try:  # both optional for the core: the compiled step works without these levers
        from threadpoolctl import ThreadpoolController

        before = {pool.filepath for pool in ThreadpoolController().lib_controllers}
        import scipy
        from scipy.linalg import blas
    except ImportError:  # pragma: no cover - exercised only where SciPy or threadpoolctl is absent
        return None, []
    # SciPy's pools: the BLAS libraries its import loaded, or that its wheel keeps in its own folder; not NumPy's
    pools = ThreadpoolController().select(user_api="blas").lib_controllers
    return blas, [p for p in pools if (p.filepath not in before or _inside(p.filepath, scipy)) and not _inside(p.filepath, np)]


def _inside(path, package):
    """True when the library ``path`` lies in ``package``'s folder or in the folder its wheel keeps libraries in."""
    folder = os.path.dirname(os.path.realpath(package.__file__))
    real = os.path.realpath(path)
    return any(real.startswith(place + os.sep) for place in (folder, folder + ".libs"))


def pin_threads():
    """Run SciPy's own BLAS pools on one thread (see the module); returns what ``restore_threads`` puts back.

    Does nothing before the compiled step first loads SciPy's BLAS, or where SciPy shares NumPy's library.

    >>> saved = pin_threads(); restore_threads(saved)
    """
    saved = []
    for pool in _loaded[1] if _loaded else ():
        threads = pool.get_num_threads()
        if threads is not None and threads > 1:
            pool.set_num_threads(1)
            saved.append((pool, threads))
    return saved


def restore_threads(saved):
    """Give the pools pinned by ``pin_threads`` their number of threads back.

    >>> restore_threads([])
    """
    for pool, threads in saved:
        pool.set_num_threads(threads)


def available():
    """True when SciPy's BLAS wrappers and threadpoolctl can be imported.

    >>> isinstance(available(), bool)
    True
    """
    return _library() is not None


def supports(dtype):
    """True when the folded update can run on arrays of ``dtype`` (float32 or float64, SciPy installed).

    >>> import numpy as np
    >>> supports(np.dtype(np.int64))
    False
    """
    return np.dtype(dtype) in _PREFIX and available()


def routine(name, dtype):
    """SciPy's BLAS wrapper ``name`` ("gemm", "axpy", ...) for arrays of ``dtype`` (see ``supports``).

    >>> import numpy as np
    >>> if available():
    ...     y = np.zeros(2, np.float32); _ = routine("axpy", y.dtype)(np.ones(2, np.float32), y, a=3.0); print(y)
    ... else:
    ...     print(np.array([3.0, 3.0], np.float32))
    [3. 3.]
    """
    return getattr(_library(), _PREFIX[np.dtype(dtype)] + name)


def _written(result, target):
    """BLAS wrappers return their output; copy it into ``target`` in the rare case it is not the same memory."""
    if result is not target and not np.shares_memory(result, target):
        target[...] = result


class WeightUpdate:
    """``W <- W - lr * dW`` with dW = G^T X (``out_in``) or X^T G, in one BLAS call on W's memory.

    >>> import numpy as np
    >>> if available():
    ...     w = np.ones((2, 3), np.float32); x = np.ones((4, 3), np.float32); g = np.ones((4, 2), np.float32)
    ...     WeightUpdate(w, out_in=True)(x, g, 0.5); print(w[0, 0])   # 1 - 0.5 * 4
    ... else:
    ...     print(-1.0)
    -1.0
    """

    def __init__(self, weight, out_in):
        self.weight, self.out_in = weight, out_in
        self.gemm = routine("gemm", weight.dtype)
        self.ger = routine("ger", weight.dtype)

    def __call__(self, x, g, lr, weight=None):
        """The update by the batch (x, g); ``weight``: the array to update instead of W, in W's layout (some of its columns, gathered)."""
        w = self.weight if weight is None else weight
        if w.flags.f_contiguous:  # W itself Fortran-ordered (nn.Linear's storage): BLAS updates W in place
            if x.shape[0] == 1:
                u, v = (g[0], x[0]) if self.out_in else (x[0], g[0])
                _written(self.ger(-lr, u, v, a=w, overwrite_a=1), w)
                return
            a, b = (g.T, x.T) if self.out_in else (x.T, g.T)
            _written(self.gemm(-lr, a, b, beta=1.0, c=w, trans_b=1, overwrite_c=1), w)
            return
        wt = w.T  # a C-ordered W: its transpose is the Fortran-ordered view BLAS updates in place
        if x.shape[0] == 1:  # batch of one: a rank-1 update
            u, v = (x[0], g[0]) if self.out_in else (g[0], x[0])
            _written(self.ger(-lr, u, v, a=wt, overwrite_a=1), wt)
            return
        a, b = (x.T, g.T) if self.out_in else (g.T, x.T)
        _written(self.gemm(-lr, a, b, beta=1.0, c=wt, trans_b=1, overwrite_c=1), wt)


class BiasUpdate:
    """``b <- b - lr * sum_rows(G)`` as one gemv (axpy at batch 1) on b's memory.

    >>> import numpy as np
    >>> if available():
    ...     b = np.zeros(2); BiasUpdate(b)(np.ones((3, 2)), 0.5); print(b)
    ... else:
    ...     print(np.array([-1.5, -1.5]))
    [-1.5 -1.5]
    """

    def __init__(self, bias):
        self.bias = bias
        self.gemv = routine("gemv", bias.dtype)
        self.axpy = routine("axpy", bias.dtype)
        self.ones = np.ones(0, bias.dtype)

    def __call__(self, g, lr):
        b = self.bias
        if g.shape[0] == 1:
            _written(self.axpy(g[0], b, a=-lr), b)
            return
        if self.ones.shape[0] != g.shape[0]:
            self.ones = np.ones(g.shape[0], b.dtype)
        _written(self.gemv(-lr, g.T, self.ones, beta=1.0, y=b, overwrite_y=1), b)
