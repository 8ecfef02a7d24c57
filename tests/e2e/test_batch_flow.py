"""In Chromium, with a real Celery worker and the Locate2u sandbox: a dispatcher builds a batch by
hand, submits it and watches it import; a batch with an address Locate2u cannot find ends
partially completed and its failed stop starts a new draft."""
import copy
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deliveries.models import Batch, Outbox, Stop
from deliveries.services.batches import batch_create
from dispatch_portal.staff.roles import Role
from tests.factories import PASSWORD, LocationFactory, UserFactory
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

pytestmark = pytest.mark.browser

IMPORT_SECONDS = 40  # the worker looks 3 s after Locate2u accepts, then every 5–10 s
HOURS_7_TO_8PM = {f"{d}_{e}": v for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                  for e, v in (("start", 700), ("end", 2000))}
DETAIL_URL = re.compile(r".*/batches/[0-9a-f-]{36}/$")


def sign_in(page, base_url: str, path: str, username: str) -> None:
    page.goto(f"{base_url}{path}")
    assert page.url.startswith(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{path}")


def fill_stop(card, *, ref: str, trip: str, name: str | None = None, address: str | None = None) -> None:
    card.get_by_label("Stop reference").fill(ref)
    if name is not None:
        card.get_by_label("Name", exact=True).fill(name)
    if address is not None:
        card.get_by_label("Address", exact=True).fill(address)
    card.get_by_label("Trip date").fill(trip)


def test_dispatcher_builds_submits_and_follows_batches_to_locate2u(live_server, live_worker, page, screenshot):
    def shot(name: str) -> None:
        # Highlights of new rows and filled fields faded out, and scrolled to the end: a full-page
        # picture otherwise shows the sticky save bar wherever the window happened to end.
        page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        screenshot(name)

    UserFactory(username="dana", role=Role.DISPATCHER)
    warehouse = LocationFactory(ref="WH-DOCK", name="Dock Warehouse", type="WAREHOUSE", street="1 Dock Road",
                                city="London", postcode="E16 2QU", country="United Kingdom", latitude=51.5072,
                                longitude=0.0295, time_zone="Europe/London", **HOURS_7_TO_8PM)
    day = (timezone.localdate() + timedelta(days=1)).isoformat()

    # --- build a batch by hand ------------------------------------------------------------------
    sign_in(page, live_server.url, "/batches/new/", "dana")
    header = page.get_by_role("region", name="Batch", exact=True)
    header.get_by_label("Batch reference").fill("E2E-MORNING")
    header.get_by_label("Service date").fill(day)
    header.get_by_label("Team reference").fill("TEAM-NORTH")
    header.get_by_label("Description").fill("Morning run, north London")

    items = page.get_by_role("region", name="Items")
    first = items.get_by_role("group", name="Item 1")
    first.get_by_label("Item reference").fill("DESK-1")
    first.get_by_label("Description").fill("Standing desk")
    items.get_by_role("button", name="Add item").click()
    second = items.get_by_role("group", name="Item 2")
    second.get_by_label("Item reference").fill("LAMP-1")
    second.get_by_label("Description").fill("Desk lamp")
    second.get_by_label("Quantity").fill("2")
    second.get_by_label("Quantity").press("Tab")

    pickup = page.get_by_role("group", name="Pickup 1")
    pickup.get_by_label("From our locations").select_option(label="Dock Warehouse · WH-DOCK")
    expect(pickup.get_by_label("Name", exact=True)).to_have_value("Dock Warehouse")  # filled at once
    expect(pickup.get_by_label("Address", exact=True)).to_have_value("1 Dock Road, London, E16 2QU, United Kingdom")
    expect(pickup.get_by_label("Warehouse reference")).to_have_value("WH-DOCK")
    fill_stop(pickup, ref="PU-DOCK", trip=f"{day}T07:30")
    pickup.get_by_label("Window from").fill(f"{day}T06:00")
    pickup.get_by_label("Window to").fill(f"{day}T09:00")
    pickup.get_by_label("Window to").press("Tab")
    warning = pickup.locator("[data-hours-warning]")
    expect(warning).to_contain_text("Dock Warehouse is open 07:00–20:00")  # a warning, not an error
    pickup.get_by_role("button", name="All items").click()
    expect(pickup.get_by_label("DESK-1")).to_be_checked()

    first_drop = page.get_by_role("group", name="Drop-off 1")
    fill_stop(first_drop, ref="DROP-ADA", trip=f"{day}T10:00", name="Ada Lovelace",
              address="12 Baker Street, London NW1 6XE")
    first_drop.get_by_label("DESK-1").check()
    page.get_by_role("button", name="Add drop-off").click()
    second_drop = page.get_by_role("group", name="Drop-off 2")
    fill_stop(second_drop, ref="DROP-ALAN", trip=f"{day}T11:30", name="Alan Turing",
              address="3 Adlington Road, Wilmslow SK9 1LA")
    second_drop.get_by_label("LAMP-1").check()
    expect(page.get_by_role("group", name="Drop-off 2")).to_be_visible()
    shot("batch-builder")

    # Removing a row keeps everything else; Undo brings it back where it was, ticks included.
    second.get_by_role("button", name="Remove").click()
    expect(items.get_by_text("Item 2 (LAMP-1) removed.")).to_be_visible()
    expect(pickup.get_by_label("LAMP-1")).to_have_count(0)
    items.get_by_role("button", name="Undo").click()
    expect(pickup.get_by_label("LAMP-1")).to_be_checked()
    expect(second_drop.get_by_label("LAMP-1")).to_be_checked()

    # Two slips: no team, and the second drop-off on the wrong day. Refused, each message next to
    # its field and in the list at the top.
    header.get_by_label("Team reference").fill("")
    second_drop.get_by_label("Trip date").fill(f"{(timezone.localdate() + timedelta(days=2)).isoformat()}T11:30")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved. 2 problems to correct")
    expect(page.locator("#id_batch-team_source_reference_error")).to_have_text("Team source reference is required.")
    trip = page.get_by_role("group", name="Drop-off 2").get_by_label("Trip date")
    expect(trip).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_dropoffs-1-trip_date_error")).to_contain_text(f"must be on the service date {day}")
    expect(page.get_by_role("group", name="Pickup 1").locator("[data-hours-warning]")).to_be_visible()
    expect(page.get_by_role("group", name="Drop-off 2").get_by_label("LAMP-1")).to_be_checked()  # nothing lost
    shot("batch-builder-errors")
    assert not Batch.objects.exists()

    trip.fill(f"{day}T11:30")
    page.get_by_role("link", name="Batch · Team reference").click()  # the list at the top leads to the field
    expect(page.get_by_label("Team reference")).to_be_focused()
    page.get_by_label("Team reference").fill("TEAM-NORTH")
    pickup = page.get_by_role("group", name="Pickup 1")
    pickup.get_by_label("Window from").fill(f"{day}T07:00")
    pickup.get_by_label("Window from").press("Tab")
    expect(pickup.locator("[data-hours-warning]")).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(DETAIL_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("E2E-MORNING")
    batch = Batch.objects.get(batch_source_reference="E2E-MORNING")
    assert batch.status == Batch.Status.DRAFT and batch.total_count == 3
    assert Stop.objects.get(batch=batch, kind=Stop.Kind.PICKUP).location == warehouse

    # --- submit (a double click is one push) and watch it import ----------------------------------
    page.get_by_role("button", name="Submit to Locate2u").dblclick()
    page.wait_for_url(DETAIL_URL)
    progress = page.get_by_role("progressbar", name="Import progress")
    expect(progress).to_be_visible()
    expect(page.get_by_role("button", name="Submit to Locate2u")).to_have_count(0)
    assert Outbox.objects.filter(key=str(batch.batch_id)).count() == 1
    shot("batch-progress")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=IMPORT_SECONDS * 1000)
    expect(page.locator("#batch-status")).to_have_text("Completed")
    expect(page.locator("#batch-results")).to_contain_text("All 3 stops imported")
    expect(page.locator(".stops-table")).to_contain_text("#")  # Locate2u's stop ids, swapped in
    assert not Stop.objects.filter(batch=batch, locate2u_stop_id__isnull=True).exists()
    shot("batch-completed")

    # --- a batch with an address Locate2u cannot find ----------------------------------------------
    payload = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    payload.update(batchSourceReference="E2E-AFTERNOON", batchDescription="Afternoon run", serviceDate=day)
    for stop in payload["pickups"] + payload["dropoffs"]:
        stop["tripDate"] = f"{day}T{stop['tripDate'][11:]}"
        stop.pop("timeWindowStart"), stop.pop("timeWindowEnd")
    payload["dropoffs"][1]["address"] = "1 Nowhere Lane"
    other = batch_create(payload=payload, by=None)
    page.goto(f"{live_server.url}/batches/{other.batch_id}/")
    page.get_by_role("button", name="Submit to Locate2u").click()
    page.wait_for_url(DETAIL_URL)
    expect(page.locator("#batch-status")).to_have_text("Partially completed", timeout=IMPORT_SECONDS * 1000)
    results = page.locator("#batch-results")
    expect(results).to_contain_text("DROPOFF-002")
    expect(results).to_contain_text("1 Nowhere Lane")
    failed = Stop.objects.get(batch=other, import_result=Stop.ImportResult.FAILED)
    expect(results).to_contain_text(failed.error_stage)
    expect(results).to_contain_text(failed.error_messages[0])
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("aria-valuenow", "100")
    shot("batch-partially-completed")

    page.get_by_role("button", name="New draft from failed stops").click()
    page.wait_for_url(re.compile(r".*/batches/[0-9a-f-]{36}/edit/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("E2E-AFTERNOON-RETRY-")
    drop = page.get_by_role("group", name="Drop-off 1")
    expect(drop.get_by_label("Stop reference")).to_have_value("DROPOFF-002")
    expect(drop.get_by_label("Address", exact=True)).to_have_value("1 Nowhere Lane")
    expect(page.get_by_role("group", name="Drop-off 2")).to_have_count(0)

    # --- the list ------------------------------------------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batches").click()
    page.wait_for_url(f"{live_server.url}/batches/")
    rows = page.locator(".batches-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="E2E-MORNING")).to_contain_text("Completed")
    expect(rows.filter(has_text="E2E-AFTERNOON-RETRY")).to_contain_text("Draft")
    shot("batch-list")
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy
