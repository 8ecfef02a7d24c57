from django.conf import settings
from django.db import models
from oauth2_provider.models import Application


class Customer(models.Model):
    """A customer of the delivery operation, known by its reference from its first use on.

    Partner clients act for one customer and see only its data; Locate2u calls it a team.
    """

    reference = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.name or self.reference

    @property
    def display_name(self) -> str:
        return self.name or self.reference


class PartnerClient(models.Model):
    """A partner's API credentials: an OAuth2 application plus what it may do and for whom."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="partner")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Contact address, shown by /v1/Discovery/User.")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="partner_clients")
    retailer = models.CharField(
        max_length=64, blank=True, help_text="When set, the client sees only this retailer's locations."
    )
    scopes = models.CharField(max_length=500, help_text="Space-separated scopes this client may request.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(scopes=""), name="partner_client_has_scopes"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


def valid_scopes() -> set[str]:
    return set(settings.PARTNER_SCOPES)
