"""Static files under fingerprinted URLs (?v=<hash of the file>) that browsers may keep for a year:
a changed file gets a new URL, so nobody is served a stale stylesheet.

Text files go out compressed at brotli's and gzip's highest levels, each file compressed once per
process and kept with its size and time (a file never changes under its fingerprint, and every
worker compresses the same bytes the same way, so the copies cannot disagree). Flask-Compress's
fast level, right for pages made per request, would send Pico and the forum's own CSS and JS about
a fifth larger on every first view.
"""

import gzip
import hashlib
import os

import brotli
from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
# Best first: a browser that takes both gets brotli.
PACKINGS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}


def init_app(app):
    app.extensions["asset_versions"] = {}
    app.extensions["packed_assets"] = {}
    app.url_defaults(_add_version)
    # Registered after Flask-Compress, so this runs first and Flask-Compress leaves the answer be.
    app.after_request(_packed)
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


def _packed(response):
    if (
        request.endpoint != "static"
        or response.status_code != 200
        or response.mimetype not in current_app.config["COMPRESS_MIMETYPES"]
        or "Content-Encoding" in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    encoding = request.accept_encodings.best_match(PACKINGS)
    path = safe_join(current_app.static_folder, (request.view_args or {}).get("filename", ""))
    if not encoding or not path:
        return response
    try:
        stat = os.stat(path)
    except OSError:
        return response
    key = (path, stat.st_mtime_ns, stat.st_size, encoding)
    packed = current_app.extensions["packed_assets"]
    if key not in packed:
        with open(path, "rb") as handle:
            packed[key] = PACKINGS[encoding](handle.read())
    original = response.response
    response.direct_passthrough = False
    response.set_data(packed[key])
    if hasattr(original, "close"):
        original.close()
    response.headers["Content-Encoding"] = encoding
    # Ranges are of the file; a range request (206) is answered by Flask from the plain file.
    response.headers.pop("Accept-Ranges", None)
    response.headers.pop("Content-Disposition", None)  # "inline", which is what a browser does anyway
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)
    # The file's own check ran against the plain file's tag: a browser revalidating holds this one.
    return response.make_conditional(request)
