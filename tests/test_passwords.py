"""The password rule at every door that sets a password, and members with a weak old password
sent to change it at their next login."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.security import generate_password_hash

from forum.accounts import passwords, services, tokens
from forum.accounts.models import User
from forum.errors import RuleBroken
from forum.extensions import db
from forum.transaction import unit_of_work
from tests import factories, mail

GOOD = "mango kite drizzle"
TOO_SHORT = "Use at least 10 characters."
TOO_COMMON = "This password is too common."
ABOUT_YOU = "Do not base the password on your username or email."
PATTERN = "Avoid repeats, sequences and keyboard rows such as aaaa, 1234 or asdf."
GUESSABLE = "Choose a password that is harder to guess: a few unrelated words work well."


def _register(client, password, username="maker_anna", email="anna@example.com", **headers):
    data = {"username": username, "email": email, "password": password, "confirm": password}
    return client.post("/register", data=data, headers=headers)


def _shown_next_to_password(response, message):
    return f'<small id="password-error" class="field-error">{message}</small>' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", TOO_SHORT),
        ("12345678", TOO_SHORT),
        ("aaaaaaaa", TOO_SHORT),
        ("qwertyui", TOO_SHORT),
        ("maker_anna", ABOUT_YOU),  # the username itself
        # Long enough, and still weak:
        ("password12", TOO_COMMON),
        ("1234567890", TOO_COMMON),
        ("qwertyuiop", TOO_COMMON),
        ("p@ssw0rd123", TOO_COMMON),
        ("aaaaaaaaaa", PATTERN),
        ("abcdefghijkl", PATTERN),
        ("Maker_Anna1", ABOUT_YOU),
        ("m4ker_anna", ABOUT_YOU),
        ("anna@example.com", ABOUT_YOU),
        ("4nn4_m4k3r", ABOUT_YOU),
        ("long enough", GUESSABLE),
    ],
)
def test_registration_refuses_weak_passwords_with_the_reason_next_to_the_field(client, password, message):
    response = _register(client, password)
    assert response.status_code == 200
    assert _shown_next_to_password(response, message)
    assert db.session.execute(db.select(User)).first() is None


def test_a_short_username_equal_to_the_password_is_refused_for_its_length(client):
    response = _register(client, "qwertyui", username="qwertyui", email="q@example.com")
    assert _shown_next_to_password(response, TOO_SHORT)


@pytest.mark.parametrize("password", [GOOD, "correct horse battery staple", "滚筒缝隙要用蒸汽清洁", "Tr0ub4dor&3x"])
def test_good_passwords_are_accepted(client, password):
    assert "We have sent a message" in _register(client, password).get_data(as_text=True)
    assert client.post(mail.link_in(mail.sent()[-1], "/register/")).status_code == 302
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.password_change_required is False


def test_the_reason_is_translated(client):
    response = _register(client, "password12", **{"Accept-Language": "zh-CN"})
    assert _shown_next_to_password(response, "这个密码太常见了。")


def test_the_fixtures_passwords_pass_the_rule():
    from tests import served

    assert passwords.weakness(factories.PASSWORD, "fan", "fan@example.com") is None
    assert passwords.weakness(served.PASSWORD, "fan", "fan@example.com") is None


def test_the_service_refuses_a_weak_password_whatever_the_door(app):
    with pytest.raises(RuleBroken) as caught, unit_of_work():
        services.register("maker_anna", "anna@example.com", "1234567890")
    assert caught.value.field == "password"
    assert str(caught.value.message) == TOO_COMMON


def test_create_user_refuses_a_weak_password(runner):
    result = runner.invoke(args=["create-user", "lee", "--email", "lee@example.com", "--password", "qwertyuiop"])
    assert result.exit_code == 1
    assert f"password: {TOO_COMMON}" in result.output
    good = runner.invoke(args=["create-user", "lee", "--email", "lee@example.com", "--password", GOOD])
    assert good.exit_code == 0, good.output


def test_changing_to_a_weak_password_is_refused_on_the_settings_page(app, login):
    user = factories.user("maker_anna")
    client = login(user)
    response = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "maker_anna2024", "confirm": "maker_anna2024"},
    )
    assert response.status_code == 200
    assert _shown_next_to_password(response, ABOUT_YOU)
    assert "API tokens" in response.get_data(as_text=True)  # the settings page, with the form's errors
    assert services.authenticate("maker_anna", factories.PASSWORD) is not None


def test_only_the_first_characters_are_judged_so_long_inputs_stay_cheap():
    # Look-alike characters make zxcvbn try hundreds of substitutions over every substring.
    look_alikes = "4@8({[<3!|17+0$5%269" * 13
    started = time.perf_counter()
    assert passwords.weakness(look_alikes[: passwords.MAX_LENGTH]) is None
    assert time.perf_counter() - started < 10  # all 256 characters would take minutes
    assert passwords.weakness("Tr0ub4dor&3 kite mango" + "a" * 200) is None
    assert passwords.weakness("a" * 40 + GOOD) is passwords.PATTERN
    assert passwords.weakness(GOOD * 20) is passwords.TOO_LONG


def _member_with_an_old_password(app, username, password):
    """A member whose password was set before the rule: written straight into the row."""
    user = factories.user(username)
    with unit_of_work():
        user.password_hash = generate_password_hash(password, method=app.config["PASSWORD_HASH_METHOD"])
        user.password_change_required = None
    return user


def _log_in(client, login, password, next_page=""):
    return client.post("/login", data={"login": login, "password": password, "next": next_page})


def _sent_to_change(response, next_page=None):
    """Whether the answer sends the member to the password page, to go on to `next_page` after."""
    location = urlsplit(response.headers.get("Location", ""))
    query = parse_qs(location.query)
    return (
        response.status_code == 302
        and location.path == "/account/password"
        and query.get("next") == ([next_page] if next_page else None)
    )


def test_a_weak_old_password_must_be_changed_at_the_next_login(app, community):
    user = _member_with_an_old_password(app, "maker_anna", "password")
    client = app.test_client()

    response = _log_in(client, "maker_anna", "password", next_page="/c/haier-washers")
    assert _sent_to_change(response, "/c/haier-washers")
    db.session.refresh(user)
    assert user.password_change_required is True

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The password you logged in with is too easy to guess" in page
    assert 'name="next" type="hidden" value="/c/haier-washers"' in page

    # Every other page sends the member back, saying where they were going.
    assert _sent_to_change(client.get("/"), "/")
    assert _sent_to_change(client.get("/c/?page=2"), "/c/?page=2")
    assert _sent_to_change(client.get("/account"), "/account")
    assert _sent_to_change(client.post("/notifications/read"))
    answer = client.get("/notifications/", headers={"Accept": "application/json"})
    assert answer.status_code == 403 and answer.json["error"]["code"] == "forbidden"
    # The language switch still works, so the explanation can be read in Chinese.
    assert client.get("/language/zh_Hans?next=/account/password").status_code == 302
    assert "你登录时使用的密码太容易被猜到" in client.get("/account/password").get_data(as_text=True)
    client.get("/language/en")

    # The new password must pass the rule too.
    refused = client.post(
        "/account/password",
        data={"current_password": "password", "password": "qwertyuiop", "confirm": "qwertyuiop", "next": "/c/"},
    )
    assert refused.status_code == 200
    assert _shown_next_to_password(refused, TOO_COMMON)
    assert "The password you logged in with is too easy to guess" in refused.get_data(as_text=True)

    changed = client.post(
        "/account/password",
        data={"current_password": "password", "password": GOOD, "confirm": GOOD, "next": "/c/haier-washers"},
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/c/haier-washers"
    assert client.get("/").status_code == 200
    assert client.get("/account").status_code == 200
    db.session.refresh(user)
    assert user.password_change_required is False


def test_the_member_can_log_out_and_every_device_is_asked(app):
    _member_with_an_old_password(app, "maker_anna", "maker_anna")
    phone = app.test_client()
    assert _sent_to_change(_log_in(phone, "maker_anna", "maker_anna"), "/")
    desktop = app.test_client()
    assert _sent_to_change(_log_in(desktop, "maker_anna@example.com", "maker_anna"), "/")
    assert desktop.post("/logout").status_code == 302
    assert desktop.get("/").status_code == 200
    assert phone.get("/account").headers["Location"].startswith("/login")  # logging out ended every session


def test_api_tokens_keep_working_for_scripts(app):
    user = _member_with_an_old_password(app, "maker_anna", "password")
    _log_in(app.test_client(), "maker_anna", "password")
    db.session.refresh(user)
    assert user.password_change_required is True
    with unit_of_work():
        plaintext = tokens.issue_token(user, "export script")[1]
    response = app.test_client().get("/api/v1/communities", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200
    issued = app.test_client().post("/api/v1/tokens", json={"username": "maker_anna", "password": "password"})
    assert issued.status_code == 201


def test_a_good_old_password_is_judged_once_and_left_alone(app):
    user = _member_with_an_old_password(app, "maker_anna", GOOD)
    client = app.test_client()
    assert _log_in(client, "maker_anna", GOOD).headers["Location"] == "/"
    db.session.refresh(user)
    assert user.password_change_required is False
    assert client.get("/account").status_code == 200


def test_a_visit_to_the_password_page_needs_no_weak_password(app, login):
    client = login(factories.user("maker_anna"))
    page = client.get("/account/password").get_data(as_text=True)
    assert "<h1>Change password</h1>" in page
    assert "too easy to guess" not in page
    changed = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": GOOD, "confirm": GOOD, "next": "/account"},
    )
    assert changed.headers["Location"] == "/account"
