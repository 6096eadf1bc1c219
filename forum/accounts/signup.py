"""Signing up by mail: the form never says whether an address has an account.

Whoever fills in the form is told the same thing, "we sent a link to that address", and the
request does the same work either way (the password is hashed, one mail is queued). A new address
gets a link that makes the account and signs its owner in; an address that has an account gets
a mail saying so, with links to log in or to reset the password, and no account is made. Until
the link is opened nothing exists, so logging in with what was typed fails the same way for both.
Usernames are public (profiles are), so a taken one is said at once.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from forum import jobs
from forum.accounts import services
from forum.accounts.models import PendingSignUp, User
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.mail import services as mail
from forum.transaction import unit_of_work


def request_sign_up(username, email, password, locale=None):
    """Check what may be told, then mail the address. Raises RuleBroken (username, email format,
    password); whatever the address, it returns the same."""
    username, email = services.normal_username(username), services.normalize_email(email or "")
    services.check_new_account(username, email, password)
    password_hash = services.hash_password(password)  # on both paths: they cost the same
    owner = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    if owner is not None:
        mail.queue(
            email,
            "sign_up_known",
            owner.locale or locale,
            username=owner.username,
            login_url=mail.public_url("accounts.login"),
            reset_url=mail.public_url("accounts.forgot_password"),
        )
        return
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingSignUp(
            token_hash=_digest(token), username=username, email=email, password_hash=password_hash, locale=locale
        )
    )
    mail.queue(
        email,
        "sign_up",
        locale,
        username=username,
        url=mail.public_url("accounts.finish_sign_up", token=token),
        hours=current_app.config["REGISTRATION_SECONDS"] // 3600,
    )


def refusals(username, email, password):
    """Every reason request_sign_up would refuse these (each names its field), for the form to
    show at once; never whether the address has an account."""
    username, email = services.normal_username(username), services.normalize_email(email or "")
    return services.new_account_refusals(username, email, password)


def pending(token):
    """The sign-up a mailed link names, or None when it is unknown, used or too old."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(db.select(PendingSignUp).filter_by(token_hash=_digest(token))).scalar_one_or_none()
    if row is None or row.created < utcnow() - _lifetime():
        return None
    return row


def finish_sign_up(token):
    """Make the account of a mailed link. Raises RuleBroken when the link is no good, or the name
    or the address was taken since (by another sign-up finished first)."""
    row = pending(token)
    if row is None:
        raise RuleBroken(_l("This link has expired or has been used. Sign up again."))
    if services.email_taken(row.email):
        raise RuleBroken(_l("That address has an account already: log in, or reset its password."))
    if db.session.execute(db.select(User.id).filter_by(username_key=services.username_key(row.username))).first():
        raise RuleBroken(_l("Someone took that username while the mail was on its way. Sign up again."))
    user = services.create_account(row.username, row.email, row.password_hash, row.locale)
    user.email_confirmed = utcnow()  # the link came to that address
    # Every other link to this address is spent too: it has its account.
    db.session.execute(delete(PendingSignUp).where(PendingSignUp.email == row.email))
    return user


@jobs.job("accounts.sign_up_sweep", sweep=True)
def forget_old_sign_ups():
    with unit_of_work():
        db.session.execute(delete(PendingSignUp).where(PendingSignUp.created < utcnow() - _lifetime()))


def _lifetime():
    return timedelta(seconds=current_app.config["REGISTRATION_SECONDS"])


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()
