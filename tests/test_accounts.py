"""Registration, login, logout, remember-me, password change and profiles."""

import re

import pytest

from forum.accounts import services
from forum.accounts.models import User
from forum.errors import RuleBroken
from forum.extensions import db
from tests import factories, mail

EVIL_NEXTS = [
    "https://evil.example",
    "//evil.example",
    "////evil.example",
    "/\\evil.example",
    "/%5cevil.example",
    "/%5Cevil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "%2F%2Fevil.example",
]


def _register(client, **overrides):
    data = {"username": "lin_wei", "email": "lin@example.com", "password": "long enough!", "confirm": "long enough!"}
    data.update(overrides)
    return client.post("/register", data=data)


def _sign_up(client, **overrides):
    """Fill in the form, open the mailed link and press its button: the answer to that."""
    assert _register(client, **overrides).status_code == 200
    link = mail.link_in(mail.sent(overrides.get("email", "lin@example.com"))[-1], "/register/")
    return client.post(link)


def test_signing_up_mails_a_link_that_makes_the_account_and_signs_in(app, client):
    answer = _register(client)
    assert answer.status_code == 200 and "We have sent a message to lin@example.com" in answer.get_data(as_text=True)
    assert db.session.execute(db.select(User)).first() is None  # nothing exists until the link is opened
    [message] = mail.sent("lin@example.com")
    assert message.subject == "Finish signing up to Cocreate"
    link = mail.link_in(message, "/register/")
    assert mail.LINK.search(message.alternatives[0][0]).group().endswith(link)  # the HTML part has it too
    assert link.startswith("/register/") and "127.0.0.1:5000" in message.body  # BASE_URL, not the Host header

    page = client.get(link)  # mail scanners open links: a GET only shows the button
    assert page.status_code == 200 and "lin_wei" in page.get_data(as_text=True)
    assert db.session.execute(db.select(User)).first() is None
    assert client.post(link).status_code == 302
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"])
    assert user.password_hash.count("$") == 2  # method$salt$hash
    assert "long enough!" not in user.password_hash
    assert client.get("/account").status_code == 200  # signed in

    used = app.test_client().post(link)
    assert used.status_code == 200 and "This link has expired or has been used." in used.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar() == 1


def test_a_known_address_gets_the_same_answer_and_its_owner_a_mail(app, client):
    # The form said "An account with that email already exists.": anyone could test addresses.
    owner = factories.user("anna", email="anna@example.com")
    known = _register(client, username="someone_new", email="anna@example.com")
    fresh = _register(app.test_client(), username="someone_else", email="fresh@example.com")
    assert known.status_code == fresh.status_code == 200
    strip = lambda page, email: re.sub(r'name="csrf_token"[^>]*', "", page.get_data(as_text=True).replace(email, "@"))  # noqa: E731
    assert strip(known, "anna@example.com") == strip(fresh, "fresh@example.com")
    [message] = mail.sent("anna@example.com")
    assert message.subject == "You already have a Cocreate account" and "anna" in message.body
    assert mail.link_in(message, "/login") and mail.link_in(message, "/password/forgot")
    assert "/register/" not in message.body
    names = set(db.session.execute(db.select(User.username)).scalars())
    assert names == {"anna"} and owner.email == "anna@example.com"
    wrong = client.post("/login", data={"login": "someone_new", "password": "long enough!"})
    assert "Wrong username or password." in wrong.get_data(as_text=True)


def test_a_sign_up_link_loses_to_an_account_made_meanwhile(app, client):
    _register(client, username="first_one")
    _register(app.test_client(), username="second_one")
    first, second = (mail.link_in(m, "/register/") for m in mail.sent("lin@example.com"))
    assert client.post(second).status_code == 302
    late = app.test_client().post(first)
    assert "This link has expired or has been used." in late.get_data(as_text=True)  # spent with its address
    assert set(db.session.execute(db.select(User.username)).scalars()) == {"second_one"}


def test_register_accepts_chinese_usernames(client):
    assert _sign_up(client, username="米粉小王").status_code == 302
    assert client.get("/u/米粉小王").status_code == 200


def test_a_name_has_no_letter_that_passes_for_another(app, client):
    look_alikes = (
        "\u0430dmin",  # a Cyrillic a
        "adm\u0131n",  # a dotless i
        "\u0251dmin",  # a Latin alpha
        "admi\u0578",  # an Armenian n
        "\u0435\u0441\u043e_\u04cf\u0456",  # all Cyrillic, reads as eco_li
        "\u13aa\u13a0\u13b7\u13c6N",  # Cherokee
        "admin\u3164",  # an invisible Hangul filler
        "mi_staff\u0640",  # an Arabic tatweel
    )
    answer = _register(client, username=look_alikes[0], email="spoof@example.com").get_data(as_text=True)
    assert "Use 3 to 30 Latin letters, Chinese, Japanese or Korean characters" in answer
    for spoof in look_alikes:  # the rule itself (five sign-ups an hour are allowed per address)
        with pytest.raises(RuleBroken) as refused:
            services.check_new_account(services.normal_username(spoof), "spoof@example.com", "a long fine password 4")
        assert refused.value.field == "username", spoof
    assert _sign_up(app.test_client(), username="米粉_lin", email="mi@example.com").status_code == 302
    assert _sign_up(app.test_client(), username="さくら_01", email="jp@example.com").status_code == 302


