from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from .models import Customer, PartnerClient, valid_scopes


class PartnerClientError(ValueError):
    pass


@dataclass(frozen=True)
class IssuedCredentials:
    client: PartnerClient
    client_secret: str  # the only moment the plain secret exists; stored hashed


def customer_for_reference(*, reference: str) -> Customer:
    customer, _ = Customer.objects.get_or_create(reference=reference)
    return customer


@transaction.atomic
def partner_client_create(
    *, name: str, scopes: list[str], customer_ref: str = "", retailer: str = "", email: str = ""
) -> IssuedCredentials:
    name = name.strip()
    if not name:
        raise PartnerClientError("--name must not be empty")
    if not scopes:
        raise PartnerClientError(f"--scopes must name at least one of: {' '.join(sorted(valid_scopes()))}")
    unknown = sorted(set(scopes) - valid_scopes())
    if unknown:
        raise PartnerClientError(
            f"unknown scope(s) {', '.join(unknown)}; valid scopes: {' '.join(sorted(valid_scopes()))}"
        )
    if "integrations-api" in scopes and not customer_ref:
        raise PartnerClientError("--customer is required with the integrations-api scope")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise PartnerClientError(f"--email {email!r} is not an email address") from exc
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save by django-oauth-toolkit
        hash_client_secret=True,
    )
    client = PartnerClient.objects.create(
        application=application,
        name=name,
        email=email,
        customer=customer_for_reference(reference=customer_ref) if customer_ref else None,
        retailer=retailer,
        scopes=" ".join(dict.fromkeys(scopes)),
    )
    return IssuedCredentials(client=client, client_secret=secret)
