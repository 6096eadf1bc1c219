"""Actions that are hard to undo ask first: a POST without `confirmed=1` changes nothing and gets a
page asking (what the forms do without JavaScript); only those who may act are asked; the API
does not ask."""

import re
from datetime import timedelta

import pytest
from markupsafe import escape

from forum.accounts import tokens
from forum.accounts.models import ApiToken, User
from forum.clock import utcnow
from forum.extensions import db
from forum.moderation.models import Suspension
from forum.review import prototypes, status
from forum.review.models import EventSignup
from forum.solutions import comments
from forum.solutions.models import Comment, Solution
from tests import factories

YES = {"confirmed": "1"}


@pytest.fixture
def idea(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(factories.user("maker"), challenge, title="Buy cheap watches")


@pytest.fixture
def comment(idea, users):
    return factories.door(comments.add_comment, users["fan"], idea.challenge, "Spam spam", solution=idea)


def _asks(response, question):
    """The page that asks: the question, the same form again with confirmed=1, and a way back."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert f"<h1>{escape(question)}</h1>" in body
    assert re.search(r'<form method="post" action="[^"]+" class="confirm-actions">', body)
    assert '<input type="hidden" name="confirmed" value="1">' in body
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]+">', body)
    return body


def _cancel_link(body):
    return re.search(r'<a href="([^"]*)" role="button"', body).group(1)


def test_hiding_asks_first_and_hides_once_confirmed(app, idea, users, login):
    staff = login(users["staff"])
    url = f"/moderation/solution/{idea.id}/hide"
    body = _asks(staff.post(url), "Hide this from fans?")
    assert _cancel_link(body) == f"/solutions/{idea.id}"
    assert db.session.get(Solution, idea.id).visibility == "public"
    assert staff.post(url, data=YES).status_code == 302
    assert db.session.get(Solution, idea.id).visibility == "hidden"
    # Restoring is undone with one click: it does not ask.
    assert staff.post(f"/moderation/solution/{idea.id}/restore").status_code == 302
    assert db.session.get(Solution, idea.id).visibility == "public"


def test_deleting_a_comment_asks_first(app, comment, users, login):
    staff = login(users["staff"])
    body = _asks(staff.post(f"/comments/{comment.id}/delete"), "Delete this comment?")
    assert _cancel_link(body) == f"/solutions/{comment.solution_id}#comment-{comment.id}"
    assert not db.session.get(Comment, comment.id).deleted
    assert staff.post(f"/comments/{comment.id}/delete", data=YES).status_code == 302
    assert db.session.get(Comment, comment.id).deleted


def test_suspending_asks_first_and_carries_the_choice(app, community, users, login):
    url = f"/c/{community.slug}/moderation/suspend/{users['fan'].id}"
    staff = login(users["staff"])
    body = _asks(staff.post(url, data={"days": "7"}), "Change fan's suspension?")
    assert "<strong>1 week</strong>" in body
    assert '<input type="hidden" name="days" value="7">' in body and 'name="everywhere"' not in body
    assert db.session.execute(db.select(Suspension)).first() is None
    assert staff.post(url, data={"days": "7", **YES}).status_code == 302
    assert db.session.execute(db.select(Suspension.user_id)).scalar_one() == users["fan"].id

    admin = login(users["admin"])
    body = _asks(admin.post(url, data={"days": "30", "everywhere": "y"}), "Change fan's suspension?")
    assert "<strong>30 days · In every community</strong>" in body
    assert '<input type="hidden" name="everywhere" value="y">' in body
    assert db.session.get(User, users["fan"].id).suspended_until is None
    assert admin.post(url, data={"days": "30", "everywhere": "y", **YES}).status_code == 302
    assert db.session.get(User, users["fan"].id).suspended_until is not None


def test_revoking_a_role_or_a_token_and_giving_up_a_seat_ask_first(app, community, users, login, idea):
    grant = users["staff"].community_roles[0]
    admin = login(users["admin"])
    _asks(admin.post(f"/admin/roles/{grant.id}/revoke"), f"Remove staff's role in {community.name}?")
    assert db.session.get(User, users["staff"].id).community_roles != []
    assert admin.post(f"/admin/roles/{grant.id}/revoke", data=YES).status_code == 302
    assert db.session.get(User, users["staff"].id).community_roles == []

    token, _plaintext = factories.door(tokens.issue_token, users["fan"], "weekly export")
    fan = login(users["fan"])
    _asks(fan.post(f"/account/tokens/{token.id}/revoke"), "Revoke the token “weekly export”?")
    assert db.session.get(ApiToken, token.id).revoked is None
    assert fan.post(f"/account/tokens/{token.id}/revoke", data=YES).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked is not None

    factories.door(status.change_status, users["admin"], idea, "shortlisted")
    prototype = factories.door(prototypes.promote, users["admin"], idea, [users["admin"]])
    starts = utcnow() + timedelta(days=7)
    event = factories.door(prototypes.create_event, users["admin"], prototype, "Workshop", starts, "Qingdao", 2)
    factories.door(prototypes.sign_up, users["fan"], event)
    body = _asks(fan.post(f"/events/{event.id}/signup", data={"action": "cancel"}), "Give up your place at “Workshop”?")
    assert '<input type="hidden" name="action" value="cancel">' in body and "Keep my place" in body
    assert db.session.execute(db.select(EventSignup.cancelled)).scalar_one() is None
    assert fan.post(f"/events/{event.id}/signup", data={"action": "cancel", **YES}).status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(EventSignup.cancelled)).scalar_one() is not None  # kept for the roster


def test_only_those_who_may_act_are_asked(app, community, comment, idea, users, login):
    fan = login(users["fan"])
    assert fan.post(f"/moderation/solution/{idea.id}/hide").status_code == 403
    assert fan.post(f"/moderation/comment/{comment.id}/hide").status_code == 403
    suspend_url = f"/c/{community.slug}/moderation/suspend/{users['product'].id}"
    assert fan.post(suspend_url, data={"days": "7"}).status_code == 403
    assert fan.post(f"/admin/roles/{users['staff'].community_roles[0].id}/revoke").status_code == 403
    staff_comment = factories.door(comments.add_comment, users["staff"], idea.challenge, "Mine", solution=idea)
    assert fan.post(f"/comments/{staff_comment.id}/delete").status_code == 403
    staff_token, _plaintext = factories.door(tokens.issue_token, users["staff"], "staff script")
    assert fan.post(f"/account/tokens/{staff_token.id}/revoke").status_code == 404
    # Staff may suspend here, not everywhere, nor an admin: refused before they are asked.
    staff = login(users["staff"])
    url = f"/c/{community.slug}/moderation/suspend/{users['fan'].id}"
    assert staff.post(url, data={"days": "7", "everywhere": "y"}).status_code == 403
    refused = staff.post(f"/c/{community.slug}/moderation/suspend/{users['admin'].id}", data={"days": "7"})
    assert refused.status_code == 302
    assert "You cannot suspend this account." in staff.get(f"/c/{community.slug}/moderation").get_data(as_text=True)
    assert db.session.execute(db.select(Suspension)).first() is None


def test_cancel_goes_back_only_to_this_site(app, idea, users, login):
    staff = login(users["staff"])
    url = f"/moderation/solution/{idea.id}/hide"
    body = _asks(staff.post(url, data={"next": "/c/haier-washers/moderation"}), "Hide this from fans?")
    assert _cancel_link(body) == "/c/haier-washers/moderation"
    assert '<input type="hidden" name="next" value="/c/haier-washers/moderation">' in body
    for hostile in ("//evil.example", "https://evil.example/", "/\\evil.example", "/evil\x00.example"):
        body = _asks(staff.post(url, data={"next": hostile}), "Hide this from fans?")
        assert _cancel_link(body) == f"/solutions/{idea.id}" and "evil" not in body


def test_the_forms_carry_the_question_for_the_dialog(app, comment, idea, users, login):
    page = login(users["staff"]).get(f"/solutions/{idea.id}").get_data(as_text=True)
    for action in (f"/comments/{comment.id}/delete", f"/moderation/comment/{comment.id}/hide"):
        form = re.search(rf'<form method="post" action="{action}"[^>]*>.*?</form>', page, re.S).group(0)
        assert 'data-confirm="' in form and '<input type="hidden" name="confirmed" value="">' in form
    assert 'data-confirm="Hide this from fans?"' in page and 'data-confirm-button="Delete"' in page
    # Locking is undone with one click: its form posts at once.
    lock = re.search(rf'<form method="post" action="/moderation/solution/{idea.id}/lock"[^>]*>', page).group(0)
    assert "data-confirm" not in lock


def test_the_question_is_asked_in_chinese(app, idea, users, login):
    body = (
        login(users["staff"])
        .post(f"/moderation/solution/{idea.id}/hide", headers={"Accept-Language": "zh-CN"})
        .get_data(as_text=True)
    )
    question = re.search(r"<h1>([^<]+)</h1>", body).group(1)
    assert question != "Hide this from fans?" and re.search(r"[\u4e00-\u9fff]", question)


def test_csrf_still_guards_both_steps(make_app, app, idea, users):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"login": "staff", "password": factories.PASSWORD, "csrf_token": token})
    url = f"/moderation/solution/{idea.id}/hide"
    assert client.post(url).status_code == 400
    assert client.post(url, data=YES).status_code == 400
    page = client.get(f"/solutions/{idea.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = _asks(client.post(url, data={"csrf_token": token}), "Hide this from fans?")
    asked_token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    assert db.session.get(Solution, idea.id).visibility == "public"
    assert client.post(url, data={"csrf_token": asked_token, **YES}).status_code == 302
    assert db.session.get(Solution, idea.id).visibility == "hidden"


def test_the_api_does_not_ask(app, idea, users, client):
    _row, plaintext = factories.door(tokens.issue_token, users["staff"], "moderation script")
    headers = {"Authorization": f"Bearer {plaintext}"}
    response = client.patch(f"/api/v1/solutions/{idea.id}", json={"hidden": True}, headers=headers)
    assert response.status_code == 200 and response.get_json()["hidden"] is True
