"""Browser tests: Playwright driving Debian's Chromium; skipped, with the reason, without it."""
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests and
    # the live server are still synchronous, so Django's async guard must stand aside meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def live_worker(live_server, tmp_path):
    """A real Celery worker process (not eager mode) on the test database and broker, calling the
    live server's Locate2u sandbox, which imports fast (1000 stops/s) meanwhile. Yields the URL of
    that sandbox."""
    import signal
    import subprocess
    import sys
    import uuid

    import requests
    from django.conf import settings
    from django.db import connection

    from dispatch_portal.celery import app as celery_app
    from tests.system.test_worker import database_url_of

    sandbox = f"{live_server.url}/sandbox/locate2u"
    requests.post(f"{sandbox}/_import_rate", data="1000", timeout=5).raise_for_status()
    celery_app.control.purge()  # messages other tests left for rows long rolled back
    env = os.environ | {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "LOCATE2U_BASE_URL": sandbox,
        "LOCATE2U_TOKEN_URL": f"{sandbox}/connect/token",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname=e2e-{uuid.uuid4().hex[:8]}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            yield sandbox
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
            requests.post(f"{sandbox}/_import_rate", data="", timeout=5)  # back to the configured rate
    print(log_path.read_text()[-3000:])  # shown when the test fails
