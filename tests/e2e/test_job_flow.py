"""In Chromium, with a real Celery worker: a dispatcher makes a courier job, gets quotes from the
LineTen sandbox, books the cheapest, follows the callbacks on the job's page, and cancels a second
job while that is still allowed.

Real parts: a worker subprocess on the configured broker, the LineTen sandbox served by the live
server (its callbacks come back to the live server over HTTP), the test database.
"""
import os
import re
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from deliveries.models import Job
from deliveries.sandbox.lineten.controls import controls_reset
from deliveries.sandbox.lineten.services import jobs_advance
from dispatch_portal.celery import app as celery_app
from dispatch_portal.staff.roles import Role
from tests.factories import PASSWORD, LocationFactory, UserFactory
from tests.system.test_worker import database_url_of

pytestmark = pytest.mark.browser

SLOW = 30_000  # ms: the worker's first task waits for it to start


@pytest.fixture
def lineten_worker(live_server, tmp_path):
    """A Celery worker process whose LineTen is the sandbox on the live server."""
    celery_app.control.purge()  # messages other tests left behind are not this test's business
    cache.clear()  # and no apply-callbacks window left open whose task the purge dropped
    sandbox = f"{live_server.url}/sandbox/lineten"
    env = os.environ | {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "LINETEN_BASE_URL": sandbox,
        "LINETEN_TOKEN_URL": f"{sandbox}/connect/token",
        "PUBLIC_BASE_URL": live_server.url,  # where the sandbox sends the job's callbacks
    }
    log_path = tmp_path / "worker.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname=jobflow@%h"],
        cwd=django_settings.BASE_DIR, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    print(log_path.read_text()[-3000:])


@pytest.fixture
def sandbox_fast(settings):
    # The sandbox runs in the live server's thread of this process: these settings are its own.
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    controls_reset()
    yield
    controls_reset()


