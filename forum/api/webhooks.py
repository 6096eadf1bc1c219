"""Webhooks: list, add (the secret is answered once), remove, send a test; staff of the hook's
community and admins."""

from flask import request
from flask_login import current_user

from forum.api.common import responses
from forum.api.core import Param, json_body, operation
from forum.api.schemas import ID, list_of, ref
from forum.api.webhook_schemas import BODIES
from forum.clock import isoformat
from forum.communities.services import get_community
from forum.errors import Forbidden, NotFound
from forum.limits import limit_writes
from forum.permissions import can_manage_webhooks, is_admin
from forum.webhooks import services

WEBHOOK_ID = Param("webhook_id", ID, "The webhook's id", where="path", required=True)
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
    summary="Send the webhook a signed `webhook.test` event",
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
