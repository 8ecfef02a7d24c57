"""Settings of the portal processes the benchmarks start (gunicorn, Celery worker): the test
settings (same scratch folder, so the same bench database file and broker folder), plus one URL
for the callback-intake baseline (bench_urls.py)."""
from dispatch_portal.settings.test import *  # noqa: F401,F403

ROOT_URLCONF = "tests.benchmarks.bench_urls"

# The file-system broker's transport sleeps `polling_interval` (kombu's default: 1 s) whenever a
# worker's prefetch slots are full, which caps a worker at about `concurrency` tasks a second.
# Until the base settings choose an interval, the benchmarks poll every 0.02 s (the callbacks-
# applied row says so when it did).
BENCH_BROKER_POLLING = None
_options = CELERY_BROKER_TRANSPORT_OPTIONS if CELERY_BROKER_URL.startswith("filesystem://") else None  # noqa: F405
if _options is not None and "polling_interval" not in _options:
    BENCH_BROKER_POLLING = 0.02
    CELERY_BROKER_TRANSPORT_OPTIONS = {**_options, "polling_interval": BENCH_BROKER_POLLING}
