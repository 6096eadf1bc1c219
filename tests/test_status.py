"""The status trail: staff answer every idea in public, and everyone with a stake hears once."""

import pytest

from forum.audit import AuditEntry
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.review import status
from forum.review.models import StatusChange
from forum.solutions import follows, votes
from forum.solutions.models import Solution
from tests import factories


@pytest.fixture
def solution(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(factories.user("inventor"), challenge)


def test_staff_shortlist_with_a_note_and_everyone_with_a_stake_hears_once(app, solution, users, login):
    votes.cast_vote(users["fan"], solution)
    follows.set_following(users["product"], solution, True)
    follows.set_following(users["fan"], solution, True)  # voter and follower: told once
    staff = login(users["staff"])
    response = staff.post(
        f"/solutions/{solution.id}/status", data={"status": "shortlisted", "note": "Strong idea, **feasible**."}
    )
    assert response.status_code == 302
    assert db.session.get(Solution, solution.id).status == "shortlisted"
    told = db.session.execute(db.select(Notification.user_id).filter_by(kind="status")).scalars().all()
    assert sorted(told) == sorted([solution.author_id, users["fan"].id, users["product"].id])
    page = login(users["fan"]).get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "Shortlisted" in page and "<strong>feasible</strong>" in page and "staff" in page
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="solution.status")).scalar_one()
    assert entry.before == {"status": "open"} and entry.after["status"] == "shortlisted"


def test_declining_needs_a_public_reason(app, solution, users, login):
    staff = login(users["staff"])
    response = staff.post(f"/solutions/{solution.id}/status", data={"status": "declined", "note": "  "})
    assert response.status_code == 422
    assert "Tell the author and the voters why." in response.get_data(as_text=True)
    assert db.session.get(Solution, solution.id).status == "open"
    status.change_status(users["staff"], solution, "declined", "Too costly to build this year.")
    assert [s.to_status for s in status.trail(solution)] == ["declined"]


def test_transitions_are_checked(app, solution, users):
    with pytest.raises(RuleBroken):
        status.change_status(users["staff"], solution, "prototyped")
    with pytest.raises(RuleBroken):
        status.change_status(users["staff"], solution, "merged")
    status.change_status(users["staff"], solution, "shortlisted")
    status.change_status(users["staff"], solution, "prototyping")
    status.change_status(users["staff"], solution, "prototyped", "Sample machine built.")
    steps = db.session.execute(db.select(StatusChange.from_status, StatusChange.to_status)).all()
    assert steps == [("open", "shortlisted"), ("shortlisted", "prototyping"), ("prototyping", "prototyped")]


def test_only_staff_of_the_community_answer(app, solution, users, login):
    other = factories.community(slug="other", name="Other")
    outsider = factories.user("outsider", community_roles={other: "staff"})
    for actor in (users["fan"], users["product"], outsider):
        with pytest.raises(Forbidden):
            status.change_status(actor, solution, "shortlisted")
    assert (
        login(users["fan"]).post(f"/solutions/{solution.id}/status", data={"status": "shortlisted"}).status_code == 403
    )
    assert "Change status" not in login(users["fan"]).get(f"/solutions/{solution.id}").get_data(as_text=True)
