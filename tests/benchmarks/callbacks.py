"""LineTen callbacks (issue 8), two rows:

- callback intake: 2,000 callbacks (one event each, as LineTen sends them) posted by 8 threads to a
  running portal (gunicorn, 2 processes × 4 threads) at POST /callbacks/lineten/<secret>/ — the
  secret checked, the body parsed and checked, the event stored, the apply task sent — against the
  same posts to a bare view on the same server that parses the JSON and answers 200 (posted before
  and after, the mean taken). Target: at least half its throughput.
- callbacks applied: the same 2,000 events applied by a Celery worker (prefork, 2 processes, as
  `make run` starts it): every event applied exactly once, every job at its latest status. Reported
  per event; the baseline is events_apply called in this process, one event at a time.
"""
import json
import time

from django.conf import settings
from django.db.models import Count, Max, Min

from tests.benchmarks.live import celery_worker, post_all, wait_for, web_server

N_JOBS = 400
STEPS = [("in_progress", "driver_assigned"), ("in_progress", "en_route_pickup"), ("in_progress", "at_pickup"),
         ("in_progress", "en_route_delivery"), ("in_progress", "at_delivery")]
N_EVENTS = N_JOBS * len(STEPS)  # 2,000
N_BASELINE_JOBS = 100  # 500 events applied in-process for the per-event baseline
THREADS = 8
TARGET = 0.5  # × the bare view's throughput
FIRST_TIMESTAMP = 1795860000  # Unix seconds


def _jobs(prefix: str, count: int, first_id: int) -> list:
    from deliveries.models import Job

    jobs = [Job(client_ref=f"{prefix}-{i:04d}", lineten_job_id=first_id + i, state=Job.State.BOOKED,
                job_status="booked", delivery_status="pending", package_sizes=["M"], pickup_address1="Unit 1", pickup_postcode="W12 7FP",
                pickup_latitude=51.51, pickup_longitude=-0.23,
                delivery_address1=f"{i} Bench Street", delivery_postcode="W14 8DS", delivery_city="London",
                delivery_latitude=51.5, delivery_longitude=-0.2)
            for i in range(count)]
    return Job.objects.bulk_create(jobs, batch_size=500)


def _event(prefix: str, job_index: int, step: int, first_id: int) -> dict:
    job_status, delivery_status = STEPS[step]
    return {"Id": f"{prefix}-{job_index}-{step}", "JobId": first_id + job_index,
            "ClientRef": f"{prefix}-{job_index:04d}", "JobStatus": job_status, "DeliveryStatus": delivery_status,
            "ProviderTimestamp": FIRST_TIMESTAMP + 60 * step,
            "Driver": {"Name": "Bench Driver", "Phone": "07000000000"}}


def _events(prefix: str, jobs: int, first_id: int) -> list[dict]:
    # Step by step across all jobs: one job's events are far apart, as they are in real life.
    return [_event(prefix, j, s, first_id) for s in range(len(STEPS)) for j in range(jobs)]


