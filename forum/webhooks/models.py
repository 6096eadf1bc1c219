"""Webhook subscriptions, the event outbox and the delivery log."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

# The events a hook may ask for, in the order the page lists them.
EVENT_TYPES = (
    "challenge.created",
    "challenge.phase_changed",
    "solution.created",
    "solution.updated",
    "solution.status_changed",
    "solution.merged",
    "vote.created",
    "vote.removed",
    "comment.created",
    "prototype.updated",
    "release.published",
)
# What the button "Send a test" delivers: to one hook, whatever it subscribed to.
TEST_EVENT = "webhook.test"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class Webhook(db.Model):
    """A URL that hears of a community's events. The secret is kept as given out, since it signs
    every delivery (a shared secret, unlike a token, cannot be stored hashed); it is shown once."""

    __tablename__ = "webhook"
    # Every emit asks "has this community an active hook?": one index lookup.
    __table_args__ = (Index("ix_webhook_community_id_active", "community_id", "active"),)
    not_found_message = _l("No such webhook.")

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    # Whose roles decide, at each event, whether hidden content may go to it.
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2000))
    # The subscribed event types, space-separated, with a space at each end (" vote.created ").
    events: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    # Deliveries that failed in a row, every retry spent; reaching WEBHOOK_DISABLE_AFTER disables it.
    failures: Mapped[int] = mapped_column(default=0)
    disabled: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)

    community = relationship("Community")
    creator = relationship("User")

    @property
    def event_list(self):
        return self.events.split()

    def wants(self, event_type):
        return event_type == TEST_EVENT or f" {event_type} " in self.events


class WebhookEvent(db.Model):
    """An event, written in the transaction of the change it reports (the outbox). The consumer
    builds its payload from the ids once, then adds a delivery per subscribed hook."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_done_id", "done", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    # For a test delivery: the one hook it goes to.
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    # What the event is about, by id (plain ids: the consumer finds them gone if they were deleted).
    subject: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(db.Model):
    """One event for one hook: its webhook-id (the same on every attempt) and when to try next.
    A consumer claims it by moving next_attempt_at past now (a lease), so one killed mid-call is
    tried again by the next sweep once the lease runs out."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_state_next", "state", "next_attempt_at"),
        Index("ix_webhook_delivery_webhook_id_id", "webhook_id", "id"),
    )
    not_found_message = _l("No such delivery.")

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("WebhookEvent")
    webhook = relationship("Webhook")


class WebhookAttempt(db.Model):
    """The log: one row per HTTP attempt, read newest first per hook."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_webhook_id_id", "webhook_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # The HTTP status, or None when no answer came (refused address, timeout, connection error).
    status: Mapped[int | None]
    ok: Mapped[bool] = mapped_column(default=False)
    milliseconds: Mapped[int] = mapped_column(default=0)
    # The answer's first bytes (or why there was none), as text.
    response: Mapped[str] = mapped_column(Text, default="")

    delivery = relationship("WebhookDelivery")
