"""Staff location pages: the list with filters and map, a location's detail, the hours editor.

"Open now" is judged at the real current time; the locations here are open at any time (0/2400
every day) or closed at any time (0/0 every day), so no clock needs freezing.
"""
import re
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch_portal.staff.roles import Role
from locations.hours import DAYS
from locations.models import (
    Location, LocationAttribute, LocationEta, LocationNetwork, Network, OpeningHoursChange, StorageArea,
)
from locations.selectors import location_map_points
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_DAY = {day: (0, 2400) for day in DAYS}
CLOSED = {day: (0, 0) for day in DAYS}
OFFICE = {**{day: (900, 1700) for day in DAYS}, "sat": (0, 0), "sun": (0, 0)}
EDITOR = "Opening-hours editor"


def location_with(week=None, **fields) -> Location:
    location = LocationFactory(**fields)
    if week:
        location.set_week(week)
        location.save()
    return location


def html_of(response) -> str:
    return response.content.decode()


def refs_listed(response) -> list[str]:
    return [row["location"].ref for row in response.context["rows"]]


def week_form(**days) -> dict:
    """POST data of the editor: a day is (opens, closes), "closed" or "24h"; unnamed days 09:00–17:00."""
    data = {}
    for day in DAYS:
        value = days.get(day, ("09:00", "17:00"))
        if value == "closed":
            data[f"{day}-closed"] = "on"
        elif value == "24h":
            data[f"{day}-all_day"] = "on"
        else:
            data[f"{day}-opens"], data[f"{day}-closes"] = value
    return data


