"""The row and column reductions and the weight gradient X^T G that the hot ops use instead of NumPy's axis sums, maxima and matmul."""

import numpy as np
import pytest

from gradstep.ops import _rowwise
from gradstep.ops._rowwise import column_totals, row_maxima, row_totals, rows_outer
from gradstep.ops.loss import SoftmaxCrossEntropy

SHAPES = [(128, 10), (128, 256), (1, 784), (7, 1), (0, 5), (300, 40)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_totals_equal_the_axis_sums_to_rounding(shape, dtype):
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    scale = np.abs(a).sum() + 1.0  # each total's rounding error is bounded by eps times the sum of |terms|
    cols, rows = column_totals(a), row_totals(a)
    assert cols.shape == (shape[1],) and rows.shape == (shape[0],)
    assert cols.dtype == rows.dtype == dtype
    np.testing.assert_allclose(cols, a.sum(axis=0, dtype=np.float64), rtol=0, atol=tol * scale)
    np.testing.assert_allclose(rows, a.sum(axis=1, dtype=np.float64), rtol=0, atol=tol * scale)


def test_column_totals_of_one_row_are_that_row_in_a_new_array():
    a = np.array([[1.5, -2.0, 3.0]], np.float32)
    totals = column_totals(a)
    np.testing.assert_array_equal(totals, a[0])
    assert not np.shares_memory(totals, a)  # ops promise fresh gradients: never a view of their input


def test_totals_of_integers_are_exact_and_keep_their_dtype():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)  # no BLAS for integers: NumPy's own sum
    assert column_totals(a).tolist() == [12, 15, 18, 21] and column_totals(a).dtype == np.int64
    assert row_totals(a).tolist() == [6, 22, 38]


def test_totals_of_a_non_contiguous_view():
    a = np.arange(24, dtype=np.float64).reshape(4, 6)[:, ::2]  # columns 0, 2, 4
    assert column_totals(a).tolist() == [36.0, 44.0, 52.0]
    assert row_totals(a).tolist() == [6.0, 24.0, 42.0, 60.0]


def test_the_shared_vector_of_ones_cannot_be_corrupted():
    column_totals(np.ones((5000, 2), np.float32))
    from gradstep.ops import _rowwise

    assert not _rowwise._ones[np.dtype(np.float32)].flags.writeable


@pytest.mark.parametrize("shape", [(128, 10), (128, 2), (60, 33), (128, 100), (0, 4), (3, 1)])
def test_row_maxima_are_exactly_the_axis_maxima(shape):
    a = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    np.testing.assert_array_equal(row_maxima(a), a.max(axis=1))


def test_row_maxima_propagate_nan_and_inf_as_max_does():
    a = np.array([[1.0, np.nan, 3.0], [-np.inf, -1.0, -2.0], [np.inf, 0.0, 1.0]], np.float32)
    np.testing.assert_array_equal(row_maxima(a), a.max(axis=1))  # nan, -1, inf


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.uint64])
def test_softmax_cross_entropy_indexes_the_label_entry_for_every_integer_dtype(dtype):
    # loss_i = logsumexp(z_i) - z_{i, y_i}; gradient (softmax - onehot) / n, with the label entries found by flat index
    z = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, -1.0]])
    y = np.array([2, 0], dtype=dtype)
    from gradstep.function import Context

    ctx = Context()
    ctx.needs_input_grad = (True, False)
    loss = SoftmaxCrossEntropy.forward(ctx, z, y)
    lse = np.log(np.exp(z).sum(axis=1))
    assert float(loss) == pytest.approx(np.mean(lse - z[[0, 1], [2, 0]]), rel=1e-14)
    grad, _ = SoftmaxCrossEntropy.backward(ctx, np.ones(()))
    expected = (np.exp(z - lse[:, None]) - np.eye(3)[[2, 0]]) / 2
    np.testing.assert_allclose(grad, expected, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(784, 256), (256, 128), (64, 64), (128, 10), (3, 5), (1, 1), (1024, 1024)])
def test_rows_outer_of_one_row_is_the_outer_product(dtype, shape):
    # X^T G with X (1, i) and G (1, j): element (a, b) is x_a g_b, rounded once, through BLAS or einsum by size
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, shape[0])).astype(dtype)
    g = rng.standard_normal((1, shape[1])).astype(dtype)
    g[0, 0] = 0.0  # exact zeros stay zeros
    x[0, -1] = np.inf  # inf * 0 is nan, inf * g is +-inf, as in the plain product
    with np.errstate(invalid="ignore"):
        product, expected = rows_outer(x, g), x[0][:, None] * g[0][None, :]
    assert product.shape == shape and product.dtype == dtype and product.flags.c_contiguous
    np.testing.assert_array_equal(product, expected)
    assert not np.shares_memory(product, x) and not np.shares_memory(product, g)


def test_rows_outer_takes_blas_only_for_products_that_fit_the_cache():
    assert _rowwise._OUTER_MIN <= 784 * 256 <= _rowwise._OUTER_MAX  # the MNIST MLP's first layer
    assert 1024 * 1024 > _rowwise._OUTER_MAX and 128 * 10 < _rowwise._OUTER_MIN


def test_rows_outer_equals_matmul_for_a_batch_and_for_strided_or_mixed_inputs():
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    np.testing.assert_array_equal(rows_outer(x, g), x.T @ g)
    wide = rng.standard_normal((1, 256)).astype(np.float32)
    strided = wide[:, ::2]  # not contiguous
    g1 = rng.standard_normal((1, 64)).astype(np.float32)
    np.testing.assert_array_equal(rows_outer(strided, g1), strided[0][:, None] * g1[0][None, :])
    mixed = rows_outer(strided, g1.astype(np.float64))  # two dtypes: NumPy's promotion, as x.T @ g
    assert mixed.dtype == np.float64
    np.testing.assert_array_equal(mixed, strided[0][:, None].astype(np.float64) * g1[0].astype(np.float64))
    assert rows_outer(np.ones((1, 0), np.float32), g1).shape == (0, 64)
