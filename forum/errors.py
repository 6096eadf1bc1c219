"""Domain exceptions (NotFound, Forbidden, RuleBroken) and the HTML or JSON responses for every error."""

import logging

from flask import g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from forum.extensions import db

log = logging.getLogger(__name__)

# Status codes with a page of their own; the rest share errors/error.html.
PAGES = {400, 403, 404, 413, 429, 500, 503}


class DomainError(Exception):
    """A request the domain refuses; `field` names the input at fault, if one is."""

    status = 400
    code = "bad_request"

    def __init__(self, message=None, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Unauthorized(DomainError):
    """No valid credentials: the API answers 401 where a page would send the visitor to log in."""

    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class RuleBroken(DomainError):
    """A business rule refused the action (a name taken, a phase closed, a budget spent)."""

    status = 422
    code = "rule_broken"


def init_app(app):
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json():
    """The one answer to "does this client want JSON?": the API always, and any request that
    prefers JSON to HTML (the vote button's fetch), so its errors come back as JSON too."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def error_response(status, code, message=None, field=None):
    if wants_json():
        body = {"code": code, "message": str(message or code.replace("_", " "))}
        if field:
            body["field"] = field
        return make_response(jsonify(error=body), status)
    template = f"errors/{status}.html" if status in PAGES else "errors/error.html"
    return make_response(render_template(template, status=status, message=message), status)


def _domain_error(error):
    return error_response(error.status, error.code, error.message, error.field)


def _http_error(error):
    code = (error.name or "error").lower().replace(" ", "_")
    # Werkzeug's descriptions are English; pages show their own translated text instead.
    message = error.description if wants_json() else None
    response = error_response(error.code or 500, code, message)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429:
        response.headers["Retry-After"] = "60"
    return response


def _database_unavailable(error):
    log.error("database unavailable: %s", error)
    g.database_down = True
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the pool recycles it
        log.debug("rollback after database error failed", exc_info=True)
    response = error_response(503, "database_unavailable", _l("The forum is briefly unavailable. Please try again."))
    response.headers["Retry-After"] = "10"
    return response


def _unexpected_error(error):
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback after error failed", exc_info=True)
    return error_response(500, "internal_error")
