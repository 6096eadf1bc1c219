"""Sign-in with OpenID Connect against real local providers: sign-up after picking a username,
signing in again, a replayed return, a forged nonce, an address that has an account, a unionid
gateway, safe redirects, limits and CSRF (tests/oidc.py holds the providers and the helpers)."""

import pytest

from forum.accounts.models import User
from forum.extensions import db, limiter
from tests import factories, mail
from tests.oidc import (
    NEW_PASSWORD,
    PENDING,
    accounts,
    fixtures,
    identities,
    provider_sends,
    providers_config,
    same_for_everyone,
    sign_in,
    signed_in_as,
)

provider_urls, oidc_app, app = fixtures()


def test_a_new_member_picks_a_username_and_signs_in_again_to_the_same_account(app, provider_urls):
    client = app.test_client()
    claims = {"email": "wei@example.com", "email_verified": True, "preferred_username": "wei_fan", "name": "Wei"}
    back = sign_in(app, client, provider_urls, "brand-user-1", claims, data={"next": "/leaderboard"})
    assert back.status_code == 302 and back.headers["Location"] == "/login/new-account"
    assert accounts() == []  # nothing is made before the name is picked
    page = client.get("/login/new-account").get_data(as_text=True)
    assert 'value="wei_fan"' in page and "wei@example.com" in page
    assert 'name="email"' not in page  # the provider vouched for the address
    assert "Log in to it instead, and link Haier on its settings page" in page
    made = client.post("/login/new-account", data={"username": "wei_fan"})
    assert made.status_code == 302 and made.headers["Location"] == "/leaderboard"
    (user,) = accounts()
    assert (user.username, user.email, user.password_hash) == ("wei_fan", "wei@example.com", None)
    assert user.email_confirmed is not None
    assert identities() == [("brand", "brand-user-1", user.id)]
    assert signed_in_as(client)
    assert client.get("/login/new-account").headers["Location"] == "/"  # signed in: nothing pending

    again = app.test_client()
    back = sign_in(app, again, provider_urls, "brand-user-1", claims)
    assert back.status_code == 302 and back.headers["Location"] == "/"
    assert [u.id for u in accounts()] == [user.id]
    settings = signed_in_as(again).get_data(as_text=True)
    assert "wei_fan" in settings and "Mail me a link to set a password" in settings
    assert "To change it, set a password first." in settings
    # The button goes through the password reset, whose link sets the first password.
    again.post("/password/forgot", data={"login": "wei_fan"})
    (reset,) = app.extensions["mailman"].outbox
    assert reset.to == ["wei@example.com"]
    link = mail.link_in(reset, "/password/reset/")
    assert again.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert db.session.get(User, user.id).has_password
    assert app.test_client().post("/login", data={"login": "wei_fan", "password": NEW_PASSWORD}).status_code == 302


def test_the_username_follows_the_registration_rules_and_a_taken_one_is_said(app, provider_urls, users):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-user-2", {"name": "Li Na", "email": "li@example.com"})
    page = client.get("/login/new-account").get_data(as_text=True)
    assert 'value="Li Na"' in page and 'name="email"' in page  # no email_verified: the member gives one
    refused = client.post("/login/new-account", data={"username": "Li Na", "email": "li@example.com"})
    assert refused.status_code == 200 and "Use 3 to 30 Latin letters" in refused.get_data(as_text=True)
    taken = client.post("/login/new-account", data={"username": "FAN", "email": "li@example.com"})
    assert "That username is taken." in taken.get_data(as_text=True)
    assert "error-summary" in taken.get_data(as_text=True)
    made = client.post("/login/new-account", data={"username": "li_na", "email": "li@example.com"})
    assert made.status_code == 302
    user = db.session.execute(db.select(User).filter_by(username="li_na")).scalar_one()
    assert user.email is None  # until the mailed link is opened
    (mail,) = app.extensions["mailman"].outbox
    assert mail.to == ["li@example.com"] and "/account/email/" in mail.body


