"""`make bench`: each scenario timed against a baseline measured in the same run.

Runs on a throw-away test database (SQLite by default, PostgreSQL when DATABASE_URL is set),
prints one table and writes the same figures to var/bench-results.json so runs can be compared.
Scenarios join as the features land; each is a function returning a Row (or a list of Rows).
Those that need a running portal start gunicorn and a Celery worker on the same database
(tests/benchmarks/live.py). `run.py callbacks staff_lists` runs only the scenarios named.
"""
import inspect
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispatch_portal.settings.test")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


@dataclass
class Row:
    scenario: str
    measured: str
    seconds: float
    baseline: str
    baseline_seconds: float
    target: str
    ratio: float
    passed: bool
    notes: str = ""
    peak_memory_mb: float | None = None  # Python allocations at their peak while measured (tracemalloc)


def best_of(fn, repeat: int = 5) -> float:
    """The fastest of several runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def best_of_both(measured, baseline, repeat: int = 5) -> tuple[float, float]:
    """The fastest run of each, the two taking turns: a slow spell of the machine (a shared core,
    another process) then falls on both sides, not only on whichever happened to be running."""
    times: dict = {measured: [], baseline: []}
    for _ in range(repeat):
        for fn in (measured, baseline):
            started = time.perf_counter()
            fn()
            times[fn].append(time.perf_counter() - started)
    return min(times[measured]), min(times[baseline])


def median_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_memory(fn) -> tuple[object, float]:
    """(fn's result, the peak of Python memory allocated while it ran, in MB). Traced, so slower:
    run it apart from the timed runs."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


def max_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# In the order they run: the scenarios that seed data go first; the ones that start a server last.
SCENARIOS = ["location_search", "batch_validation", "batch_save", "batch_intake", "staff_lists", "callbacks",
             "import_follow"]


def scenarios(names: list[str] | None = None):
    import importlib

    unknown = set(names or []) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenario(s) {', '.join(sorted(unknown))}; known: {', '.join(SCENARIOS)}")
    return [importlib.import_module(f"tests.benchmarks.{name}").run for name in SCENARIOS
            if not names or name in names]


def _call(scenario) -> list[Row]:
    helpers = {"Row": Row, "best_of": best_of, "best_of_both": best_of_both, "CaptureQueriesContext": CaptureQueriesContext,
               "peak_memory": peak_memory}
    accepted = inspect.signature(scenario).parameters
    result = scenario(**{name: helper for name, helper in helpers.items() if name in accepted})
    return result if isinstance(result, list) else [result]


def main(argv: list[str] | None = None) -> int:
    setup_test_environment()
    wanted = scenarios(argv)
    started = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows: list[Row] = []
    try:
        for scenario in wanted:
            rows.extend(_call(scenario))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    elapsed = time.perf_counter() - started

    header = f"{'scenario':<18} {'measured':>10} {'baseline':>10} {'ratio':>7} {'target':<11} result  notes"
    print(f"\nDispatch Portal benchmarks — {connection.vendor}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, {elapsed:.0f} s")
    print(header)
    print("-" * len(header))
    for r in rows:
        memory = f"; peak memory {r.peak_memory_mb:,.0f} MB" if r.peak_memory_mb is not None else ""
        print(f"{r.scenario:<18} {r.seconds:>9.3f}s {r.baseline_seconds:>9.3f}s {r.ratio:>6.2f}× {r.target:<11} "
              f"{'pass' if r.passed else 'FAIL':<7} {r.notes}{memory}")
    print(f"\nthis process's peak resident memory: {max_rss_mb():,.0f} MB")
    out = Path(settings.BASE_DIR) / "var" / "bench-results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"database": connection.vendor, "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                               "python": platform.python_version(), "cores": os.cpu_count(),
                               "scenarios": [s.__module__.rsplit(".", 1)[-1] for s in wanted],
                               "seconds": round(elapsed, 1), "max_rss_mb": round(max_rss_mb(), 1),
                               "rows": [asdict(r) for r in rows]}, indent=2))
    print(f"written to {out}")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
