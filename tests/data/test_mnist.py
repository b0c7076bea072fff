"""MNIST and Fashion-MNIST from the original IDX .gz files: known shapes and labels, damaged files, paths."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from gradstep.data import (
    DataError,
    DataFormatError,
    DatasetNotFoundError,
    load_fashion_mnist,
    load_mnist,
    read_idx,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
needs_mnist = pytest.mark.skipif(
    not (SHARED_DATA / "mnist" / "train-images-idx3-ubyte.gz").is_file(),
    reason=f"MNIST files not found in {SHARED_DATA / 'mnist'} (the shared data folder next to the repository)",
)
needs_fashion = pytest.mark.skipif(
    not (SHARED_DATA / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").is_file(),
    reason=f"Fashion-MNIST files not found in {SHARED_DATA / 'fashion-mnist'}",
)


# ----- the real files -------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_train():
    return load_mnist(SHARED_DATA, split="train")


@needs_mnist
def test_mnist_train_shapes_dtypes_and_known_labels(mnist_train):
    X, y = mnist_train
    assert X.shape == (60000, 28, 28) and X.dtype == np.float32
    assert y.shape == (60000,) and y.dtype == np.int64
    assert y[:5].tolist() == [5, 0, 4, 1, 9]
    # class counts published with the data set
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert X.min() == 0.0 and X.max() == 1.0
    assert abs(float(X.mean(dtype=np.float64)) - 0.1307) < 5e-5  # the well-known normalisation mean


@needs_mnist
def test_mnist_test_split_raw_and_flattened():
    X, y = load_mnist(SHARED_DATA / "mnist", split="test", normalize=False, flatten=True)
    assert X.shape == (10000, 784) and X.dtype == np.uint8 and X.flags.writeable
    assert y[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@needs_mnist
def test_gradstep_data_environment_variable(monkeypatch):
    monkeypatch.setenv("GRADSTEP_DATA", str(SHARED_DATA))  # the folder holding mnist/
    assert load_mnist(split="test")[1][:3].tolist() == [7, 2, 1]
    monkeypatch.setenv("GRADSTEP_DATA", str(SHARED_DATA / "mnist"))  # the folder holding the files
    assert load_mnist(split="test")[1][:3].tolist() == [7, 2, 1]


@needs_fashion
def test_fashion_mnist_test_split():
    X, y = load_fashion_mnist(SHARED_DATA, split="test")
    assert X.shape == (10000, 28, 28) and X.dtype == np.float32
    assert y[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(y).tolist() == [1000] * 10


# ----- small files written to tmp_path -------------------------------------------


def idx_bytes(magic_type, shape, values):
    """IDX encoding: 0, 0, type code, ndim, big-endian uint32 sizes, then the bytes."""
    header = bytes([0, 0, magic_type, len(shape)]) + b"".join(s.to_bytes(4, "big") for s in shape)
    return header + bytes(values)


def write_gz(path, payload):
    with gzip.open(path, "wb") as f:
        f.write(payload)
    return path


def write_mnist(folder, n_images=3, n_labels=3, size=28, labels=None):
    folder.mkdir(parents=True, exist_ok=True)
    pixels = np.arange(n_images * size * size) % 256
    labels = list(range(n_labels)) if labels is None else labels
    write_gz(folder / "train-images-idx3-ubyte.gz", idx_bytes(0x08, (n_images, size, size), pixels.tolist()))
    write_gz(folder / "train-labels-idx1-ubyte.gz", idx_bytes(0x08, (n_labels,), labels))
    return folder


def test_small_file_round_trip_and_both_folder_layouts(tmp_path):
    write_mnist(tmp_path / "mnist")
    X, y = load_mnist(tmp_path, normalize=False)
    assert X.shape == (3, 28, 28) and y.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(X.reshape(-1), np.arange(3 * 784) % 256)
    X_direct, _ = load_mnist(tmp_path / "mnist")
    np.testing.assert_array_equal(X_direct * 255, X.astype(np.float32))  # normalised: pixel / 255


def test_uncompressed_files_work_too(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(0x08, (1, 28, 28), [7] * 784))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(0x08, (1,), [4]))
    X, y = load_mnist(tmp_path, normalize=False)
    assert X.shape == (1, 28, 28) and int(X[0, 0, 0]) == 7 and y.tolist() == [4]


def test_read_idx_other_dtypes(tmp_path):
    # type 0x0B is a big-endian int16: 0x0102 = 258, 0xFFFE = -2
    path = tmp_path / "values.idx"
    path.write_bytes(idx_bytes(0x0B, (2,), [1, 2, 255, 254]))
    values = read_idx(path)
    assert values.tolist() == [258, -2] and values.dtype == np.int16 and values.dtype.isnative


def test_truncated_gzip_names_the_file(tmp_path):
    folder = write_mnist(tmp_path)
    images = folder / "train-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:-20])
    with pytest.raises(DataFormatError, match=r"^load_mnist: .*train-images-idx3-ubyte\.gz is not a complete gzip file \(.*\); download it again$"):
        load_mnist(folder)


def test_file_that_is_not_gzip(tmp_path):
    folder = write_mnist(tmp_path)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(DataFormatError, match=r"train-labels-idx1-ubyte\.gz is not a complete gzip file"):
        load_mnist(folder)


def test_truncated_data_reports_expected_and_found_bytes(tmp_path):
    folder = write_mnist(tmp_path)
    # the header promises 3 images of 28x28 = 2352 bytes, the file holds 2 images = 1568
    write_gz(folder / "train-images-idx3-ubyte.gz", idx_bytes(0x08, (3, 28, 28), [0] * 1568))
    with pytest.raises(
        DataFormatError,
        match=r"^load_mnist: .*train-images-idx3-ubyte\.gz is truncated: header says shape \(3, 28, 28\) \(2352 bytes of data\), found 1568$",
    ):
        load_mnist(folder)


def test_extra_data_past_the_end(tmp_path):
    folder = write_mnist(tmp_path)
    write_gz(folder / "train-labels-idx1-ubyte.gz", idx_bytes(0x08, (3,), [0, 1, 2, 3]))
    with pytest.raises(DataFormatError, match=r"train-labels-idx1-ubyte\.gz has data past the end: header says shape \(3,\) \(3 bytes of data\)$"):
        load_mnist(folder)


def test_wrong_magic_number(tmp_path):
    folder = write_mnist(tmp_path)
    # a labels file (magic 2049) where the images (magic 2051) belong
    write_gz(folder / "train-images-idx3-ubyte.gz", idx_bytes(0x08, (3,), [0, 1, 2]))
    with pytest.raises(DataFormatError, match=r"train-images-idx3-ubyte\.gz is not the expected IDX file: magic number 2049, expected 2051$"):
        load_mnist(folder)
    # labels of rank 2 (magic 0x00000802 = 2050) where rank-1 labels (2049) belong
    folder = write_mnist(tmp_path / "labels")
    write_gz(folder / "train-labels-idx1-ubyte.gz", idx_bytes(0x08, (3, 1), [0, 1, 2]))
    with pytest.raises(DataFormatError, match=r"train-labels-idx1-ubyte\.gz is not the expected IDX file: magic number 2050, expected 2049$"):
        load_mnist(folder)


def test_headers_that_end_early_or_are_not_idx(tmp_path):
    path = write_gz(tmp_path / "a.gz", b"\x00\x00")
    with pytest.raises(DataFormatError, match=r"a\.gz is truncated: it ends inside the 4-byte IDX header$"):
        read_idx(path)
    path = write_gz(tmp_path / "b.gz", bytes([0, 0, 8, 3, 0, 0, 0, 1]))
    with pytest.raises(DataFormatError, match=r"b\.gz is truncated: it ends inside the list of 3 sizes$"):
        read_idx(path)
    path = write_gz(tmp_path / "c.gz", b"PK\x03\x04 not idx")
    with pytest.raises(DataFormatError, match=r"^read_idx: .*c\.gz is not an IDX file: bad magic number 1347093252 \(504b0304\)$"):
        read_idx(path)


def test_counts_sizes_and_labels_are_validated(tmp_path):
    with pytest.raises(DataFormatError, match=r"train-images-idx3-ubyte\.gz holds 3 images but .*train-labels-idx1-ubyte\.gz holds 2 labels$"):
        load_mnist(write_mnist(tmp_path / "counts", n_labels=2))
    with pytest.raises(DataFormatError, match=r"train-images-idx3-ubyte\.gz should hold uint8 images of 28x28 pixels, got shape \(3, 27, 27\) and dtype uint8$"):
        load_mnist(write_mnist(tmp_path / "size", size=27))
    with pytest.raises(DataFormatError, match=r"train-labels-idx1-ubyte\.gz holds label 12; labels must lie in 0\.\.9$"):
        load_mnist(write_mnist(tmp_path / "labels", labels=[0, 12, 3]))


def test_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        load_fashion_mnist(tmp_path, split="test")
    message = str(info.value)
    assert message.startswith("load_fashion_mnist: cannot find t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in ")
    assert f"Put the original files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in {tmp_path / 'fashion-mnist'}" in message


def test_no_path_and_no_environment_variable(monkeypatch):
    monkeypatch.delenv("GRADSTEP_DATA", raising=False)
    with pytest.raises(
        DatasetNotFoundError,
        match=r'^load_mnist: no data folder given\. Pass path="folder" or set the GRADSTEP_DATA environment variable '
        r"to a folder that holds mnist/ with the files train-images-idx3-ubyte\.gz, ",
    ):
        load_mnist()


def test_unknown_split(tmp_path):
    with pytest.raises(DataError, match=r"^load_mnist: split must be 'train' or 'test', got 'valid'$"):
        load_mnist(tmp_path, split="valid")


def test_a_header_count_beyond_the_file_is_refused_before_allocating(tmp_path, monkeypatch):
    import gradstep.data.idx as idx_module

    def no_allocation(*args, **kwargs):
        raise AssertionError("read_idx allocated the array before checking the sizes")

    # 4 000 000 000 images of 28 x 28 in a file of 20 bytes: 3 TB
    plain = tmp_path / "plain-images-idx3-ubyte"
    plain.write_bytes(idx_bytes(0x08, (4_000_000_000, 28, 28), [0] * 4))
    packed = write_gz(tmp_path / "packed-images-idx3-ubyte.gz", idx_bytes(0x08, (4_000_000_000, 28, 28), [0] * 4))
    monkeypatch.setattr(idx_module.np, "empty", no_allocation)
    with pytest.raises(DataFormatError, match=r"plain-images-idx3-ubyte is truncated: header says shape \(4000000000, 28, 28\) \(3136000000000 bytes of data\), found 4$"):
        read_idx(plain)
    with pytest.raises(DataFormatError, match=r"packed-images-idx3-ubyte\.gz cannot hold what its header says: shape \(4000000000, 28, 28\) is 3136000000000 bytes of data, more than a \d+-byte gzip file can expand to \(at most 1032x\)$"):
        read_idx(packed)
