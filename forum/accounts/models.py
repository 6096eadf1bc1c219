"""The user account and its API tokens."""

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

SITE_ROLES = ("fan", "product", "admin")


def new_session_token():
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    # Digests walk the members of one frequency in id order.
    __table_args__ = (Index("ix_user_account_mail_frequency", "mail_frequency", "id"),)
    not_found_message = _l("No such user.")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # Case-folded username: "Alice" and "alice" are one name.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    # None: an account made by signing in with a provider (forum/accounts/oidc.py) whose address
    # is not known yet, or was another account's; such an account gets no mail until it has one.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # None: no password (an account made by signing in with a provider); it signs in that way
    # until the member sets one through a mailed reset link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The password rule's verdict (forum/accounts/passwords.py), never the password's strength
    # itself: True, the member must choose a new password before anything else; False, it passed;
    # None, it was set before the rule and is judged at the next login. A stricter rule one day
    # sets every row back to None.
    password_change_required: Mapped[bool | None]
    site_role: Mapped[str] = mapped_column(String(16), default="fan")
    locale: Mapped[str | None] = mapped_column(String(16))
    # An IANA zone name; None: the browser's guess, then the community's zone (forum/zones.py).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # "light", "dark" or "system" (forum/themes.py); None: never picked, the browser's cookie decides.
    theme: Mapped[str | None] = mapped_column(String(8))
    # Flask-Login's alternative id: replacing it ends every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept on the row for the badge in the header, changed with the notifications it counts.
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")
    # Suspended users can read but not write until then.
    suspended_until: Mapped[datetime | None]
    # Set when staff first approve a post of this account (or it needed no approval).
    trusted: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Notification mail: off, each (at most one mail per 10 minutes), daily or weekly digests.
    mail_frequency: Mapped[str] = mapped_column(String(8), default="daily", server_default="daily")
    # The time of the newest notification a mail has covered (or passed over): mail tells only
    # what is newer. A time, not an id: an entry that grows ("and 14 others") is new again.
    mailed_until: Mapped[datetime | None]
    mailed_at: Mapped[datetime | None]
    # The mail server refused the address for good: why, shown on the settings; no more mail.
    mail_refused: Mapped[str | None] = mapped_column(String(300))
    # When the member last proved the address is theirs by opening a link mailed to it (signing
    # up, changing it, resetting the password, or asking for a link). None: never. With
    # REQUIRE_CONFIRMED_EMAIL on, such an account may read and vote but not post.
    email_confirmed: Mapped[datetime | None]

    community_roles = relationship("CommunityRole", back_populates="user", cascade="all, delete-orphan")
    # Suspensions by one community's staff, each for that community alone.
    suspensions = relationship("Suspension", cascade="all, delete-orphan")

    def get_id(self):
        return self.session_token

    @property
    def has_password(self):
        return bool(self.password_hash)

    @property
    def is_admin(self):
        return self.site_role == "admin"

    def roles_in(self, community_id):
        """The user's roles in one community; the relationship loads once per request."""
        return {grant.role for grant in self.community_roles if grant.community_id == community_id}

    def suspended_in(self, community_id):
        """Until when the user may not write in that community (None: not suspended there)."""
        return next((s.until for s in self.suspensions if s.community_id == community_id), None)

    def __repr__(self):
        return f"<User {self.username}>"


class ApiToken(db.Model):
    """A token for the API. Only its SHA-256 is stored: a database leak gives no working token."""

    not_found_message = _l("No such token.")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so the owner can tell tokens apart on the settings page.
    prefix: Mapped[str] = mapped_column(String(12))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]
    revoked: Mapped[datetime | None]

    user = relationship("User")


class PendingSignUp(db.Model):
    """A sign-up waiting for its owner to open the link mailed to the address: the account is
    made then, so a sign-up with an address that has an account looks, to whoever typed it, like
    any other (forum/accounts/signup.py). Only the link's SHA-256 is stored."""

    __tablename__ = "pending_sign_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SignInIdentity(db.Model):
    """An account at an OpenID Connect provider that signs in to a member's account: the
    provider's name in OIDC_PROVIDERS and the value of its key claim (`sub`, or a gateway's
    `unionid`), never an email address (forum/accounts/identities.py)."""

    __tablename__ = "sign_in_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)
    not_found_message = _l("No such sign-in.")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]

    user = relationship("User")
