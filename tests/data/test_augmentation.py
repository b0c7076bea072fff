"""Augmentation: shifts and rotations move pixels where the geometry says, seeded, shape- and dtype-preserving."""

import numpy as np
import pytest

import gradstep
from gradstep.data import Compose, DataError, DataLoader, GaussianNoise, RandomRotation, RandomShift
from gradstep.data.augmentation import rotate, shift


def single_pixel(n=1, size=9, row=4, col=4, value=1.0):
    images = np.zeros((n, size, size))
    images[:, row, col] = value
    return images


def bright_position(image):
    return tuple(int(i) for i in np.unravel_index(np.argmax(image), image.shape))


def test_shift_moves_a_pixel_by_the_offset():
    out = shift(single_pixel(row=3, col=3), 1, -2)
    assert bright_position(out[0]) == (4, 1)
    assert out.sum() == 1.0


def test_shift_fills_what_comes_in_from_outside():
    image = np.ones((1, 4, 4))
    out = shift(image, 0, 1, fill=-1.0)
    np.testing.assert_array_equal(out[0, :, 0], -1.0)  # the first column came from outside
    np.testing.assert_array_equal(out[0, :, 1:], 1.0)
    np.testing.assert_array_equal(shift(image, 4, 0)[0], 0.0)  # shifted entirely out of the frame


def test_shift_per_image_offsets_and_flattened_images():
    images = single_pixel(n=2)
    out = shift(images.reshape(2, 81), np.array([1, -1]), np.array([0, 2]), image_shape=(9, 9))
    assert out.shape == (2, 81)
    assert bright_position(out[0].reshape(9, 9)) == (5, 4)
    assert bright_position(out[1].reshape(9, 9)) == (3, 6)


def test_random_shift_offsets_stay_within_max_and_cover_all_of_them():
    images = single_pixel(n=400)
    out = RandomShift(2)(images, rng=0)
    offsets = {(r - 4, c - 4) for r, c in map(bright_position, out)}
    assert offsets == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}  # 25 offsets, 400 draws
    assert np.all(out.sum(axis=(1, 2)) == 1.0)  # the pixel never leaves the 9x9 frame
    np.testing.assert_array_equal(images, single_pixel(n=400))  # the input is not modified


