"""Peak memory of ``gradstep.data.load_csv`` relative to the file's size, for both of its readers.

    python bench/csv_memory.py                 # a 53 MB file of 20 float columns and an integer label
    python bench/csv_memory.py --megabytes 10

Each reader runs in a fresh process; the figure is (peak resident set size
during load_csv - resident size just before) / file size, from the kernel's
VmHWM after the baseline has been reset (Linux; elsewhere ru_maxrss, which
includes the interpreter).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import os, sys, time
import numpy as np
import gradstep.data.tabular as tabular
if sys.argv[2] == "csv module":
    tabular._pandas = lambda: None
else:
    import pandas  # imported before the baseline, as in a session that has it loaded
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
try:
    open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current size
    before = rss("VmRSS")
except OSError:
    before = None
start = time.perf_counter()
X, y = tabular.load_csv(sys.argv[1])
seconds = time.perf_counter() - start
peak = rss("VmHWM") if before is not None else None
print(X.shape[0], (peak - before) if peak else -1, seconds)
"""


def write_csv(path, megabytes, columns=20, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    header = ",".join(f"x{i}" for i in range(columns)) + ",label\n"
    with open(path, "w") as f:
        f.write(header)
        while f.tell() < megabytes * 1e6:
            block = rng.standard_normal((10000, columns))
            labels = rng.integers(0, 10, 10000)
            f.write("".join(",".join(f"{v:.6g}" for v in row) + f",{c}\n" for row, c in zip(block, labels)))
    return os.path.getsize(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=53.0)
    args = parser.parse_args()
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "table.csv")
        size = write_csv(path, args.megabytes)
        print(f"file: {size / 1e6:.1f} MB, 20 float columns (6 significant digits) and an integer label")
        for reader in ("pandas", "csv module"):
            out = subprocess.run([sys.executable, "-c", CHILD, path, reader], env=env, capture_output=True, text=True)
            if out.returncode:
                print(f"{reader:>10}: failed: {out.stderr.strip().splitlines()[-1]}")
                continue
            rows, extra, seconds = out.stdout.split()
            extra = int(extra)
            shown = f"{extra / 1e6:.0f} MB = {extra / size:.2f}x the file" if extra >= 0 else "n/a (no /proc)"
            print(f"{reader:>10}: {rows} rows in {float(seconds):.1f} s, peak memory above baseline {shown}")


if __name__ == "__main__":
    main()
