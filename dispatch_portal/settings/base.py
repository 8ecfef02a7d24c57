"""Settings for every environment, read from the environment with django-environ only.

The defaults are the development defaults: they run on a laptop with nothing installed
(SQLite in WAL mode, a file-system Celery broker, the carrier sandboxes). Production
(`dispatch_portal.settings.production`) imports these and refuses the unsafe defaults.
"""
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

# Defaults that production refuses (see production.py).
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
DEV_CALLBACK_SECRET = "dev-callback-secret"

SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
PORT = env.int("PORT", default=8000)
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
CALLBACK_SECRET = env.str("CALLBACK_SECRET", default=DEV_CALLBACK_SECRET)

# Where the development defaults keep their files (SQLite database, broker queue, beat schedule).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Carriers. Unset variables point at the built-in sandboxes. -------------------------------
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
SANDBOX_BASE_URL = f"{PUBLIC_BASE_URL}/sandbox"
LOCATE2U_TOKEN_URL = env.str("LOCATE2U_TOKEN_URL", default=f"{SANDBOX_BASE_URL}/locate2u/connect/token")
LOCATE2U_BASE_URL = env.str("LOCATE2U_BASE_URL", default=f"{SANDBOX_BASE_URL}/locate2u").rstrip("/")
LOCATE2U_CLIENT_ID = env.str("LOCATE2U_CLIENT_ID", default="sandbox-locate2u-client")
LOCATE2U_CLIENT_SECRET = env.str("LOCATE2U_CLIENT_SECRET", default="sandbox-locate2u-secret")
LINETEN_TOKEN_URL = env.str("LINETEN_TOKEN_URL", default=f"{SANDBOX_BASE_URL}/lineten/connect/token")
LINETEN_BASE_URL = env.str("LINETEN_BASE_URL", default=f"{SANDBOX_BASE_URL}/lineten").rstrip("/")
LINETEN_CLIENT_ID = env.str("LINETEN_CLIENT_ID", default="sandbox-lineten-client")
LINETEN_CLIENT_SECRET = env.str("LINETEN_CLIENT_SECRET", default="sandbox-lineten-secret")
# Sandbox behaviour. Faults are "key=value" lists, e.g. "error_rate=0.2,error_status=503,latency_ms=300,
# timeout_rate=0.1,token_ttl=60" (see deliveries/sandbox/faults.py).
SANDBOX_FAULTS_LOCATE2U = env.str("SANDBOX_FAULTS_LOCATE2U", default="")
SANDBOX_FAULTS_LINETEN = env.str("SANDBOX_FAULTS_LINETEN", default="")
SANDBOX_LOCATE2U_IMPORT_RATE = env.float("SANDBOX_LOCATE2U_IMPORT_RATE", default=20.0)  # stops per second
SANDBOX_LOCATE2U_STOP_STEP_SECONDS = env.float("SANDBOX_LOCATE2U_STOP_STEP_SECONDS", default=10.0)  # per stop status
SANDBOX_LINETEN_STEP_SECONDS = env.float("SANDBOX_LINETEN_STEP_SECONDS", default=10.0)  # per job status step
SANDBOX_LINETEN_QUOTE_TTL_SECONDS = env.int("SANDBOX_LINETEN_QUOTE_TTL_SECONDS", default=900)  # quotes expire
SANDBOX_LINETEN_CANCEL_METHODS = env.str("SANDBOX_LINETEN_CANCEL_METHODS", default="POST,PUT")  # spec vs sample

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "dispatch_portal.partners",
    "dispatch_portal.staff",
    "dispatch_portal.system",
    "locations",
    "deliveries",
    "deliveries.api",
    # The carrier stand-ins. Their tables always exist; their URLs only when SANDBOX_ENABLED.
    "deliveries.sandbox.locate2u",
    "deliveries.sandbox.lineten",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dispatch_portal.urls"
