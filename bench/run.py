"""gradstep's benchmark suite: every workload of the performance issue against PyTorch, scikit-learn and NumPy.

    python bench/run.py                          # everything, 5 rounds (about 5-8 minutes on 2 cores)
    python bench/run.py --quick                  # smaller problems, 3 rounds
    python bench/run.py --workload mlp-sgd --workload logreg --rounds 7 --json out.json
    python bench/run.py --data path/to/mnist     # folder with train-images-idx3-ubyte.gz (else ../shared/data/mnist)
    python bench/run.py --cpu --threads 1        # CPU time of one thread: ratios that survive a shared machine
    python bench/run.py --baseline ../old/src    # also every gradstep row on another gradstep checkout, same rounds
    python bench/run.py --fresh                  # a new worker process for every sample (see below)

Method (the machine may be shared and noisy):
- every implementation runs in its own worker process (bench/worker.py) whose
  BLAS/OpenMP thread counts are fixed through the environment before NumPy or
  PyTorch is imported (and torch.set_num_threads);
- workers are built and warmed up first, then sampled in rounds, one
  implementation at a time, the order reversed every other round;
- ratios are taken within a round and summarised as median (min-max);
- before each sample the runner waits (up to --max-wait seconds) for the
  other processes to leave the CPUs alone; a sample during which they still
  kept more than 0.25 core busy (/proc/stat) is marked disturbed; medians use the undisturbed rounds when at
  least two are left, otherwise all rounds, flagged "noisy".
PyTorch and scikit-learn are optional: implementations whose library is missing are listed as unavailable.
``--baseline SRC`` adds a twin "... @baseline" of every gradstep implementation whose
worker imports gradstep from SRC (another checkout's src/), sampled in the same
rounds; the column "x baseline" is each row's within-round ratio to its twin.
``--fresh`` starts (and warms up) a new worker for every sample instead of
one per implementation for all rounds: on the bench machine a process can
stay 5-30% slower or faster than another running the same code for its whole
life (same instruction counts and simulated cache misses under cachegrind;
the cause is outside the code), and the rounds of one worker all share it;
with fresh workers that spread lands inside each row's min-max instead of
between two rows.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from measure import DISTURBED_CORES, busy_cpu_seconds, summarize
from workloads import WORKLOADS

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "mnist"
#: seconds between two samples, so the previous worker's BLAS/OpenMP threads stop spinning
SETTLE = 0.3


class Worker:
    """A worker process running one implementation; ``sample()`` asks it for one timed run."""

    def __init__(self, workload_name, impl_name, config, threads, pythonpath=None):
        env = dict(os.environ)
        if pythonpath is not None:
            env["PYTHONPATH"] = pythonpath
            env["GRADSTEP_BENCH_BASELINE"] = "1"
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "worker.py"), workload_name, impl_name, json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env, cwd=HERE,
        )  # fmt: skip
        self.hello = self._receive()

    def _receive(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.stderr.seek(0)
            tail = self.stderr.read()[-2000:]
            raise RuntimeError(f"worker failed (exit code {self.process.returncode}):\n{tail}")
        return json.loads(line)

    def sample(self):
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return self._receive()

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()
        self.stderr.close()


def wait_for_quiet(max_wait, probe=0.5):
    """Wait (up to ``max_wait`` seconds) until other processes use less than DISTURBED_CORES cores; returns the wait.

    The workers are idle while the runner waits, so all the busy time seen is other processes'.
    """
    waited = 0.0
    while waited < max_wait:
        before = busy_cpu_seconds()
        if before is None:
            break
        time.sleep(probe)
        waited += probe
        if (busy_cpu_seconds() - before) / probe <= DISTURBED_CORES:
            break
    return waited


#: the clock samples are judged by: "seconds" (wall) or, with --cpu, "cpu_seconds" (the worker's CPU time)
CLOCK = ["seconds"]


def metric(workload, config, result):
    """The number a sample is judged by: seconds, samples per second, or peak MiB."""
    if workload.unit == "samples/s":
        return config["n"] / result[CLOCK[0]]
    if workload.unit == "MiB":
        return result["peak_rss_mb"]
    return result[CLOCK[0]]


BASELINE = " @baseline"


def _worker(name, impl, config, threads, baseline):
    """The worker of ``impl``; a name ending in BASELINE runs its twin on the ``baseline`` gradstep."""
    if impl.endswith(BASELINE):
        return Worker(name, impl[: -len(BASELINE)], config, threads, pythonpath=baseline)
    return Worker(name, impl, config, threads)


def run_workload(name, workload, config, rounds, threads, log, max_wait=0.0, baseline=None, fresh=False):
    """Sample every available implementation of ``workload`` in interleaved rounds; returns the raw results.

    With ``fresh`` (and always for one-shot workloads) every sample gets a new worker process.
    """
    names = list(workload.impls)
    if baseline is not None:
        names += [n + BASELINE for n in names if n.startswith("gradstep")]
    workers, unavailable = {}, {}
    per_sample = fresh or workload.oneshot
    if not per_sample:
        for impl in names:
            log(f"  starting {impl} ...")
            worker = _worker(name, impl, config, threads, baseline)
            if "unavailable" in worker.hello:
                unavailable[impl] = worker.hello["unavailable"]
                worker.close()
            else:
                workers[impl] = worker
        names = [n for n in names if n in workers]
    samples = {impl: [] for impl in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for impl in order:
            if impl in unavailable:
                continue
            time.sleep(SETTLE)
            if max_wait:
                wait_for_quiet(max_wait)
            if per_sample:
                worker = _worker(name, impl, config, threads, baseline)
                if "unavailable" in worker.hello:
                    unavailable[impl] = worker.hello["unavailable"]
                    worker.close()
                    continue
                result = worker.sample()
                worker.close()
            else:
                result = workers[impl].sample()
            result["round"] = r
            samples[impl].append(result)
            mark = " (disturbed)" if result["disturbed"] else ""
            log(f"  round {r + 1}/{rounds} {impl}: {metric(workload, config, result):.4g} {workload.unit}{mark}")
    for worker in workers.values():
        worker.close()
    return {"samples": {k: v for k, v in samples.items() if v}, "unavailable": unavailable}


def analyse(workload, config, raw):
    """Medians, min-max and within-round ratios of each implementation against each reference."""
    samples = raw["samples"]
    rounds = sorted({s["round"] for v in samples.values() for s in v})
    disturbed = {r for v in samples.values() for s in v if s["disturbed"] for r in [s["round"]]}
    clean = [r for r in rounds if r not in disturbed]
    used = clean if len(clean) >= 2 else rounds
    noisy = used is rounds and bool(disturbed)
    by_round = {impl: {s["round"]: metric(workload, config, s) for s in v} for impl, v in samples.items()}
    summary = {}
    for impl, values in by_round.items():
        entry = {"value": summarize([values[r] for r in used if r in values]), "noisy": noisy}
        entry["disturbed_samples"] = sum(s["disturbed"] for s in samples[impl])
        entry["peak_rss_mb"] = max(s["peak_rss_mb"] for s in samples[impl])
        if workload.flops and workload.unit != "MiB":
            seconds = [s[CLOCK[0]] for s in samples[impl] if s["round"] in used]
            entry["gflops"] = workload.flops(config) / summarize(seconds)["median"] / 1e9
        entry["ratios"] = {}
        for ref in workload.references:
            if ref == impl or ref not in by_round:
                continue
            ratios = [values[r] / by_round[ref][r] for r in used if r in values and r in by_round[ref]]
            entry["ratios"][ref] = summarize(ratios)
        twin = by_round.get(impl + BASELINE)
        if twin is not None:
            entry["ratios"]["baseline"] = summarize([values[r] / twin[r] for r in used if r in values and r in twin])
        last = samples[impl][-1]
        for key in ("loss", "log_loss", "optimum_log_loss", "per_step_ms"):
            if key in last:
                entry[key] = last[key]
        summary[impl] = entry
    _coefficient_errors(workload, samples, summary)
    return summary


def _coefficient_errors(workload, samples, summary):
    """For least squares: the largest |coefficient - reference coefficient| of each implementation."""
    reference = workload.references[-1]
    if reference not in samples or "coef" not in samples[reference][-1]:
        return
    ref = samples[reference][-1]["coef"]
    for impl, values in samples.items():
        coef = values[-1]["coef"]
        summary[impl]["max_coef_error"] = max(abs(a - b) for a, b in zip(coef, ref))


def _range(s, digits=3):
    if s is None:
        return "-"
    return f"{s['median']:.{digits}g} ({s['min']:.{digits}g}-{s['max']:.{digits}g})"


def table(name, workload, config, summary, unavailable):
    """The workload's results as a Markdown table."""
    refs = [r for r in workload.references if r in summary]
    if any("baseline" in entry["ratios"] for entry in summary.values()):
        refs.append("baseline")
    better = {"s": "time ratio, lower is better", "samples/s": "throughput ratio, higher is better", "MiB": "memory ratio"}
    head = ["implementation", f"{workload.unit} median (min-max)"] + [f"x {r}" for r in refs]
    if workload.flops and workload.unit != "MiB":
        head.append("GFLOP/s")
    head += ["peak RSS MiB", "notes"]
    lines = [f"### {name}: {workload.title}", "", f"ratios: {better[workload.unit]}", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for impl, entry in summary.items():
        row = [impl, _range(entry["value"], 4)]
        row += ["" if r == impl else _range(entry["ratios"].get(r)) for r in refs]
        if "gflops" in entry:
            row.append(f"{entry['gflops']:.1f}")
        row.append(f"{entry['peak_rss_mb']:.0f}")
        notes = []
        for key in ("loss", "log_loss"):
            if key in entry:
                notes.append(f"{key.replace('_', '-')} {entry[key]:.4f}")
        if "per_step_ms" in entry:
            notes.append(f"{entry['per_step_ms']:.2f} ms per step")
        if "optimum_log_loss" in entry:
            notes.append(f"optimum {entry['optimum_log_loss']:.4f}")
        if "max_coef_error" in entry:
            notes.append(f"max coef diff {entry['max_coef_error']:.1e}")
        if entry["disturbed_samples"]:
            notes.append(f"{entry['disturbed_samples']} disturbed" + (", noisy" if entry["noisy"] else ""))
        row.append("; ".join(notes))
        lines.append("| " + " | ".join(row) + " |")
    for impl, reason in unavailable.items():
        lines.append(f"| {impl} | unavailable: {reason} |" + " |" * (len(head) - 2))
    return "\n".join(lines)


def machine(threads):
    """CPU, core count, load, library versions (read without importing them here)."""
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "threads": threads}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next(l.split(":", 1)[1].strip() for l in lscpu.splitlines() if l.startswith("Model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    for package in ("numpy", "torch", "scikit-learn", "gradstep"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    info["loadavg_at_start"] = os.getloadavg()
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", action="append", choices=list(WORKLOADS), help="repeatable; default: all")
    parser.add_argument("--rounds", type=int, help="rounds per workload (default 5, --quick 3, memory 2)")
    parser.add_argument("--quick", action="store_true", help="smaller problems and 3 rounds")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="MNIST folder (IDX .gz); synthetic data if absent")
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads per worker")
    parser.add_argument("--json", help="also write every sample and summary to this file")
    parser.add_argument("--max-wait", type=float, default=1.0,
                        help="before each sample, wait up to this many seconds for the machine to be quiet (0: never)")
    parser.add_argument("--cpu", action="store_true",
                        help="judge samples by the worker's CPU time instead of wall time (a loaded machine; use --threads 1)")
    parser.add_argument("--baseline", metavar="SRC",
                        help="also run every gradstep implementation with gradstep imported from SRC (a src/ folder)")
    parser.add_argument("--fresh", action="store_true",
                        help="a new (warmed-up) worker process for every sample instead of one per implementation")
    args = parser.parse_args(argv)
    CLOCK[0] = "cpu_seconds" if args.cpu else "seconds"

    data = args.data if (Path(args.data) / "train-images-idx3-ubyte.gz").exists() else None
    info = machine(args.threads)
    print(f"machine: {info['cpu']}, {info['cpus']} CPUs, {args.threads} threads per worker; numpy {info['numpy']}, "
          f"torch {info['torch']}, scikit-learn {info['scikit-learn']}, gradstep {info['gradstep']}")
    print(f"data: {'MNIST from ' + args.data if data else 'synthetic MNIST-like (no IDX files found)'}")
    print(f"clock: {'CPU time of each worker' if args.cpu else 'wall time'}; load average {os.getloadavg()[0]:.2f}\n")
    report = {"machine": info, "command": " ".join(["python", "bench/run.py"] + sys.argv[1:]), "workloads": {}}

    def log(message):
        print(message, file=sys.stderr, flush=True)

    for name in args.workload or list(WORKLOADS):
        workload = WORKLOADS[name]
        config = workload.configured(args.quick, data=data, threads=args.threads)
        rounds = args.rounds or (2 if workload.oneshot else 3 if args.quick else 5)
        log(f"{name}: {workload.title}")
        started = time.perf_counter()
        baseline = str(Path(args.baseline).resolve()) if args.baseline else None
        raw = run_workload(name, workload, config, rounds, args.threads, log, args.max_wait, baseline, args.fresh)
        summary = analyse(workload, config, raw)
        print(table(name, workload, config, summary, raw["unavailable"]))
        print(f"\n({rounds} rounds, {time.perf_counter() - started:.0f} s)\n", flush=True)
        report["workloads"][name] = {"title": workload.title, "config": config, "summary": summary, **raw}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
