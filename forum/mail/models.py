"""The mail outbox: one row per message, rendered when it was asked for, until it is sent."""

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import db


class MailOutbox(db.Model):
    __tablename__ = "mail_outbox"
    # The consumer's question: which unsent mails are due, oldest first.
    __table_args__ = (Index("ix_mail_outbox_due", "sent", "next_attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt: Mapped[datetime] = mapped_column(default=utcnow)
    # A consumer sending it holds it until then; one killed mid-send leaves it to the next after.
    claimed_until: Mapped[datetime | None]
    sent: Mapped[datetime | None]
    # The server refused the address for good (a 5xx answer): the reason, and no more tries.
    refused: Mapped[str | None] = mapped_column(String(300))
