"""Communities and the roles users hold in them."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

COMMUNITY_ROLES = ("staff", "product")


class Community(db.Model):
    not_found_message = _l("No such community.")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    # Rendered once on write by forum.text; pages never re-render.
    description_html: Mapped[str] = mapped_column(Text, default="")
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    # Moderation settings: flags from this many fans hide content at once; new accounts' first
    # posts wait for staff approval.
    flag_threshold: Mapped[int] = mapped_column(default=3, server_default="3")
    hold_first_posts: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The zone its pages show times in to a reader who has none of their own (forum/zones.py).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    roles = relationship("CommunityRole", back_populates="community", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Community {self.slug}>"


class CommunityRole(db.Model):
    """Staff or product-team membership of one user in one community."""

    __table_args__ = (UniqueConstraint("community_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    community = relationship("Community", back_populates="roles")
    user = relationship("User", back_populates="community_roles")
