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


def test_upgrading_keeps_the_rows_of_tables_that_refer_to_rebuilt_ones(app: Flask) -> None:
    """SQLite rebuilds altered tables; the rows that point at them (a session's speakers) must survive."""
    with app.app_context():
        downgrade(revision="c934ee5ab611")  # before the program grew
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO convenings (id, slug, name, tagline, description, starts_on, ends_on, timezone, "
                "venue_name, venue_address, city, state, contact_email, seats_taken, created_at) VALUES "
                "(1, 'old', 'Old', '', '', '2027-06-15', '2027-06-17', 'America/Chicago', '', '', '', '', '',"
                " 0, '2026-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO program_sessions (id, convening_id, kind, title, description) "
                "VALUES (1, 1, 'keynote', 'Opening', '')"
            )
            connection.exec_driver_sql(
                "INSERT INTO speakers (id, convening_id, name, title, organization, bio) "
                "VALUES (1, 1, 'Héctor Ruiz', '', '', '')"
            )
            connection.exec_driver_sql(
                "INSERT INTO session_speakers (id, session_id, speaker_id, role, position) "
                "VALUES (1, 1, 1, 'keynote', 0)"
            )
        upgrade()
        with db.engine.connect() as connection:
            links = connection.exec_driver_sql("SELECT session_id, speaker_id FROM session_speakers").all()
            uid = connection.exec_driver_sql("SELECT uid FROM program_sessions").scalar_one()
    assert links == [(1, 1)]
    assert len(uid) == 36
    assert _differences(app) == []
