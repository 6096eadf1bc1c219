"""API tokens: issued against a password, stored hashed, revocable, refused for suspended users."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from forum import jobs
from forum.accounts.models import ApiToken, User
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import NotFound, Unauthorized
from forum.extensions import db
from forum.permissions import suspension_refusal
from forum.transaction import unit_of_work
from forum.validation import checked_text

PREFIX = "cc_"
NAME_MAX = 60
# Writing last_used on every call would turn each read into a write; a minute's accuracy will do.
LAST_USED_GRANULARITY = timedelta(minutes=1)
# Every API call looks its token up: the statement is built once.
_BY_DIGEST = (
    db.select(ApiToken)
    .where(ApiToken.token_hash == db.bindparam("digest"))
    .options(db.joinedload(ApiToken.user).joinedload(User.suspensions))
)


def issue_token(user, name="API"):
    """A new token for the user: returns (row, plaintext). The plaintext is shown once, never stored."""
    name = checked_text(name or "API", "name", NAME_MAX) or "API"
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(plaintext), prefix=plaintext[:10])
    db.session.add(token)
    db.session.flush()  # the id is shown with the token
    return token, plaintext


def user_for_token(plaintext):
    """The user a token belongs to. Raises Unauthorized for an unknown, revoked or suspended one."""
    token = db.session.execute(_BY_DIGEST, {"digest": _digest(plaintext)}).unique().scalar_one_or_none()
    if token is None or token.revoked is not None:
        raise Unauthorized(_l("That token is not valid or has been revoked."))
    refusal = suspension_refusal(token.user)
    if refusal:
        raise Unauthorized(refusal)
    now = utcnow()
    if token.last_used is None or now - token.last_used > LAST_USED_GRANULARITY:
        # Written by the consumer: most token requests are reads, and a GET never writes.
        jobs.enqueue("tokens.touch", token.id, now.isoformat())
    return token.user


@jobs.job("tokens.touch", retries=0)
def touch(token_id, when):
    """Note when a token was last used (at most once a minute per token, so a lost one is harmless)."""
    with unit_of_work():
        stmt = db.update(ApiToken).where(ApiToken.id == token_id).values(last_used=datetime.fromisoformat(when))
        db.session.execute(stmt)


def tokens_of(user):
    stmt = db.select(ApiToken).filter_by(user_id=user.id, revoked=None).order_by(ApiToken.id.desc())
    return db.session.execute(stmt).scalars().all()


def get_own_token(user, token_id):
    """One of the user's own tokens, not yet revoked; anybody else's is NotFound."""
    token = get_or_raise(ApiToken, id=token_id)
    if token.user_id != user.id or token.revoked is not None:
        raise NotFound(ApiToken.not_found_message)
    return token


def revoke_token(user, token_id):
    """Revoke one of the user's own tokens; anybody else's is NotFound."""
    get_own_token(user, token_id).revoked = utcnow()


def _digest(plaintext):
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()
