"""Row and column reductions of 2-D float arrays and the weight gradient X^T G, done the fast way for training's shapes.

NumPy's ``a.sum(axis=0)`` adds the rows one after another and ``a.sum(axis=1)``
or ``a.max(axis=1)`` of a narrow array (10 classes) runs a short inner loop per
row; on a (128, 10) or (128, 256) minibatch each costs 4-7 us, a (60000, 10)
batch 1.4-2.4 ms. A product with a vector of ones is the same sum done by BLAS
(2-4x faster, same accuracy class: both add in float32 with a bounded number
of partial sums), and the maximum of a narrow array is exact either way, so
it is taken over the contiguous transpose, where each step compares whole rows.

The weight gradient X^T G of a batch of one is an outer product; NumPy's
matmul runs it in a slow loop of its own (no BLAS for an inner dimension of
1), einsum in a broadcast multiply. SciPy's BLAS ``gemm``, when SciPy is
installed, makes the same products (bit for bit: one rounding each) 1.4-5x
faster than einsum, which remains the way without SciPy.
"""

import numpy as np

_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_ones = {}  # dtype -> a read-only vector of ones, grown to the longest length asked for
_gemm = {}  # dtype -> SciPy's gemm for it or None, filled on first use: importing gradstep never loads SciPy


def _ones_of(length, dtype):
    ones = _ones.get(dtype)
    if ones is None or len(ones) < length:
        ones = np.ones(max(length, 1024), dtype)
        ones.flags.writeable = False
        _ones[dtype] = ones
    return ones[:length]


def column_totals(a):
    """sum_i a[i, j] for a 2-D array, shape (a.shape[1],): ``a.sum(axis=0)`` through BLAS for float32/float64.

    Always a new array (never a view of ``a``).

    >>> import numpy as np
    >>> column_totals(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    array([4., 6.], dtype=float32)
    """
    if a.shape[0] == 1:  # online learning: the one row itself (a copy, so the result is a new array)
        return a[0].copy()
    if a.dtype not in _BLAS_FLOATS:
        return a.sum(axis=0)
    return _ones_of(a.shape[0], a.dtype) @ a


def row_totals(a):
    """sum_j a[i, j] for a 2-D array, shape (a.shape[0],): ``a.sum(axis=1)`` through BLAS for float32/float64.

    >>> import numpy as np
    >>> row_totals(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([3., 7.])
    """
    if a.dtype not in _BLAS_FLOATS:
        return a.sum(axis=1)
    return a @ _ones_of(a.shape[1], a.dtype)


def row_maxima(a):
    """max_j a[i, j] for a 2-D array with at least one column, shape (a.shape[0],); exactly ``a.max(axis=1)``.

    >>> import numpy as np
    >>> row_maxima(np.array([[1.0, 5.0, 2.0], [-3.0, -4.0, -1.0]]))
    array([ 5., -1.])
    """
    if a.shape[1] > 32:  # wide rows: NumPy's own loop already runs along each row
        return a.max(axis=1)
    return np.maximum.reduce(np.ascontiguousarray(a.T), axis=0)


def _gemm_for(dtype):
    """SciPy's BLAS gemm for float32/float64 arrays, None for other dtypes or without SciPy."""
    if not _gemm:
        try:  # SciPy is optional for the core
            from scipy.linalg import blas
        except ImportError:  # pragma: no cover - exercised only where SciPy is absent
            blas = None
        _gemm.update(dict.fromkeys(_BLAS_FLOATS))
        if blas is not None:
            _gemm.update({_BLAS_FLOATS[0]: blas.sgemm, _BLAS_FLOATS[1]: blas.dgemm})
    return _gemm.get(dtype)


def rows_outer(x, g):
    """X^T G for 2-D X of shape (n, i) and G of shape (n, j): shape (i, j), C-ordered, always a new array.

    ``x.T @ g``; for n = 1 (online learning) the outer product x_1^T g_1,
    through SciPy's gemm when it is installed, else einsum's outer-product loop.

    >>> import numpy as np
    >>> rows_outer(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0, 5.0]])).tolist()
    [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    """
    if x.shape[0] != 1:
        return x.T @ g
    gemm = _gemm_for(x.dtype) if x.dtype == g.dtype and x.size and g.size else None
    if gemm is None:
        return np.einsum("ki,kj->ij", x, g)
    # (G^T X)^T: gemm's result is Fortran-ordered (j, i), so its transpose is the C-ordered (i, j) product
    return gemm(1.0, g, x, trans_a=1).T
