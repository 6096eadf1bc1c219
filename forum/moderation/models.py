"""Flags fans raise about content."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

FLAG_REASONS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Harassment or abuse"),
    "off_topic": _l("Off topic"),
    "duplicate": _l("Duplicate of another idea"),
    "other": _l("Something else"),
}


class Flag(db.Model):
    """One fan's report of a challenge, solution or comment; open until staff resolve it."""

    __table_args__ = (
        UniqueConstraint("reporter_id", "target_type", "target_id"),
        Index("ix_flag_queue", "community_id", "resolved", "id"),
        Index("ix_flag_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))  # challenge, solution or comment
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    resolved: Mapped[datetime | None]
    # dismissed or hidden
    resolution: Mapped[str | None] = mapped_column(String(16))

    reporter = relationship("User")


class Suspension(db.Model):
    """A member kept from writing in one community until a time, by that community's staff.
    Admins suspend site-wide instead (User.suspended_until)."""

    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime]
