"""gunicorn hooks for the app server of `make bench`: each worker reports its cache hit counters.

    gunicorn -c courseplatform/bench/gunicorn_app.py courseplatform.wsgi:application ...

The counters (`courseplatform.answers.STATS`) live in each worker's memory, so every
worker writes them, as `{"seq": n, "stats": {...}}`, to `$BENCH_STATS_DIR/<pid>.json`:

- once when it has loaded the app (seq 0: the runner waits for this from every worker);
- whenever it receives SIGWINCH (seq + 1): the runner signals all workers right before
  and right after each wrk run and diffs the sums, so the counts are an endpoint's own;
- when it exits, so that a worker replaced during a run still leaves its counts behind.

Nothing runs per request, so the app is measured as it would otherwise be served. Files
are written to a temporary name and renamed, so a reader never sees half a file.

SIGWINCH because a worker has no use for it: gunicorn's own worker handler ignores it
and its default action is to ignore it, so a signal that reaches a worker still booting
is dropped rather than killing it (SIGUSR2, which workers do not handle, would kill it).
"""

import json
import os
import signal

_SEQ = 0


def _write_stats(worker) -> None:
    global _SEQ
    from courseplatform.answers import STATS

    directory = os.environ.get("BENCH_STATS_DIR")
    if not directory:
        return
    path = os.path.join(directory, f"{worker.pid}.json")
    temporary = f"{path}.tmp"
    with open(temporary, "w") as handle:
        json.dump({"seq": _SEQ, "stats": dict(STATS)}, handle)
    os.replace(temporary, path)
    _SEQ += 1


def post_worker_init(worker) -> None:
    """Runs in the worker once the app is loaded: write the first (seq 0) file, then answer SIGWINCH."""
    _write_stats(worker)
    signal.signal(signal.SIGWINCH, lambda *_: _write_stats(worker))


def worker_exit(server, worker) -> None:
    """Write the final counts; gunicorn also calls this in the arbiter for a worker already gone, which has none."""
    if os.getpid() == worker.pid:
        _write_stats(worker)
