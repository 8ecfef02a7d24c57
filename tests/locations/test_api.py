"""Fluent-compatible Location API v4.1 (CONTRACT §4, ../shared/spec/fluent-location-api-v4.1.txt)."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from locations.models import (
    Location,
    LocationAttribute,
    LocationEta,
    LocationNetwork,
    OpeningHoursChange,
    StorageArea,
)
from tests.factories import LocationFactory
from tests.locations.conftest import BASE

pytestmark = pytest.mark.django_db

BOX = {"northEastLat": 1, "northEastLon": 1, "southWestLat": -1, "southWestLon": -1}
WEEK_0900_1800 = {f"{day}{edge}Min": value for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                  for edge, value in (("Start", "0900"), ("End", "1800"))}
# The document's POST example, verbatim, plus the latitude/longitude the contract asks for.
DOCUMENT_POST_BODY = {
    "locationRef": "Tes92909",
    "status": "ACTIVE",
    "name": "Test User",
    "email": "test@parcelpoint.com.au",
    "supportPhone": "123-567",
    "type": "STORE",
    "timeZone": "Australia/Sydney",
    "homeDeliverySafetyStock": None,
    "clickAndCollectSafetyStock": None,
    "directions": "directions to a location",
    "address": {
        "city": "Sydney",
        "country": "Australia",
        "postcode": "2000",
        "state": "NSW",
        "street": "46 kippax street",
        "latitude": -33.8688,
        "longitude": 151.2093,
    },
    "openingHours": WEEK_0900_1800,
    "storageAreas": ["AAA", "BBB"],
    "agentNetworks": ["1221", "4234"],
}


def minimal_body(**changes) -> dict:
    return {"locationRef": "NEW1", "name": "New Store", "type": "STORE", **changes}


def messages(response) -> list[str]:
    body = response.json()
    assert set(body) == {"errors"}
    assert all(error["code"] == str(response.status_code) for error in body["errors"])
    return [error["message"] for error in body["errors"]]


def names(response) -> list[str]:
    return [result["name"] for result in response.json()["results"]]


def link(location, network, role=LocationNetwork.Role.MEMBER):
    return LocationNetwork.objects.create(location=location, network=network, role=role)


# --- list: shape, order, paging ---------------------------------------------------------------
def test_list_result_has_the_documented_shape(api, networks):
    location = LocationFactory(
        ref="F_GFD", name="FC Fashion Imperial Centre Gosford", city="Gosford", state="NSW", country="Australia",
        street="171 Mann St", postcode="2250", latitude=-33.41933105522871, longitude=151.34394556084268,
        mon_start=900, mon_end=1800, support_phone="02 4321 0000",
    )
    link(location, networks["cc"])
    link(location, networks["hd"], LocationNetwork.Role.INVENTORY_HOME_DELIVERY)

    response = api.get()

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("start", "count", "hasMore")} == {"start": 0, "count": 1, "hasMore": False}
    assert body["results"] == [{
        "locationId": str(location.pk),
        "locationRef": "F_GFD",
        "alternateId": None,
        "name": "FC Fashion Imperial Centre Gosford",
        "city": "Gosford",
        "state": "NSW",
        "country": "Australia",
        "street": "171 Mann St",
        "postcode": "2250",
        "status": "ACTIVE",
        "type": "STORE",
        "createdOn": location.created_on.date().isoformat(),
        "latitude": -33.41933105522871,
        "longitude": 151.34394556084268,
        "homeDeliverySafetyStock": None,
        "clickAndCollectSafetyStock": None,
        "distance": None,
        "phoneNumber": "02 4321 0000",
        "openingHours": {
            "mon": {"start": 900, "end": 1800},
            **{day: {"start": 0, "end": 0} for day in ("tue", "wed", "thu", "fri", "sat", "sun")},
        },
        "networkName": ["FC Click & Collect", "FC Home Delivery"],
        "directions": None,
    }]


def test_list_is_sorted_by_name(api):
    for name in ("Charlie", "Alpha", "Bravo"):
        LocationFactory(name=name)

    assert names(api.get()) == ["Alpha", "Bravo", "Charlie"]


def test_list_start_defaults_to_zero_and_is_echoed(api):
    for name in ("A", "B", "C"):
        LocationFactory(name=name)

    assert api.get().json()["start"] == 0
    body = api.get(start=1).json()
    assert (body["start"], names_of(body)) == (1, ["B", "C"])


def names_of(body) -> list[str]:
    return [result["name"] for result in body["results"]]


def test_list_network_names_belong_to_each_result_of_a_later_page(api, networks):
    link(LocationFactory(name="A"), networks["cc"])
    link(LocationFactory(name="B"), networks["hd"])
    c = LocationFactory(name="C")
    link(c, networks["cp"])
    link(c, networks["cp"], LocationNetwork.Role.CLICK_AND_COLLECT)  # two roles, one name

    results = api.get(start=1).json()["results"]

    assert [(r["name"], r["networkName"]) for r in results] == [
        ("B", ["FC Home Delivery"]), ("C", ["FC Collection Points"])]


def test_list_count_is_the_number_of_results_returned(api):
    for name in ("A", "B", "C"):
        LocationFactory(name=name)

    body = api.get(count=2).json()

    assert (body["count"], names_of(body)) == (2, ["A", "B"])


def test_list_count_zero_returns_no_results_but_says_more_exist(api):
    LocationFactory()

    body = api.get(count=0).json()

    assert (body["count"], body["results"], body["hasMore"]) == (0, [], True)


def test_list_has_more_when_a_further_page_exists(api):
    for name in ("A", "B", "C"):
        LocationFactory(name=name)

    assert api.get(count=2).json()["hasMore"] is True
    assert api.get(count=3).json()["hasMore"] is False
    assert api.get(start=2, count=1).json()["hasMore"] is False


def test_list_count_of_exactly_10000_is_accepted(api):
    LocationFactory()

    response = api.get(count=10000)

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_list_count_over_10000_is_400(api):
    response = api.get(count=10001)

    assert response.status_code == 400
    assert messages(response) == ["count: must be at most 10000"]


@pytest.mark.parametrize("param", ["start", "count"])
def test_list_negative_start_or_count_is_400(api, param):
    response = api.get(**{param: -1})

    assert response.status_code == 400
    assert messages(response) == [f"{param}: must be 0 or more"]


@pytest.mark.parametrize("param", ["start", "count", "northEastLat", "southWestLon"])
def test_list_non_numeric_parameter_is_400_naming_it(api, param):
    response = api.get(**{**BOX, param: "ten"})

    assert response.status_code == 400
    assert messages(response)[0].startswith(f"{param}: 'ten' is not a")


def test_list_reports_every_bad_parameter_at_once(api):
    response = api.get(start="x", count=20000, agentStatuses="OPEN")

    assert response.status_code == 400
    assert [m.split(":")[0] for m in messages(response)] == ["agentStatuses", "start", "count"]


# --- list: filters ------------------------------------------------------------------------------
def test_list_filter_retailer_id(api):
    LocationFactory(name="Retailer one", retailer="1")
    LocationFactory(name="Retailer two", retailer="2")

    assert names(api.get(retailerId="2")) == ["Retailer two"]


def test_list_partner_bound_to_a_retailer_sees_only_its_locations(fluent_client):
    LocationFactory(name="Retailer one", retailer="1")
    LocationFactory(name="Retailer two", retailer="2")

    assert names(fluent_client(retailer="2").get()) == ["Retailer two"]


def test_list_retailer_id_filter_cannot_widen_a_bound_partner(fluent_client):
    LocationFactory(name="Retailer one", retailer="1")
    partner = fluent_client(retailer="2")

    response = partner.get(retailerId="1")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("network", ["FC Click & Collect", "F_CC"])
def test_list_filter_agent_network_by_name_or_ref(api, networks, network):
    member = LocationFactory(name="Member")
    link(member, networks["cc"])
    link(LocationFactory(name="Elsewhere"), networks["hd"])
    LocationFactory(name="In no network")

    assert names(api.get(agentNetwork=network)) == ["Member"]


@pytest.mark.parametrize("types", [["CC", "HD"], ["CC,HD"], ["cc, hd"]])
def test_list_filter_agent_network_types_repeated_or_comma_separated(api, networks, types):
    link(LocationFactory(name="Click"), networks["cc"])
    link(LocationFactory(name="Home"), networks["hd"])
    link(LocationFactory(name="Point"), networks["cp"])

    assert names(api.get(agentNetworkTypes=types)) == ["Click", "Home"]


def test_list_unknown_agent_network_type_is_400(api):
    response = api.get(agentNetworkTypes="XX")

    assert response.status_code == 400
    assert messages(response) == ["agentNetworkTypes: 'XX' is not one of CP, CC, HD"]


@pytest.mark.parametrize("statuses", [["INACTIVE"], ["ACTIVE", "INACTIVE"], ["ACTIVE,INACTIVE"]])
def test_list_filter_agent_statuses(api, statuses):
    LocationFactory(name="Open", status="ACTIVE")
    LocationFactory(name="Shut", status="INACTIVE")

    expected = ["Shut"] if statuses == ["INACTIVE"] else ["Open", "Shut"]
    assert names(api.get(agentStatuses=statuses)) == expected


def test_list_query_matches_ref_or_name_case_insensitively(api):
    LocationFactory(ref="SYD-PITT", name="Pitt Street")
    LocationFactory(ref="MEL-1", name="Sydney Road Store")
    LocationFactory(ref="BNE-1", name="Brisbane")

    assert names(api.get(query="syd")) == ["Pitt Street", "Sydney Road Store"]
    assert names(api.get(query="BRISB")) == ["Brisbane"]


def test_list_bounding_box_keeps_locations_inside_it(api):
    LocationFactory(name="Inside", latitude=0.5, longitude=0.5)
    LocationFactory(name="North of it", latitude=2, longitude=0)
    LocationFactory(name="East of it", latitude=0, longitude=2)
    LocationFactory(name="Without coordinates")

    assert names(api.get(**BOX)) == ["Inside"]


def test_list_bounding_box_crossing_the_antimeridian(api):
    LocationFactory(name="East of 180", latitude=0, longitude=179.5)
    LocationFactory(name="West of 180", latitude=0, longitude=-179.5)
    LocationFactory(name="Greenwich", latitude=0, longitude=0)

    response = api.get(northEastLat=10, northEastLon=-179, southWestLat=-10, southWestLon=179)

    assert names(response) == ["East of 180", "West of 180"]
    assert [r["distance"] for r in response.json()["results"]] == [55598, 55598]


def test_list_distance_is_metres_from_the_centre_of_the_box(api):
    LocationFactory(name="Half a degree east", latitude=0, longitude=0.5)

    (result,) = api.get(**BOX).json()["results"]

    assert result["distance"] == 55598  # 0.5° of the equator (mean Earth radius)


def test_list_bounding_box_needs_all_four_corners(api):
    response = api.get(northEastLat=1, northEastLon=1, southWestLat=-1)

    assert response.status_code == 400
    assert messages(response) == [
        "southWestLon: required when any corner of the map area is given (give all four or none)"
    ]


@pytest.mark.parametrize("corner, value", [("northEastLat", 91), ("southWestLon", -181)])
def test_list_bounding_box_corner_out_of_range_is_400(api, corner, value):
    response = api.get(**{**BOX, corner: value})

    assert response.status_code == 400
    assert messages(response)[0].startswith(f"{corner}: must be between")


def test_list_runs_the_same_number_of_queries_for_5_and_200_locations(api, networks):
    def add(count: int, offset: int) -> None:
        created = Location.objects.bulk_create(
            [Location(ref=f"Q{offset + i:05d}", name=f"Store {offset + i:05d}") for i in range(count)]
        )
        LocationNetwork.objects.bulk_create(
            [LocationNetwork(location=location, network=net) for location in created
             for net in (networks["cc"], networks["hd"])]
        )

    add(5, 0)
    api.get(count=200)  # warm-up
    with CaptureQueriesContext(connection) as five:
        small = api.get(count=200)
    add(195, 5)
    with CaptureQueriesContext(connection) as two_hundred:
        large = api.get(count=200)

    assert (small.json()["count"], large.json()["count"]) == (5, 200)
    assert all(len(r["networkName"]) == 2 for r in large.json()["results"])
    assert len(two_hundred.captured_queries) == len(five.captured_queries)


# --- detail, attributes, storage areas ----------------------------------------------------------
def test_detail_has_the_documented_shape(api, networks):
    location = LocationFactory(
        ref="SHA108", name="Seed Heritage Wintergarden", email="customercare@seedheritage.com",
        support_phone="07 3012 7749", time_zone="Australia/Queensland", pick_and_pack_time_limit=15,
        home_delivery_safety_stock=2, click_and_collect_safety_stock=0,
        business_name="Seed", address_name="Wintergarden",
        street="TENANCY QSM 101A QUEENS ST MALL", city="Brisbane", state="QLD", postcode="4000", country="Australia",
        latitude=-27.469712, longitude=153.02568, alternate_id="ALT1", external_id="EXT-9", directions="Level 2",
        **{f"{day}_{edge}": value for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
           for edge, value in (("start", 900), ("end", 1000))},
    )
    link(location, networks["cc"])
    link(location, networks["hd"], LocationNetwork.Role.INVENTORY_HOME_DELIVERY)
    link(location, networks["cc"], LocationNetwork.Role.INVENTORY_CLICK_AND_COLLECT)
    StorageArea.objects.create(location=location, ref="SC1", name="Service counter", type="SERVICE_COUNTER",
                               external_id="12345")
    LocationAttribute.objects.create(location=location, name="Order code 2", type="string", value="124")
    warehouse = LocationFactory(name="Warehouse")
    LocationEta.objects.create(from_location=warehouse, to_location=location, minutes=45)

    response = api.get(f"/{location.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "locationId": str(location.pk),
        "locationRef": "SHA108",
        "alternateId": "ALT1",
        "externalId": "EXT-9",
        "retailerId": "1",
        "status": "ACTIVE",
        "name": "Seed Heritage Wintergarden",
        "email": "customercare@seedheritage.com",
        "supportPhone": "07 3012 7749",
        "type": "STORE",
        "timeZone": "Australia/Queensland",
        "pickAndPackTimeLimit": 15,
        "homeDeliverySafetyStock": 2,
        "clickAndCollectSafetyStock": 0,
        "agentNetworks": ["1221"],
        "clickAndCollectNetworks": [],
        "useInventoryForHomeDelivery": ["4234"],
        "useInventoryForClickAndCollect": ["1221"],
        "address": {
            "businessName": "Seed", "name": "Wintergarden", "street": "TENANCY QSM 101A QUEENS ST MALL",
            "city": "Brisbane", "state": "QLD", "postcode": "4000", "country": "Australia",
            "latitude": "-27.469712", "longitude": "153.02568",
        },
        "openingHours": {
            **{f"{day}{edge}Min": value for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
               for edge, value in (("Start", "900"), ("End", "1000"))},
            "allHours": False,
        },
        "storageAreas": [{"ref": "SC1", "name": "Service counter", "externalId": "12345", "status": "ENABLED",
                          "type": "SERVICE_COUNTER", "attributes": []}],
        "attributes": [{"name": "Order code 2", "type": "string", "value": "124"}],
        "etas": [{"fromLocation": warehouse.pk, "toLocation": location.pk, "eta": 45}],
        "directions": "Level 2",
        "createdOn": location.created_on.date().isoformat(),
    }


def test_detail_all_hours_is_true_when_open_24_hours_every_day(api):
    location = LocationFactory(**{f"{day}_end": 2400 for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})

    hours = api.get(f"/{location.pk}").json()["openingHours"]

    assert hours["allHours"] is True
    assert (hours["monStartMin"], hours["monEndMin"]) == ("0", "2400")


def test_detail_of_an_unknown_location_is_404_in_the_errors_shape(api):
    response = api.get("/999999")

    assert response.status_code == 404
    assert messages(response) == ["Object of type [Agent] was not found using id : [999999]"]


def test_detail_of_another_retailers_location_is_404(fluent_client):
    location = LocationFactory(retailer="1")

    assert fluent_client(retailer="2").get(f"/{location.pk}").status_code == 404


def test_detail_leaves_out_etas_to_locations_the_partner_cannot_see(fluent_client):
    mine, theirs = LocationFactory(retailer="2"), LocationFactory(retailer="1")
    LocationEta.objects.create(from_location=theirs, to_location=mine, minutes=10)

    assert fluent_client(retailer="2").get(f"/{mine.pk}").json()["etas"] == []


def test_attributes_of_a_location(api):
    location = LocationFactory()
    address = {"Address 1": "46, Kipax Street", "Suburb": "Surry Hills", "Post code": "2010", "State": "NSW"}
    LocationAttribute.objects.create(location=location, name="Safety instructions", type="string", value="Wear gear")
    LocationAttribute.objects.create(location=location, name="Address", type="address", value=address)

    response = api.get(f"/{location.pk}/attribute")

    assert response.status_code == 200
    assert response.json() == {
        "locationId": str(location.pk),
        "attributes": [
            {"name": "Address", "type": "address", "value": address},
            {"name": "Safety instructions", "type": "string", "value": "Wear gear"},
        ],
    }


def test_attributes_of_an_unknown_location_is_404(api):
    assert api.get("/999999/attribute").status_code == 404


def test_attributes_of_another_retailers_location_is_404(fluent_client):
    location = LocationFactory(retailer="1")

    assert fluent_client(retailer="2").get(f"/{location.pk}/attribute").status_code == 404


@pytest.mark.parametrize("ref_or_name", ["SC1", "Service counter"])
def test_storage_area_by_ref_or_name(api, ref_or_name):
    location = LocationFactory()
    StorageArea.objects.create(
        location=location, ref="SC1", name="Service counter", type="SERVICE_COUNTER", external_id="12345",
        attributes=[{"name": "toTime", "type": None, "value": "2016-11-28 16:30:22"}],
    )

    response = api.get(f"/{location.pk}/storageArea/{ref_or_name}")

    assert response.status_code == 200
    assert response.json() == {
        "ref": "SC1", "name": "Service counter", "externalId": "12345", "status": "ENABLED",
        "type": "SERVICE_COUNTER", "attributes": [{"name": "toTime", "type": None, "value": "2016-11-28 16:30:22"}],
    }


def test_storage_area_not_at_the_location_is_404(api):
    location = LocationFactory()
    StorageArea.objects.create(location=LocationFactory(), ref="SC1", name="Elsewhere")

    response = api.get(f"/{location.pk}/storageArea/SC1")

    assert response.status_code == 404
    assert messages(response) == [f"Storage area 'SC1' was not found at location {location.pk}"]


def test_storage_area_of_another_retailers_location_is_404(fluent_client):
    location = LocationFactory(retailer="1")
    StorageArea.objects.create(location=location, ref="SC1", name="Counter")

    assert fluent_client(retailer="2").get(f"/{location.pk}/storageArea/SC1").status_code == 404


# --- authentication and scopes ------------------------------------------------------------------
def test_no_token_is_401_in_the_errors_shape(db):
    response = Client().get(BASE)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert messages(response) == ["Invalid user, Authorization header value does not belong to a valid user"]


def test_unknown_token_is_401(db):
    response = Client(headers={"Authorization": "Bearer not-a-token"}).post(
        BASE, json.dumps(minimal_body()), content_type="application/json"
    )

    assert response.status_code == 401
    assert Location.objects.count() == 0


def test_view_only_token_cannot_post(fluent_client):
    response = fluent_client(scopes=["LOCATION_VIEW"]).post(minimal_body())

    assert response.status_code == 403
    assert messages(response) == ["Forbidden: this operation needs the LOCATION_CREATE permission"]
    assert Location.objects.count() == 0


def test_view_only_token_cannot_put(fluent_client):
    location = LocationFactory(name="Before")

    response = fluent_client(scopes=["LOCATION_VIEW"]).put(f"/{location.pk}", {"name": "After"})

    assert response.status_code == 403
    location.refresh_from_db()
    assert location.name == "Before"


def test_view_only_token_cannot_put_etas(fluent_client):
    a, b = LocationFactory(), LocationFactory()

    response = fluent_client(scopes=["LOCATION_VIEW"]).put("/eta", {"etas": [
        {"fromLocation": a.pk, "toLocation": b.pk, "eta": 5}]})

    assert response.status_code == 403


def test_create_scope_allows_post(fluent_client):
    response = fluent_client(scopes=["LOCATION_CREATE"]).post(minimal_body())

    assert response.status_code == 200
    assert Location.objects.filter(ref="NEW1").exists()


def test_create_only_token_cannot_read(fluent_client):
    assert fluent_client(scopes=["LOCATION_CREATE"]).get().status_code == 403


def test_edit_scope_allows_put(fluent_client):
    location = LocationFactory(name="Before")

    response = fluent_client(scopes=["LOCATION_EDIT"]).put(f"/{location.pk}", {"name": "After"})

    assert response.status_code == 200
    location.refresh_from_db()
    assert location.name == "After"


def test_edit_only_token_cannot_post(fluent_client):
    assert fluent_client(scopes=["LOCATION_EDIT"]).post(minimal_body()).status_code == 403


# --- POST -----------------------------------------------------------------------------------------
def test_post_the_documents_example_body_creates_the_location(api, networks):
    response = api.post(DOCUMENT_POST_BODY)

    assert response.status_code == 200
    location = Location.objects.get(ref="Tes92909")
    assert response.json() == {"id": str(location.pk)}
    assert (location.retailer, location.status, location.name, location.email, location.support_phone) == (
        "1", "ACTIVE", "Test User", "test@parcelpoint.com.au", "123-567")
    assert (location.type, location.time_zone, location.pick_and_pack_time_limit) == ("STORE", "Australia/Sydney", 3)
    assert (location.home_delivery_safety_stock, location.click_and_collect_safety_stock) == (None, None)
    assert location.directions == "directions to a location"
    assert (location.street, location.city, location.state, location.postcode, location.country) == (
        "46 kippax street", "Sydney", "NSW", "2000", "Australia")
    assert (location.latitude, location.longitude) == (-33.8688, 151.2093)
    assert location.hours_snapshot() == {day: [900, 1800] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert list(location.storage_areas.values_list("ref", "name")) == [("AAA", "AAA"), ("BBB", "BBB")]
    assert sorted(location.network_links.values_list("network_id", "role")) == [(1221, "MEMBER"), (4234, "MEMBER")]


def test_post_records_the_opening_hours_as_a_change_by_the_api_client(api):
    response = api.post(minimal_body(openingHours={"monStartMin": "0900", "monEndMin": "1700"}))

    change = OpeningHoursChange.objects.get(location_id=int(response.json()["id"]))
    assert change.changed_via == f"API client {api.name}"
    assert (change.before["mon"], change.after["mon"], change.after["tue"]) == ([0, 0], [900, 1700], [0, 0])


@pytest.mark.parametrize("start", ["0900", "900", 900, "09:00"])
def test_post_accepts_each_form_of_opening_time(api, start):
    response = api.post(minimal_body(openingHours={"monStartMin": start, "monEndMin": 1800}))

    assert response.status_code == 200, response.json()
    location = Location.objects.get(ref="NEW1")
    assert (location.mon_start, location.mon_end) == (900, 1800)


def test_post_accepts_opening_hours_in_the_list_form(api):
    hours = {day: {"start": 800, "end": 2000} for day in ("mon", "tue", "wed", "thu", "fri")}
    hours["sat"] = {"start": 0, "end": 0}

    response = api.post(minimal_body(openingHours=hours))

    assert response.status_code == 200
    location = Location.objects.get(ref="NEW1")
    assert location.hours_snapshot()["fri"] == [800, 2000]
    assert location.hours_snapshot()["sat"] == [0, 0]


def test_post_all_hours_opens_every_day_around_the_clock(api):
    response = api.post(minimal_body(openingHours={"allHours": True}))

    assert response.status_code == 200
    assert Location.objects.get(ref="NEW1").all_hours is True


def test_post_fills_the_documented_defaults(api):
    response = api.post(minimal_body())

    assert response.status_code == 200
    location = Location.objects.get(ref="NEW1")
    assert (location.retailer, location.status, location.time_zone, location.pick_and_pack_time_limit) == (
        "1", "ACTIVE", "Europe/London", 3)
    assert location.hours_snapshot()["mon"] == [0, 0]


def test_post_accepts_storage_areas_as_objects_attributes_and_every_network_role(api, networks):
    body = minimal_body(
        storageAreas=[{"ref": "SC1", "name": "Service counter", "type": "SERVICE_COUNTER", "status": "DISABLED",
                       "externalId": "12345", "attributes": [{"name": "toTime", "type": None, "value": "16:30"}]}],
        attributes=[{"name": "Location code 1", "type": "string", "value": "G334"}],
        agentNetworks=[1221], clickAndCollectNetworks=["1221"], useInventoryForHomeDelivery=["4234"],
        useInventoryForClickAndCollect=[5000],
    )

    assert api.post(body).status_code == 200
    location = Location.objects.get(ref="NEW1")
    area = location.storage_areas.get()
    assert (area.ref, area.name, area.type, area.status, area.external_id) == (
        "SC1", "Service counter", "SERVICE_COUNTER", "DISABLED", "12345")
    assert area.attributes == [{"name": "toTime", "type": None, "value": "16:30"}]
    assert list(location.attributes.values_list("name", "type", "value")) == [("Location code 1", "string", "G334")]
    assert sorted(location.network_links.values_list("network_id", "role")) == [
        (1221, "CC"), (1221, "MEMBER"), (4234, "INV_HD"), (5000, "INV_CC")]


@pytest.mark.parametrize("stock, stored", [(5, 5), ("7", 7), (None, None), ("NULL", None)])
def test_post_safety_stock_takes_a_number_or_null(api, stock, stored):
    assert api.post(minimal_body(homeDeliverySafetyStock=stock)).status_code == 200
    assert Location.objects.get(ref="NEW1").home_delivery_safety_stock == stored


def test_post_takes_latitude_and_longitude_as_numeric_strings(api):
    body = minimal_body(address={"latitude": "-27.469712", "longitude": "153.02568"})

    assert api.post(body).status_code == 200
    location = Location.objects.get(ref="NEW1")
    assert (location.latitude, location.longitude) == (-27.469712, 153.02568)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"openingHours": {"monStartMin": "0900", "monEndMin": "0800"}},
         "openingHours.monEndMin: Closing time 08:00 is before opening time 09:00 on Monday."),
        ({"openingHours": {"monStartMin": "0960", "monEndMin": "1800"}},
         "openingHours.monStartMin: '0960' is not a time of day (00:00 to 24:00)"),
        ({"openingHours": {"tue": {"start": 900, "end": 800}}},
         "openingHours.tue.end: Closing time 08:00 is before opening time 09:00 on Tuesday."),
        ({"locationRef": "ABCDEFGHI"}, "locationRef: at most 8 characters (got 9)"),
        ({"timeZone": "Mars/Olympus"}, "timeZone: “Mars/Olympus” is not a time zone name such as Europe/London."),
        ({"type": "SHOP"}, "type: 'SHOP' is not one of STORE, WAREHOUSE"),
        ({"status": "OPEN"}, "status: 'OPEN' is not one of ACTIVE, INACTIVE"),
        ({"address": {"latitude": 95, "longitude": 0}}, "address.latitude: must be between -90 and 90"),
        ({"address": {"latitude": "north", "longitude": 0}}, "address.latitude: 'north' is not a number"),
        ({"address": {"latitude": 10}}, "address.longitude: Give both latitude and longitude, or neither."),
        ({"supportPhone": "0" * 21}, "supportPhone: at most 20 characters (got 21)"),
        ({"email": "not-an-email"}, "email: Enter a valid email address."),
        ({"pickAndPackTimeLimit": 0}, "pickAndPackTimeLimit: must be between 1 and 32767"),
        ({"homeDeliverySafetyStock": -1}, "homeDeliverySafetyStock: must be between 0 and 2147483647"),
        ({"agentNetworks": ["1221", "4235"]}, "agentNetworks[1]: no network with id 4235"),
        ({"agentNetworks": ["7000"]}, "agentNetworks[0]: no network with id 7000"),  # retailer 2's network
        ({"agentNetworks": ["abc"]}, "agentNetworks[0]: 'abc' is not a network id"),
        ({"storageAreas": ["AAA", {"ref": "AAA", "name": "Again"}]},
         "storageAreas[1].ref: 'AAA' appears more than once"),
        ({"attributes": [{"type": "string", "value": 1}]}, "attributes[0].name: required"),
        ({"name": None}, "name: must not be null"),
    ],
)
def test_post_invalid_body_is_400_naming_the_field_and_saves_nothing(api, networks, changes, message):
    response = api.post(minimal_body(**changes))

    assert response.status_code == 400
    assert messages(response) == [message]
    assert Location.objects.count() == 0
    assert OpeningHoursChange.objects.count() == 0


def test_post_without_required_fields_lists_each(api):
    response = api.post({"status": "ACTIVE"})

    assert response.status_code == 400
    assert messages(response) == ["locationRef: required", "name: required", "type: required"]


def test_post_reports_every_problem_in_one_response(api):
    body = minimal_body(locationRef="ABCDEFGHI", address={"latitude": 95, "longitude": 0}, timeZone="Mars/Olympus",
                        openingHours={"monStartMin": "0900", "monEndMin": "0800"})

    response = api.post(body)

    assert response.status_code == 400
    assert sorted(m.split(":")[0] for m in messages(response)) == [
        "address.latitude", "locationRef", "openingHours.monEndMin", "timeZone"]


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_post_body_that_is_not_a_json_object_is_400(api, body):
    response = api.post(body)

    assert response.status_code == 400
    assert messages(response) == ["body: must be a JSON object"]


def test_post_invalid_json_is_400(api):
    response = api.post('{"locationRef": ')

    assert response.status_code == 400
    assert messages(response)[0].startswith("JSON parse error")
    assert Location.objects.count() == 0


def test_post_form_encoded_body_is_415_in_the_errors_shape(api):
    response = api.http.post(BASE, {"locationRef": "NEW1"})

    assert response.status_code == 415
    assert messages(response)[0].startswith("Unsupported media type")


def test_post_duplicate_location_ref_for_the_same_retailer_is_400(api):
    LocationFactory(ref="NEW1", retailer="1")

    response = api.post(minimal_body())

    assert response.status_code == 400
    assert messages(response) == ["locationRef: a location with ref 'NEW1' already exists"]
    assert Location.objects.count() == 1


def test_post_same_location_ref_for_another_retailer_is_allowed(api):
    LocationFactory(ref="NEW1", retailer="2")

    assert api.post(minimal_body()).status_code == 200


def test_post_by_a_bound_partner_creates_in_its_retailer(fluent_client):
    response = fluent_client(retailer="2").post(minimal_body())

    assert response.status_code == 200
    assert Location.objects.get(ref="NEW1").retailer == "2"


def test_post_by_a_bound_partner_for_another_retailer_is_400(fluent_client):
    response = fluent_client(retailer="2").post(minimal_body(retailerId="1"))

    assert response.status_code == 400
    assert messages(response) == ["retailerId: this client may only use retailer '2'"]
    assert Location.objects.count() == 0


def test_post_by_an_unbound_partner_may_name_the_retailer(api):
    assert api.post(minimal_body(retailerId=2)).status_code == 200
    assert Location.objects.get(ref="NEW1").retailer == "2"


# --- PUT ------------------------------------------------------------------------------------------
def test_put_keeps_the_fields_absent_from_the_body(api):
    location = LocationFactory(ref="KEEP1", name="Before", email="shop@example.com", city="Leeds", latitude=53.8,
                               longitude=-1.5, mon_start=900, mon_end=1700, tue_start=1000, tue_end=1600)

    response = api.put(f"/{location.pk}", {"name": "After", "address": {"city": "York"},
                                           "openingHours": {"monEndMin": "1800"}})

    assert response.status_code == 200
    assert response.json() == {"id": str(location.pk)}
    location.refresh_from_db()
    assert (location.name, location.ref, location.email) == ("After", "KEEP1", "shop@example.com")
    assert (location.city, location.latitude, location.longitude) == ("York", 53.8, -1.5)
    assert (location.mon_start, location.mon_end, location.tue_start, location.tue_end) == (900, 1800, 1000, 1600)


def test_put_records_the_opening_hours_change_with_before_and_after(api):
    location = LocationFactory(mon_start=900, mon_end=1700)

    api.put(f"/{location.pk}", {"openingHours": {"monStartMin": "1000", "monEndMin": "1800"}})

    change = OpeningHoursChange.objects.get(location=location)
    assert (change.before["mon"], change.after["mon"]) == ([900, 1700], [1000, 1800])
    assert change.changed_via == f"API client {api.name}"


def test_put_without_opening_hours_records_no_change(api):
    location = LocationFactory(mon_start=900, mon_end=1700)

    api.put(f"/{location.pk}", {"name": "Renamed"})

    assert not OpeningHoursChange.objects.exists()


def test_put_replaces_lists_whole(api, networks):
    location = LocationFactory()
    StorageArea.objects.create(location=location, ref="OLD", name="Old")
    StorageArea.objects.create(location=location, ref="G1", name="Kept", type="BACK_ROOM")
    LocationAttribute.objects.create(location=location, name="Old attribute", value="x")
    link(location, networks["cc"])
    link(location, networks["hd"], LocationNetwork.Role.INVENTORY_HOME_DELIVERY)

    response = api.put(f"/{location.pk}", {
        "storageAreas": ["G1", "G2"],
        "attributes": [{"name": "Location code 1", "type": "string", "value": "G334"}],
        "agentNetworks": ["5000"],
    })

    assert response.status_code == 200
    assert list(location.storage_areas.values_list("ref", "name")) == [("G1", "G1"), ("G2", "G2")]
    assert list(location.attributes.values_list("name", flat=True)) == ["Location code 1"]
    assert sorted(location.network_links.values_list("network_id", "role")) == [(4234, "INV_HD"), (5000, "MEMBER")]


def test_put_invalid_body_is_400_and_changes_nothing(api):
    location = LocationFactory(name="Before", mon_start=900, mon_end=1700)

    response = api.put(f"/{location.pk}", {"name": "After", "address": {"latitude": 95, "longitude": 0},
                                           "openingHours": {"monStartMin": "1000"}})

    assert response.status_code == 400
    assert messages(response) == ["address.latitude: must be between -90 and 90"]
    location.refresh_from_db()
    assert (location.name, location.mon_start) == ("Before", 900)
    assert not OpeningHoursChange.objects.exists()


def test_put_a_detail_response_back_changes_nothing(api, networks):
    location = LocationFactory(latitude=51.5, longitude=-0.1, mon_start=900, mon_end=1700, email="a@example.com")
    link(location, networks["cc"])
    StorageArea.objects.create(location=location, ref="SC1", name="Counter")
    LocationAttribute.objects.create(location=location, name="Code", value={"a": 1}, type="address")
    detail = api.get(f"/{location.pk}").json()

    response = api.put(f"/{location.pk}", detail)

    assert response.status_code == 200, response.json()
    assert api.get(f"/{location.pk}").json() == detail
    assert not OpeningHoursChange.objects.exists()


def test_put_location_ref_taken_by_another_location_is_400(api):
    LocationFactory(ref="TAKEN")
    location = LocationFactory(ref="MINE")

    response = api.put(f"/{location.pk}", {"locationRef": "TAKEN"})

    assert response.status_code == 400
    assert messages(response) == ["locationRef: a location with ref 'TAKEN' already exists"]


def test_put_cannot_move_a_location_to_another_retailer(api):
    location = LocationFactory(retailer="1")

    response = api.put(f"/{location.pk}", {"retailerId": "2"})

    assert response.status_code == 400
    assert messages(response)[0].startswith("retailerId: ")


def test_put_unknown_location_is_404(api):
    assert api.put("/999999", {"name": "X"}).status_code == 404


def test_put_another_retailers_location_is_404(fluent_client):
    location = LocationFactory(retailer="1", name="Before")

    response = fluent_client(retailer="2").put(f"/{location.pk}", {"name": "After"})

    assert response.status_code == 404
    location.refresh_from_db()
    assert location.name == "Before"


# --- PUT /eta -------------------------------------------------------------------------------------
def test_put_eta_creates_and_updates_by_pair(api):
    a, b, c = LocationFactory(), LocationFactory(), LocationFactory()
    LocationEta.objects.create(from_location=a, to_location=b, minutes=99)

    response = api.put("/eta", {"etas": [{"fromLocation": a.pk, "toLocation": b.pk, "eta": 45},
                                         {"fromLocation": str(c.pk), "toLocation": a.pk, "eta": 57}]})

    assert response.status_code == 200
    assert response.json() == {"updatedEtas": [{"fromLocation": a.pk, "toLocation": b.pk, "eta": 45},
                                               {"fromLocation": c.pk, "toLocation": a.pk, "eta": 57}]}
    assert sorted(LocationEta.objects.values_list("from_location", "to_location", "minutes")) == sorted(
        [(a.pk, b.pk, 45), (c.pk, a.pk, 57)])
    assert api.get(f"/{a.pk}").json()["etas"] == [
        {"fromLocation": a.pk, "toLocation": b.pk, "eta": 45}, {"fromLocation": c.pk, "toLocation": a.pk, "eta": 57}]


def test_put_eta_reports_an_unknown_location_in_failed_etas_and_applies_the_rest(api):
    a, b = LocationFactory(), LocationFactory()

    response = api.put("/eta", {"etas": [{"fromLocation": a.pk, "toLocation": b.pk, "eta": 45},
                                         {"fromLocation": 8977, "toLocation": b.pk, "eta": 10}]})

    assert response.status_code == 200
    assert response.json() == {
        "updatedEtas": [{"fromLocation": a.pk, "toLocation": b.pk, "eta": 45}],
        "failedEtas": [{"fromLocation": 8977, "toLocation": b.pk,
                        "error": "Object of type [Agent] was not found using id : [8977]"}],
    }
    assert LocationEta.objects.count() == 1


def test_put_eta_treats_another_retailers_location_as_unknown(fluent_client):
    mine, theirs = LocationFactory(retailer="2"), LocationFactory(retailer="1")

    response = fluent_client(retailer="2").put("/eta", {"etas": [
        {"fromLocation": mine.pk, "toLocation": theirs.pk, "eta": 5}]})

    assert response.json()["failedEtas"][0]["error"] == f"Object of type [Agent] was not found using id : [{theirs.pk}]"
    assert not LocationEta.objects.exists()


@pytest.mark.parametrize("eta, error", [(-1, "eta: must be between 0 and 2147483647"),
                                        ("soon", "eta: 'soon' is not a whole number")])
def test_put_eta_that_is_not_a_whole_number_of_minutes_fails(api, eta, error):
    a, b = LocationFactory(), LocationFactory()

    response = api.put("/eta", {"etas": [{"fromLocation": a.pk, "toLocation": b.pk, "eta": eta}]})

    assert response.json() == {"updatedEtas": [],
                               "failedEtas": [{"fromLocation": a.pk, "toLocation": b.pk, "error": error}]}


def test_put_eta_from_a_location_to_itself_fails(api):
    a = LocationFactory()

    response = api.put("/eta", {"etas": [{"fromLocation": a.pk, "toLocation": a.pk, "eta": 5}]})

    assert response.json()["failedEtas"][0]["error"] == "toLocation: must differ from fromLocation"


def test_put_eta_without_an_etas_list_is_400(api):
    response = api.put("/eta", {"eta": []})

    assert response.status_code == 400
    assert messages(response) == ["etas: required: a list of {fromLocation, toLocation, eta}"]


# --- routing and schema ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/abc", "/12/unknown", "/12/storageArea"])
def test_unknown_path_under_the_api_is_404_in_the_errors_shape(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert messages(response) == [f"No such resource: {BASE}{path}"]


def test_method_not_allowed_is_405_in_the_errors_shape(api):
    location = LocationFactory()

    response = api.http.delete(f"{BASE}/{location.pk}")

    assert response.status_code == 405
    assert messages(response) == ['Method "DELETE" not allowed.']
    assert Location.objects.filter(pk=location.pk).exists()


def test_openapi_schema_documents_every_location_endpoint(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert {
        ("/api/v4.1/location", "get"),
        ("/api/v4.1/location", "post"),
        ("/api/v4.1/location/{location_id}", "get"),
        ("/api/v4.1/location/{location_id}", "put"),
        ("/api/v4.1/location/{location_id}/attribute", "get"),
        ("/api/v4.1/location/{location_id}/storageArea/{storage_area_ref}", "get"),
        ("/api/v4.1/location/eta", "put"),
    } <= operations
    assert schema["paths"]["/api/v4.1/location"]["post"]["security"] == [{"oauth2": ["LOCATION_CREATE"]}]
    assert schema["paths"]["/api/v4.1/location/eta"]["put"]["security"] == [{"oauth2": ["LOCATION_EDIT"]}]
