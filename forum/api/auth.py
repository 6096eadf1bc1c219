"""Token authentication for /api/: `Authorization: Bearer <token>` and nothing else.

A browser's session cookie is no credential here, so no other site can make a logged-in fan's
browser call the API: that is why the API needs no CSRF token. Tokens in the query string are
refused, because URLs end up in logs and browser histories.
"""

from flask import g, request
from flask_babel import lazy_gettext as _l

from forum.accounts import tokens
from forum.accounts.sessions import Visitor
from forum.errors import DomainError, Unauthorized

API_PREFIX = "/api/"
QUERY_NAMES = ("token", "access_token", "api_key", "apikey")
MAX_HEADER = 200


def init_app(app):
    # Registered before the rate limiter's hook, so limits count per account, not per address.
    app.before_request(load_token_user)
    app.after_request(_challenge_header)


def is_api_request():
    return request.path.startswith(API_PREFIX)


def load_token_user():
    if not is_api_request():
        return
    g._login_user = Visitor()  # Flask-Login reads the current user from here, not from the session
    if any(name in request.args for name in QUERY_NAMES):
        raise DomainError(_l("Send the token in the Authorization header, never in the URL."), field="token")
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip() or len(value) > MAX_HEADER:
        raise Unauthorized(_l("Use the header Authorization: Bearer <token>."))
    g._login_user = tokens.user_for_token(value.strip())


def _challenge_header(response):
    if response.status_code == 401 and is_api_request():
        response.headers["WWW-Authenticate"] = 'Bearer realm="cocreate"'
    return response
