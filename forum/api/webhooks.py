"""Webhooks: list, add (the secret is answered once), remove, send a test; staff of the hook's
community and admins."""

from flask import request
from flask_login import current_user

from forum.api.common import CURSOR, responses
from forum.api.core import Param, json_body, operation, page, query
from forum.api.schemas import ID, list_of, ref
from forum.api.webhook_schemas import BODIES
from forum.clock import isoformat
from forum.communities.services import get_community
from forum.errors import Forbidden, NotFound
from forum.limits import limit_writes
from forum.permissions import can_manage_webhooks, is_admin
from forum.webhooks import services

WEBHOOK_ID = Param("webhook_id", ID, "The webhook's id", where="path", required=True)
DELIVERY_ID = Param("delivery_id", ID, "The delivery's id (from the log)", where="path", required=True)
COMMUNITY = Param("community", {"type": "string", "maxLength": 40}, "Only this community's hooks (its slug)")
STAFF = "staff"  # of the hook's community; admins are staff everywhere


def _webhook(row):
    # Never the secret: it is in the creation's answer alone.
    return {
        "id": row.id,
        "url": row.url,
        "community": row.community.slug,
        "events": row.event_list,
        "active": row.active,
        "created": isoformat(row.created),
    }


def _attempt(row):
    return {
        "id": row.id,
        "delivery": row.delivery_id,
        "event": row.event_type,
        "created": isoformat(row.created),
        "status": row.status,
        "ok": row.ok,
        "milliseconds": row.milliseconds,
        "response": row.response,
    }


def _community(slug):
    try:
        return get_community(slug)
    except NotFound as missing:
        missing.field = "community"
        raise


@operation(
    "/webhooks",
    "GET",
    summary="The webhooks you manage",
    tag="webhooks",
    params=[COMMUNITY],
    responses=responses(200, "The webhooks, in one page", list_of("Webhook")),
    auth=STAFF,
)
def list_webhooks():
    slug = request.args.get("community")
    if slug:
        community = _community(slug)
        if not can_manage_webhooks(current_user, community):
            raise Forbidden()
        rows = services.webhooks_of(community)
    else:
        rows = services.manageable_webhooks(current_user)
        if not rows and not is_admin(current_user) and not _staff_anywhere(current_user):
            raise Forbidden()
    return {"items": [_webhook(row) for row in rows], "next": None}


def _staff_anywhere(user):
    return any(grant.role == "staff" for grant in user.community_roles)


@operation(
    "/webhooks",
    "POST",
    summary="Add a webhook; its secret is in this answer only",
    tag="webhooks",
    body="NewWebhook",
    responses=responses(201, "The new webhook and its secret", ref("NewWebhookCreated")),
    auth=STAFF,
)
@limit_writes("RATELIMIT_ACTION")
def create_webhook():
    data = json_body(BODIES["NewWebhook"])
    created = services.create_webhook(current_user, _community(data["community"]), data["url"], data["events"])
    return {**_webhook(created.webhook), "secret": created.secret}, 201


@operation(
    "/webhooks/<int:webhook_id>/test",
    "POST",
    summary="Send the webhook a signed `webhook.test` message",
    tag="webhooks",
    params=[WEBHOOK_ID],
    responses=responses(202, "Queued for the consumer", ref("WebhookTest")),
    auth=STAFF,
)
@limit_writes("RATELIMIT_ACTION")
def test_webhook(webhook_id):
    hook = services.get_webhook_for(current_user, webhook_id)
    services.send_test(current_user, hook)
    return {"webhook": hook.id, "queued": True}, 202


@operation(
    "/webhooks/<int:webhook_id>/deliveries",
    "GET",
    summary="The webhook's delivery log, newest attempt first",
    tag="webhooks",
    params=[WEBHOOK_ID, CURSOR],
    responses=responses(200, "A page of attempts", list_of("WebhookAttempt")),
    auth=STAFF,
)
def list_deliveries(webhook_id):
    hook = services.get_webhook_for(current_user, webhook_id)
    values = query([CURSOR])
    result = services.attempts(hook, values["cursor"])
    return page([_attempt(row) for row in result.items], result.next_cursor)


@operation(
    "/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/replay",
    "POST",
    summary="Send a delivery of the log again, with its `webhook-id` and body",
    tag="webhooks",
    params=[WEBHOOK_ID, DELIVERY_ID],
    responses=responses(202, "Queued for the consumer", ref("WebhookReplay")),
    auth=STAFF,
)
@limit_writes("RATELIMIT_ACTION")
def replay_delivery(webhook_id, delivery_id):
    hook = services.get_webhook_for(current_user, webhook_id)
    services.replay(current_user, hook, delivery_id)
    return {"webhook": hook.id, "delivery": delivery_id, "queued": True}, 202


@operation(
    "/webhooks/<int:webhook_id>",
    "DELETE",
    summary="Remove a webhook",
    tag="webhooks",
    params=[WEBHOOK_ID],
    responses=responses(200, "Removed", ref("WebhookRemoved")),
    auth=STAFF,
)
def delete_webhook(webhook_id):
    services.delete_webhook(current_user, services.get_webhook_for(current_user, webhook_id))
    return {"id": webhook_id, "deleted": True}
