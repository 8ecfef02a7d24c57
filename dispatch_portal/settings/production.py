"""Production settings: the base settings, hardened, refusing the development defaults."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import CALLBACK_SECRET, DEBUG, DEV_CALLBACK_SECRET, DEV_SECRET_KEY, SECRET_KEY, env

SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)
PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)

_refusals = []
if DEBUG:
    _refusals.append("DEBUG must be off (DEBUG=false)")
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    _refusals.append("SECRET_KEY must be set to a random value of 50 characters or more")
if SANDBOX_ENABLED:
    _refusals.append("the carrier sandboxes must be off (SANDBOX_ENABLED=false)")
if CALLBACK_SECRET == DEV_CALLBACK_SECRET:
    _refusals.append("CALLBACK_SECRET must be set (carriers call back on a URL that contains it)")
if _refusals:
    raise ImproperlyConfigured("Production settings refuse to start: " + "; ".join(_refusals) + ".")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
