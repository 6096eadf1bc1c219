"""The consumer's side of webhooks: fan-out of stored events to hooks, signed delivery, retries
with backoff, the log, and disabling a hook that keeps failing.

The database is the source of truth: an event row becomes one delivery row per hook, each with
its next_attempt_at; a consumer claims a due delivery by moving that time past now (a lease),
calls the URL outside any transaction, then records the attempt. A consumer killed at any point
loses nothing: the sweep (every minute and at start) picks up unfanned events and due
deliveries, leases run out. Huey's schedule only wakes the consumer at a retry's time."""

import json
import logging
import secrets
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import select
from standardwebhooks import Webhook as Signer

from forum import jobs
from forum.accounts.models import User
from forum.clock import utcnow
from forum.communities.models import Community, CommunityRole
from forum.extensions import db
from forum.notifications.services import notify
from forum.permissions import webhook_may_receive
from forum.transaction import unit_of_work
from forum.webhooks import payloads, sender
from forum.webhooks.events import FAN_OUT
from forum.webhooks.models import DELIVERED, FAILED, PENDING, Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

log = logging.getLogger(__name__)
DELIVER = "webhooks.deliver"
# How long a claimed delivery is left alone: longer than one attempt can take.
LEASE = timedelta(seconds=120)
# The answer's first bytes kept in the log.
KEPT_BYTES = 1024


@jobs.job(FAN_OUT, sweep=True)
def fan_out():
    """Give every stored event its payload and a delivery per hook that wants it and may see it,
    one event per transaction, oldest first; then ask for the deliveries."""
    while True:
        with unit_of_work():
            event = db.session.execute(
                select(WebhookEvent)
                .where(WebhookEvent.done.is_(False))
                .order_by(WebhookEvent.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if event is None:
                return
            _fan_out(event)
            jobs.after_commit(DELIVER)


def _fan_out(event):
    event.done = True
    try:
        event.payload, seen = payloads.build(event)
    except payloads.Gone as gone:
        log.info("webhook event %s dropped: %s is gone", event.id, gone)
        return
    hooks = (
        db.session.execute(select(Webhook).where(Webhook.community_id == event.community_id, Webhook.active.is_(True)))
        .scalars()
        .all()
    )
    community = db.session.get(Community, event.community_id)
    now = utcnow()
    for hook in hooks:
        if event.webhook_id is not None and hook.id != event.webhook_id:
            continue
        if not hook.wants(event.type):
            continue
        # The hook's creator as they are now: one who lost the role gets no hidden content.
        creator = db.session.get(User, hook.creator_id) if hook.creator_id else None
        if not all(webhook_may_receive(creator, obj, community) for obj in seen):
            continue
        db.session.add(
            WebhookDelivery(
                webhook_id=hook.id,
                event_id=event.id,
                message_id=f"msg_{secrets.token_urlsafe(18)}",
                state=PENDING,
                next_attempt_at=now,
            )
        )


@jobs.job(DELIVER, retries=0, sweep=True)
def deliver():
    """Attempt every due delivery, one at a time, until none is due."""
    while True:
        claimed = _claim()
        if claimed is None:
            return
        _record(claimed, _attempt(claimed))


def _claim():
    with unit_of_work():
        now = utcnow()
        delivery = db.session.execute(
            select(WebhookDelivery)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(
                WebhookDelivery.state == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                Webhook.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).scalar_one_or_none()
        if delivery is None:
            return None
        delivery.next_attempt_at = now + LEASE
        hook, event = delivery.webhook, delivery.event
        return {
            "id": delivery.id,
            "message_id": delivery.message_id,
            "url": hook.url,
            "secret": hook.secret,
            "payload": event.payload,
            "type": event.type,
            "webhook_id": hook.id,
        }


def signed_headers(secret, message_id, payload, when=None):
    """The Standard Webhooks headers for one attempt: a new timestamp each time, the same id."""
    when = when or utcnow().replace(tzinfo=UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Cocreate-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Signer(secret).sign(message_id, when, payload),
    }


def _attempt(claimed):
    headers = signed_headers(claimed["secret"], claimed["message_id"], claimed["payload"])
    return sender.post(claimed["url"], claimed["payload"].encode(), headers)


def _record(claimed, answer):
    delays = _delays()
    with unit_of_work():
        delivery = db.session.get(WebhookDelivery, claimed["id"], with_for_update=True)
        if delivery is None:
            return  # the hook was deleted meanwhile
        hook = delivery.webhook
        now = utcnow()
        text = answer.body[:KEPT_BYTES].decode("utf-8", "replace") if answer.body else answer.error
        db.session.add(
            WebhookAttempt(
                webhook_id=hook.id,
                delivery_id=delivery.id,
                event_type=claimed["type"],
                created=now,
                status=answer.status,
                ok=answer.ok,
                milliseconds=answer.milliseconds,
                response=text,
            )
        )
        delivery.attempts += 1
        if answer.ok:
            delivery.state, delivery.next_attempt_at = DELIVERED, None
            hook.failures = 0
        elif delivery.attempts <= len(delays):
            delay = delays[delivery.attempts - 1]
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            if delay > 0:
                jobs.enqueue_in(delay, DELIVER)
        else:
            delivery.state, delivery.next_attempt_at = FAILED, None
            hook.failures += 1
            if hook.active and hook.failures >= current_app.config["WEBHOOK_DISABLE_AFTER"]:
                _disable(hook, now)


def _delays():
    delays = current_app.config["WEBHOOK_RETRY_SECONDS"]
    if isinstance(delays, str):
        delays = json.loads(delays)
    return [max(0, float(d)) for d in delays]


def _disable(hook, now):
    """Stop calling a hook that keeps failing, and tell the community's staff (its creator too)."""
    hook.active, hook.disabled = False, now
    community = db.session.get(Community, hook.community_id)
    staff = db.session.execute(
        select(CommunityRole.user_id).where(CommunityRole.community_id == community.id, CommunityRole.role == "staff")
    ).scalars()
    notify({*staff, hook.creator_id}, "webhook", detail=community.slug)
    log.warning("webhook %s of %s disabled after %s failed deliveries", hook.id, community.slug, hook.failures)
