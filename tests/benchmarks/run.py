"""`make bench`: each scenario timed against a baseline measured in the same run.

Runs on a throw-away test database (SQLite by default, PostgreSQL when DATABASE_URL is set),
prints one table and writes the same figures to var/bench-results.json so runs can be compared.
Scenarios join as the features land; each is a function returning a Row.
"""
import json
import os
import platform
import statistics
import sys
import time
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


def best_of(fn, repeat: int = 5) -> float:
    """The fastest of several runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def median_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scenarios():
    from tests.benchmarks import batch_save, batch_validation, location_search

    return [location_search.run, batch_validation.run, batch_save.run]


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows: list[Row] = []
    try:
        for scenario in scenarios():
            rows.append(scenario(Row=Row, best_of=best_of, CaptureQueriesContext=CaptureQueriesContext))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    header = f"{'scenario':<18} {'measured':>10} {'baseline':>10} {'ratio':>7} {'target':<8} result  notes"
    print(f"\nDispatch Portal benchmarks — {connection.vendor}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.scenario:<18} {r.seconds:>9.3f}s {r.baseline_seconds:>9.3f}s {r.ratio:>6.2f}× {r.target:<8} "
              f"{'pass' if r.passed else 'FAIL':<7} {r.notes}")
    out = Path(settings.BASE_DIR) / "var" / "bench-results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"database": connection.vendor, "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                               "rows": [asdict(r) for r in rows]}, indent=2))
    print(f"\nwritten to {out}")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
