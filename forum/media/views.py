"""Serving uploaded images with their stored type; names are random and never reused."""

import os

from flask import Blueprint, abort, send_from_directory

from forum.media.services import upload_dir

bp = Blueprint("media", __name__, url_prefix="/media")

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


@bp.route("/<name>")
def file(name):
    extension = name.rsplit(".", 1)[-1]
    if extension not in CONTENT_TYPES or os.path.basename(name) != name:
        abort(404)
    response = send_from_directory(upload_dir(), name, mimetype=CONTENT_TYPES[extension], max_age=31536000)
    # Images never run as documents, whatever a browser might sniff.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    return response
