"""Entry point for `flask --app app` and WSGI servers."""

from forum import create_app

app = create_app()
