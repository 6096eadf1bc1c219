"""Solutions: list and submit in a challenge; read; edit or hide; vote and withdraw."""

from flask_login import current_user

from forum.api import serializers
from forum.api.common import CHALLENGE_ID, CURSOR, SOLUTION_ID, SORT, responses
from forum.api.core import Param, json_body, operation, page, query
from forum.api.schemas import BODIES, list_of, ref
from forum.challenges.services import get_challenge_for
from forum.limits import limit_writes
from forum.moderation import services as moderation
from forum.permissions import can_moderate, community_of, require
from forum.solutions import services, votes
from forum.solutions.models import STATUSES
from forum.transaction import opens_own_unit, unit_of_work

STATUS = Param("status", {"enum": list(STATUSES)}, "Only solutions with this status")
LIST_PARAMS = [CHALLENGE_ID, SORT, STATUS, CURSOR]


@operation(
    "/challenges/<int:challenge_id>/solutions",
    "GET",
    summary="A page of the challenge's solutions",
    tag="solutions",
    params=LIST_PARAMS,
    responses=responses(200, "A page of solutions", list_of("Solution")),
)
def list_solutions(challenge_id):
    args = query(LIST_PARAMS)
    challenge = get_challenge_for(current_user, challenge_id)
    found = services.list_solutions(challenge, args["sort"], args["cursor"], args["status"], viewer=current_user)
    extra = {"status": args["status"]} if args["status"] else {}
    return page([serializers.solution(row) for row in found.items], found.next_cursor, sort=args["sort"], **extra)


@operation(
    "/challenges/<int:challenge_id>/solutions",
    "POST",
    summary="Submit a solution while the challenge takes submissions",
    tag="solutions",
    params=[CHALLENGE_ID],
    body="NewSolution",
    responses=responses(201, "The new solution", ref("Solution")),
    auth="member",
)
@limit_writes("RATELIMIT_POST")
def submit_solution(challenge_id):
    data = json_body(BODIES["NewSolution"])
    challenge = get_challenge_for(current_user, challenge_id)
    row = services.submit_solution(current_user, challenge, data["title"], data["body"], ",".join(data.get("tags", [])))
    return serializers.solution(row), 201


@operation(
    "/solutions/<int:solution_id>",
    "GET",
    summary="One solution",
    tag="solutions",
    params=[SOLUTION_ID],
    responses=responses(200, "The solution", ref("Solution")),
)
def get_solution(solution_id):
    return serializers.solution(services.get_solution_for(current_user, solution_id))


@operation(
    "/solutions/<int:solution_id>",
    "PATCH",
    summary="Edit the text (the author while submissions are open; staff, with a note, from voting on) "
    "or hide and restore it (staff)",
    tag="solutions",
    params=[SOLUTION_ID],
    body="SolutionChange",
    responses=responses(200, "The changed solution", ref("Solution")),
    auth="member",
)
@limit_writes("RATELIMIT_POST", methods=("PATCH",))
def change_solution(solution_id):
    data = json_body(BODIES["SolutionChange"])
    solution = services.get_solution_for(current_user, solution_id)
    if "hidden" in data:
        # Checked before the edit below writes anything.
        require(can_moderate(current_user, community_of(solution)))
    if data.keys() - {"hidden"}:
        tags = ",".join(data["tags"]) if "tags" in data else ",".join(tag.name for tag in solution.tags)
        title, body = data.get("title", solution.title), data.get("body", solution.body)
        services.edit_solution(current_user, solution, title, body, tags, note=data.get("note", ""))
    if "hidden" in data and data["hidden"] != (solution.visibility != "public"):
        (moderation.hide if data["hidden"] else moderation.restore)(current_user, solution)
    return serializers.solution(solution)


@operation(
    "/solutions/<int:solution_id>/vote",
    "PUT",
    summary="Vote for the solution (voting again changes nothing)",
    tag="votes",
    params=[SOLUTION_ID],
    responses=responses(200, "The vote and the new count", ref("Vote")),
    auth="member",
)
@opens_own_unit
@limit_writes("RATELIMIT_VOTE", methods=("PUT", "DELETE"))
def cast_vote(solution_id):
    solution = services.get_solution_for(current_user, solution_id, with_challenge=True)
    with unit_of_work():
        votes.cast_vote(current_user, solution)
    return serializers.vote(solution_id, True, votes.count(solution_id))


@operation(
    "/solutions/<int:solution_id>/vote",
    "DELETE",
    summary="Withdraw your vote while voting is open",
    tag="votes",
    params=[SOLUTION_ID],
    responses=responses(200, "No vote, and the new count", ref("Vote")),
    auth="member",
)
@opens_own_unit
@limit_writes("RATELIMIT_VOTE", methods=("PUT", "DELETE"))
def withdraw_vote(solution_id):
    solution = services.get_solution_for(current_user, solution_id, with_challenge=True)
    with unit_of_work():
        votes.withdraw_vote(current_user, solution)
    return serializers.vote(solution_id, False, votes.count(solution_id))
