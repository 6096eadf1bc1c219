"""Promotion to prototyping: the team, milestones with photos, events with seats and a waiting list."""

import csv
import io
import json
from datetime import timedelta

import pytest
from PIL import Image as PILImage

from forum.accounts.models import User
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification, NotificationOutbox
from forum.review import prototypes, rosters, status
from forum.review.models import Event, EventSignup, Prototype
from forum.solutions import votes
from tests import factories, test_concurrency
from tests.test_concurrency import Browser, _all_at_once

server = test_concurrency.server  # gunicorn with several workers, for the simultaneous cancels


@pytest.fixture
def shortlisted(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(factories.user("inventor"), challenge, title="Steam the drum gap")
    votes.cast_vote(users["fan"], solution)
    status.change_status(users["staff"], solution, "shortlisted", "Promising")
    return solution


def test_only_shortlisted_solutions_are_promoted_and_the_team_may_be_any_member(app, community, users, shortlisted):
    challenge = shortlisted.challenge
    other = factories.solution(factories.user("other"), challenge)
    with pytest.raises(RuleBroken, match="Shortlist"):
        prototypes.promote(users["staff"], other, [users["staff"]])
    with pytest.raises(RuleBroken, match="expert team"):
        prototypes.promote(users["staff"], shortlisted, [])
    prototype = prototypes.promote(users["staff"], shortlisted, [users["staff"], users["fan"]], "Into the workshop")
    assert shortlisted.status == "prototyping" and sorted(m.username for m in prototype.team) == ["fan", "staff"]
    assert [s.to_status for s in status.trail(shortlisted)] == ["shortlisted", "prototyping"]


def test_the_team_picker_offers_the_author_first_and_takes_any_member_by_name(app, shortlisted, users, login):
    staff = login(users["staff"])
    page = staff.get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    picker = page[page.index('name="promote-team"') :]
    picker = picker[: picker.index("</fieldset>")]
    assert picker.index(" inventor</label>") < picker.index(" staff</label>")
    refused = staff.post(
        f"/solutions/{shortlisted.id}/promote", data={"promote-team": [], "promote-others": "nobody_here"}
    )
    assert refused.status_code == 422 and db.session.execute(db.select(Prototype)).first() is None
    maker = factories.user("maker")
    staff.post(
        f"/solutions/{shortlisted.id}/promote",
        data={"promote-team": [str(shortlisted.author_id)], "promote-others": "@maker， fan"},
    )
    prototype = db.session.execute(db.select(Prototype)).scalar_one()
    assert sorted(m.username for m in prototype.team) == sorted(["inventor", maker.username, "fan"])


def test_the_team_is_checkboxes_with_the_author_checked_and_a_refusal_comes_back_in_the_form(
    app, shortlisted, users, login
):
    staff = login(users["staff"])
    page = staff.get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    picker = page[page.index('id="promote-team"') :]
    assert "<select" not in picker[: picker.index("</fieldset>")]
    author_box = f'type="checkbox" value="{shortlisted.author_id}"'
    staff_box = f'type="checkbox" value="{users["staff"].id}"'
    assert "checked" in page[page.index(author_box) - 80 : page.index(author_box) + 40]
    assert "checked" not in page[page.index(staff_box) - 80 : page.index(staff_box) + 40]

    # Nothing chosen: the form comes back open, the team marked invalid with its message beside it.
    refused = staff.post(f"/solutions/{shortlisted.id}/promote", data={"promote-note": "Into the workshop"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    team = body[body.index('id="promote-team"') :][:3000]
    assert 'aria-invalid="true"' in team and 'class="field-error"' in team
    assert "Choose the expert team" in team and "Into the workshop" in body

    # An unknown name: what was checked stays checked.
    refused = staff.post(
        f"/solutions/{shortlisted.id}/promote",
        data={"promote-team": [str(users["staff"].id)], "promote-others": "nobody_here"},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "nobody_here" in body
    assert "checked" in body[body.index(staff_box) - 80 : body.index(staff_box) + 40]
    assert db.session.execute(db.select(Prototype)).first() is None


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


def _event(users, shortlisted, seats=2):
    prototype = factories.door(prototypes.promote, users["staff"], shortlisted, [users["staff"]])
    return factories.door(
        prototypes.create_event, users["staff"], prototype, "Workshop", utcnow() + timedelta(days=7), "Qingdao", seats
    )


def test_a_cancelled_seat_goes_to_the_first_waiting_once_and_the_roster_keeps_the_cancel(
    app, shortlisted, users, login
):
    event = _event(users, shortlisted)
    fans = [factories.user(f"maker{n}") for n in range(4)]
    for fan in fans:
        factories.door(prototypes.sign_up, fan, event)
    assert factories.door(prototypes.cancel, fans[0], event) == fans[2].id
    assert factories.door(prototypes.cancel, fans[0], event) is None  # a second cancel changes nothing
    db.session.refresh(event)
    assert event.taken == 2
    roster = rosters.roster(users["staff"], event.id)
    assert [s.user.username for s in roster.booked] == ["maker1", "maker2"]
    assert [s.user.username for s in roster.waiting] == ["maker3"]
    assert [s.user.username for s in roster.cancelled] == ["maker0"]
    seat_news = db.session.execute(db.select(Notification).filter_by(kind="seat")).scalars().all()
    assert [n.user_id for n in seat_news] == [fans[2].id]
    # Signing up again queues at the end, behind the fan already waiting.
    again = factories.door(prototypes.sign_up, fans[0], event)
    assert again.waitlisted is True
    assert [s.user.username for s in rosters.roster(users["staff"], event.id).waiting] == ["maker3", "maker0"]
    # A fan leaving the waiting list frees no seat and promotes nobody.
    assert factories.door(prototypes.cancel, fans[3], event) is None
    assert [s.user.username for s in rosters.roster(users["staff"], event.id).waiting] == ["maker0"]


def test_the_roster_is_staff_only_with_a_csv_and_attendance(app, shortlisted, users, login):
    event = _event(users, shortlisted, seats=1)
    seated, waiting = factories.user("seated"), factories.user("-waiting")
    factories.door(prototypes.sign_up, seated, event)
    factories.door(prototypes.sign_up, waiting, event)
    assert login(users["fan"]).get(f"/events/{event.id}/roster").status_code == 403
    assert login(users["fan"]).get(f"/events/{event.id}/roster.csv").status_code == 403
    staff = login(users["staff"])
    page = staff.get(f"/events/{event.id}/roster").get_data(as_text=True)
    assert "seated" in page and "-waiting" in page and "Waiting list" in page and "Cancelled" in page
    solution_page = staff.get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    assert f"/events/{event.id}/roster" in solution_page
    assert f"/events/{event.id}/roster" not in login(users["fan"]).get(f"/solutions/{shortlisted.id}").get_data(
        as_text=True
    )
    signup = rosters.roster(users["staff"], event.id).booked[0]
    assert staff.post(f"/events/{event.id}/attendance/{signup.id}", data={"attended": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EventSignup, signup.id).attended is True
    queued = rosters.roster(users["staff"], event.id).waiting[0]
    staff.post(f"/events/{event.id}/attendance/{queued.id}", data={"attended": "yes"})
    staff.post(f"/events/{event.id}/attendance/{signup.id}", data={"attended": "maybe"})  # refused by the form
    db.session.expire_all()
    assert db.session.get(EventSignup, queued.id).attended is None
    assert db.session.get(EventSignup, signup.id).attended is True
    assert (
        login(users["fan"]).post(f"/events/{event.id}/attendance/{signup.id}", data={"attended": "no"}).status_code
        == 403
    )
    response = staff.get(f"/events/{event.id}/roster.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["list", "position", "username", "signed_up", "cancelled", "attended"]
    assert rows[1][:3] == ["booked", "1", "seated"] and rows[1][5] == "yes"
    assert rows[2][:3] == ["waiting", "1", "'-waiting"]  # never a formula in a spreadsheet
    assert rows[1][3].endswith("Z") and "." not in rows[1][3]


def test_cancelling_is_a_post_with_csrf(make_app, shortlisted, users):
    event = _event(users, shortlisted, seats=1)
    factories.door(prototypes.sign_up, users["fan"], event)
    guarded = make_app(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"login": "fan", "password": factories.PASSWORD, "csrf_token": token})
    assert client.get(f"/events/{event.id}/signup").status_code == 405
    response = client.post(f"/events/{event.id}/signup", data={"action": "cancel", "confirmed": "1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.execute(db.select(EventSignup.cancelled)).scalar_one() is None


def test_simultaneous_cancels_promote_each_waiting_fan_once_and_never_overfill(app, shortlisted, users, server):
    """Against gunicorn with several workers (PostgreSQL in its run): two seated fans cancel at the
    same moment, one of them twice, while three wait."""
    event = _event(users, shortlisted)
    fans = [factories.user(f"queue{n}") for n in range(5)]
    for fan in fans:
        factories.door(prototypes.sign_up, fan, event)
    event_id, staff_id, told_ids = event.id, users["staff"].id, sorted([fans[2].id, fans[3].id])
    names = [fan.username for fan in fans]
    db.session.commit()
    browsers = [Browser(server, names[0]), Browser(server, names[0]), Browser(server, names[1])]
    path = f"/events/{event_id}/signup"
    codes = _all_at_once(3, lambda i: browsers[i].post(path, {"action": "cancel", "confirmed": "1"}))
    assert all(code in (200, 302) for code in codes), codes
    db.session.expire_all()
    roster = rosters.roster(db.session.get(User, staff_id), event_id)
    assert [s.user.username for s in roster.booked] == ["queue2", "queue3"]
    assert [s.user.username for s in roster.waiting] == ["queue4"]
    assert sorted(s.user.username for s in roster.cancelled) == ["queue0", "queue1"]
    assert db.session.get(Event, event_id).taken == 2
    told = db.session.execute(db.select(NotificationOutbox.recipients).filter_by(kind="seat")).scalars().all()
    assert sorted(json.loads(r)[0] for r in told) == told_ids


@pytest.mark.parametrize(
    ("locale", "said"),
    [(None, "You are number 2 on the waiting list."), ("zh_Hans", "你在候补名单中排第 2 位。")],
)
def test_a_waiting_fan_sees_their_place_on_the_list_and_leaving_asks_first(
    app, shortlisted, users, login, locale, said
):
    event = _event(users, shortlisted, seats=1)
    seated, first, second = factories.user("seated"), factories.user("first"), factories.user("second", locale=locale)
    for fan in (seated, first, second):
        factories.door(prototypes.sign_up, fan, event)
    page = login(second).get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
    assert said in page
    # Leaving asks first, in a dialog (data-confirm) or, without JavaScript, on a page.
    assert "data-confirm=" in page[page.index(said) :][:1500]
    asked = login(second).post(f"/events/{event.id}/signup", data={"action": "cancel"})
    assert asked.status_code == 200 and 'name="confirmed"' in asked.get_data(as_text=True)
    assert "You are number" not in login(seated).get(f"/solutions/{shortlisted.id}").get_data(as_text=True)
