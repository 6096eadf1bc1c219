"""Communities: list, read, create (admins)."""

from flask_login import current_user

from forum.api import serializers
from forum.api.common import SLUG, responses
from forum.api.core import json_body, operation
from forum.api.schemas import BODIES, list_of, ref
from forum.communities import services
from forum.limits import limit_writes


@operation(
    "/communities",
    "GET",
    summary="All communities",
    tag="communities",
    responses=responses(200, "The communities, in one page", list_of("Community")),
)
def list_communities():
    return {"items": [serializers.community(row) for row in services.list_communities()], "next": None}


@operation(
    "/communities",
    "POST",
    summary="Create a community (admins)",
    tag="communities",
    body="NewCommunity",
    responses=responses(201, "The new community", ref("Community")),
    auth="admins",
)
@limit_writes("RATELIMIT_ACTION")
def create_community():
    data = json_body(BODIES["NewCommunity"])
    row = services.create_community(current_user, data["slug"], data["name"], data.get("description", ""))
    return serializers.community(row), 201


@operation(
    "/communities/<slug>",
    "GET",
    summary="One community",
    tag="communities",
    params=[SLUG],
    responses=responses(200, "The community", ref("Community")),
)
def get_community(slug):
    return serializers.community(services.get_community(slug))
