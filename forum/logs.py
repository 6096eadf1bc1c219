"""Logging: one INFO line per request (method, path, status, ms); errors with tracebacks."""

import logging
import sys
import time
from urllib.parse import urlencode

from flask import g, request

request_log = logging.getLogger("forum.request")
SECRET_PARAMETERS = frozenset({"token", "access_token", "api_key", "apikey", "password"})


def init_app(app):
    level = app.config["LOG_LEVEL"]
    root = logging.getLogger("forum")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    # Flask-Limiter's own warnings (its storage failed, it counts per worker meanwhile) and the job
    # consumer's (a job failed, or will be retried) go out with ours.
    for name in ("flask-limiter", "huey"):
        library_log = logging.getLogger(name)
        library_log.setLevel(logging.WARNING)
        for handler in root.handlers:
            if handler not in library_log.handlers:
                library_log.addHandler(handler)
    if app.config["LOG_REQUESTS"]:
        app.before_request(_start_timer)
        app.after_request(_log_request)


def _start_timer():
    g.request_started = time.perf_counter()


def _log_request(response):
    started = g.get("request_started")
    if started is not None:
        ms = (time.perf_counter() - started) * 1000
        request_log.info("%s %s %s %.1fms", request.method, _loggable_path(), response.status_code, ms)
    return response


def _loggable_path():
    """The path and query, with the values of credential-like parameters blanked: a token someone
    puts in a URL (the API refuses it) must not reach the log either."""
    if not request.query_string:
        return request.path
    # Re-encoded, so a newline in a value cannot forge a log line.
    pairs = [
        (name, "[removed]" if name.lower() in SECRET_PARAMETERS else value)
        for name, value in request.args.items(multi=True)
    ]
    return f"{request.path}?{urlencode(pairs, safe='[]')}"
