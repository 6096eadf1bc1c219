"""Staff answers on a solution: rubric reviews, status changes, prototype milestone updates."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.api import serializers
from forum.api.common import SOLUTION_ID, responses
from forum.api.core import json_body, operation
from forum.api.schemas import BODIES, list_of, ref
from forum.errors import NotFound
from forum.limits import limit_writes
from forum.review import prototypes, scoring, status
from forum.review.models import RUBRIC
from forum.solutions.services import get_solution_for


@operation(
    "/solutions/<int:solution_id>/reviews",
    "GET",
    summary="The solution's rubric reviews (staff and product team)",
    tag="reviews",
    params=[SOLUTION_ID],
    responses=responses(200, "The reviews, in one page", list_of("Review")),
    auth="staff and product team",
)
def list_reviews(solution_id):
    solution = get_solution_for(current_user, solution_id)
    return {"items": [serializers.review(row) for row in scoring.reviews_of(current_user, solution)], "next": None}


@operation(
    "/solutions/<int:solution_id>/reviews",
    "POST",
    summary="Score the solution on the rubric in the review phase (staff); scoring again replaces it",
    tag="reviews",
    params=[SOLUTION_ID],
    body="NewReview",
    responses=responses(201, "Your review", ref("Review")),
    auth="staff",
)
@limit_writes("RATELIMIT_ACTION")
def add_review(solution_id):
    data = json_body(BODIES["NewReview"])
    solution = get_solution_for(current_user, solution_id)
    row = scoring.score(current_user, solution, {c: data[c] for c in RUBRIC}, data.get("note", ""))
    return serializers.review(row), 201


@operation(
    "/solutions/<int:solution_id>/status",
    "POST",
    summary="Move the solution to a new status with a public note (staff; declining needs a note)",
    tag="status",
    params=[SOLUTION_ID],
    body="NewStatus",
    responses=responses(201, "The step in the solution's status trail", ref("StatusChange")),
    auth="staff",
)
@limit_writes("RATELIMIT_ACTION")
def change_status(solution_id):
    data = json_body(BODIES["NewStatus"])
    solution = get_solution_for(current_user, solution_id)
    change = status.change_status(current_user, solution, data["status"], data.get("note", ""))
    return serializers.status_change(change), 201


@operation(
    "/solutions/<int:solution_id>/prototype/updates",
    "GET",
    summary="Public milestone updates of the solution's prototype, newest first",
    tag="prototypes",
    params=[SOLUTION_ID],
    responses=responses(200, "The updates, in one page", list_of("PrototypeUpdate")),
)
def list_updates(solution_id):
    solution = get_solution_for(current_user, solution_id)
    rows = prototypes.updates(_prototype(solution))
    return {"items": [serializers.prototype_update(row, solution.id) for row in rows], "next": None}


@operation(
    "/solutions/<int:solution_id>/prototype/updates",
    "POST",
    summary="Post a milestone update (staff); the author, voters and followers hear of it",
    tag="prototypes",
    params=[SOLUTION_ID],
    body="NewPrototypeUpdate",
    responses=responses(201, "The new update", ref("PrototypeUpdate")),
    auth="staff",
)
@limit_writes("RATELIMIT_POST")
def post_update(solution_id):
    data = json_body(BODIES["NewPrototypeUpdate"])
    solution = get_solution_for(current_user, solution_id)
    row = prototypes.post_update(current_user, _prototype(solution), data["body"])
    return serializers.prototype_update(row, solution.id), 201


def _prototype(solution):
    prototype = prototypes.prototype_of(solution)
    if prototype is None:
        raise NotFound(_l("This solution has not been promoted to a prototype."))
    return prototype
