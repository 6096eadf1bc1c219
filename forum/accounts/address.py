"""Changing a member's address by mail: the change waits until the new address confirms it.

The member gives the new address and their password; the new address gets a signed link (two
days) whose button makes the change, and the old one a notice, so a stolen session cannot move
an account away silently. Whether the new address belongs to another account is never said on
the page: that address gets a mail saying so instead of a link.

A member can also ask for a link to the address they have, to confirm it: the same link, naming
the same address, whose button only marks it confirmed.
"""

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from forum.accounts import services
from forum.accounts.models import User
from forum.audit import record_action
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.mail import services as mail

SALT = "email-change"


def owner_of(email):
    """The account whose address `email` (normalized) is, or None."""
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def tell_owner(owner):
    """Mail an address's owner that someone tried to give it to another account, with the way
    back into theirs: what a page that never says whether an address is taken does instead."""
    mail.queue(
        owner.email,
        "address_taken",
        owner.locale,
        username=owner.username,
        reset_url=mail.public_url("accounts.forgot_password"),
    )


def request_change(user, password, new_email):
    """Mail the new address a link (or, if it has an account, a notice) and the old one a notice.
    Raises RuleBroken for a wrong password, a bad address or the member's own."""
    services.check_current_password(user, password)
    new_email = services.normalize_email(new_email or "")
    services.check_email(new_email)
    if new_email == user.email:
        raise RuleBroken(_l("That is your address already."), field="email")
    owner = owner_of(new_email)
    if owner is not None:
        tell_owner(owner)
    else:
        _mail_link(user, new_email)
    if user.email is None:  # an account made by signing in, with no address yet to tell
        return
    mail.queue(
        user.email,
        "address_notice",
        user.locale,
        username=user.username,
        new_email=new_email,
        reset_url=mail.public_url("accounts.forgot_password"),
    )


def offer_address(user, email):
    """Mail `email` a link that makes it the address of `user`, an account made by signing in
    with a provider, or a notice instead if it has an account: the page says the same either way.
    Raises RuleBroken (field "email") for an address that is not valid."""
    email = services.normalize_email(email or "")
    services.check_email(email)
    owner = owner_of(email)
    if owner is not None:
        tell_owner(owner)
    else:
        _mail_link(user, email)


def request_confirmation(user):
    """Mail the member's own address a link that confirms it. Raises RuleBroken when it is."""
    if user.email_confirmed is not None:
        raise RuleBroken(_l("Your address is confirmed already."))
    _mail_link(user, user.email)


def _mail_link(user, email):
    token = _serializer().dumps([user.id, email, _fingerprint(user)])
    mail.queue(
        email,
        "address_confirm",
        user.locale,
        username=user.username,
        url=mail.public_url("accounts.confirm_address", token=token),
        hours=current_app.config["REGISTRATION_SECONDS"] // 3600,
        confirming=email == user.email,
    )


def pending_change(token):
    """(the member, the new address) a link names, or None when it is forged, too old or spent."""
    try:
        user_id, new_email, fingerprint = _serializer().loads(
            token or "", max_age=current_app.config["REGISTRATION_SECONDS"]
        )
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**31 else None
    if user is None or not isinstance(new_email, str) or fingerprint != _fingerprint(user):
        return None
    return user, new_email


def confirm_change(token):
    """Make the change a link asks for; returns the member. Raises RuleBroken when the link is no
    good or the address has been taken since."""
    found = pending_change(token)
    if found is None:
        raise RuleBroken(_l("This link has expired or has been used."))
    user, new_email = found
    if new_email != user.email:
        if services.email_taken(new_email):
            raise RuleBroken(_l("That address has an account already: log in, or reset its password."))
        before = user.email
        user.email = new_email
        record_action(user, "user.email", user, before={"email": before}, after={"email": new_email})
    user.email_confirmed = utcnow()
    return user


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user):
    # The address now: once it changes, every older link is spent.
    return hashlib.sha256((user.email or "").encode()).hexdigest()[:16]
