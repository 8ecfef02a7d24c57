"""django-oauth-toolkit hooks: scopes are granted per partner client."""
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes


def _granted(application) -> list[str]:
    partner = getattr(application, "partner", None)
    if partner is None or not partner.is_active:
        return []
    return partner.scope_list


class PartnerClientScopes(SettingsScopes):
    """A client may ask for the scopes it was granted; asking for none gives all of them."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return _granted(application) if application is not None else super().get_available_scopes()

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return _granted(application) if application is not None else []


class PartnerOAuth2Validator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        # A deactivated partner client (or a bare OAuth application) cannot get tokens.
        return super().authenticate_client(request, *args, **kwargs) and bool(_granted(request.client))
