"""The staff's review pages say what the public pages say: the board's status is the solution's
badge, the staff panel names who is assigned and why there is no rubric yet; a visitor is offered
the way to an event's seat."""

from datetime import timedelta

import pytest

from forum.challenges import services as challenges
from forum.clock import utcnow
from forum.extensions import db
from tests import factories


@pytest.fixture
def setup(app, community, users):
    challenge = factories.challenge(users["staff"], community, vote_budget=3)
    ideas = [factories.solution(factories.user(f"maker{n}"), challenge, title=f"Idea {n}") for n in range(2)]
    return challenge, ideas


def _row(page, title):
    return page[page.index(f">{title}</a>") :].split("</tr>")[0]


def test_the_board_shows_the_status_the_solutions_badge_shows(app, setup, users, login):
    challenge, ideas = setup
    ideas[0].review_requested = utcnow()  # past the challenge's review threshold
    db.session.commit()
    page = login(users["staff"]).get(f"/challenges/{challenge.id}/board").get_data(as_text=True)
    assert "Under review" in _row(page, "Idea 0") and "Open" not in _row(page, "Idea 0")
    assert "Open" in _row(page, "Idea 1")
    badge = login(users["staff"]).get(f"/solutions/{ideas[0].id}").get_data(as_text=True)
    assert "Under review" in badge
