"""Seeded data augmentation for batches of greyscale images: shifts, rotations, noise.

Augmentation is the course's cheapest regulariser: every epoch the network sees
slightly different versions of the training images. Each transform is a
callable ``transform(X_batch, rng) -> X_batch`` for a ``DataLoader``, which
applies it during training only (``loader.eval()`` switches it off). Batches
are shaped ``(n, H, W)``, or flattened ``(n, H*W)`` with ``image_shape=(H, W)``;
the result has the input's shape and dtype and the input is never modified.
All randomness comes from the ``rng`` argument (a Generator, an int seed, or
None for gradstep's default generator), so a seeded loader repeats exactly.
"""

import numbers

import numpy as np

from ..errors import ShapeError
from ..random import as_generator
from .errors import DataError


def _as_images(X, image_shape, where):
    """View ``X`` as images (n, H, W); ``X`` is (n, H, W), or (n, H*W) with ``image_shape=(H, W)``."""
    X = np.asarray(X)
    if image_shape is None:
        if X.ndim != 3:
            raise ShapeError(
                f"{where}: expected images of shape (n, H, W), got shape {X.shape}; "
                f"pass image_shape=(H, W) for flattened images"
            )
        return X
    height, width = image_shape
    if X.ndim < 2 or int(np.prod(X.shape[1:])) != height * width:
        raise ShapeError(f"{where}: cannot view a batch of shape {X.shape} as images of shape {tuple(image_shape)}")
    return X.reshape(len(X), height, width)


def _check_image_shape(image_shape, where):
    if image_shape is None:
        return None
    if (
        not isinstance(image_shape, (tuple, list))
        or len(image_shape) != 2
        or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in image_shape)
    ):
        raise DataError(f"{where}: image_shape must be two positive integers (H, W), got {image_shape!r}")
    return tuple(int(s) for s in image_shape)