def day_errors_html(html: str, day: str) -> str:
    match = re.search(rf'<td colspan="5" id="{day}-errors">(.*?)</td>', html, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def network(db):
    return Network.objects.create(ref="UK-CC", name="UK Click & Collect", type="CC")


# --- List ---------------------------------------------------------------------------------------

def test_list_needs_a_signed_in_user(client):
    response = client.get("/locations/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/locations/")


def test_list_needs_a_role_that_reads_locations(client):
    client.force_login(UserFactory(username="nobody"))

    assert client.get("/locations/").status_code == 403


@pytest.mark.parametrize("who", ["dispatcher", "manager", "admin_user"])
def test_dispatchers_managers_and_administrators_open_the_list(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/locations/").status_code == 200


def test_list_shows_a_row_per_location_with_its_details(client, dispatcher, network):
    soho = location_with(ALL_DAY, ref="LDN-SOHO", name="Soho Store", city="London", country="United Kingdom")
    LocationNetwork.objects.create(location=soho, network=network, role=LocationNetwork.Role.MEMBER)
    LocationNetwork.objects.create(location=soho, network=network, role=LocationNetwork.Role.CLICK_AND_COLLECT)
    location_with(CLOSED, ref="WH-DART", name="Dartford Warehouse", type=Location.Type.WAREHOUSE,
                  status=Location.Status.INACTIVE)
    client.force_login(dispatcher)

    response = client.get("/locations/")
    html = html_of(response)

    assert refs_listed(response) == ["WH-DART", "LDN-SOHO"]  # by name
    soho_row = response.context["rows"][1]
    assert soho_row["networks"] == ["UK Click & Collect"]  # once, though in two roles
    assert soho_row["open_now"] is True and soho_row["today"].label == "Open 24 hours"
    assert "London" in html and "United Kingdom" in html
    assert '<span class="pill pill-ok">Open now</span>' in html
    assert '<span class="pill pill-muted">Closed</span>' in html
    assert '<span class="pill pill-warn">Inactive</span>' in html
    assert f'href="/locations/{soho.pk}/"' in html


def test_list_filters_by_type(client, dispatcher):
    location_with(ref="S1", name="A store")
    location_with(ref="W1", name="A warehouse", type=Location.Type.WAREHOUSE)
    client.force_login(dispatcher)

    assert refs_listed(client.get("/locations/", {"type": "WAREHOUSE"})) == ["W1"]
    assert refs_listed(client.get("/locations/", {"type": "STORE"})) == ["S1"]


def test_list_filters_by_status(client, dispatcher):
    location_with(ref="ON", name="Active one")
    location_with(ref="OFF", name="Inactive one", status=Location.Status.INACTIVE)
    client.force_login(dispatcher)

    assert refs_listed(client.get("/locations/", {"status": "INACTIVE"})) == ["OFF"]


def test_list_filters_by_network(client, dispatcher, network):
    member = location_with(ref="IN", name="In the network")
    location_with(ref="OUT", name="Not in it")
    LocationNetwork.objects.create(location=member, network=network)
    client.force_login(dispatcher)

    response = client.get("/locations/", {"network": network.pk})

    assert refs_listed(response) == ["IN"]
    assert f'<option value="{network.pk}" selected>UK Click &amp; Collect</option>' in html_of(response)


def test_an_unknown_network_is_shown_as_an_error_next_to_the_field(client, dispatcher):
    location_with(ref="ANY", name="Any")
    client.force_login(dispatcher)

    response = client.get("/locations/", {"network": "999999"})

    assert response.status_code == 200
    assert "Select a valid choice" in html_of(response)


def test_list_search_matches_ref_or_name_case_insensitively(client, dispatcher):
    location_with(ref="LDN-SOHO", name="Soho Store")
    location_with(ref="MAN-PICC", name="Piccadilly Store")
    client.force_login(dispatcher)

    assert refs_listed(client.get("/locations/", {"q": "ldn"})) == ["LDN-SOHO"]
    assert refs_listed(client.get("/locations/", {"q": "piccadilly"})) == ["MAN-PICC"]


def test_list_open_now_keeps_only_locations_open_in_their_own_time_zone(client, dispatcher):
    location_with(ALL_DAY, ref="OPEN-UK", name="Open London", time_zone="Europe/London")
    location_with(ALL_DAY, ref="OPEN-AU", name="Open Sydney", time_zone="Australia/Sydney")
    location_with(CLOSED, ref="SHUT", name="Shut Sydney", time_zone="Australia/Sydney")
    client.force_login(dispatcher)

    response = client.get("/locations/", {"open_now": "on"})

    assert refs_listed(response) == ["OPEN-UK", "OPEN-AU"]
    assert 'name="open_now" id="id_open_now" checked' in html_of(response)


def test_list_is_paginated_by_fifty_and_page_links_keep_the_filters(client, dispatcher):
    for n in range(60):
        location_with(ref=f"S{n:03d}", name=f"Store {n:03d}")
    location_with(ref="W1", name="Warehouse", type=Location.Type.WAREHOUSE)
    client.force_login(dispatcher)

    first = client.get("/locations/", {"type": "STORE"})
    second = client.get("/locations/", {"type": "STORE", "page": 2})

    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 10
    assert refs_listed(second)[0] == "S050"
    assert 'href="?type=STORE&amp;page=2"' in html_of(first)
    assert 'href="?type=STORE&amp;page=1"' in html_of(second)
    assert "Page 1 of 2" in html_of(first)


def test_list_page_leaves_the_map_markers_to_a_request_with_its_filters(client, dispatcher):
    location_with(ALL_DAY, ref="PIN", name="Pinned", latitude=51.5, longitude=-0.12)
    client.force_login(dispatcher)

    html = html_of(client.get("/locations/", {"type": "STORE", "q": "Pin", "page": 2}))

    # The map shows every filtered location, so the page number is left out.
    assert 'data-points-url="/locations/map.json?type=STORE&amp;q=Pin"' in html
    assert 'id="location-map-points"' not in html and "PIN</" in html
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert "location-map-plain" in html  # no tile source configured: a plain background


def map_points(client, **filters) -> dict:
    response = client.get("/locations/map.json", filters)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def refs_on_map(client, **filters) -> list[str]:
    return [point["ref"] for point in map_points(client, **filters)["points"]]


def test_map_points_are_the_filtered_locations_with_coordinates(client, dispatcher):
    pinned = location_with(ALL_DAY, ref="PIN", name="Pinned", latitude=51.5, longitude=-0.12)
    warehouse = location_with(CLOSED, ref="WH", name="Warehouse", type=Location.Type.WAREHOUSE,
                              latitude=51.4, longitude=0.2)
    location_with(ref="NOPIN", name="No coordinates")
    client.force_login(dispatcher)

    answer = map_points(client)

    assert answer == {
        "points": [
            {"id": pinned.pk, "ref": "PIN", "name": "Pinned", "type": "Store", "lat": 51.5, "lon": -0.12,
             "open": True, "today": "Open 24 hours"},
            {"id": warehouse.pk, "ref": "WH", "name": "Warehouse", "type": "Warehouse", "lat": 51.4,
             "lon": 0.2, "open": False, "today": "Closed"},
        ],
        "truncated": False,
    }
    assert refs_on_map(client, type="WAREHOUSE") == ["WH"]
    assert refs_on_map(client, q="pin") == ["PIN"]


def test_map_points_are_not_paginated_but_stop_at_the_limit(client, dispatcher, monkeypatch):
    for n in range(55):
        location_with(ref=f"S{n:02d}", name=f"Store {n:02d}", latitude=51.5, longitude=-0.1)
    client.force_login(dispatcher)

    assert len(refs_on_map(client, page=2)) == 55 and map_points(client)["truncated"] is False
    monkeypatch.setattr("locations.views.location_map_points", partial(location_map_points, limit=50))
    answer = map_points(client)
    assert len(answer["points"]) == 50 and answer["truncated"] is True


@pytest.mark.parametrize("filters", [
    {}, {"type": "WAREHOUSE"}, {"status": "INACTIVE"}, {"q": "soho"}, {"open_now": "on"}, {"network": "1221"},
    {"network": "999999", "type": "WAREHOUSE"},  # a filter that does not parse: the list drops them all
])
def test_map_and_list_pick_the_same_locations(client, dispatcher, filters):
    network = Network.objects.create(pk=1221, ref="UK-CC", name="UK Click & Collect", type="CC")
    soho = location_with(ALL_DAY, ref="LDN-SOHO", name="Soho Store", latitude=51.51, longitude=-0.14)
    location_with(CLOSED, ref="WH-DART", name="Dartford Warehouse", type=Location.Type.WAREHOUSE,
                  latitude=51.44, longitude=0.22)
    location_with(ALL_DAY, ref="OFF", name="Closed down", status=Location.Status.INACTIVE,
                  latitude=53.4, longitude=-2.2)
    LocationNetwork.objects.create(location=soho, network=network)
    client.force_login(dispatcher)

    on_map = refs_on_map(client, **filters)
    assert on_map and on_map == refs_listed(client.get("/locations/", filters))


def test_map_points_need_a_signed_in_user_with_a_role_that_reads_locations(client):
    response = client.get("/locations/map.json")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/locations/map.json")
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/locations/map.json").status_code == 403
    assert client.post("/locations/map.json").status_code == 405


def test_store_manager_sees_on_the_map_what_their_list_shows(client, manager):
    own = location_with(ref="MINE", name="Managed", latitude=51.5, longitude=-0.1)
    own.managers.add(manager)
    location_with(ref="THEIRS", name="Someone else's", latitude=52.5, longitude=-1.9)
    client.force_login(manager)

    # Managers read every location (they edit only their own), on the map as in the list.
    assert refs_on_map(client) == refs_listed(client.get("/locations/")) == ["MINE", "THEIRS"]


def test_map_points_cost_the_same_queries_for_five_or_sixty_locations(client, dispatcher, network):
    client.force_login(dispatcher)

    def queries_for_map():
        client.get("/locations/map.json")  # warm the session and permission caches of this client
        with CaptureQueriesContext(connection) as captured:
            answer = map_points(client, q="Store", network=network.pk)
        assert answer["points"]
        return len(captured)

    def add_locations(count):
        for _ in range(count):
            location = location_with(OFFICE, latitude=51.5, longitude=-0.1)
            LocationNetwork.objects.create(location=location, network=network)

    add_locations(5)
    with_five = queries_for_map()
    add_locations(55)
    with_sixty = queries_for_map()

    assert with_five == with_sixty


def test_list_page_costs_the_same_queries_for_five_or_sixty_locations(client, dispatcher, network):
    client.force_login(dispatcher)

    def queries_for_list():
        client.get("/locations/")  # warm the session and permission caches of this client
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/locations/", {"q": "Store"})
        assert response.status_code == 200
        return len(captured)

    def add_locations(count):
        for _ in range(count):
            location = location_with(OFFICE, latitude=51.5, longitude=-0.1)
            LocationNetwork.objects.create(location=location, network=network)

    add_locations(5)
    with_five = queries_for_list()
    add_locations(55)
    with_sixty = queries_for_list()

    assert with_five == with_sixty


# --- Detail -------------------------------------------------------------------------------------

def test_detail_shows_the_location_its_hours_networks_and_history(client, dispatcher, network, admin_user):
    location = location_with(
        OFFICE, ref="LDN-SOHO", name="Soho Store", street="12 Carnaby Street", city="London", postcode="W1F 9PS",
        country="United Kingdom", email="soho@example.com", support_phone="+44 20 7000 0000",
        time_zone="Europe/London", external_id="EXT-1", alternate_id="ALT1", directions="Side door on Ganton St.",
        home_delivery_safety_stock=4, pick_and_pack_time_limit=2,
    )
    other = location_with(ref="WH-DART", name="Dartford Warehouse", type=Location.Type.WAREHOUSE)
    LocationNetwork.objects.create(location=location, network=network, role=LocationNetwork.Role.MEMBER)
    LocationNetwork.objects.create(location=location, network=network, role=LocationNetwork.Role.CLICK_AND_COLLECT)
    StorageArea.objects.create(location=location, ref="BACK", name="Back room", type="BACK_ROOM")
    LocationAttribute.objects.create(location=location, name="parking", type="json", value={"spaces": 4})
    LocationEta.objects.create(from_location=other, to_location=location, minutes=95)
    OpeningHoursChange.objects.create(
        location=location, changed_by=admin_user, changed_via="Partner API (Acme)",
        before={**{d: [900, 1700] for d in DAYS}, "sat": [1000, 1600]},
        after={**{d: [900, 1700] for d in DAYS}, "sat": [0, 0]},
    )
    client.force_login(dispatcher)

    response = client.get(f"/locations/{location.pk}/")
    html = html_of(response)

    assert response.status_code == 200
    for text in ["Soho Store", "12 Carnaby Street", "W1F 9PS", "soho@example.com", "Europe/London", "EXT-1", "ALT1",
                 "Side door on Ganton St.", "2 hours", "Back room", "BACK_ROOM", "{&quot;spaces&quot;: 4}",
                 "Dartford Warehouse", "95", "UK Click &amp; Collect",
                 'title="Fluent: agentNetworks">Member<',
                 'title="Fluent: clickAndCollectNetworks">Click &amp; collect point<']:
        assert text in html, text
    # The week, today's row (in the location's zone) marked.
    assert html.count('class="is-today" aria-current="date"') == 1
    assert "09:00–17:00" in html
    assert re.search(r"Local time \d\d:\d\d \(Europe/London\)", html)
    # History: who, through what, only the changed day.
    history = html.split('id="history-heading"')[1]
    assert "admin" in history and "Partner API (Acme)" in history
    saturday = r'Saturday</span> <span class="before">10:00–16:00</span>.*?<span class="after">Closed</span>'
    assert re.search(saturday, history, re.S)
    assert "Monday" not in history
    assert f'href="/locations/{other.pk}/"' in html


def test_detail_says_open_or_closed_now(client, dispatcher):
    always = location_with(ALL_DAY, name="Always open")
    never = location_with(CLOSED, name="Never open")
    client.force_login(dispatcher)

    assert '<span class="pill pill-ok">Open now</span>' in html_of(client.get(f"/locations/{always.pk}/"))
    assert '<span class="pill pill-muted">Closed now</span>' in html_of(client.get(f"/locations/{never.pk}/"))


def test_detail_shows_the_local_time_of_the_location_not_of_the_server(client, dispatcher):
    sydney = location_with(ALL_DAY, name="Sydney", time_zone="Australia/Sydney")
    client.force_login(dispatcher)

    before = datetime.now(ZoneInfo("Australia/Sydney"))
    html = html_of(client.get(f"/locations/{sydney.pk}/"))
    after = datetime.now(ZoneInfo("Australia/Sydney"))

    assert any(f"Local time {t:%H:%M} (Australia/Sydney)" in html for t in (before, after))


def test_list_names_the_weekday_of_a_location_already_on_another_day(client, dispatcher, settings):
    settings.TIME_ZONE = "Pacific/Pago_Pago"  # UTC-11, the viewer; Kiritimati is UTC+14: always another day
    location_with(ALL_DAY, ref="FAR", name="Far east", time_zone="Pacific/Kiritimati")
    location_with(ALL_DAY, ref="NEAR", name="Near", time_zone="Pacific/Pago_Pago")
    client.force_login(dispatcher)

    rows = {row["location"].ref: row for row in client.get("/locations/").context["rows"]}

    assert rows["FAR"]["other_day"] is True and rows["NEAR"]["other_day"] is False
    far_day = datetime.now(ZoneInfo("Pacific/Kiritimati")).strftime("%a")
    assert f'<span class="muted">{far_day}</span> Open 24 hours' in html_of(client.get("/locations/"))


def test_detail_of_an_unknown_location_is_404(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get("/locations/999999/").status_code == 404


def test_edit_button_only_for_those_who_may_edit(client, dispatcher, manager, admin_user):
    own = location_with(name="Managed")
    own.managers.add(manager)
    other = location_with(name="Someone else's")

    def has_button(user, location):
        client.force_login(user)
        return "Edit opening hours" in html_of(client.get(f"/locations/{location.pk}/"))

    assert has_button(manager, own) is True
    assert has_button(manager, other) is False
    assert has_button(dispatcher, own) is False
    assert has_button(admin_user, other) is True


# --- Opening-hours editor -----------------------------------------------------------------------

@pytest.fixture
def managed(manager):
    location = location_with(OFFICE, ref="LDN-SOHO", name="Soho Store")
    location.managers.add(manager)
    return location


def test_editor_shows_the_week_as_it_is(client, manager, managed):
    client.force_login(manager)

    html = html_of(client.get(f"/locations/{managed.pk}/hours/"))

    assert 'type="time" name="mon-opens" value="09:00"' in html
    assert 'type="time" name="mon-closes" value="17:00"' in html
    assert 'name="sun-closed" id="id_sun-closed" checked' in html
    assert "Save opening hours" in html


def test_store_manager_saves_the_hours_of_their_location(client, manager, managed):
    client.force_login(manager)

    response = client.post(
        f"/locations/{managed.pk}/hours/", week_form(mon=("08:00", "20:00"), sat=("10:00", "16:00"), sun="closed")
    )

    assert response.status_code == 302 and response.url == f"/locations/{managed.pk}/"
    managed.refresh_from_db()
    assert (managed.mon_start, managed.mon_end) == (800, 2000)
    assert (managed.sat_start, managed.sat_end) == (1000, 1600)
    change = OpeningHoursChange.objects.get(location=managed)
    assert change.changed_by == manager and change.changed_via == EDITOR
    assert change.before["mon"] == [900, 1700] and change.after["mon"] == [800, 2000]
    assert change.before["sat"] == [0, 0] and change.after["sat"] == [1000, 1600]
    detail = html_of(client.get(response.url))
    assert "Opening hours of Soho Store saved." in detail
    assert "08:00–20:00" in detail and EDITOR in detail


def test_saving_unchanged_hours_records_nothing(client, manager, managed):
    client.force_login(manager)

    response = client.post(f"/locations/{managed.pk}/hours/", week_form(sat="closed", sun="closed"))

    assert response.status_code == 302
    assert not OpeningHoursChange.objects.exists()


def test_closed_and_24_hours_map_to_0_0_and_0_2400(client, manager, managed):
    client.force_login(manager)

    client.post(f"/locations/{managed.pk}/hours/", week_form(mon="closed", tue="24h", sat="24h", sun="closed"))

    managed.refresh_from_db()
    assert (managed.mon_start, managed.mon_end) == (0, 0)
    assert (managed.tue_start, managed.tue_end) == (0, 2400)
    assert (managed.sat_start, managed.sat_end) == (0, 2400)


def test_closing_at_00_00_means_midnight(client, manager, managed):
    client.force_login(manager)

    client.post(f"/locations/{managed.pk}/hours/", week_form(fri=("18:00", "00:00"), sat="closed", sun="closed"))

    managed.refresh_from_db()
    assert (managed.fri_start, managed.fri_end) == (1800, 2400)
    html = html_of(client.get(f"/locations/{managed.pk}/"))
    assert "18:00–24:00" in html


def test_a_wrong_day_is_shown_next_to_that_day_and_nothing_is_saved(client, manager, managed):
    client.force_login(manager)

    response = client.post(
        f"/locations/{managed.pk}/hours/", week_form(mon=("09:00", "08:00"), tue=("07:30", "19:30"), sun="closed")
    )
    html = html_of(response)

    assert response.status_code == 200
    assert "Closing time 08:00 is before opening time 09:00 on Monday." in day_errors_html(html, "mon")
    assert day_errors_html(html, "tue") == ""
    assert "Nothing was saved" in html
    # The input is kept as typed, including the days that were right.
    assert 'name="mon-closes" value="08:00"' in html and 'name="tue-opens" value="07:30"' in html
    assert 'name="sun-closed" id="id_sun-closed" checked' in html
    assert 'aria-invalid="true" aria-describedby="mon-errors"' in html
    managed.refresh_from_db()
    assert (managed.mon_start, managed.mon_end, managed.tue_start) == (900, 1700, 900)
    assert not OpeningHoursChange.objects.exists()


def test_every_wrong_day_gets_its_own_message(client, manager, managed):
    client.force_login(manager)

    response = client.post(
        f"/locations/{managed.pk}/hours/",
        week_form(mon=("10:00", "10:00"), wed=("", "17:00"), thu="closed", fri=("bad", "17:00")),
    )
    html = html_of(response)
    data = week_form(thu="closed")
    data.update({"thu-all_day": "on"})
    both = html_of(client.post(f"/locations/{managed.pk}/hours/", data))

    assert "both 10:00 on Monday; mark the day closed instead" in day_errors_html(html, "mon")
    assert "Give an opening and a closing time for Wednesday" in day_errors_html(html, "wed")
    assert "Enter a valid time." in day_errors_html(html, "fri")
    assert "Choose either Closed or 24 hours for Thursday, not both." in day_errors_html(both, "thu")
    managed.refresh_from_db()
    assert (managed.mon_start, managed.thu_start, managed.thu_end) == (900, 900, 1700)


def test_store_manager_may_not_edit_another_location(client, manager, managed):
    other = location_with(OFFICE, name="Not theirs")
    client.force_login(manager)

    assert client.get(f"/locations/{other.pk}/hours/").status_code == 403
    assert client.post(f"/locations/{other.pk}/hours/", week_form()).status_code == 403
    other.refresh_from_db()
    assert other.sat_end == 0 and not OpeningHoursChange.objects.exists()


def test_dispatcher_may_not_edit_hours(client, dispatcher, managed):
    client.force_login(dispatcher)

    assert client.get(f"/locations/{managed.pk}/hours/").status_code == 403
    assert client.post(f"/locations/{managed.pk}/hours/", week_form()).status_code == 403
    assert not OpeningHoursChange.objects.exists()


def test_editor_needs_a_signed_in_user(client, managed):
    response = client.get(f"/locations/{managed.pk}/hours/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_administrator_edits_any_location(client, admin_user, managed):
    client.force_login(admin_user)

    assert client.get(f"/locations/{managed.pk}/hours/").status_code == 200
    response = client.post(f"/locations/{managed.pk}/hours/", week_form(sun="24h"))

    assert response.status_code == 302
    change = OpeningHoursChange.objects.get(location=managed)
    assert change.changed_by == admin_user and change.after["sun"] == [0, 2400]


def test_manager_made_by_the_command_role_edits_only_listed_locations(client):
    """The Role group plus Location.managers decide, as create_staff_user sets them."""
    user = UserFactory(username="mia", role=Role.MANAGER)
    mine, theirs = location_with(name="Mine"), location_with(name="Theirs")
    mine.managers.add(user)
    client.force_login(user)

    assert client.get(f"/locations/{mine.pk}/hours/").status_code == 200
    assert client.get(f"/locations/{theirs.pk}/hours/").status_code == 403
