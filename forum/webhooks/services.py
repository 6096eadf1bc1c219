"""Managing a community's webhooks: add (the secret is returned this once), list, remove, test,
re-enable, replay a delivery, read the log. Services flush, never commit; the door commits."""

import base64
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from forum import jobs
from forum.audit import record_action
from forum.clock import utcnow
from forum.communities.models import Community, CommunityRole
from forum.database import get_or_raise
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.paging import keyset_page
from forum.permissions import can_manage_webhooks, is_admin, require
from forum.webhooks.addresses import Refused, check_url
from forum.webhooks.delivery import DELIVER
from forum.webhooks.events import FAN_OUT
from forum.webhooks.models import (
    EVENT_TYPES,
    PENDING,
    TEST_EVENT,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)

URL_MAX = 2000
LOG_PAGE = 50


@dataclass
class NewWebhook:
    """What creating a hook returns: the row and its secret, which is never shown again."""

    webhook: Webhook
    secret: str


def new_secret():
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_webhook(actor, community, url, events):
    """Add a hook to the community (its staff, admins). Raises Forbidden, or RuleBroken naming
    `url` or `events`."""
    require(can_manage_webhooks(actor, community), _l("Only the community's staff manage its webhooks."))
    url = (url or "").strip()
    if not url:
        raise RuleBroken(_l("Enter the address to send to."), field="url")
    if len(url) > URL_MAX:
        raise RuleBroken(_l("This address is too long."), field="url")
    try:
        check_url(url, current_app.config["WEBHOOKS_ALLOW_PRIVATE"], resolving=False)
    except Refused as refusal:
        raise RuleBroken(refusal.message, field="url") from None
    wanted = [kind for kind in EVENT_TYPES if kind in set(events or ())]
    unknown = set(events or ()) - set(EVENT_TYPES)
    if unknown or not wanted:
        raise RuleBroken(_l("Pick at least one of the listed kinds of news."), field="events")
    secret = new_secret()
    hook = Webhook(
        community_id=community.id,
        creator_id=actor.id,
        url=url,
        events=" " + " ".join(wanted) + " ",
        secret=secret,
        active=True,
        failures=0,
        created=utcnow(),
    )
    db.session.add(hook)
    db.session.flush()
    # The entry names the hook by id: its address and secret stay out of the log.
    record_action(actor, "webhook.create", hook, community=community)
    return NewWebhook(hook, secret)


def webhooks_of(community):
    return (
        db.session.execute(select(Webhook).where(Webhook.community_id == community.id).order_by(Webhook.id))
        .scalars()
        .all()
    )


def manageable_webhooks(actor):
    """The hooks `actor` may manage: every one for an admin, their communities' for staff."""
    stmt = select(Webhook).order_by(Webhook.id)
    if not is_admin(actor):
        staff_of = select(CommunityRole.community_id).where(
            CommunityRole.user_id == actor.id, CommunityRole.role == "staff"
        )
        stmt = stmt.where(Webhook.community_id.in_(staff_of))
    return db.session.execute(stmt).scalars().all()


def get_webhook_for(actor, webhook_id, community=None):
    """The hook, if `actor` may manage it (and it is `community`'s, when given). Raises NotFound
    or Forbidden."""
    hook = get_or_raise(Webhook, id=webhook_id)
    if community is not None and hook.community_id != community.id:
        raise NotFound(Webhook.not_found_message)
    require(can_manage_webhooks(actor, hook.community), _l("Only the community's staff manage its webhooks."))
    return hook


def delete_webhook(actor, hook):
    require(can_manage_webhooks(actor, hook.community))
    record_action(actor, "webhook.delete", hook, community=hook.community)
    db.session.delete(hook)
    db.session.flush()


def send_test(actor, hook):
    """Queue a `webhook.test` event for this hook alone (delivered by the consumer). Raises
    RuleBroken for a disabled hook, which is sent nothing."""
    require(can_manage_webhooks(actor, hook.community))
    if not hook.active:
        raise RuleBroken(_l("Turn the webhook back on first: a disabled webhook is sent nothing."))
    community = db.session.get(Community, hook.community_id)
    event = WebhookEvent(
        community_id=hook.community_id,
        type=TEST_EVENT,
        webhook_id=hook.id,
        subject={"webhook": hook.id, "community": community.slug},
        created=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    jobs.after_commit(FAN_OUT)
    return event


def enable(actor, hook):
    """Turn a disabled hook back on; what was waiting for it is tried again at once."""
    require(can_manage_webhooks(actor, hook.community))
    hook.active, hook.failures, hook.disabled = True, 0, None
    now = utcnow()
    db.session.execute(
        db.update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.state == PENDING)
        .values(next_attempt_at=now)
    )
    record_action(actor, "webhook.enable", hook, community=hook.community)
    jobs.after_commit(DELIVER)


def replay(actor, hook, delivery_id):
    """Send a delivery of the log again, with its webhook-id and body, as a new round of tries."""
    require(can_manage_webhooks(actor, hook.community))
    delivery = get_or_raise(WebhookDelivery, id=delivery_id)
    if delivery.webhook_id != hook.id:
        raise NotFound(WebhookDelivery.not_found_message)
    delivery.state, delivery.attempts, delivery.next_attempt_at = PENDING, 0, utcnow()
    jobs.after_commit(DELIVER)
    return delivery


def attempts(hook, cursor=None):
    """The hook's log, newest first, a keyset page (index webhook_id, id)."""
    stmt = select(WebhookAttempt).where(WebhookAttempt.webhook_id == hook.id)
    return keyset_page(stmt, [WebhookAttempt.id], cursor, LOG_PAGE)
