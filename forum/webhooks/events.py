"""Emitting webhook events: the low half of forum/webhooks that every feature's services call.

A service calls `emit(community_id, "vote.created", solution=solution.id)` in its own
transaction. When the community has an active hook that wants the event (one indexed query), an
outbox row is added beside the change, so the event exists if and only if the change committed,
and the fan-out job is asked for after the commit. Nothing here builds a payload: the caller
passes ids, and the consumer (forum/webhooks/delivery.py) reads the objects and serializes them
with the API's serializers. That keeps this module below every feature (it imports none), so
features may call it without an import cycle, and keeps the request's work to one small insert.
"""

from sqlalchemy import select

from forum import jobs
from forum.extensions import db
from forum.webhooks.models import EVENT_TYPES, Webhook, WebhookEvent

FAN_OUT = "webhooks.fan_out"


def subscribed(community_id, event_type):
    """Whether any active hook of the community wants `event_type` (an index lookup on
    (community_id, active); a community holds a handful of hooks at most)."""
    rows = db.session.execute(
        select(Webhook.events).where(Webhook.community_id == community_id, Webhook.active.is_(True))
    ).scalars()
    needle = f" {event_type} "
    return any(needle in events for events in rows)


def emit(community_id, event_type, **subject):
    """Record that `event_type` happened in the community, about the objects `subject` names by
    id (challenge=, solution=, comment=, release=, update=, into=, ...). Returns the outbox row,
    or None when no hook wants it. Flushes nothing: the caller's transaction carries it."""
    if event_type not in EVENT_TYPES:
        raise KeyError(f"unknown webhook event {event_type!r}")
    if not subscribed(community_id, event_type):
        return None
    event = WebhookEvent(community_id=community_id, type=event_type, subject=subject)
    db.session.add(event)
    jobs.after_commit(FAN_OUT)
    return event
