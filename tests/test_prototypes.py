"""Promotion to prototyping: the team, milestones with photos, events with seats and a waiting list."""

import io
from datetime import timedelta

import pytest
from PIL import Image as PILImage

from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.review import prototypes, status
from forum.review.models import EventSignup, Prototype
from forum.solutions import votes
from tests import factories


@pytest.fixture
def shortlisted(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(factories.user("inventor"), challenge, title="Steam the drum gap")
    votes.cast_vote(users["fan"], solution)
    status.change_status(users["staff"], solution, "shortlisted", "Promising")
    return solution


def test_only_shortlisted_solutions_are_promoted_and_the_team_is_staff(app, community, users, shortlisted):
    challenge = shortlisted.challenge
    other = factories.solution(factories.user("other"), challenge)
    with pytest.raises(RuleBroken, match="Shortlist"):
        prototypes.promote(users["staff"], other, [users["staff"]])
    with pytest.raises(RuleBroken, match="staff"):
        prototypes.promote(users["staff"], shortlisted, [users["fan"]])
    prototype = prototypes.promote(users["staff"], shortlisted, [users["staff"]], "Into the workshop")
    assert shortlisted.status == "prototyping" and [m.username for m in prototype.team] == ["staff"]
    assert [s.to_status for s in status.trail(shortlisted)] == ["shortlisted", "prototyping"]


def test_promote_through_the_page_and_post_a_milestone_with_a_photo(app, shortlisted, users, login):
    staff = login(users["staff"])
    response = staff.post(
        f"/solutions/{shortlisted.id}/promote", data={"promote-team": [str(users["staff"].id)], "promote-note": "Go"}
    )
    assert response.status_code == 302
    photo = io.BytesIO()
    PILImage.new("RGB", (200, 120), (20, 20, 200)).save(photo, format="PNG")
    photo.seek(0)
    staff.post(
        f"/solutions/{shortlisted.id}/updates",
        data={"update-body": "**Sample machine built** in Qingdao.", "update-images": [(photo, "machine.png")]},
        content_type="multipart/form-data",
    )
    page = login(users["fan"]).get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    assert "<strong>Sample machine built</strong>" in page and "Milestone photo 1" in page
    kinds = db.session.execute(db.select(Notification.kind).filter_by(user_id=users["fan"].id)).scalars().all()
    assert "update" in kinds and "status" in kinds  # the voter hears of both


def test_two_seats_three_fans_the_third_waits_and_moves_up(app, shortlisted, users, login):
    prototype = prototypes.promote(users["staff"], shortlisted, [users["staff"]])
    event = prototypes.create_event(users["staff"], prototype, "Workshop", utcnow() + timedelta(days=7), "Qingdao", 2)
    fans = [factories.user(f"maker{n}") for n in range(3)]
    signups = [prototypes.sign_up(fan, event) for fan in fans]
    assert [s.waitlisted for s in signups] == [False, False, True]
    assert prototypes.sign_up(fans[0], event).waitlisted is False  # signing up twice changes nothing
    db.session.refresh(event)
    assert event.taken == 2
    page = login(fans[2]).get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    assert "On the waiting list" in page and "0 of 2 seats left" in page
    login(fans[0]).post(f"/events/{event.id}/signup", data={"action": "cancel", "confirmed": "1"})
    moved = db.session.execute(db.select(EventSignup).filter_by(user_id=fans[2].id)).scalar_one()
    assert moved.waitlisted is False
    seat_news = db.session.execute(db.select(Notification).filter_by(user_id=fans[2].id, kind="seat")).scalar_one()
    assert seat_news.detail == "Workshop"


def test_events_need_a_future_time_and_seats(app, shortlisted, users):
    prototype = prototypes.promote(users["staff"], shortlisted, [users["staff"]])
    with pytest.raises(RuleBroken):
        prototypes.create_event(users["staff"], prototype, "Past", utcnow() - timedelta(days=1), "Here", 2)
    with pytest.raises(RuleBroken):
        prototypes.create_event(users["staff"], prototype, "No seats", utcnow() + timedelta(days=1), "Here", 0)
    assert db.session.execute(db.select(Prototype)).scalar_one() is not None
