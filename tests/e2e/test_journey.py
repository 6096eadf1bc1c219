"""A newcomer's first visit in a real browser: register, log out and in, switch language, read a community."""

import re

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories, mail
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def communities(app):
    haier = factories.community(
        slug="haier-washers",
        name="海尔洗衣机 · Haier Washers",
        description="洗衣机**二次污染**的老问题，等你来解决。\n\nThirty years of re-soiled laundry: fix it with us.",
    )
    factories.community()
    db.session.commit()
    return haier


def test_register_login_switch_language_and_read_a_community(page, communities, live_server):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Build the next product")
    screenshot(page, "home-en")

    page.get_by_role("button", name="Join the community").click()
    page.get_by_label("Username").fill("lin_wei")
    page.get_by_label("Email").fill("lin.wei@example.com")
    page.get_by_label("Password", exact=True).fill("a long password")
    page.get_by_label("Repeat password").fill("a different one")
    page.get_by_role("button", name="Create account").click()
    # The form comes back with the mistake marked and the name still filled in.
    expect(page.locator("#confirm-error")).to_have_text("The passwords do not match.")
    expect(page.get_by_label("Username")).to_have_value("lin_wei")
    screenshot(page, "register-error")
    page.get_by_label("Password", exact=True).fill("a long password")
    page.get_by_label("Repeat password").fill("a long password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("We have sent a message to lin.wei@example.com")
    screenshot(page, "register-check-mail")
    page.goto(mail.link_in(mail.sent("lin.wei@example.com", live_server.app)[-1], "/register/"))
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Cocreate, lin_wei!")

    page.locator("summary", has_text="lin_wei").click()
    screenshot(page, "account-menu")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill("lin.wei@example.com")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="lin_wei")).to_be_visible()

    # A member's switch is a button (it saves the language on the account too, so mail speaks it).
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_contain_text("和用户一起打造下一代产品")

    page.get_by_role("link", name="海尔洗衣机 · Haier Washers").click()
    expect(page).to_have_url(re.compile(r"/c/haier-washers$"))
    expect(page.locator(".user-text strong")).to_have_text("二次污染")
    expect(page.get_by_role("heading", name="挑战")).to_be_visible()
    assert page.dialogs == [] and page.console_errors == []


def test_screenshots_of_home_and_community_in_both_languages(page, communities):
    for language, label in (("en", "English"), ("zh", "简体中文")):
        if language == "zh":
            page.goto("/")
            page.get_by_role("link", name=label).click()
        page.goto("/")
        screenshot(page, f"home-{language}")
        page.goto("/c/haier-washers")
        screenshot(page, f"community-{language}")
        # Nothing may overflow sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} community page scrolls sideways by {overflow}px"
    assert page.console_errors == []


def test_keyboard_reaches_the_login_form(page, communities):
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.get_by_label("Username or email").focus()
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    # The error summary is the alert, and the keyboard starts there.
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Username or email")).to_have_value("nobody")


def test_admin_creates_a_community_and_makes_a_fan_staff(page, communities):
    factories.user("site_admin", site_role="admin")
    factories.user("maker_anna")
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Username or email").fill("site_admin")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.locator("summary", has_text="site_admin").click()
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("button", name="New community").click()
    page.get_by_label("Address").fill("mi-band")
    page.get_by_label("Name").fill("小米手环 · Mi Band")
    page.get_by_label("Description").fill("Sleep tracking, **battery life**, straps.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="小米手环 · Mi Band")).to_be_visible()

    page.goto("/admin/users?q=maker")
    page.get_by_role("link", name="maker_anna").click()
    page.get_by_label("Community", exact=True).select_option(label="小米手环 · Mi Band")
    page.get_by_label("Role", exact=True).select_option(label="Staff")
    page.get_by_role("button", name="Grant role").click()
    expect(page.get_by_role("status")).to_have_text("Role granted.")
    expect(page.locator(".role-list")).to_contain_text("小米手环 · Mi Band: Staff")
    screenshot(page, "admin-user")

    page.goto("/admin/audit")
    expect(page.locator(".audit-log")).to_contain_text("Granted a role")
    assert page.dialogs == [] and page.console_errors == []


def test_a_forgotten_password_is_reset_by_mail(page, mailing_server, app):
    server, sink = mailing_server
    factories.user("maker_anna", email="anna@example.com")
    db.session.commit()
    page.goto(f"{server.url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username or email").fill("anna@example.com")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account has that username or address")
    # Read from the SMTP server it went through (sent by the job after the request's commit).
    [received] = sink.to("anna@example.com")
    text = received.get_body(("plain",)).get_content()
    page.goto(server.url + mail.link_in_text(text, "/password/reset/"))
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Repeat new password").fill("a brand new passphrase")
    screenshot(page, "reset-password")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set.")
    expect(page.locator("summary", has_text="maker_anna")).to_be_visible()
    assert page.console_errors == []
