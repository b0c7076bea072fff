"""Numerical differentiation by finite differences, in float64: derivative, gradient, jacobian.

The course's "numerical derivative" next to the analytical one. With a step h,

- forward difference   (f(x + h) - f(x)) / h       = f'(x) + h f''(x) / 2 + ...      truncation error O(h)
- backward difference  (f(x) - f(x - h)) / h       = f'(x) - h f''(x) / 2 + ...      truncation error O(h)
- central difference   (f(x + h) - f(x - h)) / 2h  = f'(x) + h^2 f'''(x) / 6 + ...   truncation error O(h^2)

and each also has a round-off error of about eps |f(x)| / h (eps = 2.2e-16 in
float64: f is evaluated to about eps relative accuracy, and the difference of
two close values is divided by h). The total error is smallest where the two
balance: h ~ eps^(1/2) ~ 1.5e-8 for the one-sided differences (error ~ 1e-8),
h ~ eps^(1/3) ~ 6e-6 for the central one (error ~ 1e-11). These are the
default steps, scaled by max(1, |x|); ``gradstep demo numerical-derivatives``
draws the error against h.

Every function here evaluates ``f`` on float64 NumPy arrays (or floats); ``f``
may return a number, an ndarray or a gradstep Tensor. ``gradstep.gradcheck``
uses ``gradient`` for its numerical side.

>>> import numpy as np
>>> round(derivative(np.sin, 0.0), 10)   # cos(0)
1.0
"""

import numpy as np

from .errors import ArgumentError

METHODS = ("forward", "backward", "central")
_EPS = np.finfo(np.float64).eps


def _check_method(method):
    if method not in METHODS:
        raise ArgumentError(f"numerical: method must be one of {METHODS}, got {method!r}")


def default_step(x, method="central"):
    """The step that balances truncation and round-off: eps^(1/3) (central) or eps^(1/2), times max(1, |x|).

    >>> bool(default_step(0.0, "forward") == np.finfo(float).eps ** 0.5)
    True
    """
    _check_method(method)
    base = _EPS ** (1 / 3) if method == "central" else _EPS**0.5
    return base * np.maximum(1.0, np.abs(x))


def _value(out):
    """``f``'s result as a float64 ndarray (a Tensor gives its data)."""
    return np.asarray(getattr(out, "data", out), dtype=np.float64)


def _difference(f, x, i, h, method):
    """The finite difference of ``f`` in coordinate ``i`` of the float64 array ``x`` (restored afterwards)."""
    flat = x.flat  # element i in C order, in x's own memory whatever its layout (reshape would copy a Fortran array)
    original = flat[i]
    step = (original + h) - original  # the step the machine actually takes (exactly representable)
    if step == 0:
        raise ArgumentError(
            f"numerical: the step h = {h:g} vanishes next to x = {original:g} (below the spacing of float64 "
            f"numbers there, {np.spacing(abs(original)):g}); use a larger h"
        )
    if method == "central":
        flat[i] = original + step
        plus = _value(f(x))
        flat[i] = original - step
        minus = _value(f(x))
        flat[i] = original
        return (plus - minus) / (2 * step)
    if method == "forward":
        flat[i] = original + step
        moved = _value(f(x))
        flat[i] = original
        return (moved - _value(f(x))) / step
    flat[i] = original - step
    moved = _value(f(x))
    flat[i] = original
    return (_value(f(x)) - moved) / step


def _check_step(h, op):
    if h is not None and not np.all(np.asarray(h) > 0):
        raise ArgumentError(f"{op}: the step h must be positive, got {h!r}")


def derivative(f, x, h=None, method="central"):
    """f'(x) of a function of one number by a finite difference (see the module docstring for the errors).

    ``method`` is "forward" (error O(h)), "backward" (O(h)) or "central"
    (O(h^2)); all add a round-off error ~ eps |f| / h. ``h`` defaults to
    ``default_step(x, method)``. When ``f`` returns an array, so does this.

    >>> f = lambda x: x**2
    >>> round(derivative(f, 3.0, h=1e-3, method="forward"), 6)   # 2x + h: the O(h) error
    6.001
    >>> round(derivative(f, 3.0, h=1e-3), 6)                     # exact for a quadratic
    6.0
    """
    _check_method(method)
    _check_step(h, "derivative")
    x = np.array(x, dtype=np.float64)
    if x.ndim != 0:
        raise ArgumentError(f"derivative: x must be a single number, got shape {x.shape}; use gradient or jacobian")
    step = default_step(x, method) if h is None else float(h)
    result = _difference(lambda v: f(float(v)), x, 0, step, method)
    return float(result) if result.ndim == 0 else result


def jacobian(f, x, h=None, method="central"):
    """J[i..., j...] = d f(x)[i...] / d x[j...] by finite differences, shape f(x).shape + x.shape.

    One difference per element of x (2 evaluations each for "central"), so
    this costs O(n) evaluations of f; ``gradstep.func.jacfwd``/``jacrev`` give
    the exact Jacobian instead.

    >>> import numpy as np
    >>> J = jacobian(lambda v: np.array([v[0] * v[1], v[0] + v[1]]), [2.0, 3.0])
    >>> np.round(J, 6).tolist()
    [[3.0, 2.0], [1.0, 1.0]]
    """
    _check_method(method)
    _check_step(h, "jacobian")
    x = np.array(getattr(x, "data", x), dtype=np.float64)  # a copy: the caller's array is never nudged
    steps = np.broadcast_to(default_step(x, method) if h is None else np.asarray(h, np.float64), x.shape).reshape(-1)
    out_shape = _value(f(x)).shape
    columns = np.empty((x.size,) + out_shape)
    for i in range(x.size):
        columns[i] = _difference(f, x, i, steps[i], method)
    return np.moveaxis(columns.reshape(x.shape + out_shape), range(x.ndim), range(len(out_shape), len(out_shape) + x.ndim))


def gradient(f, x, h=None, method="central"):
    """The gradient of a scalar function of an array, shape x.shape, by finite differences.

    >>> import numpy as np
    >>> np.round(gradient(lambda v: (v**2).sum(), np.array([1.0, -2.0])), 6).tolist()   # 2 v
    [2.0, -4.0]
    """
    x = np.array(getattr(x, "data", x), dtype=np.float64)
    size = _value(f(x)).size
    if size != 1:
        raise ArgumentError(f"gradient: f must return a single number, got {size} values; use jacobian")
    return jacobian(lambda v: _value(f(v)).reshape(()), x, h, method)
