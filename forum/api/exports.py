"""GET /export/solutions.csv|.xlsx|.json: the top ideas of a community or a challenge."""

from flask_login import current_user

from forum.api.common import ERRORS
from forum.api.core import Param, operation, query
from forum.api.schemas import ID
from forum.communities.services import get_community
from forum.exports import services
from forum.exports.views import stream
from forum.exports.writers import MEDIA_TYPES
from forum.limits import limit_reads
from forum.solutions.models import STATUSES

PARAMS = [
    Param("community", {"type": "string", "maxLength": 40}, "The community's slug (or give `challenge`)"),
    Param("challenge", ID, "Only this challenge's solutions"),
    Param("status", {"enum": list(STATUSES)}, "Only solutions with this status"),
    Param(
        "min_votes",
        {"type": "integer", "minimum": 0, "maximum": services.VOTES_MAX},
        "Only solutions with at least this many votes",
    ),
    Param("since", {"type": "string", "format": "date-time"}, "Only solutions posted at or after this time"),
    Param("sort", {"enum": list(services.SORTS), "default": "votes"}, "Order of the rows"),
    Param("limit", {"type": "integer", "minimum": 1, "maximum": services.LIMIT_MAX}, "At most this many rows"),
]
SCORE = {"anyOf": [{"type": "number"}, {"const": ""}], "description": "average review score; empty if none"}
ROW = {
    "type": "object",
    "required": list(services.COLUMNS),
    "properties": {
        **{name: {"type": "string"} for name in services.COLUMNS},
        "id": ID,
        "votes": {"type": "integer"},
        "comments": {"type": "integer"},
        **dict.fromkeys(("feasibility", "impact", "novelty", "cost"), SCORE),
        "reviewers": {"anyOf": [{"type": "integer"}, {"const": ""}]},
    },
}
BODIES = {
    "csv": {"type": "string", "description": "UTF-8 with a byte-order mark; a header row of the columns"},
    "xlsx": {"type": "string", "format": "binary"},
    "json": {"type": "array", "items": ROW},
}


def _export_view(fmt):
    def export_solutions():
        args = query(PARAMS)
        community = get_community(args["community"]) if args["community"] else None
        filters = {name: args[name] for name in ("status", "min_votes", "since", "sort", "limit")}
        return stream(current_user, services.make_spec(community, args["challenge"], **filters), fmt)

    # A name of its own per format: Flask-Limiter counts a view's hits under its qualified name.
    export_solutions.__name__ = export_solutions.__qualname__ = f"export_{fmt}"
    return export_solutions


for _fmt in MEDIA_TYPES:
    operation(
        f"/export/solutions.{_fmt}",
        "GET",
        summary=f"Solutions of a community or a challenge as {_fmt.upper()} (staff and product team)",
        tag="exports",
        params=PARAMS,
        responses={200: ("The export, streamed", BODIES[_fmt]), **ERRORS},
        auth="staff and product team",
        produces=MEDIA_TYPES[_fmt],
        name=f"export_{_fmt}",
    )(limit_reads("RATELIMIT_EXPORT")(_export_view(_fmt)))