def test_register_errors_keep_what_was_typed(client, app):
    factories.user("lin_wei")
    response = _register(client, username="LIN_WEI", email="fresh@example.com")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That username is taken." in body
    assert 'value="LIN_WEI"' in body and 'value="fresh@example.com"' in body
    assert 'aria-invalid="true"' in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("username", "a b c", "Use 3 to 30 Latin letters, Chinese, Japanese or Korean characters, digits, _ or -."),
        ("confirm", "different", "The passwords do not match."),
    ],
)
def test_register_validation_messages(client, field, value, message):
    response = _register(client, **{field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(User)).first() is None


def test_service_refuses_a_taken_email_regardless_of_case(app):
    factories.user("anna", email="anna@example.com")
    with pytest.raises(RuleBroken) as caught:
        services.register("anna2", "ANNA@example.com", "long enough!")
    assert caught.value.field == "email"


def test_login_by_username_or_email(app, client):
    factories.user("maker_anna")
    for login in ("maker_anna", "MAKER_ANNA", "maker_anna@example.com"):
        fresh = app.test_client()
        response = fresh.post("/login", data={"login": login, "password": factories.PASSWORD})
        assert response.status_code == 302, login


def test_unknown_user_and_wrong_password_get_the_same_answer(app, monkeypatch):
    factories.user("maker_anna")
    checked = []
    real_check = services.check_password_hash

    def check(password_hash, password):
        checked.append(password_hash.split("$", 1)[0])  # the method and its cost, e.g. pbkdf2:sha256:1000
        return real_check(password_hash, password)

    monkeypatch.setattr(services, "check_password_hash", check)
    answers, work = [], []
    for login in ("maker_anna", "nobody_here"):
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": "wrong password"})
        work.append(checked[:])
        checked.clear()
        # The form echoes what was typed and carries a per-session token; otherwise the pages match.
        body = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
        answers.append((response.status_code, body.replace(login, "LOGIN")))
    assert answers[0] == answers[1]
    assert "Wrong username or password." in answers[0][1]
    # Both paths check one hash of the same method and cost: an unknown name takes as long as a
    # wrong password (counted, not timed, so a busy machine cannot make it fail).
    assert work[0] == work[1] == [app.config["PASSWORD_HASH_METHOD"]]


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_login_next_never_leaves_the_site(app, target):
    factories.user("maker_anna")
    response = app.test_client().post(
        "/login", data={"login": "maker_anna", "password": factories.PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_keeps_a_local_path(app):
    factories.user("maker_anna")
    response = app.test_client().post(
        "/login", data={"login": "maker_anna", "password": factories.PASSWORD, "next": "/c/?page=2"}
    )
    assert response.headers["Location"] == "/c/?page=2"


def test_session_and_remember_cookies_are_httponly_and_lax(app, users, login):
    client = app.test_client()
    response = client.post(
        "/login", data={"login": users["fan"].username, "password": factories.PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_when_served_over_https(make_app, app, users):
    https_app = make_app(HTTPS=True)
    response = https_app.test_client().post(
        "/login",
        data={"login": users["fan"].username, "password": factories.PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    for cookie in response.headers.getlist("Set-Cookie"):
        if cookie.startswith(("session=", "remember_token=")):
            assert "Secure" in cookie


def test_remember_me_survives_the_end_of_the_browser_session(app, users, login):
    client = login(users["fan"], remember=True)
    client.delete_cookie("session")
    assert client.get("/account").status_code == 200


def test_logout_ends_every_session_and_remember_cookie(app, users, login):
    phone = login(users["fan"], remember=True)
    desktop = login(users["fan"])
    assert desktop.post("/logout").status_code == 302
    assert desktop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    phone.delete_cookie("session")
    assert phone.get("/account").status_code == 302  # the remember cookie is dead too


def test_password_change_ends_other_sessions_but_keeps_this_one(app, users, login):
    other = login(users["fan"], remember=True)
    this = login(users["fan"])
    response = this.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a new long one", "confirm": "a new long one"},
    )
    assert response.status_code == 302
    assert this.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    other.delete_cookie("session")
    assert other.get("/account").status_code == 302
    assert services.authenticate(users["fan"].username, "a new long one") is not None


def test_password_change_refuses_a_wrong_current_password(app, users, login):
    client = login(users["fan"])
    response = client.post(
        "/account/password",
        data={"current_password": "nope nope", "password": "a new long one", "confirm": "a new long one"},
    )
    assert response.status_code == 200
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert services.authenticate(users["fan"].username, factories.PASSWORD) is not None


def test_profile_shows_roles(app, users, client):
    body = client.get(f"/u/{users['staff'].username}").get_data(as_text=True)
    assert "Staff of 海尔洗衣机" in body
    assert client.get("/u/nobody_at_all").status_code == 404


def test_account_pages_need_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_registration_shows_every_refusal_at_once(client):
    response = _register(client, email="not-an-address", password="password123", confirm="something else")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "This password is too common." in page
    assert "The passwords do not match." in page
    assert mail.sent("not-an-address") == []
