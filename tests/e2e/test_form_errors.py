"""A refused form in a real browser, at phone and desktop widths, in English and Chinese: the focus
lands on the error summary, its links (followed from the keyboard) move the focus to the field, and
what was typed is kept."""

import re

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {"title": "Error: ", "summary": "There is a problem", "email": "Email: ", "body": "Your solution: "},
    "zh": {"title": "错误：", "summary": "提交未成功", "email": "邮箱：", "body": "你的方案："},
}


def submit(page):
    # The page's own form: the sign-in providers' buttons come after it on the login and register pages.
    page.locator("main form button[type=submit]:not(.sign-in-provider), main form input[type=submit]").last.click()


def follow_from_keyboard(page, link):
    """Tab from the focused summary to `link` and press Enter, as a keyboard user would."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if link.evaluate("(el) => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_sign_up_focuses_the_summary_whose_links_reach_the_fields(page, language, app):
    page.goto("/register")
    if language == "zh":
        page.get_by_role("link", name="简体中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.locator("#username").fill("lin_wei")
    page.locator("#password").fill("a long password")
    page.locator("#confirm").fill("a different one")
    submit(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("h2")).to_have_text(WORDS[language]["summary"])
    expect(page).to_have_title(re.compile("^" + re.escape(WORDS[language]["title"])))
    expect(summary.locator("a")).to_have_count(2)  # the empty address, the passwords that differ
    expect(page.locator("#username")).to_have_value("lin_wei")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    screenshot(page, f"form-errors-register-{language}")

    email = summary.get_by_role("link", name=re.compile("^" + re.escape(WORDS[language]["email"])))
    follow_from_keyboard(page, email)
    expect(page.locator("#email")).to_be_focused()
    # The field's label is in view with it, not scrolled away above the top.
    expect(page.locator("label[for=email]")).to_be_in_viewport()
    page.keyboard.type("lin.wei@example.com")
    expect(page.locator("#email")).to_have_value("lin.wei@example.com")
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_wrong_password_is_said_in_the_focused_summary(page, language, app):
    factories.user("chen")
    db.session.commit()
    page.goto("/login")
    if language == "zh":
        page.get_by_role("link", name="简体中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.locator("#login").fill("chen")
    page.locator("#password").fill("not my password")
    submit(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).not_to_have_count(0)
    expect(page).to_have_title(re.compile("^" + re.escape(WORDS[language]["title"])))
    expect(page.locator("#login")).to_have_value("chen")
    screenshot(page, f"form-errors-login-{language}")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_solution_keeps_its_title_and_the_link_reaches_the_markdown_field(page, language, app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("staff", community_roles={community: "staff"})
    challenge = factories.challenge(staff, community, title="Laundry smells after washing")
    factories.user("lin", locale="zh_Hans" if language == "zh" else "en")
    db.session.commit()
    challenge_id = challenge.id
    page.goto("/login")
    page.locator("#login").fill("lin")
    page.locator("#password").fill(factories.PASSWORD)
    submit(page)
    expect(page.locator("summary", has_text="lin")).to_be_visible()

    page.goto(f"/challenges/{challenge_id}/solutions/new")
    page.locator("#title").fill("Steam-clean the drum gap")
    submit(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^" + re.escape(WORDS[language]["title"])))
    expect(page.locator("#title")).to_have_value("Steam-clean the drum gap")
    expect(page.locator("#body")).to_have_attribute("aria-describedby", "body-error")
    screenshot(page, f"form-errors-solution-{language}")

    body = summary.get_by_role("link", name=re.compile("^" + re.escape(WORDS[language]["body"])))
    follow_from_keyboard(page, body)
    expect(page.locator("#body")).to_be_focused()
    expect(page.locator("label[for=body]")).to_be_in_viewport()
    screenshot(page, f"form-errors-solution-followed-{language}")
    assert page.console_errors == []
