import pytest

from dispatch_portal.staff.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_dispatcher_signs_in_and_reaches_the_dashboard(live_server, page, screenshot):
    UserFactory(username="dana", role=Role.DISPATCHER)

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    screenshot("login")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").is_visible()
    assert "dana" in page.locator(".whoami").inner_text()
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy
    assert screenshot("dashboard").stat().st_size > 0


def test_wrong_password_shows_the_error_in_the_browser(live_server, page, screenshot):
    UserFactory(username="dana", role=Role.DISPATCHER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("nope")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("alert").is_visible()
    assert "correct username and password" in page.get_by_role("alert").inner_text()
    screenshot("login-error")
