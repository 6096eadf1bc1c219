"""Votes: one per fan per solution, the budget, the phases, the counts, the review threshold."""

import pytest

from forum.challenges import services as challenges
from forum.challenges.models import Challenge
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import votes
from forum.solutions.models import Solution, Vote
from tests import factories


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community, vote_budget=2, review_threshold=2)


@pytest.fixture
def ideas(challenge, users):
    author = factories.user("inventor")
    return [factories.solution(author, challenge, title=f"Idea {n}") for n in range(3)]


def _count(model, **criteria):
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**criteria)).scalar()


def test_voting_twice_counts_once_and_withdrawing_gives_it_back(app, ideas, users):
    fan = users["fan"]
    assert votes.cast_vote(fan, ideas[0]) is True
    assert votes.cast_vote(fan, ideas[0]) is False
    assert db.session.get(Solution, ideas[0].id).vote_count == 1
    assert db.session.get(Challenge, ideas[0].challenge_id).vote_count == 1
    assert votes.withdraw_vote(fan, ideas[0]) is True
    assert votes.withdraw_vote(fan, ideas[0]) is False
    assert db.session.get(Solution, ideas[0].id).vote_count == 0
    assert _count(Vote) == 0


def test_the_vote_budget_holds(app, ideas, users):
    fan = users["fan"]
    votes.cast_vote(fan, ideas[0])
    votes.cast_vote(fan, ideas[1])
    with pytest.raises(RuleBroken) as caught:
        votes.cast_vote(fan, ideas[2])
    assert "used all 2 of your votes" in str(caught.value.message)
    votes.withdraw_vote(fan, ideas[0])
    assert votes.cast_vote(fan, ideas[2]) is True
    assert votes.budget_used(fan, ideas[0].challenge) == 2


def test_authors_cannot_vote_for_themselves(app, challenge, users):
    own = factories.solution(users["fan"], challenge)
    with pytest.raises(RuleBroken, match="your own solution"):
        votes.cast_vote(users["fan"], own)


def test_votes_close_after_the_voting_phase(app, ideas, users, challenge):
    votes.cast_vote(users["fan"], ideas[0])
    challenges.set_phase(users["staff"], challenge, "voting")
    votes.cast_vote(users["product"], ideas[0])  # voting phase: still open
    challenges.set_phase(users["staff"], challenge, "review")
    with pytest.raises(RuleBroken, match="Voting has closed"):
        votes.cast_vote(users["admin"], ideas[1])
    with pytest.raises(RuleBroken, match="Voting has closed"):
        votes.withdraw_vote(users["fan"], ideas[0])
    assert db.session.get(Solution, ideas[0].id).vote_count == 2


def test_the_vote_button_works_without_javascript_and_with_it(app, ideas, users, login):
    fan = login(users["fan"])
    url = f"/solutions/{ideas[0].id}/vote"
    response = fan.post(url, data={"action": "add", "next": f"/challenges/{ideas[0].challenge_id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/challenges/{ideas[0].challenge_id}"
    again = fan.post(url, data={"action": "add"}, headers={"Accept": "application/json"})
    assert {key: again.json[key] for key in ("voted", "votes", "budget", "budget_used")} == {
        "voted": True, "votes": 1, "budget": 2, "budget_used": 1
    }  # fmt: skip
    removed = fan.post(url, data={"action": "remove"}, headers={"Accept": "application/json"})
    assert removed.json["voted"] is False and removed.json["votes"] == 0


def test_a_late_vote_is_refused_with_a_message(app, ideas, users, login, challenge):
    challenges.set_phase(users["staff"], challenge, "review")
    fan = login(users["fan"])
    url = f"/solutions/{ideas[0].id}/vote"
    refused = fan.post(url, data={"action": "add"}, headers={"Accept": "application/json"})
    assert refused.status_code == 422
    assert refused.json["error"]["message"] == "Voting has closed for this challenge."
    page = fan.post(url, data={"action": "add"}, follow_redirects=True).get_data(as_text=True)
    assert "Voting has closed for this challenge." in page


def test_reaching_the_threshold_puts_the_solution_in_review_and_tells_author_and_voters(app, ideas, users):
    votes.cast_vote(users["fan"], ideas[0])
    assert db.session.get(Solution, ideas[0].id).review_requested is None
    factories.door(votes.cast_vote, users["product"], ideas[0])
    solution = db.session.get(Solution, ideas[0].id)
    assert solution.review_requested is not None
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(kind="threshold")).scalars())
    assert told == {solution.author_id, users["fan"].id, users["product"].id}
    votes.withdraw_vote(users["fan"], ideas[0])
    factories.door(votes.cast_vote, users["fan"], ideas[0])
    assert _count(Notification, kind="threshold") == 3  # told once


def test_voters_follow_what_they_voted_for(app, ideas, users):
    from forum.solutions import follows

    votes.cast_vote(users["fan"], ideas[0])
    assert follows.is_following(users["fan"], ideas[0])
