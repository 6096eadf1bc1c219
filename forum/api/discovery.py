"""Search and leaderboards."""

from flask import request, url_for
from flask_login import current_user

from forum.api import serializers
from forum.api.common import responses
from forum.api.core import Param, operation, query
from forum.api.schemas import list_of
from forum.communities.services import get_community
from forum.points import services as points
from forum.search import query as search

COMMUNITY = Param("community", {"type": "string", "maxLength": 40}, "A community's slug")
SEARCH_PARAMS = [
    Param("q", {"type": "string", "maxLength": 1000}, "Words to find, in Chinese or English", required=True),
    COMMUNITY,
    Param("type", {"enum": list(search.TYPES)}, "Only results of this type"),
    Param("sort", {"enum": list(search.SORTS), "default": "relevance"}, "Order of the results"),
    Param("page", {"type": "integer", "minimum": 1, "maximum": 500, "default": 1}, "Page number"),
]
BOARD_PARAMS = [
    COMMUNITY,
    Param("period", {"enum": ["all", "month"], "default": "all"}, "All time, or the last 30 days"),
]


@operation(
    "/search",
    "GET",
    summary="Search challenges, solutions, comments and prototype updates you may see",
    tag="search",
    params=SEARCH_PARAMS,
    responses=responses(200, "A page of results", list_of("SearchResult")),
)
def search_everything():
    args = query(SEARCH_PARAMS)
    community = get_community(args["community"]) if args["community"] else None
    found = search.search(current_user, args["q"], community, args["type"], None, args["sort"], args["page"])
    next_url = None
    if found.page < found.pages:
        next_url = url_for(request.endpoint, **{**request.args.to_dict(), "page": found.page + 1}, _external=True)
    return {"items": [serializers.search_result(hit) for hit in found.hits], "next": next_url}


@operation(
    "/leaderboard",
    "GET",
    summary="Fans with the most points, site-wide or in one community",
    tag="leaderboard",
    params=BOARD_PARAMS,
    responses=responses(200, "The leaderboard, best first, in one page", list_of("LeaderboardEntry")),
)
def leaderboard():
    args = query(BOARD_PARAMS)
    community = get_community(args["community"]) if args["community"] else None
    rows = points.leaderboard(community, args["period"])
    items = [
        {
            "rank": rank,
            "user": user.username,
            "url": url_for("accounts.profile", username=user.username, _external=True),
            "points": total,
            "level": _level(points.level(total)),
        }
        for rank, (user, total) in enumerate(rows, start=1)
    ]
    return {"items": items, "next": None}


def _level(level):
    # The name in the request's language, as the API's error messages are; scripts key on the number.
    return {"number": level.number, "name": str(level.name)}
