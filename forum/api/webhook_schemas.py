"""JSON schemas of webhooks: the subscription as the API sends and accepts it, and the payload
of each event (the OpenAPI document's `webhooks` section). Payload objects are the API's own."""

from forum.api.schemas import ID, TIME, URL, _object, nullable, ref, text
from forum.challenges.models import PHASES
from forum.solutions.models import STATUSES
from forum.webhooks.models import EVENT_TYPES, TEST_EVENT

SLUG = {"type": "string", "description": "the community's slug"}

OBJECTS = {
    "Webhook": _object(
        {
            "id": ID,
            "url": URL,
            "community": SLUG,
            "events": {"type": "array", "items": {"enum": list(EVENT_TYPES)}},
            "active": {"type": "boolean", "description": "false once disabled after repeated failures"},
            "created": TIME,
        }
    ),
    "NewWebhookCreated": _object(
        {
            "id": ID,
            "url": URL,
            "community": SLUG,
            "events": {"type": "array", "items": {"enum": list(EVENT_TYPES)}},
            "active": {"type": "boolean"},
            "created": TIME,
            "secret": {
                "type": "string",
                "pattern": "^whsec_",
                "description": "Signs every delivery (Standard Webhooks); shown in this answer only",
            },
        }
    ),
    "WebhookRemoved": _object({"id": ID, "deleted": {"type": "boolean"}}),
    "WebhookReplay": _object({"webhook": ID, "delivery": ID, "queued": {"type": "boolean"}}),
    "WebhookAttempt": _object(
        {
            "id": ID,
            "delivery": {**ID, "description": "the delivery this attempt was of (replay it by this id)"},
            "event": {"type": "string"},
            "created": TIME,
            "status": {**nullable({"type": "integer"}), "description": "null when no HTTP answer came"},
            "ok": {"type": "boolean"},
            "milliseconds": {"type": "integer", "minimum": 0},
            "response": {"type": "string", "description": "the answer's first kilobyte, or why there was none"},
        }
    ),
    "WebhookTest": _object({"webhook": ID, "queued": {"type": "boolean"}}),
    "Release": _object(
        {
            "id": ID,
            "url": URL,
            "community": SLUG,
            "version": {"type": "string"},
            "released_on": {"type": "string", "format": "date"},
            "body": {"type": "string"},
            "solutions": {"type": "array", "items": ID},
            "created": TIME,
        }
    ),
}

BODIES = {
    "NewWebhook": {
        **_object(
            {
                "url": {**text(2000, 1), "description": "http(s), to a public address"},
                "events": {"type": "array", "items": {"enum": list(EVENT_TYPES)}, "minItems": 1, "maxItems": 20},
                "community": {**text(40, 1), "description": "the community's slug"},
            }
        ),
        "additionalProperties": False,
    },
}


def _payload(kind, data):
    return {
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {"type": {"const": kind}, "timestamp": TIME, "data": _object(data)},
    }


SOLUTION = ref("Solution")
DATA = {
    "challenge.created": {"challenge": ref("Challenge")},
    "challenge.phase_changed": {"challenge": ref("Challenge"), "previous_phase": nullable({"enum": list(PHASES)})},
    "solution.created": {"solution": SOLUTION},
    "solution.updated": {"solution": SOLUTION},
    "solution.status_changed": {
        "solution": SOLUTION,
        "previous_status": nullable({"enum": list(STATUSES)}),
        "status_change": ref("StatusChange"),
    },
    "solution.merged": {"solution": SOLUTION, "into": SOLUTION},
    "vote.created": {"solution": SOLUTION, "vote": ref("Vote")},
    "vote.removed": {"solution": SOLUTION, "vote": ref("Vote")},
    "comment.created": {
        "comment": {"allOf": [ref("Comment"), _object({"challenge": ID})]},
        "solution": nullable(SOLUTION),
    },
    "prototype.updated": {"solution": SOLUTION, "update": ref("PrototypeUpdate")},
    "release.published": {"release": ref("Release")},
    TEST_EVENT: {"webhook": _object({"id": ID, "community": SLUG})},
}
HEADERS = {
    "webhook-id": "The message's id: the same on every retry and replay (deduplicate on it)",
    "webhook-timestamp": "Seconds since 1970 when this attempt was signed",
    "webhook-signature": "v1, then base64 HMAC-SHA256 of id.timestamp.body with the secret's bytes",
}

WEBHOOKS = {
    kind: {
        "post": {
            "summary": f"{kind}, signed the Standard Webhooks way",
            "parameters": [
                {"name": name, "in": "header", "required": True, "description": words, "schema": {"type": "string"}}
                for name, words in HEADERS.items()
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _payload(kind, data)}}},
            "responses": {"200": {"description": "Any 2xx: received. Anything else is retried with backoff."}},
        }
    }
    for kind, data in DATA.items()
}
