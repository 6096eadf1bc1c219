"""Rate limits on writes, keyed by account (by address for visitors), with limits from config."""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter


def _account_or_address():
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def limit_writes(setting):
    """Limit POSTs to a view by the limit named `setting` in the config."""
    return limiter.limit(lambda: current_app.config[setting], key_func=_account_or_address, methods=["POST"])
