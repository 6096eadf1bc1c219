"""A short-lived cache of whole pages for visitors, per worker process.

A visitor without a session sees the same page as every other visitor reading in the same
language, so the rendered page is kept for PAGE_CACHE_SECONDS and served again without a
database query or a template. Members never touch it: they see their votes, their drafts and
their notifications. A page is kept only if it set no cookie (no form token, no flashed
message), so nothing personal is ever shared. Content changes reach visitors within the TTL.
"""

import time
from collections import OrderedDict
from threading import Lock

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

# Headers a kept page is served with again; security headers are added by their own hook.
KEPT_HEADERS = ("Content-Type", "Content-Language")


class ExpiringCache:
    """At most `size` entries, least recently used dropped first, each expiring on its own time."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def clear(self):
        with self.lock:
            self.entries.clear()

    def put(self, key, value, seconds):
        with self.lock:
            self.entries[key] = (time.monotonic() + seconds, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def init_app(app):
    if not app.config["PAGE_CACHE_SECONDS"]:
        return
    app.extensions["page_cache"] = ExpiringCache(app.config["PAGE_CACHE_SIZE"])
    app.before_request(_serve_kept_page)
    app.after_request(_keep_page)


def _key():
    if request.method != "GET" or request.blueprint == "api" or request.endpoint == "static":
        return None
    if session or request.authorization:
        return None
    return (request.full_path, str(get_locale()))


def _serve_kept_page():
    key = _key()
    if key is None or current_user.is_authenticated:
        return None
    g.page_cache_key = key
    page = current_app.extensions["page_cache"].get(key)
    if page is None:
        return None
    body, headers = page
    g.page_cache_hit = True
    return current_app.response_class(body, status=200, headers=headers)


def _keep_page(response):
    key = g.get("page_cache_key")
    if key is None or g.get("page_cache_hit"):
        return _visitor_headers(response) if key else response
    if not _keepable(response):
        return response
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    current_app.extensions["page_cache"].put(
        key, (response.get_data(), headers), current_app.config["PAGE_CACHE_SECONDS"]
    )
    return _visitor_headers(response)


def _keepable(response):
    """A complete HTML page that gave the visitor nothing of their own (no cookie, no session)."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
    )


def _visitor_headers(response):
    # Browsers and proxies may keep a visitor's page as long as the server does; a cookie (logging
    # in, picking a language) makes it a different page.
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_CACHE_SECONDS']}"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
