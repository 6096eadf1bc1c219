"""JSON schemas of what the API sends and accepts: one source for validating bodies and for the
OpenAPI document. Field names follow ../shared/DESIGN.md."""

from forum.challenges.models import PHASES
from forum.database import INT_MAX
from forum.moderation.models import FLAG_REASONS
from forum.review.models import RUBRIC
from forum.solutions.models import STATUSES


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def list_of(name):
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "next": {**nullable({"type": "string", "format": "uri"}), "description": "URL of the next page"},
        },
    }


TIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": INT_MAX}
URL = {"type": "string", "format": "uri"}
SCORE = {"type": "integer", "minimum": 1, "maximum": 5}


def _object(properties, required=None):
    return {
        "type": "object",
        "required": list(required if required is not None else properties),
        "properties": properties,
    }


OBJECTS = {
    "Error": _object(
        {
            "error": _object(
                {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}},
                required=["code", "message"],
            )
        }
    ),
    "Token": _object({"id": ID, "name": {"type": "string"}, "token": {"type": "string"}, "created": TIME}),
    "Community": _object(
        {
            "slug": {"type": "string"},
            "url": URL,
            "name": {"type": "string"},
            "description": {"type": "string"},
        }
    ),
    "Challenge": _object(
        {
            "id": ID,
            "url": URL,
            "community": {"type": "string", "description": "the community's slug"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            "phase": {"enum": list(PHASES)},
            "vote_budget": nullable({"type": "integer"}),
            "submission_ends": nullable(TIME),
            "voting_ends": nullable(TIME),
            "solutions": {"type": "integer", "minimum": 0},
            "created": TIME,
        }
    ),
    "Solution": _object(
        {
            "id": ID,
            "url": URL,
            "challenge": ID,
            "title": {"type": "string"},
            "body": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "author": nullable({"type": "string"}),
            "status": {"enum": list(STATUSES)},
            "votes": {"type": "integer", "minimum": 0},
            "comments": {"type": "integer", "minimum": 0},
            "created": TIME,
            "edited": {
                **nullable(TIME),
                "description": "when its text last changed after people had voted for it (its history is public)",
            },
            "hidden": {"type": "boolean"},
        }
    ),
    "Vote": _object({"solution": ID, "voted": {"type": "boolean"}, "votes": {"type": "integer", "minimum": 0}}),
    "Comment": _object(
        {
            "id": ID,
            "url": URL,
            "body": {"type": "string"},
            "author": nullable({"type": "string"}),
            "parent": nullable(ID),
            "created": TIME,
        }
    ),
    "Review": _object(
        {
            "id": ID,
            "reviewer": nullable({"type": "string"}),
            **dict.fromkeys(RUBRIC, SCORE),
            "note": {"type": "string"},
        }
    ),
    "StatusChange": _object(
        {
            "id": ID,
            "status": {"enum": list(STATUSES)},
            "note": {"type": "string"},
            "by": nullable({"type": "string"}),
            "created": TIME,
        }
    ),
    "Flag": _object({"reason": {"enum": list(FLAG_REASONS)}, "received": {"type": "boolean"}}),
    "PrototypeUpdate": _object(
        {"id": ID, "url": URL, "body": {"type": "string"}, "author": nullable({"type": "string"}), "created": TIME}
    ),
    "SearchResult": _object(
        {
            "type": {"enum": ["challenge", "solution", "comment", "update"]},
            "id": ID,
            "url": URL,
            "title": {"type": "string"},
            "snippet": {"type": "string", "description": "HTML: matched words in <mark>, the rest escaped"},
        }
    ),
    "LeaderboardEntry": _object(
        {
            "rank": ID,
            "user": {"type": "string"},
            "url": URL,
            "points": {"type": "integer"},
            "level": _object(
                {
                    "number": {"type": "integer", "minimum": 1, "description": "1 for a newcomer, counting up"},
                    "name": {
                        "type": "string",
                        "description": "The level's name in the request's language (the token owner's saved "
                        "language, else Accept-Language, else English); scripts should key on `number`",
                    },
                }
            ),
        }
    ),
}


def text(maximum, minimum=0):
    return {"type": "string", "minLength": minimum, "maxLength": maximum}


BODIES = {
    "TokenRequest": {
        **_object({"username": text(254, 1), "password": text(1024, 1), "name": text(60)}, ["username", "password"]),
        "additionalProperties": False,
    },
    "NewCommunity": {
        **_object({"slug": text(40, 1), "name": text(80, 1), "description": text(5000)}, ["slug", "name"]),
        "additionalProperties": False,
    },
    "NewChallenge": {
        **_object(
            {
                "title": text(200, 1),
                "body": text(20_000, 1),
                "campaign": {"type": "boolean", "description": "staff: run it as a campaign with phases"},
                "vote_budget": nullable({"type": "integer", "minimum": 1, "maximum": 10_000}),
                "submission_ends": nullable(TIME),
                "voting_ends": nullable(TIME),
            },
            ["title", "body"],
        ),
        "additionalProperties": False,
    },
    "ChallengeChange": {
        **_object(
            {
                "title": text(200, 1),
                "body": text(20_000, 1),
                "phase": {"enum": list(PHASES)},
                "vote_budget": nullable({"type": "integer", "minimum": 1, "maximum": 10_000}),
                "submission_ends": nullable(TIME),
                "voting_ends": nullable(TIME),
            },
            [],
        ),
        "additionalProperties": False,
        "minProperties": 1,
    },
    "NewSolution": {
        **_object(
            {
                "title": text(200, 1),
                "body": text(20_000, 1),
                "tags": {"type": "array", "items": text(30, 1), "maxItems": 8},
            },
            ["title", "body"],
        ),
        "additionalProperties": False,
    },
    "SolutionChange": {
        **_object(
            {
                "title": text(200, 1),
                "body": text(20_000, 1),
                "tags": {"type": "array", "items": text(30, 1), "maxItems": 8},
                "note": {
                    **text(500),
                    "description": "why the text changes: required from the voting phase on (staff only edit "
                    "then); kept in the public history",
                },
                "hidden": {"type": "boolean", "description": "staff: hide from everyone but staff and the author"},
            },
            [],
        ),
        "additionalProperties": False,
        "minProperties": 1,
    },
    "NewComment": {
        **_object({"body": text(5000, 1), "parent": nullable(ID)}, ["body"]),
        "additionalProperties": False,
    },
    "NewFlag": {
        **_object({"reason": {"enum": list(FLAG_REASONS)}, "detail": text(500)}, ["reason"]),
        "additionalProperties": False,
    },
    "NewReview": {
        **_object({**dict.fromkeys(RUBRIC, SCORE), "note": text(2000)}, list(RUBRIC)),
        "additionalProperties": False,
    },
    "NewStatus": {
        **_object({"status": {"enum": list(STATUSES)}, "note": text(2000)}, ["status"]),
        "additionalProperties": False,
    },
    "NewPrototypeUpdate": {**_object({"body": text(10_000, 1)}, ["body"]), "additionalProperties": False},
}
