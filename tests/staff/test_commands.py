"""create_staff_user, ensure_admin and load_demo_data (CONTRACT §1, §3)."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from locations.models import Location
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def groups_of(username):
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_create_staff_user_dispatcher():
    call_command("create_staff_user", "--username", "dee", "--password", "pw-dee-123", "--role", "dispatcher")

    user = User.objects.get(username="dee")
    assert groups_of("dee") == ["Dispatchers"]
    assert user.check_password("pw-dee-123")
    assert not user.is_staff  # the Django admin is for administrators


def test_create_staff_user_manager_gets_only_the_listed_locations():
    LocationFactory(ref="A1")
    LocationFactory(ref="B2")
    LocationFactory(ref="C3")

    call_command("create_staff_user", "--username", "mo", "--password", "pw", "--role", "manager", "--locations", "A1,B2")

    user = User.objects.get(username="mo")
    assert groups_of("mo") == ["Store managers"]
    assert sorted(user.managed_locations.values_list("ref", flat=True)) == ["A1", "B2"]


def test_create_staff_user_updates_an_existing_user_role_and_password():
    call_command("create_staff_user", "--username", "sam", "--password", "one", "--role", "dispatcher")
    LocationFactory(ref="A1")

    call_command("create_staff_user", "--username", "sam", "--password", "two", "--role", "manager", "--locations", "A1")

    assert groups_of("sam") == ["Store managers"]
    assert User.objects.get(username="sam").check_password("two")
    assert User.objects.filter(username="sam").count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--username", "x", "--password", "p", "--role", "manager", "--locations", "NOPE"], "unknown location"),
        (["--username", "x", "--password", "p", "--role", "dispatcher", "--locations", "A1"], "manager role only"),
        (["--username", "x", "--password", "", "--role", "dispatcher"], "--password"),
        (["--username", "x", "--password", "p", "--role", "boss"], "invalid choice"),
    ],
)
def test_create_staff_user_refuses_bad_input_and_saves_nothing(args, message):
    LocationFactory(ref="A1")

    with pytest.raises(CommandError, match=message):
        call_command("create_staff_user", *args)
    assert not User.objects.filter(username="x").exists()


def test_create_staff_user_refuses_a_ref_that_two_retailers_use():
    LocationFactory(ref="SAME", retailer="1")
    LocationFactory(ref="SAME", retailer="2")

    with pytest.raises(CommandError, match="several retailers"):
        call_command("create_staff_user", "--username", "m", "--password", "p", "--role", "manager", "--locations", "SAME")


def test_manager_has_no_django_admin_access(client):
    LocationFactory(ref="A1")
    call_command("create_staff_user", "--username", "mgr", "--password", "p", "--role", "manager", "--locations", "A1")
    client.force_login(User.objects.get(username="mgr"))

    response = client.get("/admin/locations/location/")

    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_ensure_admin_creates_then_resets_the_superuser_password():
    call_command("ensure_admin", "--username", "admin", "--password", "first")
    call_command("ensure_admin", "--username", "admin", "--password", "second")

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("second")


def test_load_demo_data_is_idempotent():
    call_command("load_demo_data")
    counts = (Location.objects.count(), User.objects.count())

    call_command("load_demo_data")

    assert (Location.objects.count(), User.objects.count()) == counts
    assert Location.objects.filter(type=Location.Type.WAREHOUSE).exists()
    assert groups_of("manager") == ["Store managers"]
    assert User.objects.get(username="manager").managed_locations.count() == 2
