"""Settings for the test suite: the base settings with a private scratch folder per run.

The scratch folder (VAR_DIR) is exported, so the Celery worker and live servers that tests
start as subprocesses share the test database file and the broker folder with the test run.
"""
import os
import tempfile

os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES, VAR_DIR  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: worker subprocesses must open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
