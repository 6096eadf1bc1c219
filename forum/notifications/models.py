"""A notification for one user."""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"), index=True)
    detail: Mapped[str | None] = mapped_column(String(40))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    read: Mapped[datetime | None]
    # Unread news of one kind on one item is one entry: how many events it holds, and the ids
    # of the people behind them, newest first, as JSON ("lin_wei and 14 others commented").
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    actor_ids: Mapped[str | None] = mapped_column(Text)

    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def others(self):
        """How many people besides the latest actor the entry speaks for."""
        return max(0, len(json.loads(self.actor_ids or "[]")) - 1)

    challenge = relationship("Challenge")
    solution = relationship("Solution")
    comment = relationship("Comment")
    release = relationship("Release")


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
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
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


class Mute(db.Model):
    """A member who asked to hear no more about one idea or challenge: its news passes them by,
    whatever else ties them to it (a vote, a follow, having written it). What is said to them
    alone (a mention, a reply, a notice about their own post) still reaches them."""

    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))  # "challenge" or "solution"
    target_id: Mapped[int]
    created: Mapped[datetime] = mapped_column(default=utcnow)