def test_a_replayed_return_is_refused_and_makes_nothing(app, provider_urls, caplog):
    client = app.test_client()
    callback = provider_sends(app, client, provider_urls, "brand-user-3", {"preferred_username": "replay"})
    assert client.get(callback).status_code == 302
    with client.session_transaction() as session:
        session.pop(PENDING)
    replayed = client.get(callback)
    assert replayed.status_code == 400
    assert "did not work, or this page was opened twice" in replayed.get_data(as_text=True)
    assert "mismatching_state" in caplog.text  # Authlib spent the state on the first use
    with client.session_transaction() as session:
        assert PENDING not in session
    elsewhere = app.test_client().get(callback)  # another browser, which never started it
    assert elsewhere.status_code == 400
    assert accounts() == [] and identities() == []


@pytest.mark.parametrize("where", ["session", "provider"])
def test_a_wrong_nonce_is_refused(app, provider_urls, where, caplog):
    client = app.test_client()
    # "provider": the provider signs an ID token over another nonce than this sign-in's (what a
    # token taken from another sign-in would carry), by a nonce changed on the way to it.
    forge = (lambda url: url.replace("nonce=", "nonce=forged")) if where == "provider" else None
    callback = provider_sends(app, client, provider_urls, "brand-user-4", {"preferred_username": "n"}, forge=forge)
    if where == "session":
        with client.session_transaction() as session:
            (key,) = [key for key in session if key.startswith("_state_brand_")]
            saved = session[key]
            saved["data"]["nonce"] = "not-the-nonce-sent"
            session[key] = saved
    refused = client.get(callback)
    assert refused.status_code == 400, refused.get_data(as_text=True)[:300]
    assert "Invalid claim: 'nonce'" in caplog.text
    with client.session_transaction() as session:
        assert PENDING not in session
    assert accounts() == [] and identities() == []
    assert not signed_in_as(client)


def test_an_address_that_has_an_account_links_nothing_and_reveals_nothing(app, provider_urls, users):
    pages = {}
    for sub, email in (("brand-user-5", "fan@example.com"), ("brand-user-6", "nobody@example.com")):
        client = app.test_client()
        claims = {"email": email, "email_verified": True, "preferred_username": f"n{sub[-1]}"}
        sign_in(app, client, provider_urls, sub, claims)
        page = client.get("/login/new-account").get_data(as_text=True)
        pages[email] = same_for_everyone(page, email, f"n{sub[-1]}")
        made = client.post("/login/new-account", data={"username": f"new_{sub[-1]}"})
        pages[email + " made"] = (made.status_code, made.headers["Location"])
        pages[email + " next"] = same_for_everyone(client.get("/").get_data(as_text=True), f"new_{sub[-1]}")
    assert pages["fan@example.com"] == pages["nobody@example.com"]
    assert pages["fan@example.com made"] == pages["nobody@example.com made"] == (302, "/")
    assert pages["fan@example.com next"] == pages["nobody@example.com next"]
    fan = db.session.get(User, users["fan"].id)
    assert [row for row in identities() if row.user_id == fan.id] == []  # never linked by address
    made = db.session.execute(db.select(User).filter_by(username="new_5")).scalar_one()
    assert made.email is None and made.id != fan.id
    (notice,) = [mail for mail in app.extensions["mailman"].outbox if mail.to == ["fan@example.com"]]
    assert "It already has an account (yours)" in notice.body
    # Typed instead of vouched for: the same, the owner told by mail, the new account no address.
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-user-7", {"email": "fan@example.com", "email_verified": False})
    made = client.post("/login/new-account", data={"username": "typed_it", "email": "FAN@example.com"})
    assert made.status_code == 302
    assert db.session.execute(db.select(User.email).filter_by(username="typed_it")).scalar_one() is None
    assert db.session.get(User, users["fan"].id).email == "fan@example.com"


