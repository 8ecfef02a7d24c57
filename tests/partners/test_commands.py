"""create_partner_client (CONTRACT §3)."""
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dispatch_portal.partners.models import PartnerClient

pytestmark = pytest.mark.django_db


def test_create_partner_client_prints_only_the_credentials_json(capsys):
    call_command(
        "create_partner_client", "--name", "Shop", "--scopes", "integrations-api LOCATION_VIEW", "--customer", "C1",
        "--retailer", "7",
    )

    out = capsys.readouterr().out
    credentials = json.loads(out)
    assert set(credentials) == {"client_id", "client_secret"}
    client = PartnerClient.objects.get(application__client_id=credentials["client_id"])
    assert client.scope_list == ["integrations-api", "LOCATION_VIEW"]
    assert client.customer.reference == "C1"
    assert client.retailer == "7"


def test_customer_reference_is_known_from_its_first_use_on(capsys):
    call_command("create_partner_client", "--name", "A", "--scopes", "integrations-api", "--customer", "SHARED")
    call_command("create_partner_client", "--name", "B", "--scopes", "integrations-api", "--customer", "SHARED")

    customers = {c.customer_id for c in PartnerClient.objects.all()}
    assert len(customers) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "X", "--scopes", "NOPE"], "unknown scope"),
        (["--name", "X", "--scopes", ""], "at least one"),
        (["--name", " ", "--scopes", "LOCATION_VIEW"], "--name"),
        (["--name", "X", "--scopes", "integrations-api"], "--customer is required"),
    ],
)
def test_create_partner_client_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_partner_client", *args)
    assert not PartnerClient.objects.exists()


def test_bad_input_exits_non_zero_with_the_error_on_stderr(settings):
    result = subprocess.run(
        [sys.executable, "manage.py", "create_partner_client", "--name", "X", "--scopes", "BAD"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )

    assert result.returncode != 0
    assert result.stdout == ""
    assert "unknown scope" in result.stderr