def test_random_shift_is_seeded():
    images = np.random.default_rng(0).random((5, 6, 6))
    a = RandomShift(1)(images, rng=np.random.default_rng(3))
    b = RandomShift(1)(images, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    # offsets are the Generator's integers(-1, 2, size=(2, n))
    dy, dx = np.random.default_rng(3).integers(-1, 2, size=(2, 5))
    np.testing.assert_array_equal(a, shift(images, dy, dx))


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_rotation_by_zero_is_the_identity(interpolation):
    images = np.random.default_rng(0).random((3, 7, 5))
    np.testing.assert_array_equal(rotate(images, 0.0, interpolation=interpolation), images)
    np.testing.assert_array_equal(RandomRotation(0, interpolation=interpolation)(images, rng=0), images)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_rotation_by_quarter_turns_matches_rot90(interpolation):
    square = np.arange(25.0).reshape(1, 5, 5)
    np.testing.assert_allclose(rotate(square, 90, interpolation=interpolation)[0], np.rot90(square[0], 1), atol=1e-12)
    np.testing.assert_allclose(rotate(square, -90, interpolation=interpolation)[0], np.rot90(square[0], -1), atol=1e-12)
    oblong = np.arange(20.0).reshape(1, 4, 5)  # a half turn maps a non-square image onto itself
    np.testing.assert_allclose(rotate(oblong, 180, interpolation=interpolation)[0], np.rot90(oblong[0], 2), atol=1e-12)


def test_bilinear_rotation_interpolates_between_pixels():
    # On a 3x3 image with centre (1, 1), rotating 45 degrees counterclockwise brings to the
    # output pixel above the centre, (u, v) = (0, -1), the source point turned 45 degrees
    # clockwise from there: (u, v) = (sin 45, -cos 45), i.e. row 1 - 0.7071, column 1 + 0.7071.
    # For f(r, c) = c (linear, so bilinear interpolation is exact) that reads 1 + 0.7071.
    image = np.tile(np.arange(3.0), (3, 1))[None]
    assert rotate(image, 45)[0, 0, 1] == pytest.approx(1 + np.sqrt(0.5), abs=1e-12)


def test_rotation_reads_fill_outside_the_image():
    # A 4x6 image (centre (1.5, 2.5)) turned 90 degrees: output pixel (0, 0), offset
    # (u, v) = (-2.5, -1.5), reads the source at (u, v) = (-v, u) = (1.5, -2.5), i.e. row -1,
    # outside the image; output pixel (1, 2) reads (0.5, -0.5), i.e. row 1, column 3, inside.
    out = rotate(np.ones((1, 4, 6)), 90, fill=-1.0)
    assert out[0, 0, 0] == -1.0 and out[0, 1, 2] == 1.0


def test_rotation_keeps_uint8_and_flattened_shapes():
    images = (np.random.default_rng(1).random((4, 28 * 28)) * 255).astype(np.uint8)
    out = RandomRotation(15, image_shape=(28, 28))(images, rng=0)
    assert out.shape == (4, 784) and out.dtype == np.uint8


def test_gaussian_noise_statistics_seed_and_clip():
    X = np.zeros((200, 50), dtype=np.float32)
    noisy = GaussianNoise(0.5)(X, rng=0)
    assert noisy.dtype == np.float32
    # mean of 10000 draws of N(0, 0.25): standard error 0.005
    assert abs(noisy.mean()) < 0.03 and abs(noisy.std() - 0.5) < 0.03
    np.testing.assert_array_equal(noisy, GaussianNoise(0.5)(X, rng=0))
    clipped = GaussianNoise(0.5, clip=(-0.1, 0.1))(X, rng=0)
    assert clipped.min() == np.float32(-0.1) and clipped.max() == np.float32(0.1)


def test_compose_applies_in_order_from_one_generator():
    images = single_pixel(n=3)
    composed = Compose([RandomShift(1), RandomRotation(10)])(images, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    by_hand = RandomRotation(10)(RandomShift(1)(images, rng), rng)
    np.testing.assert_array_equal(composed, by_hand)


def test_loader_applies_augmentation_in_training_and_not_in_evaluation():
    X = single_pixel(n=64)
    loader = DataLoader(X, batch_size=None, shuffle=False, transform=RandomShift(2), seed=0)
    assert not np.array_equal(next(iter(loader)), X)
    assert next(iter(loader.eval())) is X


def test_augmentation_errors():
    with pytest.raises(gradstep.ShapeError, match=r"^shift: expected images of shape \(n, H, W\), got shape \(4, 81\); pass image_shape=\(H, W\) for flattened images$"):
        RandomShift(1)(np.zeros((4, 81)))
    with pytest.raises(gradstep.ShapeError, match=r"^rotate: cannot view a batch of shape \(4, 80\) as images of shape \(9, 9\)$"):
        RandomRotation(5, image_shape=(9, 9))(np.zeros((4, 80)))
    with pytest.raises(DataError, match=r"^RandomShift: max_pixels must be a non-negative integer, got 1\.5$"):
        RandomShift(1.5)
    with pytest.raises(DataError, match=r"^RandomRotation: max_degrees must be a finite number >= 0, got -5$"):
        RandomRotation(-5)
    with pytest.raises(DataError, match=r"^RandomRotation: interpolation must be 'bilinear' or 'nearest', got 'cubic'$"):
        RandomRotation(5, interpolation="cubic")
    with pytest.raises(DataError, match=r"^rotate: interpolation must be 'bilinear' or 'nearest', got 'cubic'$"):
        rotate(np.zeros((1, 3, 3)), 5, interpolation="cubic")
    with pytest.raises(DataError, match=r"^RandomShift: image_shape must be two positive integers \(H, W\), got \(28, 0\)$"):
        RandomShift(1, image_shape=(28, 0))
    with pytest.raises(DataError, match=r"^GaussianNoise: std must be a finite number >= 0, got nan$"):
        GaussianNoise(float("nan"))
    with pytest.raises(DataError, match=r"^GaussianNoise: clip must have lo <= hi, got \(1, 0\)$"):
        GaussianNoise(0.1, clip=(1, 0))
    with pytest.raises(DataError, match=r"^GaussianNoise: clip must be None or two numbers \(lo, hi\), got 1$"):
        GaussianNoise(0.1, clip=1)
    with pytest.raises(DataError, match=r"^GaussianNoise: needs floating data, got dtype uint8; convert with X\.astype\(np\.float32\)$"):
        GaussianNoise(0.1)(np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(DataError, match=r"^Compose: transform 1 is not callable \(X_batch, rng\) -> X_batch: 'flip'$"):
        Compose([RandomShift(1), "flip"])