def _check_nonnegative(value, name, where, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not value >= 0 or not np.isfinite(value):
        what = "a non-negative integer" if integer else "a finite number >= 0"
        raise DataError(f"{where}: {name} must be {what}, got {value!r}")
    return value


def _like_input(images, X):
    """Cast the result back to the input's dtype (rounding for integer images) and shape."""
    if X.dtype.kind in "iub":
        info = np.iinfo(X.dtype) if X.dtype.kind != "b" else None
        images = np.rint(images)
        if info is not None:
            images = np.clip(images, info.min, info.max)
    return images.astype(X.dtype, copy=False).reshape(X.shape)


def shift(X, dy, dx, image_shape=None, fill=0.0):
    """Translate each image by whole pixels: pixel (r, c) moves to (r + dy[i], c + dx[i]).

    ``dy``/``dx`` are integers or one integer per image (positive = down/right);
    pixels shifted in from outside the frame get ``fill``.

    >>> import numpy as np
    >>> from gradstep.data.augmentation import shift
    >>> image = np.zeros((1, 3, 3)); image[0, 0, 0] = 1
    >>> shift(image, 1, 2)[0].tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    images = _as_images(X, image_shape, "shift")
    n, height, width = images.shape
    dy = np.broadcast_to(np.asarray(dy, dtype=np.int64), (n,))
    dx = np.broadcast_to(np.asarray(dx, dtype=np.int64), (n,))
    # out[i, r, c] = images[i, r - dy[i], c - dx[i]] where that source pixel exists, else fill
    rows = np.arange(height) - dy[:, None]  # (n, H)
    cols = np.arange(width) - dx[:, None]  # (n, W)
    row_ok = (rows >= 0) & (rows < height)
    col_ok = (cols >= 0) & (cols < width)
    out = images[
        np.arange(n)[:, None, None],
        np.clip(rows, 0, height - 1)[:, :, None],
        np.clip(cols, 0, width - 1)[:, None, :],
    ]
    out[~(row_ok[:, :, None] & col_ok[:, None, :])] = fill
    return out.reshape(np.shape(X))


def rotate(X, degrees, image_shape=None, fill=0.0, interpolation="bilinear"):
    """Rotate each image about its centre by ``degrees`` (one angle, or one per image), counterclockwise.

    Output pixel (r, c) samples the input at the point that the rotation takes
    there ("inverse mapping"), with bilinear or nearest-neighbour interpolation;
    points outside the input read ``fill``. Rotating by 90 degrees gives
    ``np.rot90`` of a square image; by 0 degrees, the image itself.

    >>> import numpy as np
    >>> from gradstep.data.augmentation import rotate
    >>> image = np.arange(9.0).reshape(1, 3, 3)
    >>> np.allclose(rotate(image, 90)[0], np.rot90(image[0]))
    True
    """
    if interpolation not in ("bilinear", "nearest"):
        raise DataError(f"rotate: interpolation must be 'bilinear' or 'nearest', got {interpolation!r}")
    X = np.asarray(X)
    images = _as_images(X, image_shape, "rotate")
    work = images.dtype if images.dtype.kind == "f" else np.dtype(np.float64)
    n, height, width = images.shape
    theta = np.deg2rad(np.broadcast_to(np.asarray(degrees, dtype=np.float64), (n,)))[:, None, None]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    v = np.arange(height, dtype=np.float64)[None, :, None] - cy  # row offset from the centre (down)
    u = np.arange(width, dtype=np.float64)[None, None, :] - cx  # column offset from the centre (right)
    # A counterclockwise turn by theta (rows point down) sends (u, v) to
    # (u cos + v sin, -u sin + v cos); the output reads the source at the inverse:
    # u_src = u cos - v sin,  v_src = u sin + v cos.
    cos, sin = np.cos(theta), np.sin(theta)
    src_c = u * cos - v * sin + cx  # (n, H, W)
    src_r = u * sin + v * cos + cy
    # Surround every image with a border of ``fill`` (1 pixel before, 2 after) and clip the
    # source points to it: any point outside the image then reads ``fill``.
    src_r = np.clip(src_r, -1, height)
    src_c = np.clip(src_c, -1, width)
    padded_width = width + 3
    padded = np.pad(images.astype(work, copy=False), ((0, 0), (1, 2), (1, 2)), constant_values=fill).reshape(-1)
    base = (np.arange(n) * (height + 3) * padded_width)[:, None, None] + padded_width + 1  # pixel (0, 0)
    if interpolation == "nearest":
        nearest = base + np.rint(src_r).astype(np.int64) * padded_width + np.rint(src_c).astype(np.int64)
        return _like_input(padded.take(nearest), X)
    # f(r0 + a, c0 + b) = (1-a) ((1-b) f00 + b f01) + a ((1-b) f10 + b f11)
    r0, c0 = np.floor(src_r), np.floor(src_c)
    a, b = (src_r - r0).astype(work), (src_c - c0).astype(work)
    i00 = base + r0.astype(np.int64) * padded_width + c0.astype(np.int64)
    i10 = i00 + padded_width
    f00, f01, f10, f11 = padded.take(i00), padded.take(i00 + 1), padded.take(i10), padded.take(i10 + 1)
    out = f00 + b * (f01 - f00)
    out += a * (f10 + b * (f11 - f10) - out)
    return _like_input(out, X)


class RandomShift:
    """Shift each image by a random whole number of pixels in [-max_pixels, max_pixels] per axis.

    >>> import numpy as np
    >>> from gradstep.data.augmentation import RandomShift
    >>> X = np.zeros((4, 784), dtype=np.float32)
    >>> RandomShift(2, image_shape=(28, 28))(X, rng=0).shape
    (4, 784)
    """

    def __init__(self, max_pixels, image_shape=None, fill=0.0):
        self.max_pixels = int(_check_nonnegative(max_pixels, "max_pixels", "RandomShift", integer=True))
        self.image_shape = _check_image_shape(image_shape, "RandomShift")
        self.fill = fill

    def __call__(self, X, rng=None):
        rng = as_generator(rng)
        dy, dx = rng.integers(-self.max_pixels, self.max_pixels + 1, size=(2, len(X)))
        return shift(X, dy, dx, self.image_shape, self.fill)

    def __repr__(self):
        return f"RandomShift(max_pixels={self.max_pixels}, image_shape={self.image_shape}, fill={self.fill})"


class RandomRotation:
    """Rotate each image by a random angle drawn uniformly from [-max_degrees, max_degrees].

    >>> import numpy as np
    >>> from gradstep.data.augmentation import RandomRotation
    >>> X = np.ones((2, 5, 5))
    >>> RandomRotation(0)(X, rng=0).tolist() == X.tolist()
    True
    """

    def __init__(self, max_degrees, image_shape=None, fill=0.0, interpolation="bilinear"):
        self.max_degrees = float(_check_nonnegative(max_degrees, "max_degrees", "RandomRotation"))
        self.image_shape = _check_image_shape(image_shape, "RandomRotation")
        if interpolation not in ("bilinear", "nearest"):
            raise DataError(f"RandomRotation: interpolation must be 'bilinear' or 'nearest', got {interpolation!r}")
        self.fill = fill
        self.interpolation = interpolation

    def __call__(self, X, rng=None):
        degrees = as_generator(rng).uniform(-self.max_degrees, self.max_degrees, size=len(X))
        return rotate(X, degrees, self.image_shape, self.fill, self.interpolation)

    def __repr__(self):
        return (
            f"RandomRotation(max_degrees={self.max_degrees}, image_shape={self.image_shape}, "
            f"fill={self.fill}, interpolation={self.interpolation!r})"
        )


class GaussianNoise:
    """Add independent normal noise ``N(0, std^2)`` to every value, optionally clipped to ``clip=(lo, hi)``.

    Works on any floating batch shape (no image_shape needed).

    >>> import numpy as np
    >>> from gradstep.data.augmentation import GaussianNoise
    >>> noisy = GaussianNoise(0.1, clip=(0.0, 1.0))(np.zeros((1000, 4)), rng=0)
    >>> bool(noisy.min() >= 0.0 and 0.03 < noisy.mean() < 0.05)
    True
    """

    def __init__(self, std, clip=None):
        self.std = float(_check_nonnegative(std, "std", "GaussianNoise"))
        if clip is not None:
            try:
                lo, hi = (float(v) for v in clip)
            except (TypeError, ValueError):
                raise DataError(f"GaussianNoise: clip must be None or two numbers (lo, hi), got {clip!r}") from None
            if not lo <= hi:
                raise DataError(f"GaussianNoise: clip must have lo <= hi, got {clip!r}")
            clip = (lo, hi)
        self.clip = clip

    def __call__(self, X, rng=None):
        X = np.asarray(X)
        if X.dtype.kind != "f":
            raise DataError(
                f"GaussianNoise: needs floating data, got dtype {X.dtype}; convert with X.astype(np.float32)"
            )
        # float32 data gets float32 draws (standard_normal makes only float32 and float64)
        noise = as_generator(rng).standard_normal(X.shape, dtype=np.float32 if X.dtype == np.float32 else np.float64)
        noise *= self.std
        out = X + noise.astype(X.dtype, copy=False)
        if self.clip is not None:
            np.clip(out, *self.clip, out=out)
        return out

    def __repr__(self):
        return f"GaussianNoise(std={self.std}, clip={self.clip})"


class Compose:
    """Apply transforms one after the other, all drawing from the same ``rng``.

    >>> import numpy as np
    >>> from gradstep.data.augmentation import Compose, GaussianNoise, RandomShift
    >>> augment = Compose([RandomShift(2), GaussianNoise(0.05)])
    >>> augment(np.zeros((3, 8, 8)), rng=0).shape
    (3, 8, 8)
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for i, transform in enumerate(self.transforms):
            if not callable(transform):
                raise DataError(f"Compose: transform {i} is not callable (X_batch, rng) -> X_batch: {transform!r}")

    def __call__(self, X, rng=None):
        rng = as_generator(rng)
        for transform in self.transforms:
            X = transform(X, rng)
        return X

    def __repr__(self):
        return f"Compose({self.transforms!r})"
