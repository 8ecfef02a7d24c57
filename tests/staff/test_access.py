"""Staff sign-in, roles, lockout, CSRF and the security headers."""
import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/", "/system/"])
def test_pages_need_a_signed_in_user(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_login_page_shows_username_and_password_fields(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_sign_in_reaches_the_dashboard(client, dispatcher):
    response = login(client, "dispatcher1")

    assert response.status_code == 302 and response.url == "/"
    page = client.get("/").content.decode()
    assert "Dashboard" in page and "dispatcher1" in page


def test_wrong_password_shows_the_error_on_the_form(client, dispatcher):
    response = login(client, "dispatcher1", "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_dispatcher_cannot_open_admin_only_pages(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get("/system/").status_code == 403
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin.url.startswith("/admin/login/")


def test_store_manager_cannot_open_admin_only_pages(client, manager):
    client.force_login(manager)

    assert client.get("/system/").status_code == 403


def test_administrator_opens_system_and_admin(admin_client):
    assert admin_client.get("/system/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_navigation_lists_every_main_page(client, dispatcher):
    client.force_login(dispatcher)
    html = client.get("/").content.decode()

    for label in ["Dashboard", "Batches", "New batch", "Jobs", "New job", "Locations"]:
        assert f">{label}<" in html
    assert ">System<" not in html  # administrators only


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, dispatcher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "dispatcher1", "wrong").status_code == 200
    assert login(client, "dispatcher1", "wrong").status_code == 429  # the limit-th failure locks

    response = login(client, "dispatcher1")

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, dispatcher, settings):
    UserFactory(username="other")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dispatcher1", "wrong")

    assert login(client, "other").status_code == 302


def test_login_without_csrf_token_is_refused(dispatcher):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/accounts/login/", {"username": "dispatcher1", "password": PASSWORD})

    assert response.status_code == 403


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_sign_out_is_a_post_and_ends_the_session(client, dispatcher):
    client.force_login(dispatcher)

    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302


def test_role_groups_carry_their_permissions():
    dispatchers = Group.objects.get(name="Dispatchers")
    managers = Group.objects.get(name="Store managers")

    assert set(dispatchers.permissions.values_list("codename", flat=True)) == {
        "view_location", "view_batch", "add_batch", "change_batch", "submit_batch",
        "view_job", "add_job", "change_job", "book_job"}
    assert set(managers.permissions.values_list("codename", flat=True)) == {"view_location", "edit_opening_hours"}
