"""A running portal for the scenarios that need one: gunicorn and a Celery worker started as
subprocesses on the bench database (127.0.0.1 only), each stopped by its own process id when the
scenario ends. Both use tests/benchmarks/bench_settings.py: the test settings and scratch folder
of this run (so the same SQLite file and file-system broker), or DATABASE_URL's test database and
CELERY_BROKER_URL's broker when those are set."""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

SETTINGS = "tests.benchmarks.bench_settings"


def database_url() -> str:
    """The URL of the bench (test) database this run created, for the subprocesses."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(base_url: str, **extra: str) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DATABASE_URL": database_url(),
        "PUBLIC_BASE_URL": base_url,  # the sandboxes' URLs (LOCATE2U_*, LINETEN_*) follow it
        "LOCATE2U_BASE_URL": f"{base_url}/sandbox/locate2u",
        "LOCATE2U_TOKEN_URL": f"{base_url}/sandbox/locate2u/connect/token",
        "LINETEN_BASE_URL": f"{base_url}/sandbox/lineten",
        "LINETEN_TOKEN_URL": f"{base_url}/sandbox/lineten/connect/token",
        "DEBUG": "false",  # as in production: no query log growing in the server's memory
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def wait_for(condition, seconds: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


def _stop(proc: subprocess.Popen, grace: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own process group (start_new_session): its children too
        proc.wait(timeout=10)


def _log_path(name: str) -> Path:
    return Path(settings.VAR_DIR) / f"bench-{name}.log"


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


@contextlib.contextmanager
def web_server(*, workers: int = 2, threads: int = 4, **env_extra: str):
    """gunicorn (gthread) serving the portal and its sandboxes; yields the base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = _log_path(f"web-{port}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--timeout", "120", "--graceful-timeout", "5",
         "--log-level", "warning", "dispatch_portal.wsgi:application"],
        cwd=settings.BASE_DIR, env=portal_env(base_url, **env_extra), stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        def answers():
            if proc.poll() is not None:
                raise AssertionError(f"gunicorn exited ({proc.returncode}):\n{_tail(log)}")
            try:
                return requests.get(f"{base_url}/sandbox/locate2u/_faults", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, 60, "gunicorn to answer")
        yield base_url
    finally:
        _stop(proc)


@contextlib.contextmanager
def celery_worker(base_url: str, *, concurrency: int = 2, **env_extra: str):
    """A Celery worker as `make run` starts one (prefork, 2 processes); yields the Popen."""
    log = _log_path(f"worker-{os.getpid()}-{int(time.time())}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
         f"--hostname=bench-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR, env=portal_env(base_url, **env_extra), stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        yield proc
    finally:
        _stop(proc)


def post_all(url: str, bodies: list[bytes], *, threads: int = 8, timeout: float = 120.0) -> tuple[float, list[int]]:
    """POST every body from a pool of threads (one keep-alive session each); (seconds, statuses).
    Bounded: each request times out after 30 s and the whole run after `timeout`."""
    local = threading.local()

    def one(body: bytes) -> int:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        return session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(one, bodies, timeout=timeout))
    return time.perf_counter() - started, statuses
