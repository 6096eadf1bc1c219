"""The staff's review pages say what the public pages say: the board's status is the solution's
badge, the staff panel names who is assigned and why there is no rubric yet; a visitor is offered
the way to an event's seat."""

from datetime import timedelta

import pytest

from forum.challenges import services as challenges
from forum.clock import utcnow
from forum.extensions import db
from forum.review import prototypes, status
from forum.transaction import unit_of_work
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


def _staff_review(page):
    return page[page.index('id="staff-review"') :].split("</section>")[0]


def test_the_staff_panel_names_the_assigned_reviewers_and_why_there_is_no_rubric_yet(
    app, setup, community, users, login
):
    challenge, ideas = setup
    challenges.set_phase(users["staff"], challenge, "voting")
    second = factories.user("second_reviewer", community_roles={community: "staff"})
    db.session.commit()
    staff = login(users["staff"])
    before = _staff_review(staff.get(f"/solutions/{ideas[0].id}").get_data(as_text=True))
    assert "Solutions are scored in the review phase." in before
    assert "<summary>Score this solution</summary>" not in before and "Assigned reviewers" not in before
    response = staff.post(f"/solutions/{ideas[0].id}/assign", data={"assign-reviewer": str(second.id)})
    assert response.status_code == 302
    panel = _staff_review(staff.get(f"/solutions/{ideas[0].id}").get_data(as_text=True))
    assigned = panel[panel.index("Assigned reviewers:") :].split("</p>")[0]
    assert ">second_reviewer</span></a>" in assigned and "staff" not in assigned
    assert "Assigned reviewers" not in _staff_review(staff.get(f"/solutions/{ideas[1].id}").get_data(as_text=True))
    challenges.set_phase(users["staff"], challenge, "review")
    db.session.commit()
    in_review = _staff_review(staff.get(f"/solutions/{ideas[0].id}").get_data(as_text=True))
    assert "<summary>Score this solution</summary>" in in_review and "scored in the review phase" not in in_review
    assert "Assigned reviewers:" in in_review


def test_a_visitor_is_offered_to_log_in_to_sign_up_for_an_event(app, setup, users, login, client):
    _, ideas = setup
    staff = users["staff"]
    with unit_of_work():
        status.change_status(staff, ideas[0], "shortlisted")
        prototype = prototypes.promote(staff, ideas[0], [staff])
        prototypes.create_event(staff, prototype, "Workshop", utcnow() + timedelta(days=9), "Qingdao", 2)
    url = f"/solutions/{ideas[0].id}"
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    event = page[page.index(">Workshop</strong>") :].split("</li>")[0]
    assert "2 of 2 seats left" in event
    assert f'href="/login?next=/solutions/{ideas[0].id}"' in event and "Log in to sign up" in event
    member = login(users["fan"]).get(url).get_data(as_text=True)
    assert "Log in to sign up" not in member and ">Sign up</button>" in member
