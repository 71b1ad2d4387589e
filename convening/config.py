"""Configuration read from the environment, so one build runs in development, tests and production."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the app safely."""


def database_url(raw: str | None, instance_path: Path) -> str:
    """Return a SQLAlchemy URL; PostgreSQL URLs are pointed at psycopg 3."""
    if not raw:
        return f"sqlite:///{instance_path / 'convening.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _development_secret(instance_path: Path) -> str:
    """Keep one random key per checkout so development sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(environ: os._Environ[str] | dict[str, str], instance_path: Path) -> dict[str, object]:
    """Build the Flask config mapping; refuses to start production without a SECRET_KEY."""
    env = environ.get("CONVENING_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"CONVENING_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    secret = environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random string, for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, or set "
                "CONVENING_ENV=development to run locally."
            )
        secret = _development_secret(instance_path) if env == "development" else secrets.token_urlsafe(32)

    redis_url = environ.get("REDIS_URL") or None
    smtp_port = int(environ.get("SMTP_PORT") or 587)
    return {
        "CONVENING_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Public address used in emails when there is no request to take it from.
        "PUBLIC_URL": (environ.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "SMTP_HOST": environ.get("SMTP_HOST") or None,
        "SMTP_PORT": smtp_port,
        "SMTP_USERNAME": environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD") or None,
        "SMTP_SECURITY": (
            environ.get("SMTP_SECURITY") or ("ssl" if smtp_port == 465 else "starttls")
        ).lower(),
        "SMTP_TIMEOUT": float(environ.get("SMTP_TIMEOUT") or 10),
        "MAIL_FROM": environ.get("MAIL_FROM") or "Convening <no-reply@convening.invalid>",
        # In tests, jobs run where they are enqueued so outcomes can be asserted right after the request.
        "JOBS_EAGER": _flag(environ.get("JOBS_EAGER"), default=env == "testing"),
        "RATELIMIT_ENABLED": _flag(environ.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": environ.get("LOGIN_RATE_LIMIT") or "10 per minute;50 per hour",
        "REGISTRATION_RATE_LIMIT": environ.get("REGISTRATION_RATE_LIMIT") or "20 per minute;200 per hour",
        # How many reverse proxies stand in front (their X-Forwarded-For/-Proto are then trusted).
        "PROXY_COUNT": int(environ.get("PROXY_COUNT") or 0),
        "SESSION_COOKIE_SECURE": _flag(environ.get("SESSION_COOKIE_SECURE"), default=env == "production"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # A registration form left open over lunch must still submit.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }
