"""Row and column reductions of 2-D float arrays and the weight gradient X^T G, done the fast way for training's shapes.

NumPy's ``a.sum(axis=0)`` adds the rows one after another and ``a.sum(axis=1)``
or ``a.max(axis=1)`` of a narrow array (10 classes) runs a short inner loop per
row; on a (128, 10) or (128, 256) minibatch each costs 4-7 us, a (60000, 10)
batch 1.4-2.4 ms. A product with a vector of ones is the same sum done by BLAS
(2-4x faster, same accuracy class: both add in float32 with a bounded number
of partial sums), and the maximum of a narrow array is exact either way, so
it is taken over the contiguous transpose, where each step compares whole rows.

The weight gradient X^T G of a batch of one is an outer product, which
NumPy's matmul never hands to BLAS (its own loop: 240 us for 784x256 on this
machine) and einsum computes as a broadcast multiply (44 us). A zero row under
each vector makes it a BLAS gemm with an inner dimension of 2 (26 us): each
entry is x_a g_b + 0 * 0, the same value, rounded once.
"""

import numpy as np

_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_ones = {}  # dtype -> a read-only vector of ones, grown to the longest length asked for
#: the batch-of-one X^T G goes through BLAS for products of this many elements (below, the two padded copies
#: cost more than they save) up to this many (1 MiB of float32, 2 MiB of float64: about the L2 cache; beyond,
#: gemm's extra pass over the output makes it slower than einsum). On the bench machine (AMD EPYC, 1 MiB of
#: L2 per core) it is 1.2-3x faster than einsum inside that range, 1.3-1.7x slower at twice the upper end.
_OUTER_MIN = 1 << 12
_OUTER_MAX = 1 << 18


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


def rows_outer(x, g):
    """X^T G for 2-D X of shape (n, i) and G of shape (n, j): shape (i, j), C-ordered, in new memory.

    ``x.T @ g``; for n = 1 (online learning) the outer product x_1^T g_1 (see
    the module docstring): a gemm with a zero row under each vector when the
    product fits the cache, else einsum's outer-product loop.

    >>> import numpy as np
    >>> rows_outer(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0, 5.0]])).tolist()
    [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    """
    if x.shape[0] != 1:
        return x.T @ g
    i, j = x.shape[1], g.shape[1]
    if x.dtype == g.dtype and x.dtype in _BLAS_FLOATS and _OUTER_MIN <= i * j <= _OUTER_MAX:
        # [x; 0]^T [g; 0]: element (a, b) is x_a g_b + 0 * 0, the product einsum computes (+0 where it gives -0)
        x2 = np.zeros((2, i), x.dtype)
        x2[0] = x[0]
        g2 = np.zeros((2, j), g.dtype)
        g2[0] = g[0]
        return x2.T @ g2
    return np.einsum("ki,kj->ij", x, g)
