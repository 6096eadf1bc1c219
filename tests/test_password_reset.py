"""Password reset by mail: the same answer for every name typed, a link that works once for an
hour, other sessions ended, API tokens kept, links that ignore a forged Host."""

import time

import pytest
from itsdangerous.timed import TimestampSigner

from forum.accounts import services, tokens
from forum.accounts.models import User
from forum.audit import AuditEntry
from forum.extensions import db
from tests import factories, mail

NEW = "a brand new passphrase"
DEAD = "This link has expired or has been used. Ask for a new one."


@pytest.fixture
def anna(app):
    return factories.user("maker_anna", email="anna@example.com")


def _ask(client, login, **headers):
    return client.post("/password/forgot", data={"login": login}, headers=headers)


def _link(to="anna@example.com"):
    return mail.link_in(mail.sent(to)[-1], "/password/reset/")


def test_the_login_page_links_to_the_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_asking_answers_the_same_for_any_name_and_mails_only_the_account(app, client, anna):
    answers = [_ask(app.test_client(), login) for login in ("maker_anna", "ANNA@example.com", "nobody", "x@y.z")]
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data(as_text=True) for a in answers}) == 1  # nothing tells them apart
    assert "If an account has that username or address" in answers[0].get_data(as_text=True)
    assert [m.to for m in mail.sent()] == [["anna@example.com"], ["anna@example.com"]]
    assert mail.sent()[0].subject == "Choose a new Cocreate password"


def test_the_link_sets_a_password_once_ends_other_sessions_and_keeps_tokens(app, client, anna, login):
    elsewhere = login(anna)  # logged in on another device
    assert elsewhere.get("/account").status_code == 200
    _, token = factories.door(tokens.issue_token, anna, "script")
    _ask(client, "maker_anna")
    link = _link()

    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    weak = client.post(link, data={"password": "password12", "confirm": "password12"})
    assert weak.status_code == 200 and "This password is too common." in weak.get_data(as_text=True)
    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # signed in with the new password
    assert elsewhere.get("/account").status_code == 302  # the other device was logged out
    assert services.authenticate("maker_anna", NEW) is not None
    assert services.authenticate("maker_anna", factories.PASSWORD) is None
    assert tokens.user_for_token(token).id == anna.id  # a reset revokes nothing else

    again = app.test_client().get(link)
    assert "This link has expired or has been used." in again.get_data(as_text=True)
    other = "another new phrase"
    assert DEAD in app.test_client().post(link, data={"password": other, "confirm": other}).get_data(as_text=True)
    assert services.authenticate("maker_anna", NEW) is not None


def test_a_link_older_than_an_hour_is_refused(client, anna, monkeypatch):
    now = time.time
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now()) - 3601)
    _ask(client, "maker_anna")
    monkeypatch.undo()
    answer = client.post(_link(), data={"password": NEW, "confirm": NEW})
    assert DEAD in answer.get_data(as_text=True)
    assert services.authenticate("maker_anna", factories.PASSWORD) is not None


@pytest.mark.parametrize("token", ["x", "a.b.c", "W1s5OTk5OTk5OTk5OTk5OTk5OTk5XSwiYWJjIl0.aaaa.bbbb", "%00"])
def test_forged_links_are_refused_without_an_error(client, anna, token):
    assert DEAD in client.get(f"/password/reset/{token}").get_data(as_text=True)
    answer = client.post(f"/password/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert DEAD in answer.get_data(as_text=True)


def test_the_mailed_link_ignores_a_forged_host_header(client, anna):
    _ask(client, "maker_anna", Host="evil.example")
    assert "evil.example" not in mail.sent()[0].body
    assert "http://127.0.0.1:5000/password/reset/" in mail.sent()[0].body


def test_links_point_to_the_base_url(make_app, app, anna):
    elsewhere = make_app(BASE_URL="https://ideas.example.com/forum")
    with elsewhere.test_request_context():
        _ask(elsewhere.test_client(), "maker_anna")
        assert "https://ideas.example.com/forum/password/reset/" in mail.sent(app=elsewhere)[-1].body


def test_the_mail_speaks_the_members_language(client):
    factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    _ask(client, "wang@example.com")
    assert mail.sent()[0].subject == "设置新的 Cocreate 密码"


def test_asking_is_rate_limited_per_address(app, client, anna):
    answers = [_ask(client, "maker_anna").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(mail.sent()) == 5
    assert db.session.execute(db.select(User)).scalar_one().username == "maker_anna"


def test_an_admin_mails_a_member_a_reset_link_from_the_user_page(app, users, login, anna):
    admin = login(users["admin"])
    assert "Mail a reset link" in admin.get(f"/admin/users/{anna.id}").get_data(as_text=True)
    answer = admin.post(f"/admin/users/{anna.id}/password-reset", follow_redirects=True)
    assert "A link to choose a new password was mailed to anna@example.com." in answer.get_data(as_text=True)
    assert services.authenticate("maker_anna", factories.PASSWORD) is not None  # unchanged until used
    assert login(anna).post(_link(), data={"password": NEW, "confirm": NEW}).status_code == 302
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="user.password_reset_mail")).scalar_one()
    assert (entry.actor_id, entry.target_id) == (users["admin"].id, anna.id)
    assert login(users["fan"]).post(f"/admin/users/{anna.id}/password-reset").status_code == 403
    assert len(mail.sent()) == 1
