"""Read IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.

An IDX file is big-endian: two zero bytes, a type code, the number of
dimensions d, then d unsigned 32-bit sizes, then the values in row-major order.
Read as one 32-bit number, the first four bytes are the "magic number": 2051
(0x00000803) for MNIST images (unsigned bytes, 3 dimensions) and 2049
(0x00000801) for labels (unsigned bytes, 1 dimension).
"""

import gzip
import math
import os
import zlib

import numpy as np

from .errors import DataFormatError

#: deflate expands at most 1032-fold: a gzip file of n bytes holds at most 1032 n bytes of data
_MAX_DEFLATE_RATIO = 1032
# IDX type code -> big-endian NumPy dtype
IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_exactly(stream, buffer):
    """Fill ``buffer`` (a writable memoryview) from ``stream``; return the number of bytes read."""
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(buffer[filled:])
        if not count:
            break
        filled += count
    return filled


def _check_size(path, shape, expected, header_bytes, where):
    """Refuse a header whose sizes the file cannot hold, before ``expected`` bytes are allocated."""
    on_disk = os.path.getsize(path)
    if not path.endswith(".gz"):
        found = on_disk - header_bytes
        if found < expected:
            raise DataFormatError(
                f"{where}: {path} is truncated: header says shape {shape} ({expected} bytes of data), found {found}"
            )
    elif expected > _MAX_DEFLATE_RATIO * on_disk:
        raise DataFormatError(
            f"{where}: {path} cannot hold what its header says: shape {shape} is {expected} bytes of data, "
            f"more than a {on_disk}-byte gzip file can expand to (at most {_MAX_DEFLATE_RATIO}x)"
        )


def read_idx(path, expected_magic=None, where="read_idx"):
    """Return the array stored in the IDX file ``path`` (``.gz`` files are decompressed on the fly).

    The values are read straight into a fresh, writable array in the file's
    dtype (native byte order). The sizes in the header are checked against the
    file's size before the array is allocated (for ``.gz`` files against the
    most that deflate can expand to). The header is validated: a wrong magic number
    (when ``expected_magic`` is given), an unknown type code, fewer or more
    bytes of data than the sizes promise, or a damaged gzip stream raise
    ``DataFormatError`` naming the file.

    >>> import gzip, os, tempfile
    >>> from gradstep.data.idx import read_idx
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "labels-idx1-ubyte.gz")
    >>> with gzip.open(path, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4]))
    >>> read_idx(path, expected_magic=2049).tolist()
    [5, 0, 4]
    >>> folder.cleanup()
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            header = stream.read(4)
            if len(header) < 4:
                raise DataFormatError(f"{where}: {path} is truncated: it ends inside the 4-byte IDX header")
            magic = int.from_bytes(header, "big")
            if expected_magic is not None and magic != expected_magic:
                raise DataFormatError(
                    f"{where}: {path} is not the expected IDX file: magic number {magic}, "
                    f"expected {expected_magic}"
                )
            if header[0] != 0 or header[1] != 0 or header[2] not in IDX_DTYPES:
                raise DataFormatError(f"{where}: {path} is not an IDX file: bad magic number {magic} ({header.hex()})")
            ndim = header[3]
            size_bytes = stream.read(4 * ndim)
            if len(size_bytes) < 4 * ndim:
                raise DataFormatError(f"{where}: {path} is truncated: it ends inside the list of {ndim} sizes")
            shape = tuple(int.from_bytes(size_bytes[4 * i : 4 * i + 4], "big") for i in range(ndim))
            dtype = np.dtype(IDX_DTYPES[header[2]])
            expected = math.prod(shape) * dtype.itemsize
            _check_size(path, shape, expected, 4 + 4 * ndim, where)  # before allocating anything
            data = np.empty(shape, dtype=dtype)
            found = _read_exactly(stream, memoryview(data.reshape(-1)).cast("B"))
            if found < expected:
                raise DataFormatError(
                    f"{where}: {path} is truncated: header says shape {shape} ({expected} bytes of data), "
                    f"found {found}"
                )
            if stream.read(1):
                raise DataFormatError(
                    f"{where}: {path} has data past the end: header says shape {shape} ({expected} bytes of data)"
                )
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise DataFormatError(f"{where}: {path} is not a complete gzip file ({err}); download it again") from err
    return data.astype(data.dtype.newbyteorder("="), copy=False)
