"""Password reset by mail: a signed link that works once, for an hour.

Asking always answers the same and does the same work in the request (one job queued), so the
form tells nobody whether an account exists; the consumer looks the account up and mails it.
The link signs the account's id and a fingerprint of its password hash: setting a new password
changes the hash, so the link works once, and a link asked for before a password change is dead.
Setting the password ends every session of the account (its other devices are logged out) and
changes nothing else: API tokens stay.
"""

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from forum import jobs
from forum.accounts import services
from forum.accounts.models import User
from forum.audit import record_action
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.mail import services as mail
from forum.permissions import can_administer, require
from forum.transaction import unit_of_work

SALT = "password-reset"


def request_reset(login):
    """Mail a reset link to the account `login` names, if there is one (in the consumer)."""
    jobs.enqueue("accounts.password_reset", (login or "").strip()[:254])


@jobs.job("accounts.password_reset")
def mail_reset(login):
    with unit_of_work():
        user = services.user_by_login(login)
        if user is not None and user.email:  # an account made by signing in may have no address
            queue_reset_mail(user)


def mail_reset_for(actor, user):
    """An admin's button: mail `user` a reset link (their password stays until they use it).
    Raises RuleBroken for an account with no address (made by signing in with a provider)."""
    require(can_administer(actor))
    if not user.email:
        raise RuleBroken(_l("This account has no email address to mail a link to."))
    record_action(actor, "user.password_reset_mail", user)
    queue_reset_mail(user)


def queue_reset_mail(user):
    """Queue the reset mail for `user` (the job above; an admin's button)."""
    mail.queue(
        user.email,
        "password_reset",
        user.locale,
        username=user.username,
        url=mail.public_url("accounts.reset_password", token=_serializer().dumps([user.id, _fingerprint(user)])),
        minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60,
    )


def user_for_token(token):
    """The account a reset link is for, or None when it is forged, too old or used."""
    try:
        user_id, fingerprint = _serializer().loads(token or "", max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except (BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or fingerprint != _fingerprint(user):
        return None
    return user


def reset_password(token, new_password):
    """Set the password of the link's account; returns the account. Raises RuleBroken for a dead
    link (field None) or a weak password (field "password")."""
    user = user_for_token(token)
    if user is None:
        raise RuleBroken(_l("This link has expired or has been used. Ask for a new one."))
    services.set_new_password(user, new_password)
    # The link came to the account's address: that proves it as well as a confirmation would.
    user.email_confirmed = utcnow()
    return user


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user):
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]
