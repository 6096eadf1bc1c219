"""Rate limits: writes per account (per address for visitors), and failed logins per address and per
account typed; the limits come from config, the counters from the shared storage (forum/config.py)."""

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.accounts.services import normalize_email, username_key
from forum.extensions import limiter
from forum.validation import JSONRefused, request_json

# Shared scopes: the login form and POST /api/v1/tokens draw on the same counters.
LOGIN_ADDRESS_SCOPE = "login-address"
LOGIN_ACCOUNT_SCOPE = "login-account"


def _account_or_address():
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def limit_writes(setting, methods=("POST",)):
    """Limit writes to a view (POSTs unless told) by the limit named `setting` in the config.

    One counter per setting and account, whichever view draws on it: "10 posts a minute" holds
    for comments on a challenge, on a solution and through the API together, and the password
    checks of the settings page share theirs."""
    return limiter.shared_limit(
        lambda: current_app.config[setting],
        f"writes-{setting}",
        key_func=_account_or_address,
        methods=list(methods),
    )


def limit_reads(setting):
    """Limit an expensive read (an export) by the limit named `setting` in the config."""
    return limiter.limit(lambda: current_app.config[setting], key_func=_account_or_address)


def limit_failed_logins(typed_login, failed):
    """Limit a login view's POSTs by its failures: RATELIMIT_LOGIN per address and
    RATELIMIT_LOGIN_ACCOUNT per account typed, so rotating addresses does not help a guesser.

    `typed_login()` returns the username or email the request carries; `failed(response)` says
    whether the view's answer was a refused password. Flask-Limiter checks the counters before the
    view runs and counts after it (`deduct_when`), so only failures count, and a refusal reads the
    same whether or not the account exists. Requests in flight at the same moment each pass the
    check before the others are counted: with N at once (gunicorn.conf.py: 4 workers x 1 thread),
    a parallel guesser gets at most N - 1 tries beyond the limit in a window.
    """
    by_address = limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_LOGIN"],
        LOGIN_ADDRESS_SCOPE,
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=failed,
    )
    by_account = limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"],
        LOGIN_ACCOUNT_SCOPE,
        key_func=lambda: login_key(typed_login()),
        methods=["POST"],
        deduct_when=failed,
    )

    def decorate(view):
        return by_address(by_account(view))

    return decorate


def typed_in_form(field):
    """The reader of a login typed into form field `field`, for limit_failed_logins."""
    return lambda: request.form.get(field)


def typed_in_json(field):
    """The reader of a login sent as `field` of a JSON object, for limit_failed_logins."""

    def read():
        try:
            body = request_json()  # capped in size and depth, as the endpoint reads it
        except JSONRefused:
            return None
        return body.get(field) if isinstance(body, dict) else None

    return read


def login_key(typed):
    """The per-account counter's key for a typed username or email, whether or not it exists.

    Normalised the way accounts.services.authenticate looks the account up, so `Fan`, ` fan` and
    `fan` in full-width letters share one counter. Hashed: people type passwords into the name
    field, and the counters' store is no place for them; a fixed length also keeps a megabyte-long
    name out of it. Never raises: an error in a key function makes Flask-Limiter give up on the
    shared storage for the in-memory fallback.
    """
    typed = typed.strip() if isinstance(typed, str) else ""
    normal = normalize_email(typed) if "@" in typed else username_key(typed)
    return "account:" + hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:32]
