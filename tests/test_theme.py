"""Colour themes: the header switch (a form for members, a link and a cookie for visitors), the
<html data-theme> the server renders, and visitors' kept pages keyed by the theme."""

import re

import pytest

from forum.accounts.models import User
from forum.extensions import db
from tests import factories


def _html_tag(page):
    return re.search(r"<html[^>]*>", page).group(0)


def test_a_visitor_follows_the_device_until_they_pick(client):
    page = client.get("/").get_data(True)
    assert "data-theme" not in _html_tag(page)
    assert '<meta name="color-scheme" content="light dark">' in page
    assert 'name="theme-color" content="#13171f" media="(prefers-color-scheme: dark)"' in page
    # The switch is three links, the current one marked.
    assert 'href="/theme/dark?next=/"' in page and 'href="/theme/light?next=/"' in page
    assert re.search(r'href="/theme/system\?next=/" aria-current="true"', page)


def test_a_visitors_pick_is_a_cookie_and_writes_nothing(app, client, community):
    factories.user("anna")
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    db.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/theme/dark?next=/c/")
    finally:
        db.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 302 and response.headers["Location"] == "/c/"
    assert not [s for s in statements if not s.lstrip().upper().startswith("SELECT")]  # a GET never writes
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("theme=dark") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/c/").get_data(True)
    assert 'data-theme="dark"' in _html_tag(page)
    assert '<meta name="color-scheme" content="dark">' in page and '<meta name="theme-color" content="#13171f">' in page
    assert re.search(r'href="/theme/dark\?next=/c/" aria-current="true"', page)
    client.get("/theme/light")
    assert 'data-theme="light"' in _html_tag(client.get("/c/").get_data(True))
    # "System" forgets the cookie: the device decides again.
    assert "theme=;" in client.get("/theme/system").headers["Set-Cookie"]
    assert "data-theme" not in _html_tag(client.get("/c/").get_data(True))


@pytest.mark.parametrize("theme", ["sepia", "DARK", "%00"])
def test_the_switch_refuses_unknown_themes(client, login, theme):
    assert client.get(f"/theme/{theme}").status_code == 404
    member = login(factories.user("anna"))
    assert member.post(f"/account/theme/{theme}").status_code == 404


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example", "/%5cevil.example"])
def test_the_switch_goes_back_only_to_this_site(client, login, target):
    assert client.get("/theme/dark", query_string={"next": target}).headers["Location"] == "/"
    member = login(factories.user("anna"))
    assert member.post("/account/theme/dark", data={"next": target}).headers["Location"] == "/"


def test_a_members_pick_is_saved_on_the_account_and_follows_them(app, login):
    user = factories.user("anna")
    client = login(user)
    header = client.get("/c/").get_data(True)
    assert 'action="/account/theme/dark"' in header and "/theme/dark?" not in header  # a form, since it writes
    response = client.post("/account/theme/dark", data={"next": "/c/"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/"
    assert response.headers["Set-Cookie"].startswith("theme=dark")  # and kept on the browser after logging out
    db.session.rollback()
    assert db.session.get(User, user.id).theme == "dark"
    new_device = login(user)
    assert 'data-theme="dark"' in _html_tag(new_device.get("/c/").get_data(True))
    # "System" is a pick too: it beats a cookie left by an earlier one on another browser.
    new_device.post("/account/theme/system")
    db.session.rollback()
    assert db.session.get(User, user.id).theme == "system"
    assert "data-theme" not in _html_tag(client.get("/c/").get_data(True))


def test_a_member_who_never_picked_keeps_the_browsers_cookie(app, login):
    client = login(factories.user("anna"))
    client.set_cookie("theme", "dark")
    assert 'data-theme="dark"' in _html_tag(client.get("/c/").get_data(True))


def test_a_members_switch_without_its_form_token_changes_nothing(make_app, app):
    strict = make_app(WTF_CSRF_ENABLED=True)
    user = factories.user("anna")
    client = strict.test_client()
    form = client.get("/login").get_data(True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/login", data={"login": "anna", "password": factories.PASSWORD, "csrf_token": token})
    client.post("/account/theme/dark", data={"next": "/"})
    db.session.rollback()
    assert db.session.get(User, user.id).theme is None


def test_visitors_kept_pages_are_kept_per_theme(make_app, app, community):
    cached = make_app(PAGE_CACHE_SECONDS=60)
    plain = cached.test_client().get("/c/").get_data(True)
    dark = cached.test_client()
    dark.set_cookie("theme", "dark")
    light = cached.test_client()
    light.set_cookie("theme", "light")
    assert "data-theme" not in _html_tag(plain)
    assert 'data-theme="dark"' in _html_tag(dark.get("/c/").get_data(True))
    assert 'data-theme="light"' in _html_tag(light.get("/c/").get_data(True))
    odd = cached.test_client()
    odd.set_cookie("theme", "<sepia>")  # an unknown pick is no pick: the device's page
    assert "data-theme" not in _html_tag(odd.get("/c/").get_data(True))
