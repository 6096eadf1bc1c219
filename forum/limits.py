"""Rate limits on writes, keyed by account (by address for visitors), with limits from config."""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter


def _account_or_address():
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def limit_writes(setting, methods=("POST",)):
    """Limit writes to a view (POSTs unless told) by the limit named `setting` in the config."""
    return limiter.limit(lambda: current_app.config[setting], key_func=_account_or_address, methods=list(methods))


def limit_reads(setting):
    """Limit an expensive read (an export) by the limit named `setting` in the config."""
    return limiter.limit(lambda: current_app.config[setting], key_func=_account_or_address)
