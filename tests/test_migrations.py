"""The schema is made by migrations alone, and they agree with the models on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from convening.extensions import db


def _differences(app: Flask) -> list[object]:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_schema_the_models_describe(app: Flask) -> None:
    assert _differences(app) == []
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"convenings", "ticket_types", "registrations", "outbox_messages", "alembic_version"} <= tables


def test_migrations_go_down_to_nothing_and_back_up(app: Flask) -> None:
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert _differences(app) == []
