"""A fan shares an idea: copies its link (announced as copied), opens the WeChat QR code, finds the
Weibo link; without JavaScript the link is a field to select; the link opens in the reader's own
language; a release is shared from the releases page. Phone and desktop, English and Chinese."""

import threading
from datetime import date

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from forum.extensions import db
from forum.review import releases
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {"copy": "Copy link", "copied": "Link copied", "qr": "WeChat QR code", "weibo": "Weibo",
           "scan": "Scan with WeChat to open on your phone", "link": "Link to this page"},
    "zh": {"copy": "复制链接", "copied": "链接已复制", "qr": "微信二维码", "weibo": "微博",
           "scan": "用微信扫一扫，在手机上打开", "link": "本页链接"},
}  # fmt: skip


@pytest.fixture
def sharing_server(make_app, app):
    """The forum served as a browser sees it, with BASE_URL its own address, as `make run` sets it:
    shared links and QR codes then lead back to this server."""
    served = make_app(WTF_CSRF_ENABLED=True, TESTING=False)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    server.url = served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def idea(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("lead", community_roles={community: "staff"})
    challenge = factories.challenge(staff, community, title="Secondary pollution", body="The drum re-soils laundry.")
    solution = factories.solution(factories.user("lin_wei"), challenge, title="Steam the drum gap")
    db.session.commit()
    return {"community": community, "staff": staff, "challenge": challenge.id, "solution": solution.id}


def _in_language(page, language):
    """A visitor switches with the header link, which a phone shows too."""
    if language == "zh":
        switch = page.locator(".site-header a[hreflang=zh-Hans]")
        expect(switch).to_be_visible()
        switch.click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_fan_copies_the_link_and_shows_the_wechat_code(page, sharing_server, idea, language):
    words = WORDS[language]
    address = f"{sharing_server.url}/solutions/{idea['solution']}"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sharing_server.url)
    page.goto(address)
    _in_language(page, language)
    share = page.locator("[data-share]")
    # With JavaScript the button copies; the field is there only when copying fails.
    expect(share.get_by_label(words["link"])).to_be_hidden()
    share.get_by_role("button", name=words["copy"]).click()
    status = share.get_by_role("status")
    expect(status).to_have_text(words["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == address  # no language in it
    expect(share.get_by_role("link", name=words["weibo"])).to_have_attribute(
        "href",
        f"https://service.weibo.com/share/share.php?url={address.replace(':', '%3A').replace('/', '%2F')}"
        "&title=Steam+the+drum+gap",
    )
    share.get_by_text(words["qr"]).click()
    code = share.locator(".share-qr img")
    expect(code).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=code.element_handle())
    expect(share.locator("figcaption")).to_have_text(words["scan"])
    assert code.bounding_box()["width"] >= 150  # big enough to scan off the screen
    screenshot(page, f"sharing-solution-{language}")
    page.keyboard.press("Escape")
    expect(code).to_be_hidden()
    expect(share.locator("summary")).to_be_focused()
    share.get_by_text(words["qr"]).click()
    expect(code).to_be_visible()
    page.locator("h1").click()  # a click elsewhere closes it too
    expect(code).to_be_hidden()
    assert page.console_errors == [] and page.failed_responses == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_without_javascript_the_link_is_a_field_to_select(browser, page, sharing_server, idea, language):
    context = browser.new_context(viewport=page.viewport_size, java_script_enabled=False, locale="en-US")
    plain = context.new_page()
    plain.width_name = page.width_name
    address = f"{sharing_server.url}/challenges/{idea['challenge']}"
    plain.goto(address)
    _in_language(plain, language)
    words = WORDS[language]
    share = plain.locator("[data-share]")
    expect(share.get_by_role("button", name=words["copy"])).to_be_hidden()
    field = share.get_by_label(words["link"])
    expect(field).to_be_visible()
    expect(field).to_have_value(address)
    expect(field).to_have_attribute("readonly", "")
    share.get_by_text(words["qr"]).click()  # a disclosure: it opens without JavaScript too
    expect(share.locator(".share-qr img")).to_be_visible()
    screenshot(plain, f"sharing-no-script-{language}")
    context.close()


def test_a_link_shared_in_chinese_opens_in_the_readers_language(browser, page, sharing_server, idea):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sharing_server.url)
    page.goto(f"{sharing_server.url}/solutions/{idea['solution']}")
    _in_language(page, "zh")
    page.get_by_role("button", name="复制链接").click()
    expect(page.get_by_role("status").filter(has_text="链接已复制")).to_be_visible()
    shared = page.evaluate("navigator.clipboard.readText()")
    reader = browser.new_context(viewport=page.viewport_size, locale="en-US")
    opened = reader.new_page()
    opened.goto(shared)
    expect(opened.locator("html")).to_have_attribute("lang", "en")
    expect(opened.get_by_role("button", name="Copy link")).to_be_visible()
    expect(opened.locator(".site-header a[hreflang=zh-Hans]")).to_be_visible()  # and a way back to Chinese
    reader.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_release_is_shared_from_the_releases_page(page, sharing_server, idea, language):
    community, staff = idea["community"], idea["staff"]
    from forum.solutions.models import Solution

    solution = db.session.get(Solution, idea["solution"])
    old = factories.door(
        releases.publish, staff, community, "HyperOS 2.1.5", date(2026, 11, 1), "Steam.", [solution.id]
    )
    factories.door(releases.publish, staff, community, "HyperOS 2.2.0", date(2026, 11, 28), "More.", [solution.id])
    old_id = old.id
    db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sharing_server.url)
    page.goto(f"{sharing_server.url}/c/haier-washers/releases")
    _in_language(page, language)
    words = WORDS[language]
    older = page.locator(f"#release-{old_id} [data-share]")
    older.get_by_role("button", name=words["copy"]).click()
    expect(older.get_by_role("status")).to_have_text(words["copied"])
    older.get_by_text(words["qr"]).click()
    expect(older.locator(".share-qr img")).to_be_visible()
    screenshot(page, f"sharing-release-{language}")
    page.goto(page.evaluate("navigator.clipboard.readText()"))
    expect(page.locator("article[id^=release-]").first).to_have_attribute("id", f"release-{old_id}")


def test_a_member_switches_language_from_the_header_and_shares_the_same_link(page, sharing_server, idea):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sharing_server.url)
    page.goto(f"{sharing_server.url}/login")
    page.get_by_label("Username or email").fill("lin_wei")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    address = f"{sharing_server.url}/solutions/{idea['solution']}"
    page.goto(address)
    switch = page.locator(".site-header").get_by_role("button", name="简体中文")
    expect(switch).to_be_visible()  # on a phone too, beside the member's menu
    assert switch.bounding_box()["x"] + switch.bounding_box()["width"] <= page.viewport_size["width"]
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("button", name="复制链接").click()
    expect(page.get_by_role("status").filter(has_text="链接已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
    screenshot(page, "sharing-member-zh")
