"""A notification for one user."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db


class Notification(db.Model):
    __table_args__ = (Index("ix_notification_user_id", "user_id", "id"),)
    not_found_message = _l("No such notification.")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # reply, comment, solution, phase, threshold
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    detail: Mapped[str | None] = mapped_column(String(40))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    read: Mapped[datetime | None]

    actor = relationship("User", foreign_keys=[actor_id])
    challenge = relationship("Challenge")
    solution = relationship("Solution")
    comment = relationship("Comment")


class NotificationOutbox(db.Model):
    """An event to tell people of, written in the event's own transaction; the consumer writes
    one Notification per recipient from it, in batches, and counts how many it has written, so
    a consumer killed half-way resumes where it stopped and tells nobody twice."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_done", "done", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    detail: Mapped[str | None] = mapped_column(String(40))
    # The recipients' ids in ascending order, as JSON; `delivered` of them have been written.
    recipients: Mapped[str] = mapped_column(Text)
    # Or whom to tell, named (an audience of notifications/services.py, "name:argument"): the
    # consumer finds the recipients when it starts delivering, so the door that caused the event
    # does not load 20,000 voters' ids. `recipients` is "" until then.
    audience: Mapped[str | None] = mapped_column(String(60))
    delivered: Mapped[int] = mapped_column(default=0)
    done: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
