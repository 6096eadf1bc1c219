"""Gunicorn settings for `make run`: two workers (one per core here) with a few threads each."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The app logs one line per request itself; gunicorn's access log would double it.
accesslog = None
errorlog = "-"
timeout = 30
graceful_timeout = 10
