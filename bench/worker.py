"""One implementation of one workload in its own process, driven by bench/run.py over stdin/stdout.

    python bench/worker.py WORKLOAD IMPLEMENTATION CONFIG_JSON

The runner sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS in
this process's environment, so they are in place before NumPy or PyTorch is
imported (PyTorch implementations also call torch.set_num_threads). Protocol:
one JSON object per line. The worker builds the implementation (untimed),
warms it up with one run unless the workload is one-shot, and answers
``{"ready": ...}`` or ``{"unavailable": reason}``; then every ``run`` line
gets one timed sample (measure.Sample + peak RSS + the implementation's
report), and ``exit`` (or end of input) ends it. Anything the libraries print
goes to stderr, so stdout carries only the protocol.
"""

import json
import os
import sys

from measure import Sample, peak_rss_mb


def main():
    workload_name, impl_name, config_json = sys.argv[1:4]
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints from libraries go to stderr

    def send(message):
        protocol.write(json.dumps(message) + "\n")

    from workloads import WORKLOADS

    workload = WORKLOADS[workload_name]
    config = json.loads(config_json)
    missing = (ImportError, AttributeError)
    if os.environ.get("GRADSTEP_BENCH_BASELINE"):  # an older gradstep (run.py --baseline) may lack an argument too
        missing += (TypeError,)
    try:
        impl = workload.impls[impl_name](config)
        if not workload.oneshot:
            impl.run()  # (an older gradstep may lack a piece the run uses)
    except missing as exc:
        send({"unavailable": f"{type(exc).__name__}: {exc}"})
        return
    send({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        if line.strip() != "run":
            break
        with Sample() as sample:
            impl.run()
        send(dict(sample.as_dict(), peak_rss_mb=peak_rss_mb(), **impl.report()))


if __name__ == "__main__":
    main()
