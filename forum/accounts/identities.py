"""Accounts at OpenID Connect providers that sign in to members' accounts: signing in, a new
account after the member picks a username, linking from the settings and unlinking.

An identity is (provider, key-claim value), never an email address: a sign-in whose address is
an existing account's makes a new account like any other, and that account is linked only by its
owner, signed in, from its settings. The pages say the same whether or not an address has an
account (as forum/accounts/signup.py does); a mail to the address tells its owner instead.
"""

from flask_babel import lazy_gettext as _l

from forum.accounts import address, services
from forum.accounts.models import SignInIdentity, User
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db


def identity_for(provider, subject):
    """The identity (provider name, key-claim value) names, or None."""
    stmt = db.select(SignInIdentity).filter_by(provider=provider, subject=subject)
    return db.session.execute(stmt).scalar_one_or_none()


def identities_of(user):
    """The member's linked providers, oldest first."""
    stmt = db.select(SignInIdentity).filter_by(user_id=user.id).order_by(SignInIdentity.id)
    return db.session.execute(stmt).scalars().all()


def sign_in(provider, subject):
    """The account the identity signs in to (its last use noted), or None when it has none yet."""
    identity = identity_for(provider, subject)
    if identity is None:
        return None
    identity.last_used = utcnow()
    return identity.user


def sign_up(provider, subject, username, verified_email=None, typed_email=None, locale=None):
    """Make an account for a new identity once its owner has picked a username, and return it.

    A `verified_email` (the provider's, with email_verified true) becomes the account's confirmed
    address unless another account has it; that account's owner is mailed instead, and the new
    account starts with no address. Otherwise a `typed_email` is mailed a link that makes it the
    address (or, if it has an account, a notice). Raises RuleBroken for a bad or taken username
    (field "username"), a bad typed address (field "email") or an identity signed up meanwhile."""
    username = services.check_username(username)
    if typed_email is not None and verified_email is None:
        services.check_email(services.normalize_email(typed_email))
    if identity_for(provider, subject) is not None:
        raise RuleBroken(_l("This account at the provider has a Cocreate account already: sign in again."))
    email = services.normalize_email(verified_email) if verified_email else None
    owner = address.owner_of(email) if email else None
    user = services.create_account(username, None if owner else email, None, locale)
    if email and owner is None:
        user.email_confirmed = utcnow()  # the provider vouches for it
    db.session.add(SignInIdentity(user=user, provider=provider, subject=subject, last_used=utcnow()))
    db.session.flush()
    if owner is not None:
        address.tell_owner(owner)
    elif email is None and typed_email:
        address.offer_address(user, typed_email)
    return user


def link(user, provider, subject):
    """Let the identity sign in to `user`'s account too. Linking it again is nothing. Raises
    RuleBroken when it signs in to another account, or the member has linked that provider."""
    identity = identity_for(provider, subject)
    if identity is not None:
        if identity.user_id == user.id:
            return identity
        raise RuleBroken(_l("That account at the provider signs in to another Cocreate account."))
    if any(linked.provider == provider for linked in identities_of(user)):
        raise RuleBroken(_l("You have linked an account at this provider already: unlink it first."))
    identity = SignInIdentity(user=user, provider=provider, subject=subject)
    db.session.add(identity)
    db.session.flush()
    return identity


def unlink(user, provider):
    """Stop the member's account at `provider` from signing in. Raises RuleBroken when none is
    linked, or when it is the last way in (no password and no other provider)."""
    # The account's row is locked first (PostgreSQL; SQLite's unit holds the write lock), so
    # two unlinks at once cannot each leave the other as the last way in and remove both.
    db.session.execute(db.select(User.id).filter_by(id=user.id).with_for_update())
    linked = identities_of(user)
    identity = next((each for each in linked if each.provider == provider), None)
    if identity is None:
        raise RuleBroken(_l("No account at that provider is linked."))
    if not user.has_password and len(linked) == 1:
        raise RuleBroken(
            _l("It is your only way to sign in: set a password or link another provider before unlinking it.")
        )
    db.session.delete(identity)
    db.session.flush()
