"""Convening: runs a national convening from first registration to the last badge scanned."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from convening import config, formatting
from convening.extensions import csrf, db, limiter, login_manager, migrate
from convening.uploads import apply_upload_limit
from convening.urls import RowIdConverter, SecretConverter, SlugConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    instance_path = Path(os.environ.get("CONVENING_INSTANCE_PATH") or ROOT / "instance")
    instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.from_environment(os.environ, instance_path))
    if overrides:
        app.config.from_mapping(overrides)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # WeasyPrint and its font tools narrate every step of a render at INFO.
        for chatty in ("weasyprint", "fontTools"):
            logging.getLogger(chatty).setLevel(logging.WARNING)

    from convening import models  # noqa: F401 - the whole schema, for Flask-Migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    app.before_request(apply_upload_limit)  # before the CSRF check reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    app.url_map.converters.update(slug=SlugConverter, secret=SecretConverter, int=RowIdConverter)
    _register_blueprints(app)
    _register_templates(app)
    _register_errors(app)
    _register_commands(app)
    app.after_request(_security_headers)
    if app.config["PROXY_COUNT"]:
        # Behind a TLS proxy: rate limits key on the client's address, and URLs know they are https.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, and WAL so the check-in page can read while a registration writes."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from convening.accounts import access  # noqa: F401 - registers the Flask-Login user loader
    from convening.accounts.console import bp as staff_users_bp
    from convening.accounts.views import bp as accounts_bp
    from convening.badges.console import bp as badges_console_bp
    from convening.checkin.console import bp as checkin_console_bp
    from convening.checkin.pairing import bp as checkin_pairing_bp
    from convening.checkin.views import bp as checkin_api_bp
    from convening.convenings.console import bp as convening_settings_bp
    from convening.convenings.views import bp as convenings_bp
    from convening.images.views import bp as images_bp
    from convening.jobs.views import bp as jobs_bp
    from convening.mail.console import bp as outbox_bp
    from convening.program.console import bp as program_console_bp
    from convening.program.grid_console import bp as program_grid_bp
    from convening.program.print_views import bp as agenda_print_bp
    from convening.program.speakers_console import bp as speakers_console_bp
    from convening.program.views import bp as program_bp
    from convening.registration.console import bp as registration_console_bp
    from convening.registration.imports_console import bp as registration_imports_bp
    from convening.registration.views import bp as registration_bp
    from convening.scheduling.console import bp as breakouts_console_bp
    from convening.scheduling.timetable_console import bp as timetable_console_bp
    from convening.scheduling.views import bp as workshops_bp
    from convening.sponsors.console import bp as sponsors_console_bp
    from convening.sponsors.views import bp as sponsors_bp
    from convening.staff.views import bp as staff_bp

    for blueprint in (
        convenings_bp,
        program_bp,
        agenda_print_bp,
        sponsors_bp,
        images_bp,
        registration_bp,
        accounts_bp,
        staff_bp,
        staff_users_bp,
        jobs_bp,
        registration_console_bp,
        registration_imports_bp,
        convening_settings_bp,
        outbox_bp,
        program_console_bp,
        program_grid_bp,
        speakers_console_bp,
        sponsors_console_bp,
        badges_console_bp,
        checkin_api_bp,
        checkin_console_bp,
        checkin_pairing_bp,
        workshops_bp,
        breakouts_console_bp,
        timetable_console_bp,
    ):
        app.register_blueprint(blueprint)


def _register_templates(app: Flask) -> None:
    from convening.convenings.services import sponsor_tiers
    from convening.forms import field_attributes
    from convening.images.views import image_url

    app.jinja_env.filters.update(
        money=formatting.money,
        date_range=formatting.date_range,
        local_datetime=formatting.local_datetime,
        clock=formatting.clock,
    )
    app.jinja_env.globals.update(
        sponsor_tiers=sponsor_tiers, field_attributes=field_attributes, image_url=image_url
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_template("errors/http.html", error=error), error.code

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/http.html", error=None), 500


def _register_commands(app: Flask) -> None:
    from convening.accounts.cli import users_cli
    from convening.badges.cli import badges_cli
    from convening.checkin.cli import stations_cli
    from convening.convenings.cli import convening_cli
    from convening.demo.cli import demo_command
    from convening.jobs.cli import worker_command
    from convening.mail.cli import mail_cli
    from convening.registration.cli import registrations_cli
    from convening.scheduling import timetable_cli  # noqa: F401 - adds `schedule timetable`
    from convening.scheduling.cli import schedule_cli

    for command in (
        demo_command,
        mail_cli,
        worker_command,
        users_cli,
        registrations_cli,
        convening_cli,
        badges_cli,
        stations_cli,
        schedule_cli,
    ):
        app.cli.add_command(command)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