def sign_in(page, base_url: str, path: str, username: str) -> None:
    page.goto(f"{base_url}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{path}")


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_dispatcher_quotes_books_follows_and_cancels(live_server, page, screenshot, lineten_worker, sandbox_fast):
    UserFactory(username="dana", role=Role.DISPATCHER)
    LocationFactory(ref="LDN-SOHO", name="Soho Store", city="London", street="12 Carnaby Street", postcode="W1F 9PS",
                    latitude=51.5133, longitude=-0.1389)
    window_start = (timezone.localtime() + timedelta(days=1)).replace(hour=11, minute=30, second=0, microsecond=0)

    # --- a new job, picked up at our store ------------------------------------------------------------
    sign_in(page, live_server.url, "/jobs/new/", "dana")
    page.get_by_label("One of our stores or warehouses").check()
    page.get_by_label("Store or warehouse").select_option(label="Soho Store · LDN-SOHO")
    expect(page.locator("[data-store-preview]")).to_contain_text("12 Carnaby Street, London, W1F 9PS")
    delivery = page.get_by_role("region", name="Delivery")
    delivery.get_by_label("Address line 1").fill("55 Woodsford Square")
    delivery.get_by_label("City").fill("London")
    delivery.get_by_label("Postcode").fill("W14 8DS")
    delivery.get_by_label("Longitude").fill("-0.2090")
    delivery.get_by_label("First name").fill("George")
    delivery.get_by_label("Last name").fill("King")
    delivery.get_by_label("Phone").fill("07934 123456")
    page.get_by_label("Medium (M)").fill("2")
    page.get_by_label("Large (L)").fill("1")
    page.get_by_label("Signature").check()
    page.get_by_label("Fragile").check()
    page.get_by_label("Window from").fill(local(window_start))
    page.get_by_label("Window to").fill(local(window_start + timedelta(hours=3)))
    page.get_by_label("Client reference").fill("SOHO-0001")

    # The latitude is missing: refused before any call, the message next to the field.
    page.get_by_role("button", name="Save job").click()
    expect(page.locator("#delivery_latitude-error")).to_have_text("Give the delivery’s latitude: LineTen needs the coordinates.")
    assert page.get_by_role("region", name="Delivery").get_by_label("Latitude").get_attribute("aria-invalid") == "true"
    assert not Job.objects.exists()
    screenshot("job-new-errors")
    page.get_by_role("region", name="Delivery").get_by_label("Latitude").fill("51.5031")
    screenshot("job-new")
    page.get_by_role("button", name="Save job").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    job = Job.objects.get(client_ref="SOHO-0001")
    assert job.package_sizes == ["M", "M", "L"] and job.pickup_store.ref == "LDN-SOHO"

    # --- quotes arrive without a reload ---------------------------------------------------------------------
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Request quotes", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Asking LineTen’s couriers for quotes")).to_be_visible()
    board = page.locator("[data-quote-board]")
    expect(board).to_be_visible(timeout=SLOW)
    assert page.evaluate("window.stillTheSamePage") is True
    rows = board.locator("tr[data-quote-row]")
    job.refresh_from_db()
    assert rows.count() == job.quotes.count() >= 2
    lowest = min(q.price for q in job.quotes.all())
    cheapest_row = board.locator("tr.is-cheapest")
    expect(cheapest_row.locator(".price strong")).to_have_text(f"£{lowest}")
    cheapest = job.quotes.get(pk=int(cheapest_row.locator("input[name='quote']").get_attribute("value")))
    expect(board.locator("tr.is-fastest")).to_have_count(1)
    expect(page.locator(".price-chart svg g.bar")).to_have_count(rows.count())
    page.wait_for_timeout(1100)  # the countdown ticks
    assert re.fullmatch(r"1[45]:\d\d", cheapest_row.locator("[data-countdown]").inner_text())
    page.get_by_role("button", name="Distance").click()  # sorts; the cheapest stays marked
    expect(board.locator("th[aria-sort='ascending']")).to_have_text("Distance")
    screenshot("job-quotes")

    # --- book the cheapest -------------------------------------------------------------------------------------
    cheapest_row.get_by_role("button", name="Book").click()
    expect(page.locator(".booked-title")).to_contain_text(f"Booked with {cheapest.provider_name}", timeout=SLOW)
    expect(page.get_by_role("link", name="Pickup tracker")).to_be_visible()
    expect(page.get_by_role("link", name="Delivery tracker")).to_be_visible()
    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and job.booking.quote == cheapest

    # --- callbacks: the sandbox moves the job on; the worker applies what the live server received ------
    later = timezone.now()
    for step in range(4):  # driver assigned, en route to pickup, at pickup, en route to delivery
        jobs_advance(now=later + timedelta(minutes=5 * (step + 1)))
    timeline = page.locator("[data-timeline-row]")
    expect(timeline).to_have_count(5, timeout=SLOW)  # with the booking's own callback
    expect(timeline.first).to_contain_text("En route to delivery")
    expect(page.locator("#job-pills")).to_contain_text("En route to delivery")
    expect(page.locator(".cancel-refusal")).to_contain_text("only until the driver is en route to the pickup")
    assert page.get_by_role("button", name="Cancel booking").count() == 0
    assert timeline.first.locator("td").nth(3).inner_text() != "—"  # the driver
    screenshot("job-booked-timeline")

    # --- a second job: immediate booking, then cancelled while still allowed ----------------------------------
    second = Job.objects.create(
        client_ref="JOB-SECOND", package_sizes=["S"], pickup_company="LineTen", pickup_address1="Unit 1",
        pickup_postcode="W12 7FP", pickup_city="London", pickup_latitude=51.5134, pickup_longitude=-0.2278,
        delivery_address1="1 Shepherd's Bush Green", delivery_postcode="W12 8PP", delivery_city="London",
        delivery_latitude=51.5045, delivery_longitude=-0.2237, requested_time=window_start, created_by=job.created_by)
    page.goto(f"{live_server.url}/jobs/{second.pk}/")
    page.get_by_role("button", name="Immediate booking").click()
    expect(page.locator(".booked-title")).to_contain_text("Booked with", timeout=SLOW)
    cancel = page.get_by_role("button", name="Cancel booking")
    expect(page.locator(".cancel-fee")).to_contain_text("Cancellation fee: £")
    cancel.click()  # asks once more, with the fee
    expect(page.locator("[data-confirm-text]")).to_be_visible()
    expect(page.locator("[data-confirm-text]")).to_contain_text("The fee of £")
    cancel.click()
    expect(page.get_by_text("This booking was cancelled")).to_be_visible(timeout=SLOW)
    expect(page.locator("#job-pills")).to_contain_text("Cancelled")
    second.refresh_from_db()
    assert second.state == Job.State.CANCELLED and second.booking.cancellation_fee is not None
    screenshot("job-cancelled")

    # --- the list ----------------------------------------------------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs", exact=True).click()
    page.wait_for_url(f"{live_server.url}/jobs/")
    table = page.locator("table.jobs-table")
    expect(table).to_contain_text("SOHO-0001")
    expect(table).to_contain_text("JOB-SECOND")
    expect(page.locator(".job-tiles .tile").first).to_contain_text("Jobs booked today")
    screenshot("job-list")
    assert page.console_errors == []
