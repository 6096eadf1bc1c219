"""A solution's comments, and flags raised on it."""

from flask_login import current_user

from forum.api import serializers
from forum.api.common import SOLUTION_ID, responses
from forum.api.core import json_body, operation
from forum.api.schemas import BODIES, list_of, ref
from forum.errors import NotFound, RuleBroken
from forum.limits import limit_writes
from forum.moderation import services as moderation
from forum.solutions import comments
from forum.solutions.services import get_solution_for


@operation(
    "/solutions/<int:solution_id>/comments",
    "GET",
    summary="The solution's comments, oldest first, each reply after its parent",
    tag="comments",
    params=[SOLUTION_ID],
    responses=responses(200, "The comments, in one page", list_of("Comment")),
)
def list_comments(solution_id):
    solution = get_solution_for(current_user, solution_id)
    rows = []
    for comment, replies in comments.thread(solution.challenge, solution, viewer=current_user):
        rows.append(comment)
        rows.extend(replies)
    return {"items": [serializers.comment(row) for row in rows], "next": None}


@operation(
    "/solutions/<int:solution_id>/comments",
    "POST",
    summary="Comment on the solution, or reply to one of its comments",
    tag="comments",
    params=[SOLUTION_ID],
    body="NewComment",
    responses=responses(201, "The new comment", ref("Comment")),
    auth="member",
)
@limit_writes("RATELIMIT_POST")
def add_comment(solution_id):
    data = json_body(BODIES["NewComment"])
    solution = get_solution_for(current_user, solution_id)
    parent = None
    if data.get("parent") is not None:
        try:
            parent = comments.get_comment_for(current_user, data["parent"])
        except NotFound as error:  # the parent is input, so its absence is the body's fault
            raise RuleBroken(error.message, field="parent") from None
    row = comments.add_comment(current_user, solution.challenge, data["body"], solution=solution, parent=parent)
    return serializers.comment(row), 201


@operation(
    "/solutions/<int:solution_id>/flags",
    "POST",
    summary="Report the solution to the community's staff",
    tag="flags",
    params=[SOLUTION_ID],
    body="NewFlag",
    responses=responses(201, "The report was received", ref("Flag")),
    auth="member",
)
@limit_writes("RATELIMIT_FLAG")
def raise_flag(solution_id):
    data = json_body(BODIES["NewFlag"])
    solution = get_solution_for(current_user, solution_id)
    moderation.raise_flag(current_user, solution, data["reason"], data.get("detail", ""))
    return {"reason": data["reason"], "received": True}, 201
