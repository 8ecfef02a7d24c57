"""Tell drf-spectacular that our partner authentication is django-oauth-toolkit's OAuth2."""
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme


class PartnerOAuth2Scheme(DjangoOAuthToolkitScheme):
    target_class = "dispatch_portal.partners.authentication.PartnerOAuth2Authentication"
