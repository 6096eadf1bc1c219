"""Accounts made by signing in with a provider: linking from the settings, unlinking while
another way in remains, suspensions, what admins and the settings show, the pages in both
languages, and the providers' settings checked at start-up."""

import json
from datetime import timedelta

import pytest

from forum.accounts import oidc
from forum.accounts.models import SignInIdentity, User
from forum.clock import utcnow
from forum.extensions import db
from forum.transaction import unit_of_work
from tests import factories
from tests.oidc import (
    fixtures,
    identities,
    providers_config,
    sign_in,
    signed_in_as,
)

provider_urls, oidc_app, app = fixtures()


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
