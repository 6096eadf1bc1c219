"""Challenges: list and post in a community; read; change text, deadlines, budget and phase."""

from flask_login import current_user

from forum.api import serializers
from forum.api.common import CHALLENGE_ID, CURSOR, SLUG, SORT, responses
from forum.api.core import json_body, operation, page, parse_time, query
from forum.api.schemas import BODIES, list_of, ref
from forum.challenges import services
from forum.challenges.services import Campaign
from forum.communities.services import get_community
from forum.limits import limit_writes

CAMPAIGN_FIELDS = ("vote_budget", "submission_ends", "voting_ends")
LIST_PARAMS = [SLUG, SORT, CURSOR]


@operation(
    "/communities/<slug>/challenges",
    "GET",
    summary="A page of the community's challenges",
    tag="challenges",
    params=LIST_PARAMS,
    responses=responses(200, "A page of challenges", list_of("Challenge")),
)
def list_challenges(slug):
    args = query(LIST_PARAMS)
    community = get_community(slug)
    found = services.list_challenges(community, args["sort"], args["cursor"], viewer=current_user)
    return page([serializers.challenge(row) for row in found.items], found.next_cursor, sort=args["sort"])


@operation(
    "/communities/<slug>/challenges",
    "POST",
    summary="Post a problem; staff may run it as a campaign with deadlines and a vote budget",
    tag="challenges",
    params=[SLUG],
    body="NewChallenge",
    responses=responses(201, "The new challenge", ref("Challenge")),
    auth="member",
)
@limit_writes("RATELIMIT_POST")
def post_challenge(slug):
    data = json_body(BODIES["NewChallenge"])
    community = get_community(slug)
    campaign = _campaign(data) if data.get("campaign") or any(name in data for name in CAMPAIGN_FIELDS) else None
    row = services.post_challenge(current_user, community, data["title"], data["body"], campaign)
    return serializers.challenge(row), 201


@operation(
    "/challenges/<int:challenge_id>",
    "GET",
    summary="One challenge",
    tag="challenges",
    params=[CHALLENGE_ID],
    responses=responses(200, "The challenge", ref("Challenge")),
)
def get_challenge(challenge_id):
    return serializers.challenge(services.get_challenge_for(current_user, challenge_id))


@operation(
    "/challenges/<int:challenge_id>",
    "PATCH",
    summary="Change the text (author while submissions are open, staff), deadlines and budget "
    "(staff), or move the phase forward (staff)",
    tag="challenges",
    params=[CHALLENGE_ID],
    body="ChallengeChange",
    responses=responses(200, "The changed challenge", ref("Challenge")),
    auth="member",
)
@limit_writes("RATELIMIT_POST", methods=("PATCH",))
def change_challenge(challenge_id):
    data = json_body(BODIES["ChallengeChange"])
    challenge = services.get_challenge_for(current_user, challenge_id)
    # Every check runs before the first write, so a refused phase leaves the text unchanged too.
    if "phase" in data:
        services.check_phase(current_user, challenge, data["phase"])
    if data.keys() - {"phase"}:
        campaign = _campaign(data, challenge) if data.keys() & set(CAMPAIGN_FIELDS) else None
        title, body = data.get("title", challenge.title), data.get("body", challenge.body)
        services.update_challenge(current_user, challenge, title, body, campaign)
    if "phase" in data:
        services.set_phase(current_user, challenge, data["phase"])
    return serializers.challenge(challenge)


def _campaign(data, challenge=None):
    """The campaign settings in `data`, the challenge's own for those not given."""

    def value(name):
        if name in data:
            raw = data[name]
            return parse_time(raw, name) if name.endswith("_ends") else raw
        return getattr(challenge, name) if challenge is not None else None

    return Campaign(
        submission_ends=value("submission_ends"),
        voting_ends=value("voting_ends"),
        vote_budget=value("vote_budget"),
        review_threshold=challenge.review_threshold if challenge is not None else None,
        reward=challenge.reward if challenge is not None else None,
    )
