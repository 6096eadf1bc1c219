"""Sign-in with OpenID Connect against real local providers (oidc-provider-mock, two of them, in
threads): sign-up after picking a username, signing in again, a replayed return, a forged nonce,
an address that has an account, linking and unlinking, suspensions, and no provider at all."""

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from forum.accounts import oidc
from forum.accounts.models import SignInIdentity, User
from forum.clock import utcnow
from forum.extensions import db, limiter
from forum.transaction import unit_of_work
from tests import factories, mail
from tests.conftest import _empty_tables

PENDING = "oidc_pending"
NEW_PASSWORD = "plum orchard ladder quietly"


@pytest.fixture(scope="module")
def provider_urls():
    with run_server_in_thread() as brand, run_server_in_thread() as gateway:
        yield {"brand": f"http://localhost:{brand.server_port}", "mi": f"http://localhost:{gateway.server_port}"}


def providers_config(urls):
    return [
        {
            "name": "brand",
            "label": "Haier",
            "server_metadata_url": urls["brand"] + "/.well-known/openid-configuration",
            "client_id": "cocreate",
            "client_secret": "brand-secret",
        },
        {
            "name": "mi",
            "label": "Mi",
            "server_metadata_url": urls["mi"] + "/.well-known/openid-configuration",
            "client_id": "cocreate-mi",
            "client_secret": "mi-secret",
            "key_claim": "unionid",
        },
    ]


@pytest.fixture(scope="module")
def oidc_app(make_app, base_app, provider_urls):
    return make_app(OIDC_PROVIDERS=providers_config(provider_urls))


@pytest.fixture
def app(oidc_app):
    """This module's app: the session's database, with both providers configured."""
    with oidc_app.app_context():
        limiter.reset()
        oidc_app.extensions["fragments"].clear()
        oidc_app.extensions["mailman"].outbox = []
        yield oidc_app
        db.session.remove()
        _empty_tables()


def provider_sends(app, client, urls, sub, claims, provider="brand", start=None, data=None, forge=None):
    """Press the provider's button (or `start`, a URL to POST), choose `sub` on the provider's own
    authorization form, and return the callback path the provider redirects the browser to."""
    requests.put(f"{urls[provider]}/users/{sub}", json=claims, timeout=5).raise_for_status()
    started = client.post(start or f"/login/with/{provider}", data=data or {})
    assert started.status_code == 200, started.get_data(as_text=True)
    (authorize,) = re.findall(r'<a id="provider-link" href="([^"]+)"', started.get_data(as_text=True))
    authorize = html.unescape(authorize)
    assert f'content="0; url={html.escape(authorize)}"' in started.get_data(as_text=True)
    assert authorize.startswith(urls[provider] + "/oauth2/authorize")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()
    back = requests.post(forge(authorize) if forge else authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["Location"])
    assert parts.path == f"/login/with/{provider}/callback"
    return f"{parts.path}?{parts.query}"


def sign_in(app, client, urls, sub, claims, provider="brand", **options):
    return client.get(provider_sends(app, client, urls, sub, claims, provider, **options))


def accounts():
    return db.session.execute(db.select(User).order_by(User.id)).scalars().all()


def identities():
    return db.session.execute(db.select(SignInIdentity.provider, SignInIdentity.subject, SignInIdentity.user_id)).all()


