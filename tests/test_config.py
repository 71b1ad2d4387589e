"""Configuration comes from the environment, and production refuses to start without its secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from convening.config import ConfigError, database_url, from_environment


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        from_environment({}, tmp_path)
    config = from_environment({"SECRET_KEY": "s" * 40}, tmp_path)
    assert config["SECRET_KEY"] == "s" * 40
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["TESTING"] is False


def test_development_keeps_one_generated_key_per_checkout(tmp_path: Path) -> None:
    first = from_environment({"CONVENING_ENV": "development"}, tmp_path)["SECRET_KEY"]
    second = from_environment({"CONVENING_ENV": "development"}, tmp_path)["SECRET_KEY"]
    assert first == second
    assert len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_an_unknown_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CONVENING_ENV must be one of"):
        from_environment({"CONVENING_ENV": "staging"}, tmp_path)


def test_database_url_defaults_to_sqlite_under_instance_and_uses_psycopg(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'convening.sqlite3'}"
    assert database_url("postgres://u:p@db/convening", tmp_path) == "postgresql+psycopg://u:p@db/convening"
    assert database_url("postgresql://u@db/c", tmp_path) == "postgresql+psycopg://u@db/c"
    assert database_url("postgresql+psycopg://u@db/c", tmp_path) == "postgresql+psycopg://u@db/c"


def test_redis_moves_rate_limits_off_the_process(tmp_path: Path) -> None:
    base = {"CONVENING_ENV": "testing"}
    assert from_environment(base, tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
    with_redis = from_environment({**base, "REDIS_URL": "redis://127.0.0.1:6379/0"}, tmp_path)
    assert with_redis["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_smtp_security_follows_the_port(tmp_path: Path) -> None:
    base = {"CONVENING_ENV": "testing", "SMTP_HOST": "mail.example.org"}
    assert from_environment({**base, "SMTP_PORT": "465"}, tmp_path)["SMTP_SECURITY"] == "ssl"
    assert from_environment(base, tmp_path)["SMTP_SECURITY"] == "starttls"
    assert from_environment({**base, "SMTP_SECURITY": "none"}, tmp_path)["SMTP_SECURITY"] == "none"
