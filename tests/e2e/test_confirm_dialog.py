"""Hard-to-undo actions on a phone: the dialog asks, Cancel does nothing, the confirm button acts;
without JavaScript the page that asks does the same; the controls are thumb-sized targets."""

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.solutions import comments
from tests import factories
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.test_campaign import log_in

pytestmark = pytest.mark.e2e

TARGET = 44  # px, WCAG 2.5.5
GAP = 8  # px between neighbouring targets


@pytest.fixture
def discussion(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    factories.user("lead", community_roles={community: "staff"})
    fan = factories.user("lin_wei")
    challenge = factories.challenge(fan, community, title="Secondary pollution")
    idea = factories.solution(fan, challenge, title="Steam the drum gap")
    factories.door(comments.add_comment, fan, challenge, "Buy cheap watches at example.com", solution=idea)
    factories.door(comments.add_comment, fan, challenge, "A finer mesh would help", solution=idea)
    ids = {"idea": idea.id}
    db.session.commit()
    return ids


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def _apart(a, b):
    """The gap between two boxes, horizontally or vertically, whichever separates them."""
    horizontal = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
    vertical = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
    return max(horizontal, vertical)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_dialog_asks_cancel_keeps_and_confirm_deletes(page, discussion):
    log_in(page, "lead")
    page.goto(f"/solutions/{discussion['idea']}")
    spam = page.locator(".comment", has_text="Buy cheap watches")
    delete, hide = spam.get_by_role("button", name="Delete"), spam.get_by_role("button", name="Hide")
    for control in (delete, hide, spam.get_by_role("link", name="Edit")):
        box = _box(control)
        assert box["height"] >= TARGET and box["width"] >= TARGET, box
    assert _apart(_box(hide), _box(delete)) >= GAP

    # Cancel: the dialog closes, focus returns to the button, the comment stays.
    delete.click()
    dialog = page.get_by_role("dialog", name="Delete this comment?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("cannot be brought back")
    cancel, confirm = dialog.get_by_role("button", name="Cancel"), dialog.get_by_role("button", name="Delete")
    expect(cancel).to_be_focused()  # the safe answer is the default one
    for control in (cancel, confirm):
        assert _box(control)["height"] >= TARGET
    assert _apart(_box(cancel), _box(confirm)) >= GAP
    cancel.click()
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    page.reload()
    expect(page.locator(".comment", has_text="Buy cheap watches")).to_be_visible()

    # Escape and a tap beside the box are answers of "no" too.
    spam.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    spam.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_visible()
    page.mouse.click(5, 5)
    expect(dialog).to_be_hidden()
    expect(page.locator(".comment", has_text="Buy cheap watches")).to_be_visible()

    # Confirm: the comment is removed, and only that one.
    spam.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text("The comment is removed.")
    expect(page.locator(".comment", has_text="Buy cheap watches")).to_have_count(0)
    expect(page.locator(".comment", has_text="This comment was removed.")).to_have_count(1)
    expect(page.locator(".comment", has_text="A finer mesh would help")).to_be_visible()
    assert page.dialogs == [] and page.console_errors == [], page.failed_responses


def test_without_javascript_a_page_asks_instead(browser, live_server, discussion):
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="en-US", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    plain = context.new_page()
    try:
        log_in(plain, "lead")
        idea_url = f"/solutions/{discussion['idea']}"
        plain.goto(idea_url)
        plain.locator(".staff-actions").get_by_role("button", name="Hide").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Hide this from fans?")
        for control in (plain.get_by_role("button", name="Cancel"), plain.get_by_role("button", name="Hide")):
            assert _box(control)["height"] >= TARGET
        plain.get_by_role("button", name="Cancel").click()
        expect(plain).to_have_url(f"{live_server.url}{idea_url}")
        expect(plain.locator(".staff-actions")).not_to_contain_text("Restore")

        plain.locator(".staff-actions").get_by_role("button", name="Hide").click()
        plain.get_by_role("button", name="Hide").click()
        expect(plain.locator(".flashes").get_by_role("status")).to_contain_text("Done.")
        expect(plain.locator(".staff-actions").get_by_role("button", name="Restore")).to_be_visible()
    finally:
        context.close()
