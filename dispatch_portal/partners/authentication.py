from oauth2_provider.contrib.rest_framework import OAuth2Authentication


class PartnerOAuth2Authentication(OAuth2Authentication):
    """A bearer token of a deactivated partner client stops working at once, not at expiry."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        partner = getattr(result[1].application, "partner", None)
        if partner is None or not partner.is_active:
            return None  # → 401, as for any token that is no longer valid
        return result
