"""Confirmed addresses: with REQUIRE_CONFIRMED_EMAIL on, an account whose address was never proved
reads and votes but does not post until a link mailed to it is opened; every way of proving it
(sign-up, reset, address change, a link asked for on the settings page) counts."""

import pytest

from forum.accounts import tokens
from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.extensions import db
from forum.solutions.models import Comment, Solution, Vote
from tests import factories, mail

HELD = "Confirm your email address to post"


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_CONFIRMED_EMAIL", True)


def _unconfirmed(name, **kwargs):
    user = factories.user(name, **kwargs)
    user.email_confirmed = None
    db.session.commit()
    return user


def test_an_unconfirmed_member_reads_and_votes_but_posts_nothing_until_confirmed(
    app, required, users, community, login
):
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["staff"], challenge)
    newcomer = _unconfirmed("newcomer")
    client = login(newcomer)

    page = client.get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert "Confirm your email address to post and comment" in page  # the notice, with the way out
    assert client.post(f"/solutions/{idea.id}/vote", data={"action": "add"}).status_code == 302
    assert db.session.execute(db.select(Vote).filter_by(user_id=newcomer.id)).scalar_one()

    comment = client.post(f"/solutions/{idea.id}/comments", data={"body": "My first words"})
    assert comment.status_code == 422 and HELD in comment.get_data(as_text=True)
    submitted = client.post(f"/challenges/{challenge.id}/solutions/new", data={"title": "Mine", "body": "Kept text"})
    assert HELD in submitted.get_data(as_text=True) and "Kept text" in submitted.get_data(as_text=True)
    problem = client.post(f"/c/{community.slug}/challenges/new", data={"title": "My problem", "body": "Typed"})
    # The form comes back with the reason and what was typed, not a bare 403.
    assert (
        problem.status_code == 200
        and HELD in problem.get_data(as_text=True)
        and "Typed" in problem.get_data(as_text=True)
    )
    flag = client.post(f"/report/solution/{idea.id}", data={"reason": "spam"})
    assert HELD in flag.get_data(as_text=True)
    _row, token = tokens.issue_token(newcomer, "script")
    api = app.test_client().post(
        f"/api/v1/challenges/{challenge.id}/solutions",
        json={"title": "By script", "body": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422 and HELD in api.get_json()["error"]["message"]
    assert db.session.execute(db.select(Comment).filter_by(author_id=newcomer.id)).first() is None
    assert db.session.execute(db.select(Solution).filter_by(author_id=newcomer.id)).first() is None
    assert db.session.execute(db.select(Challenge).filter_by(author_id=newcomer.id)).first() is None

    settings = client.get("/account").get_data(as_text=True)
    assert "Not confirmed yet." in settings
    asked = client.post("/account/email/confirm", follow_redirects=True)
    assert "We have sent a link to newcomer@example.com." in asked.get_data(as_text=True)
    [letter] = mail.sent("newcomer@example.com")
    assert letter.subject == "Confirm your Cocreate address"
    link = mail.link_in(letter, "/account/email/")
    shown = app.test_client().get(link).get_data(as_text=True)  # opened where no one is signed in
    assert "newcomer@example.com is the address of the account newcomer." in shown
    db.session.rollback()
    assert db.session.get(User, newcomer.id).email_confirmed is None  # the GET changed nothing
    assert app.test_client().post(link).status_code == 302
    db.session.rollback()
    assert db.session.get(User, newcomer.id).email_confirmed is not None

    assert client.post(f"/solutions/{idea.id}/comments", data={"body": "Now I may"}).status_code == 302
    assert "Confirm your email address to post and comment" not in client.get("/").get_data(as_text=True)
    again = client.post("/account/email/confirm", follow_redirects=True)
    assert "Your address is confirmed already." in again.get_data(as_text=True)
    assert len(mail.sent("newcomer@example.com")) == 1


def test_the_embedded_default_lets_unconfirmed_members_post(app, users, community, login):
    assert app.config["REQUIRE_CONFIRMED_EMAIL"] is False
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["staff"], challenge)
    client = login(_unconfirmed("newcomer"))
    assert client.post(f"/solutions/{idea.id}/comments", data={"body": "Hello"}).status_code == 302
    assert "Confirm your email address" not in client.get("/").get_data(as_text=True)


def test_sign_up_reset_and_a_new_address_each_confirm(app, required, login):
    client = app.test_client()
    password = "a long fine password 42"
    client.post(
        "/register", data={"username": "new_fan", "email": "new@example.com", "password": password, "confirm": password}
    )
    app.test_client().post(mail.link_in(mail.sent("new@example.com")[0], "/register/"))
    db.session.rollback()
    assert db.session.execute(db.select(User).filter_by(username="new_fan")).scalar_one().email_confirmed is not None

    forgetful = _unconfirmed("forgetful")
    app.test_client().post("/password/forgot", data={"login": "forgetful"})
    link = mail.link_in(mail.sent("forgetful@example.com")[0], "/password/reset/")
    app.test_client().post(link, data={"password": "another long password 7", "confirm": "another long password 7"})
    db.session.rollback()
    assert db.session.get(User, forgetful.id).email_confirmed is not None

    mover = _unconfirmed("mover")
    login(mover).post(
        "/account/email", data={"address-email": "moved@example.com", "address-current_password": factories.PASSWORD}
    )
    app.test_client().post(mail.link_in(mail.sent("moved@example.com")[0], "/account/email/"))
    db.session.rollback()
    moved = db.session.get(User, mover.id)
    assert moved.email == "moved@example.com" and moved.email_confirmed is not None


def test_demo_and_command_line_accounts_count_as_confirmed(app, runner):
    password = "a long fine password 42"
    result = runner.invoke(
        args=["create-user", "ops_admin", "--email", "ops@example.com", "--password", password, "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.execute(db.select(User).filter_by(username="ops_admin")).scalar_one().email_confirmed
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.rollback()
    assert db.session.execute(db.select(User).where(User.email_confirmed.is_(None))).first() is None