def _baseline_apply_seconds_per_event() -> float:
    """events_apply in this process, one stored event per call, on jobs of their own."""
    from deliveries.models import CarrierEvent
    from deliveries.services.lineten_callbacks import events_apply

    _jobs("BASE", N_BASELINE_JOBS, 800_000)
    stored = CarrierEvent.objects.bulk_create([
        CarrierEvent(source=CarrierEvent.Source.LINETEN, event_id=e["Id"], event_type=e["JobStatus"], body=e)
        for e in _events("BASE", N_BASELINE_JOBS, 800_000)])
    ids = [e.pk for e in stored] if all(e.pk for e in stored) else list(
        CarrierEvent.objects.filter(event_id__startswith="BASE-").order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    for pk in ids:
        events_apply(event_ids=[pk])
    return (time.perf_counter() - started) / len(ids)


def run(*, Row, best_of, CaptureQueriesContext):
    from deliveries.models import CarrierEvent, Job, JobStatusChange
    from dispatch_portal.celery import app as celery_app

    celery_app.control.purge()  # a shared broker (Redis) may hold messages of another run
    _jobs("BENCH", N_JOBS, 900_000)
    _jobs("WARM", 10, 700_000)
    bodies = [json.dumps([e]).encode() for e in _events("BENCH", N_JOBS, 900_000)]
    warm = [json.dumps([e]).encode() for e in _events("WARM", 10, 700_000)]

    with web_server() as base:
        real = f"{base}/callbacks/lineten/{settings.CALLBACK_SECRET}/"
        bare = f"{base}/_bench/bare/"
        for url in (bare, real):  # both code paths loaded in every server process
            _, statuses = post_all(url, warm, threads=THREADS)
            assert set(statuses) == {200}, statuses[:10]
        before, statuses = post_all(bare, bodies, threads=THREADS)
        assert set(statuses) == {200}, sorted(set(statuses))
        seconds, statuses = post_all(real, bodies, threads=THREADS)
        assert set(statuses) == {200}, sorted(set(statuses))
        after, statuses = post_all(bare, bodies, threads=THREADS)
        assert set(statuses) == {200}, sorted(set(statuses))
        bare_seconds = (before + after) / 2  # the bare view before and after: the machine's drift evens out

        stored = CarrierEvent.objects.filter(event_id__startswith="BENCH-")
        assert stored.count() == N_EVENTS, stored.count()
        throughput, bare_throughput = N_EVENTS / seconds, N_EVENTS / bare_seconds
        ratio = throughput / bare_throughput
        intake = Row(
            scenario="callback intake",
            measured=f"{N_EVENTS:,} LineTen callbacks POSTed to gunicorn (2×4 threads), {THREADS} client threads",
            seconds=seconds, baseline="bare view on the same server: json.loads, 200", baseline_seconds=bare_seconds,
            target=f"≥ {TARGET:g}× rps", ratio=ratio, passed=ratio >= TARGET,
            notes=f"{throughput:,.0f}/s vs {bare_throughput:,.0f}/s bare; ratio is throughput, higher is better",
        )

        # The stored events' tasks wait in the broker; now a worker applies them.
        started = time.perf_counter()
        with celery_worker(base):
            pending = CarrierEvent.objects.filter(event_id__startswith="BENCH-", applied_at__isnull=True)
            wait_for(lambda: not pending.exists(), 240, "the worker to apply every event", every=0.5)
            wall = time.perf_counter() - started

    span = stored.aggregate(first=Min("applied_at"), last=Max("applied_at"))
    per_event = (span["last"] - span["first"]).total_seconds() / (N_EVENTS - 1)
    changes = JobStatusChange.objects.filter(event__event_id__startswith="BENCH-")
    once = (changes.count() == N_EVENTS
            and not changes.values("event").annotate(n=Count("id")).filter(n__gt=1).exists())
    ignored = changes.filter(applied=False).count()
    last_status = STEPS[-1]
    jobs = Job.objects.filter(client_ref__startswith="BENCH-")
    latest = jobs.filter(job_status=last_status[0], delivery_status=last_status[1]).count()
    baseline_per_event = _baseline_apply_seconds_per_event()
    passed = once and latest == N_JOBS
    from tests.benchmarks.bench_settings import BENCH_BROKER_POLLING

    broker = (f"; file-system broker polled every {BENCH_BROKER_POLLING:g} s (kombu's 1 s default: ~2 tasks/s)"
              if BENCH_BROKER_POLLING else "")
    applied = Row(
        scenario="callbacks applied",
        measured=f"the same {N_EVENTS:,} events applied by a Celery worker (prefork ×2), per event",
        seconds=per_event, baseline="events_apply in-process, one event per call", baseline_seconds=baseline_per_event,
        target="all once", ratio=per_event / baseline_per_event, passed=passed,
        notes=f"{per_event * 1000:.1f} ms/event; {'each applied once' if once else 'NOT each applied once'}; "
              f"{latest}/{N_JOBS} jobs at {last_status[1]}; {ignored} older events ignored; "
              f"{wall:.1f} s from worker start{broker}",
    )
    return [intake, applied]
