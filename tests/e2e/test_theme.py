"""Light and dark, in a real browser: the header's theme switch (a link for visitors, a form for
members, both without JavaScript) is remembered across pages and, for members, on another device;
and the main pages keep WCAG AA contrast in both themes, measured on every text node against the
background it is drawn on. At phone and desktop widths, in English and Chinese."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum.challenges.services import set_phase
from forum.review import status
from forum.solutions import comments, votes
from tests import factories
from tests.e2e.conftest import VIEWPORTS, screenshot

pytestmark = pytest.mark.e2e

LABELS = {
    "en": {"light": "Light", "dark": "Dark", "system": "System", "theme": "Theme: "},
    "zh_Hans": {"light": "浅色", "dark": "深色", "system": "跟随系统", "theme": "主题："},
}
DARK_PAGE = "rgb(19, 23, 31)"  # Pico's dark background, as the browser rounds it
LIGHT_PAGE = "rgb(255, 255, 255)"

CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


@pytest.fixture(params=["en", "zh_Hans"])
def language(request):
    return request.param


@pytest.fixture
def forum(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("theme_staff", community_roles={community: "staff"})
    fan = factories.user("米粉小王")
    factories.user("theme_fan")
    challenge = factories.challenge(
        staff,
        community,
        title="洗衣机二次污染 · Secondary pollution",
        body="滚筒里藏着污垢。**Dirt** hides.",
        vote_budget=3,
    )
    shortlisted = factories.solution(
        fan, challenge, title="银离子抗菌涂层", body="在内筒涂上银离子涂层。", tags="coating"
    )
    declined = factories.solution(fan, challenge, title="Steam-clean the drum gap", body="A steam nozzle.")
    factories.solution(factories.user("maker"), challenge, title="高温自洁", body="九十度空转一次。\n\n> 引用")
    factories.door(votes.cast_vote, staff, shortlisted)
    factories.door(comments.add_comment, fan, challenge, "好主意！A good idea.", solution=shortlisted)
    factories.door(status.change_status, staff, shortlisted, "shortlisted", "入围了")
    factories.door(status.change_status, staff, declined, "declined", "Too costly.")
    factories.door(set_phase, staff, challenge, "voting")
    return {
        "community": community.slug,
        "challenge": challenge.id,
        "solution": shortlisted.id,
        "staff": staff.username,
    }


def _switch_language(page, language):
    if language == "zh_Hans":
        page.locator("header [lang='zh-Hans']").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def _log_in(page, username):
    page.goto("/login")
    page.locator("main input[name=login]").fill(username)
    page.locator("main input[name=password]").fill(factories.PASSWORD)
    page.locator("main form [type=submit]:not(.sign-in-provider)").click()  # not a provider's button
    expect(page.locator("summary", has_text=username)).to_be_visible()


def _pick(page, language, theme):
    switch = page.locator("header .theme-switch")
    switch.locator("summary").click()
    switch.get_by_role("link" if switch.locator("a").count() else "button", name=LABELS[language][theme]).click()
    current = LABELS[language]["theme"] + LABELS[language][theme]
    expect(page.locator("header .theme-switch summary")).to_have_accessible_name(current)


def _page_background(page):
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def _assert_dark(page):
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert _page_background(page) == DARK_PAGE


def test_a_visitor_picks_a_theme_and_every_page_keeps_it(page, forum, language):
    page.goto("/")
    _switch_language(page, language)
    assert _page_background(page) == LIGHT_PAGE  # the device prefers light: so does the page
    summary = page.locator("header .theme-switch summary")
    box = summary.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb's target, at either width
    _pick(page, language, "dark")
    _assert_dark(page)
    page.locator("main").get_by_role("link", name="海尔洗衣机 · Haier Washers").first.click()
    expect(page).to_have_url(f"/c/{forum['community']}")
    _assert_dark(page)
    page.goto(f"/solutions/{forum['solution']}")
    _assert_dark(page)
    screenshot(page, f"theme-visitor-picked-dark-{language}")
    # A device that prefers dark, and the reader who picks light: light wins, then System follows the device.
    page.emulate_media(color_scheme="dark")
    _pick(page, language, "light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert _page_background(page) == LIGHT_PAGE
    _pick(page, language, "system")
    expect(page.locator("html")).not_to_have_attribute("data-theme", "light")
    assert _page_background(page) == DARK_PAGE
    assert page.get_attribute("html", "data-theme") is None
    assert not page.console_errors and not page.failed_responses


def test_a_members_pick_is_saved_and_another_device_opens_in_it(page, browser, live_server, forum, language):
    _log_in(page, "theme_fan")
    _switch_language(page, language)
    _pick(page, language, "dark")
    _assert_dark(page)
    page.goto(f"/challenges/{forum['challenge']}")
    _assert_dark(page)
    # Another device, without JavaScript: it opens dark, and its switch is a plain form.
    other = browser.new_context(
        viewport=VIEWPORTS[page.width_name], locale="en-US", base_url=live_server.url, java_script_enabled=False
    )
    try:
        phone = other.new_page()
        _log_in(phone, "theme_fan")
        _assert_dark(phone)
        phone.locator("header .theme-switch summary").click()
        option = phone.locator("header .theme-switch").get_by_role("button", name=LABELS[language]["light"])
        assert option.bounding_box()["height"] >= 44
        option.click()
        expect(phone.locator("html")).to_have_attribute("data-theme", "light")
        assert _page_background(phone) == LIGHT_PAGE
    finally:
        other.close()
    page.goto(f"/c/{forum['community']}")  # the account's pick, on the first device too
    expect(page.locator("html")).to_have_attribute("data-theme", "light")


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_main_pages_read_clearly_in_both_themes(page, forum, language, scheme):
    page.emulate_media(color_scheme=scheme)  # no pick: the page follows the device
    page.goto("/")
    _switch_language(page, language)
    pages = {
        "home": "/",
        "community": f"/c/{forum['community']}",
        "challenge": f"/challenges/{forum['challenge']}",
        "solution": f"/solutions/{forum['solution']}",
    }
    failures = []
    for name, url in pages.items():
        page.goto(url)
        assert _page_background(page) == (DARK_PAGE if scheme == "dark" else LIGHT_PAGE)
        failures += [f"{name}: {failure}" for failure in page.evaluate(CONTRAST)]
        screenshot(page, f"theme-{scheme}-{language}-{name}")
    # Staff see the controls, their own vote and the review board.
    _log_in(page, forum["staff"])
    staff_pages = {
        "staff-challenge": f"/challenges/{forum['challenge']}",
        "staff-solution": f"/solutions/{forum['solution']}",
        "board": f"/challenges/{forum['challenge']}/board",
    }
    for name, url in staff_pages.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if language == "zh_Hans" else "en")
        failures += [f"{name}: {failure}" for failure in page.evaluate(CONTRAST)]
        screenshot(page, f"theme-{scheme}-{language}-{name}")
    page.locator("header .theme-switch summary").click()
    expect(page.locator("header .theme-switch [aria-current=true]")).to_be_visible()
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    screenshot(page, f"theme-{scheme}-{language}-switch-open")
    assert not failures, "\n".join(failures)
    assert not page.console_errors and not page.failed_responses
