"""Static files under fingerprinted URLs (?v=<hash of the file>) that browsers may keep for a year:
a changed file gets a new URL, so nobody is served a stale stylesheet."""

import hashlib
import os

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface

YEAR = 365 * 24 * 3600


def init_app(app):
    app.extensions["asset_versions"] = {}
    app.url_defaults(_add_version)
    app.after_request(_long_cache)
    app.session_interface = _SessionInterface()


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, left alone on static files: reading the session there (a hook that
    asks who is logged in) would add `Vary: Cookie`, and caches would keep one copy per visitor of
    a file that is the same for all."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def _add_version(endpoint, values):
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = _version(values["filename"])
        if version:
            values["v"] = version


def _version(filename):
    path = os.path.join(current_app.static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    versions = current_app.extensions["asset_versions"]
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in versions:
        with open(path, "rb") as handle:
            versions[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return versions[key]


def _long_cache(response):
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        # Flask's send_file says no-cache (check every time): a fingerprinted URL never changes.
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response