WSGI_APPLICATION = "dispatch_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dispatch_portal.staff.navigation.navigation",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat read while one of them writes; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Connections kept between requests: opening one cost more than a small request's own work (on
# SQLite, opening and closing a WAL database took 4 ms a request; make bench, callback intake).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One process needs no shared cache; several (gunicorn workers) should share one for the partner
# rate limits and the sandbox controls, e.g. CACHE_URL=redis://127.0.0.1:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Auth --------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockout: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Partner OAuth2 (client credentials) -------------------------------------------------------
PARTNER_SCOPES = {
    "integrations-api": "Locate2u-compatible Customer Integration API",
    "LOCATION_VIEW": "Read locations (Fluent Location API)",
    "LOCATION_CREATE": "Create locations (Fluent Location API)",
    "LOCATION_EDIT": "Edit locations (Fluent Location API)",
}
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 1800,
    "SCOPES": PARTNER_SCOPES,
    # Each client may ask only for the scopes granted to it (PartnerClient.scopes).
    "SCOPES_BACKEND_CLASS": "dispatch_portal.partners.oauth.PartnerClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "dispatch_portal.partners.oauth.PartnerOAuth2Validator",
    # The OAuth 2.0 Security BCP (RFC 9700): only client credentials are used here, tokens are
    # stored hashed and accepted only in the Authorization header.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# django-oauth-toolkit's models are swappable; naming them lets our migrations refer to them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dispatch_portal.partners.authentication.PartnerOAuth2Authentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dispatch Portal partner API",
    "DESCRIPTION": "Locate2u-compatible Customer Integration API and Fluent-compatible Location API v4.1. "
    "Get a token at POST /connect/token (OAuth2 client credentials).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Describe the partner token (django-oauth-toolkit) as the client-credentials flow it is.
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/connect/token",
    "OAUTH2_SCOPES": PARTNER_SCOPES,
}

# --- Maps ---------------------------------------------------------------------------------------
# Tile source for the location map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png. Empty: no
# tiles are fetched and the map shows its markers on a plain background.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# --- Security headers --------------------------------------------------------------------------
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if MAP_TILE_URL:
    # Allow the tile host (a {s} subdomain placeholder becomes a wildcard) and nothing more.
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# --- Internationalisation, static files --------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))  # collectstatic's output
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server: messages are files in VAR_DIR/broker, shared by every
    # process on this machine. Good for one laptop; use Redis for more.
    CELERY_BROKER_FOLDER = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
        # kombu looks for new files once a second by default, which caps a worker near two tasks a
        # second (make bench, callbacks applied); ten looks a second cost nothing measurable.
        "polling_interval": 0.1,
    }
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # results live in the database, not in a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "system-beat": {"task": "dispatch_portal.system.tasks.beat_tick", "schedule": 30.0},
    "outbox-sweep": {"task": "deliveries.tasks.outbox_sweep_due", "schedule": 15.0},
    "batches-follow-sweep": {"task": "deliveries.tasks.batches_follow_sweep", "schedule": 15.0},
    "lineten-events-sweep": {"task": "deliveries.tasks.lineten_events_apply", "schedule": 30.0},
    "locate2u-events-sweep": {"task": "deliveries.event_tasks.locate2u_events_sweep", "schedule": 15.0},
    "locate2u-subscription": {"task": "deliveries.event_tasks.locate2u_subscription_ensure", "schedule": 60.0},
    "partner-webhooks-sweep": {"task": "deliveries.partner_tasks.partner_webhooks_sweep", "schedule": 10.0},
}
# Task modules outside the apps' tasks.py, so every worker knows their tasks.
CELERY_IMPORTS = ["deliveries.event_tasks", "deliveries.partner_tasks"]

# --- Partner API -------------------------------------------------------------------------------
PARTNER_API_RATE_LIMIT = env.str("PARTNER_API_RATE_LIMIT", default="600/min")  # per partner client
# Partner webhook URLs on private addresses: allowed for the sandboxes and tests, refused in production.
PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS", default=SANDBOX_ENABLED)
if SANDBOX_ENABLED:
    # The sandboxes move their imports and jobs forward and send webhooks/callbacks on a tick.
    CELERY_BEAT_SCHEDULE["sandbox-locate2u-tick"] = {"task": "deliveries.sandbox.locate2u.tasks.sandbox_tick", "schedule": 5.0}
    CELERY_BEAT_SCHEDULE["sandbox-lineten-tick"] = {"task": "deliveries.sandbox.lineten.tasks.sandbox_tick", "schedule": 5.0}
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)  # a claimed call is re-offered after this

# --- Logging: one line per event on stderr; secrets never reach it (no request bodies here). ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