def same_for_everyone(html, *words):
    """The page without what differs from reader to reader: their CSRF token, the given words."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', "", html)
    for word in words:
        html = html.replace(word, "WORD")
    return html


def signed_in_as(client):
    page = client.get("/account")
    return page.status_code == 200 and page


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
    assert client.get("/login/new-account").status_code == 400  # the pending identity is spent

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


def test_linking_from_the_settings_and_unlinking_while_another_way_in_remains(app, provider_urls, users, login):
    fan = login(users["fan"])
    back = sign_in(
        app, fan, provider_urls, "brand-fan", {"email": "else@example.com"}, start="/account/sign-in/brand/link"
    )
    assert back.status_code == 302 and back.headers["Location"] == "/account#sign-in"
    assert identities() == [("brand", "brand-fan", users["fan"].id)]
    settings = fan.get("/account").get_data(as_text=True)
    assert "Haier: linked" in settings and "Unlink Haier" in settings and "Link Mi" in settings

    elsewhere = app.test_client()
    assert sign_in(app, elsewhere, provider_urls, "brand-fan", {}).headers["Location"] == "/"
    assert "fan" in signed_in_as(elsewhere).get_data(as_text=True)

    # An identity that signs in to another account cannot be linked to this one.
    other = factories.user("other_fan")
    other_client = login(other)
    back = sign_in(app, other_client, provider_urls, "brand-fan", {}, start="/account/sign-in/brand/link")
    assert back.headers["Location"] == "/account#sign-in"
    assert "signs in to another Cocreate account" in other_client.get("/account").get_data(as_text=True)
    assert len(identities()) == 1

    assert fan.post("/account/sign-in/brand/unlink").status_code == 302  # the password remains
    assert identities() == []
    assert fan.post("/account/sign-in/brand/unlink").status_code == 302
    assert "No account at that provider is linked." in fan.get("/account").get_data(as_text=True)


def test_the_last_way_in_cannot_be_unlinked(app, provider_urls):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-only", {"preferred_username": "only_brand"})
    client.post("/login/new-account", data={"username": "only_brand", "email": "only@example.com"})
    settings = client.get("/account").get_data(as_text=True)
    assert "Your account has no password" in settings and "(your only way in: it cannot be unlinked)" in settings
    assert "It is set when you open the link we mailed you." in settings  # no password to change it with
    assert "Mail me a link to set a password" not in settings  # it has no address to mail yet
    assert client.post("/account/sign-in/brand/unlink").status_code == 302
    assert "It is your only way to sign in" in client.get("/account").get_data(as_text=True)
    assert len(identities()) == 1
    # With a second provider linked, either may go, but not both.
    mi = {"unionid": "union-only", "preferred_username": "x"}
    sign_in(app, client, provider_urls, "mi-app-openid", mi, provider="mi", start="/account/sign-in/mi/link")
    assert len(identities()) == 2
    client.post("/account/sign-in/brand/unlink")
    assert [row.provider for row in identities()] == ["mi"]
    client.post("/account/sign-in/mi/unlink")
    assert [row.provider for row in identities()] == ["mi"]
    # No password: the password login refuses it, the same answer as a wrong password.
    refused = app.test_client().post("/login", data={"login": "only_brand", "password": ""})
    assert refused.status_code == 200


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


def test_a_suspended_member_signs_in_as_with_a_password_and_may_not_write(app, provider_urls, users, login, community):
    author = factories.user("author")
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(author, challenge)
    with unit_of_work():
        db.session.add(SignInIdentity(user_id=users["fan"].id, provider="brand", subject="suspended-sub"))
        db.session.get(User, users["fan"].id).suspended_until = utcnow() + timedelta(days=3)
    by_password = login(users["fan"])
    by_provider = app.test_client()
    assert sign_in(app, by_provider, provider_urls, "suspended-sub", {}).status_code == 302
    for client in (by_password, by_provider):
        vote = client.post(
            f"/solutions/{solution.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"}
        )
        assert vote.status_code == 422 and "suspended" in vote.get_data(as_text=True)


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


def test_no_provider_no_buttons_and_no_routes(make_app):
    plain = make_app(OIDC_PROVIDERS=[])
    client = plain.test_client()
    with plain.app_context():
        assert "Sign in with" not in client.get("/login").get_data(as_text=True)
        assert "Sign in with" not in client.get("/register").get_data(as_text=True)
        for method, url in (
            ("POST", "/login/with/brand"),
            ("GET", "/login/with/brand/callback?code=x&state=y"),
            ("GET", "/login/new-account"),
            ("POST", "/login/new-account"),
        ):
            assert client.open(url, method=method).status_code == 404, url


def test_an_unreachable_provider_is_said_not_a_500(make_app):
    config = [{**providers_config({"brand": "http://127.0.0.1:9", "mi": ""})[0]}]
    down = make_app(OIDC_PROVIDERS=config)
    with down.app_context():
        page = down.test_client().post("/login/with/brand")
        assert page.status_code == 503 and "Haier is not answering" in page.get_data(as_text=True)


def test_providers_are_checked_at_start_up():
    good = providers_config({"brand": "https://id.example", "mi": "https://mi.example"})
    assert [p.name for p in oidc.parse_providers(json.dumps(good))] == ["brand", "mi"]
    assert [p.key_claim for p in oidc.parse_providers(good)] == ["sub", "unionid"]
    assert oidc.parse_providers("") == () and oidc.parse_providers([]) == ()
    for bad, says in (
        ("{not json", "not valid JSON"),
        ('{"name": "x"}', "must be a JSON list"),
        ([{"name": "x"}], "needs label"),
        ([{**good[0], "secret": "typo"}], "unknown keys: secret"),
        ([{**good[0], "name": "Has Space"}], "name must be"),
        ([good[0], good[0]], "two providers are named 'brand'"),
        ([{**good[0], "server_metadata_url": "ftp://x"}], "http(s) URL"),
        ([{**good[0], "key_claim": ""}], "needs key_claim"),
    ):
        with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
            oidc.parse_providers(bad)


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


def test_admins_see_an_account_without_an_address_as_such(app, provider_urls, users, login):
    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-noaddress", {"email": "fan@example.com", "email_verified": True})
    client.post("/login/new-account", data={"username": "no_address"})
    made = db.session.execute(db.select(User).filter_by(username="no_address")).scalar_one()
    admin = login(users["admin"])
    assert "None" not in admin.get(f"/admin/users/{made.id}").get_data(as_text=True)
    assert ">None<" not in admin.get("/admin/users").get_data(as_text=True)
    refused = admin.post(f"/admin/users/{made.id}/password-reset", data={"confirmed": "1"})
    assert refused.status_code == 422 and "no email address" in refused.get_data(as_text=True)


def test_the_environment_gives_providers_as_json_and_a_bad_one_stops_the_start(tmp_path, monkeypatch):
    from forum import create_app

    good = providers_config({"brand": "https://id.example", "mi": "https://mi.example"})
    settings = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db"}
    monkeypatch.setenv("COCREATE_OIDC_PROVIDERS", json.dumps(good))
    started = create_app(dict(settings), instance_path=str(tmp_path))
    with started.app_context():
        assert [(p.name, p.key_claim) for p in oidc.providers()] == [("brand", "sub"), ("mi", "unionid")]
    monkeypatch.setenv("COCREATE_OIDC_PROVIDERS", '[{"name": "brand", "label": "Haier"')
    with pytest.raises(ValueError, match="OIDC_PROVIDERS is not valid JSON"):
        create_app(dict(settings), instance_path=str(tmp_path))


def test_one_sign_in_is_in_flight_per_browser(app, provider_urls):
    client = app.test_client()
    for _ in range(5):
        assert client.post("/login/with/brand").status_code == 200
    client.post("/login/with/mi")
    with client.session_transaction() as session:
        assert [key.rsplit("_", 1)[0] for key in session if key.startswith("_state_")] == ["_state_mi"]


def test_the_pages_of_an_account_made_by_signing_in_are_valid_and_in_chinese(app, provider_urls, tmp_path):
    """The pages the walks of tests/test_html_valid.py and tests/test_chinese_pages.py cannot reach,
    since they log in with passwords: the settings of an account with no password and no address,
    and the username form that asks for an address, in both languages."""
    from tests.test_chinese_pages import english_in
    from tests.test_html_valid import vnu_errors

    client = app.test_client()
    sign_in(app, client, provider_urls, "brand-pages", {"preferred_username": "页面粉丝", "email": "p@example.com"})
    pages = {}
    for language in ("en", "zh_Hans"):
        client.set_cookie(app.config["LANGUAGE_COOKIE"], language)
        pages[f"new-{language}"] = client.get("/login/new-account").get_data(as_text=True)
        refused = client.post("/login/new-account", data={"username": "x", "email": "not an address"})
        pages[f"refused-{language}"] = refused.get_data(as_text=True)
    assert "error-summary" in pages["refused-en"]
    client.post("/login/new-account", data={"username": "页面粉丝", "email": "p@example.com"})
    with unit_of_work():
        db.session.execute(db.update(User).where(User.username == "页面粉丝").values(email=None))
    for language in ("en", "zh_Hans"):
        client.set_cookie(app.config["LANGUAGE_COOKIE"], language)
        with unit_of_work():  # a member reads in the language saved on the account
            db.session.execute(db.update(User).where(User.username == "页面粉丝").values(locale=language))
        pages[f"settings-{language}"] = client.get("/account").get_data(as_text=True)
    assert "It is set when you open the link we mailed you." in pages["settings-en"]
    for name, page in pages.items():
        (tmp_path / f"{name}.html").write_text(page, "utf-8")
        if name.endswith("zh_Hans"):
            assert '<html lang="zh-Hans"' in page
            assert english_in(page, {"页面粉丝", "Haier", "Mi", "p@example.com"}) == [], name
    assert vnu_errors([str(tmp_path / f"{name}.html") for name in pages]) == {}
