"""In Chromium: a store manager edits opening hours; a dispatcher reads the list and its map."""
import re

import pytest
from playwright.sync_api import expect

from dispatch_portal.staff.roles import Role
from locations.demo import demo_locations_load
from locations.models import Location, OpeningHoursChange
from tests.factories import PASSWORD, LocationFactory, UserFactory

pytestmark = pytest.mark.browser

STORE_WEEK = {"mon": (900, 1800), "tue": (900, 1800), "wed": (900, 1800), "thu": (900, 2000),
              "fri": (900, 1800), "sat": (1000, 1700), "sun": (1100, 1600)}


def sign_in(page, base_url: str, path: str, username: str) -> None:
    page.goto(f"{base_url}{path}")
    assert page.url.startswith(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{path}")


def hours_shown(page, day_name: str) -> str:
    return page.locator(".week-table tr", has=page.get_by_role("rowheader", name=day_name)).locator("td").inner_text()


def test_store_manager_corrects_and_saves_the_week(live_server, page, screenshot):
    manager = UserFactory(username="maria", role=Role.MANAGER)
    store = LocationFactory(ref="LDN-SOHO", name="Soho Store", city="London", country="United Kingdom",
                            street="12 Carnaby Street", postcode="W1F 9PS", latitude=51.5133, longitude=-0.1389)
    store.set_week(STORE_WEEK)
    store.save()
    store.managers.add(manager)

    sign_in(page, live_server.url, "/locations/", "maria")
    page.get_by_role("link", name="Soho Store").click()
    page.get_by_role("link", name="Edit opening hours").click()
    page.wait_for_url(f"{live_server.url}/locations/{store.pk}/hours/")

    # Monday closing before opening: refused, the message next to Monday, nothing saved.
    page.get_by_label("Monday closes").fill("08:00")
    page.get_by_role("button", name="Save opening hours").click()
    monday_errors = page.locator("#mon-errors")
    assert monday_errors.inner_text().strip() == "Closing time 08:00 is before opening time 09:00 on Monday."
    assert page.get_by_label("Monday closes").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").inner_text().startswith("Nothing was saved")
    screenshot("hours-editor-error")

    # Fix Monday, close on Sunday, copy Monday to the other weekdays.
    page.get_by_label("Monday opens").fill("08:00")
    page.get_by_label("Monday closes").fill("20:00")
    page.get_by_label("Closed on Sunday").check()
    assert page.get_by_label("Sunday opens").is_disabled()  # a closed day's times are set aside
    page.get_by_role("button", name="Copy to weekdays").click()
    for day in ["Tuesday", "Wednesday", "Thursday", "Friday"]:
        assert page.get_by_label(f"{day} opens").input_value() == "08:00"
        assert page.get_by_label(f"{day} closes").input_value() == "20:00"
    assert page.get_by_label("Saturday opens").input_value() == "10:00"  # weekdays only
    screenshot("hours-editor-filled")
    page.get_by_role("button", name="Save opening hours").click()

    page.wait_for_url(f"{live_server.url}/locations/{store.pk}/")
    assert "Opening hours of Soho Store saved." in page.get_by_role("status").inner_text()
    assert hours_shown(page, "Monday") == "08:00–20:00"
    assert hours_shown(page, "Friday") == "08:00–20:00"
    assert hours_shown(page, "Saturday") == "10:00–17:00"
    assert hours_shown(page, "Sunday") == "Closed"
    history = " ".join(page.locator(".history-table").inner_text().split())
    assert "maria" in history and "Opening-hours editor" in history
    assert "Thursday 09:00–20:00 → changed to 08:00–20:00" in history
    assert "Sunday 11:00–16:00 → changed to Closed" in history
    assert "Saturday" not in history  # unchanged days are left out
    screenshot("location-detail-after-save")

    store.refresh_from_db()
    assert (store.tue_start, store.tue_end, store.sun_start, store.sun_end) == (800, 2000, 0, 0)
    assert OpeningHoursChange.objects.filter(location=store, changed_by=manager).count() == 1
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy


def markers_on_map(page) -> int:
    clustered = sum(int(text) for text in page.locator(".map-cluster").all_inner_texts())
    return page.locator("path.map-marker").count() + clustered


def test_dispatcher_finds_locations_on_the_map(live_server, page, screenshot):
    UserFactory(username="dana", role=Role.DISPATCHER)
    demo_locations_load()
    located = Location.objects.exclude(latitude=None).count()

    sign_in(page, live_server.url, "/locations/", "dana")
    # The markers arrive after the page, in a request of their own.
    expect(page.locator("#location-map-count")).to_have_text(f"{located} on the map")
    assert page.locator("table.locations-table tbody tr").count() == located
    # The whole world is in view: nearby markers are gathered into numbered circles, every
    # location is counted once, and labels are shown where they do not collide.
    assert page.locator(".map-cluster").count() > 0
    assert markers_on_map(page) == located
    assert page.locator(".map-label:not(.is-hidden)").count() > 0
    screenshot("location-list-map")
    singles = page.locator("path.map-marker").count()
    page.locator(".map-cluster").first.click()
    expect(page.locator("path.map-marker")).not_to_have_count(singles)  # zoomed in: the circle opened up

    # Narrowed to London's stores the map zooms in and every label fits.
    page.get_by_label("Search").fill("LDN")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*/locations/\?q=LDN.*"))
    expect(page.locator("#location-map-count")).to_have_text("5 on the map")
    assert page.locator("path.map-marker").count() == 5 and page.locator(".map-cluster").count() == 0
    assert page.locator(".map-label.is-hidden").count() == 0
    page.locator("path.map-marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    screenshot("location-list-map-london")
    name = popup.get_by_role("link").inner_text()
    popup.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_role("link", name="Edit opening hours").count() == 0  # dispatchers read only
    assert "Dartford Distribution Centre" in page.locator("#etas-heading + table").inner_text()
    screenshot("location-detail")
    assert page.console_errors == []
