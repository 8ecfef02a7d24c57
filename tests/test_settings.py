"""Settings are read from the environment (CONTRACT §2); production refuses unsafe defaults.

Each case imports the settings in a fresh interpreter with a controlled environment, as a
server would at start-up.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "Zq8#pL2!vX9@rT4$wY7%uB1^nM6&cE3*"


def clean_env(**overrides) -> dict:
    """This process's environment without any portal variable, plus the overrides."""
    portal_vars = {
        "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "PUBLIC_BASE_URL",
        "CALLBACK_SECRET", "SANDBOX_ENABLED", "PORT", "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    } | {f"{c}_{k}" for c in ("LOCATE2U", "LINETEN") for k in ("TOKEN_URL", "BASE_URL", "CLIENT_ID", "CLIENT_SECRET")}
    env = {k: v for k, v in os.environ.items() if k not in portal_vars}
    env.update(overrides)
    return env


def read_settings(module: str, **env) -> subprocess.CompletedProcess:
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({k: getattr(s, k) for k in ['SECRET_KEY','DEBUG','ALLOWED_HOSTS','PUBLIC_BASE_URL',"
        "'CALLBACK_SECRET','SANDBOX_ENABLED','CELERY_BROKER_URL','LOCATE2U_TOKEN_URL','LOCATE2U_BASE_URL',"
        "'LOCATE2U_CLIENT_ID','LOCATE2U_CLIENT_SECRET','LINETEN_TOKEN_URL','LINETEN_BASE_URL','LINETEN_CLIENT_ID',"
        "'LINETEN_CLIENT_SECRET']} | {'DB': s.DATABASES['default']}, default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE=module, **env),
    )


def test_every_contract_variable_is_read_from_the_environment(tmp_path):
    result = read_settings(
        "dispatch_portal.settings.base",
        SECRET_KEY="s3cret",
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.com,.example.org",
        DATABASE_URL="postgres://u:p@db.example.com:5433/portal",
        CELERY_BROKER_URL="redis://cache.example.com:6380/2",
        PUBLIC_BASE_URL="https://portal.example.com/",
        CALLBACK_SECRET="cb",
        SANDBOX_ENABLED="false",
        LOCATE2U_TOKEN_URL="https://id.locate2u.com/connect/token",
        LOCATE2U_BASE_URL="https://integration.locate2u.com/",
        LOCATE2U_CLIENT_ID="l2u-id",
        LOCATE2U_CLIENT_SECRET="l2u-secret",
        LINETEN_TOKEN_URL="https://auth.lineten.example/token",
        LINETEN_BASE_URL="https://api.lineten.example",
        LINETEN_CLIENT_ID="l10-id",
        LINETEN_CLIENT_SECRET="l10-secret",
    )
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)

    assert s["SECRET_KEY"] == "s3cret"
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["portal.example.com", ".example.org"]
    assert s["DB"]["ENGINE"] == "django.db.backends.postgresql"
    assert (s["DB"]["HOST"], s["DB"]["PORT"], s["DB"]["NAME"], s["DB"]["USER"]) == ("db.example.com", 5433, "portal", "u")
    assert s["CELERY_BROKER_URL"] == "redis://cache.example.com:6380/2"
    assert s["PUBLIC_BASE_URL"] == "https://portal.example.com"
    assert s["CALLBACK_SECRET"] == "cb"
    assert s["SANDBOX_ENABLED"] is False
    assert s["LOCATE2U_TOKEN_URL"] == "https://id.locate2u.com/connect/token"
    assert s["LOCATE2U_BASE_URL"] == "https://integration.locate2u.com"
    assert (s["LOCATE2U_CLIENT_ID"], s["LOCATE2U_CLIENT_SECRET"]) == ("l2u-id", "l2u-secret")
    assert s["LINETEN_TOKEN_URL"] == "https://auth.lineten.example/token"
    assert s["LINETEN_BASE_URL"] == "https://api.lineten.example"
    assert (s["LINETEN_CLIENT_ID"], s["LINETEN_CLIENT_SECRET"]) == ("l10-id", "l10-secret")


def test_defaults_need_no_server(tmp_path):
    result = read_settings("dispatch_portal.settings.base", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)

    assert s["DEBUG"] is True
    assert s["DB"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DB"]["NAME"] == str(tmp_path / "portal.sqlite3")
    assert "journal_mode=WAL" in s["DB"]["OPTIONS"]["init_command"]
    assert s["CELERY_BROKER_URL"] == "filesystem://"
    assert s["SANDBOX_ENABLED"] is True
    assert s["LOCATE2U_BASE_URL"].startswith("http://127.0.0.1:8000/sandbox/")
    assert s["LINETEN_TOKEN_URL"].startswith("http://127.0.0.1:8000/sandbox/")


PRODUCTION_ENV = {
    "SECRET_KEY": STRONG_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "portal.example.com",
    "CALLBACK_SECRET": "a-long-random-callback-secret",
}


@pytest.mark.parametrize(
    "override, refusal",
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SANDBOX_ENABLED": "true"}, "sandboxes must be off"),
        ({"CALLBACK_SECRET": ""}, "CALLBACK_SECRET must be set"),
    ],
)
def test_production_settings_refuse_unsafe_values(override, refusal, tmp_path):
    env = PRODUCTION_ENV | {"VAR_DIR": str(tmp_path)} | override
    env = {k: v for k, v in env.items() if v != ""}  # "" means: leave the variable unset

    result = read_settings("dispatch_portal.settings.production", **env)

    assert result.returncode != 0
    assert refusal in result.stderr


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE="dispatch_portal.settings.production", VAR_DIR=str(tmp_path), **PRODUCTION_ENV),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
