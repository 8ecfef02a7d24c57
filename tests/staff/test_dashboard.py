import pytest

from dispatch_portal.staff.selectors import dashboard_tiles, recent_activity
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
ALL_DAY = {f"{d}_end": 2400 for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}


def test_locations_tile_counts_active_locations_open_now_and_links_to_the_filtered_list():
    LocationFactory(**ALL_DAY)
    LocationFactory(**ALL_DAY, status="INACTIVE")
    LocationFactory()  # closed every day

    tile = dashboard_tiles()[0]

    assert tile.value == 1
    assert "3 stores" in tile.detail and "1 inactive" in tile.detail
    assert tile.url == "/locations/?open_now=on"


def test_dashboard_queries_do_not_grow_with_data(django_assert_max_num_queries, dispatcher):
    for _ in range(30):
        LocationFactory(**ALL_DAY)

    with django_assert_max_num_queries(11):  # tiles: locations 2, staff, partners, batches, jobs; activity 5
        dashboard_tiles()
        recent_activity()


def test_recent_activity_shows_sign_ins_newest_first(client, dispatcher, manager):
    client.force_login(manager)
    client.force_login(dispatcher)

    texts = [a.text for a in recent_activity()]

    assert texts[:2] == ["dispatcher1 signed in", "manager1 signed in"]


def test_dashboard_shows_a_row_of_tiles_per_area(client, dispatcher):
    client.force_login(dispatcher)

    html = client.get("/").content.decode()

    for heading in ["Batches", "Courier jobs"]:
        assert f'class="tiles-heading">{heading}' in html
    for title in ["Locations open now", "Batches today", "Jobs booked today", "Job problems"]:
        assert title in html


def test_recent_activity_links_batches_and_jobs():
    from deliveries.demo import demo_batches_load, demo_jobs_load
    from locations.demo import demo_locations_load

    demo_locations_load()
    demo_batches_load()
    demo_jobs_load()

    urls = [a.url for a in recent_activity() if a.url]
    assert any(u.startswith("/batches/") for u in urls) and any(u.startswith("/jobs/") for u in urls)