def test_a_gateway_keys_accounts_on_unionid_not_the_per_app_openid(app, provider_urls):
    first = app.test_client()
    claims = {"unionid": "union-42", "preferred_username": "mi_fan", "email": "m@example.com", "email_verified": True}
    sign_in(app, first, provider_urls, "openid-app-a", claims, provider="mi")
    first.post("/login/new-account", data={"username": "mi_fan"})
    assert identities() == [("mi", "union-42", accounts()[0].id)]
    # Another of the brand's apps: another openid (the provider's sub), the same unionid.
    second = app.test_client()
    back = sign_in(app, second, provider_urls, "openid-app-b", {**claims, "email": "x@example.com"}, provider="mi")
    assert back.status_code == 302 and back.headers["Location"] == "/"
    assert len(accounts()) == 1
    # The same subject at the other provider is another identity.
    third = app.test_client()
    assert sign_in(app, third, provider_urls, "union-42", {}).headers["Location"] == "/login/new-account"
    # A gateway that sends no unionid signs nobody in.
    fourth = app.test_client()
    refused = sign_in(app, fourth, provider_urls, "openid-app-c", {"preferred_username": "z"}, provider="mi")
    assert refused.status_code == 400 and len(accounts()) == 1


def test_only_local_paths_are_followed_after_signing_in(app, provider_urls):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-next", {}, data={"next": "https://evil.example/"})
    made = client.post("/login/new-account", data={"username": "safe_one", "email": "s@example.com"})
    assert made.headers["Location"] == "/"
    again = app.test_client()
    back = sign_in(app, again, provider_urls, "brand-next", {}, data={"next": "//evil.example/x"})
    assert back.headers["Location"] == "/"


def test_the_pending_identity_expires(app, provider_urls):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-late", {"preferred_username": "late"})
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "until": 0}
    late = client.post("/login/new-account", data={"username": "late_one", "email": "l@example.com"})
    assert late.status_code == 400 and "Your sign-in has expired" in late.get_data(as_text=True)
    assert accounts() == []


def test_the_buttons_need_a_csrf_token(make_app, provider_urls):
    guarded = make_app(OIDC_PROVIDERS=providers_config(provider_urls), WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    with guarded.app_context():
        assert client.post("/login/with/brand").status_code == 400
        login_page = client.get("/login").get_data(as_text=True)
        assert "Sign in with Haier" in login_page and "Sign in with Mi" in login_page
        assert 'action="/login/with/brand"' in login_page and 'name="csrf_token"' in login_page
        assert "Sign in with Haier" in client.get("/register").get_data(as_text=True)


def test_an_unreachable_provider_is_said_not_a_500(make_app):
    config = [{**providers_config({"brand": "http://127.0.0.1:9", "mi": ""})[0]}]
    down = make_app(OIDC_PROVIDERS=config)
    with down.app_context():
        page = down.test_client().post("/login/with/brand")
        assert page.status_code == 503 and "Haier is not answering" in page.get_data(as_text=True)


def test_refused_returns_count_as_failed_logins_of_the_address(make_app, provider_urls):
    limited = make_app(OIDC_PROVIDERS=providers_config(provider_urls), RATELIMIT_LOGIN="3 per minute")
    with limited.app_context():
        limiter.reset()
        client = limited.test_client()
        assert client.post("/login", data={"login": "nobody", "password": "wrong"}).status_code == 200
        answers = [client.get("/login/with/brand/callback?code=x&state=forged").status_code for _ in range(3)]
        # The password's failure and two refused returns use the address's three; then it waits.
        assert answers == [400, 400, 429]
        assert client.post("/login", data={"login": "nobody", "password": "wrong"}).status_code == 429
        limiter.reset()


def test_one_sign_in_is_in_flight_per_browser(app, provider_urls):
    client = app.test_client()
    for _ in range(5):
        assert client.post("/login/with/brand").status_code == 200
    client.post("/login/with/mi")
    with client.session_transaction() as session:
        assert [key.rsplit("_", 1)[0] for key in session if key.startswith("_state_")] == ["_state_mi"]


def test_a_member_who_logged_in_meanwhile_makes_no_second_account(app, provider_urls, users):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-meanwhile", {"preferred_username": "second"})
    client.post("/login", data={"login": "fan", "password": factories.PASSWORD})
    made = client.post("/login/new-account", data={"username": "second_one", "email": "2@example.com"})
    assert made.status_code == 302 and made.headers["Location"] == "/"
    assert identities() == [] and len(accounts()) == len(users)
    with client.session_transaction() as session:
        assert PENDING not in session
