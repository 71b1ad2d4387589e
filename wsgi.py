"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from convening import create_app

app = create_app()
