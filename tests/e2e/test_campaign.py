"""The Haier campaign end to end in a real browser: staff open a challenge, fans submit (one with
an image), others vote and comment, the phase moves on, late entries are refused, the author hears."""

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

HOSTILE_COMMENTS = [
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def log_in(page, username):
    page.goto("/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text=username)).to_be_visible()


def log_out(page, username):
    page.locator("summary", has_text=username).click()
    page.get_by_role("button", name="Log out").click()


@pytest.fixture
def people(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    factories.user("haier_staff", community_roles={community: "staff"})
    for name in ("lin_wei", "maker_anna", "paul_k"):
        factories.user(name)
    db.session.commit()


def test_the_campaign_from_problem_to_review(page, people, tmp_path):
    photo = tmp_path / "drum.png"
    PILImage.new("RGB", (320, 200), (30, 90, 200)).save(photo)

    # Staff open the campaign.
    log_in(page, "haier_staff")
    page.goto("/c/haier-washers")
    page.get_by_role("button", name="Start a campaign").click()
    page.get_by_label("Title").fill("洗衣机二次污染 · Secondary pollution")
    page.get_by_label("The problem").fill("内外桶之间的夹层藏污纳垢。How do we keep the drum gap clean?")
    page.get_by_label("Run as a campaign").check()
    page.get_by_label("Vote budget").fill("2")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("洗衣机二次污染 · Secondary pollution")
    challenge_url = page.url
    log_out(page, "haier_staff")

    # Two fans submit solutions, one with an image.
    log_in(page, "lin_wei")
    page.goto(challenge_url)
    page.get_by_role("button", name="Submit a solution").click()
    page.get_by_label("Title").fill("每次洗涤后用蒸汽冲洗夹层")
    page.get_by_label("Your solution").fill("外桶顶部加一圈**蒸汽**喷嘴。")
    page.get_by_label("Tags").fill("自清洁, steam")
    page.get_by_label("Images").set_input_files(str(photo))
    page.get_by_role("button", name="Submit solution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("每次洗涤后用蒸汽冲洗夹层")
    expect(page.locator(".gallery img")).to_have_count(1)
    steam_url = page.url
    log_out(page, "lin_wei")

    log_in(page, "maker_anna")
    page.goto(challenge_url)
    page.get_by_role("button", name="Submit a solution").click()
    page.get_by_label("Title").fill("A removable inner drum")
    page.get_by_label("Your solution").fill("Lift the drum out and rinse both.")
    page.get_by_role("button", name="Submit solution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A removable inner drum")

    # Others vote (in place, with JavaScript) and comment, hostile text included.
    page.goto(steam_url)
    vote = page.locator(".solution-head .vote-button")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".vote-count")).to_have_text("1")
    page.get_by_role("textbox", name="Comment", exact=True).fill("蒸汽会不会让密封圈老化？")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment").first).to_contain_text("密封圈老化")
    for hostile in HOSTILE_COMMENTS:
        page.get_by_role("textbox", name="Comment", exact=True).fill(hostile)
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comments article.comment")).to_have_count(HOSTILE_COMMENTS.index(hostile) + 2)
    page.reload()
    log_out(page, "maker_anna")

    log_in(page, "paul_k")
    page.goto(challenge_url)
    page.locator(".solution-card", has_text="蒸汽冲洗").locator(".vote-button").click()
    expect(page.locator(".solution-card", has_text="蒸汽冲洗").locator(".vote-count")).to_have_text("2")
    log_out(page, "paul_k")

    # Staff move the phase to voting, then review.
    log_in(page, "haier_staff")
    page.goto(challenge_url)
    page.get_by_label("Move to phase").select_option(label="Voting")
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text("Voting")
    page.get_by_label("Move to phase").select_option(label="Staff review")
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".kicker")).to_contain_text("Staff review")
    screenshot(page, "campaign-review")
    log_out(page, "haier_staff")

    # A late solution and a late vote are refused with a message.
    log_in(page, "paul_k")
    page.goto(challenge_url)
    expect(page.get_by_role("button", name="Submit a solution")).to_have_count(0)
    page.goto(challenge_url + "/solutions/new")
    expect(page.get_by_role("alert")).to_have_text("This challenge no longer accepts solutions.")
    expect(page.get_by_role("button", name="Submit solution")).to_be_disabled()
    page.goto(challenge_url)
    removable = page.locator(".solution-card", has_text="removable").locator(".vote-button")
    expect(removable).to_have_attribute("aria-disabled", "true")
    removable.click(force=True)  # aria-disabled, not disabled: a tap shows the reason beside it
    late = page.locator(".solution-card", has_text="removable").locator(".vote-note")
    expect(late).to_have_text("Voting has closed for this challenge.")
    log_out(page, "paul_k")

    # The author sees the notifications: comments, votes that move things, the phase.
    log_in(page, "lin_wei")
    expect(page.locator(".unread-badge")).to_be_visible()
    page.locator(".notification-link").click()
    notifications = page.locator(".notification-list")
    # One entry for all of maker_anna's comments on the idea, not one per comment.
    commented = f"maker_anna commented {len(HOSTILE_COMMENTS) + 1} times on “每次洗涤后用蒸汽冲洗夹层”"
    expect(notifications).to_contain_text(commented)
    expect(notifications.locator("button", has_text="maker_anna commented")).to_have_count(1)
    expect(notifications).to_contain_text("moved to a new phase: Staff review")
    screenshot(page, "notifications")
    page.locator(".notification-list button", has_text="maker_anna commented").first.click()
    expect(page).to_have_url(re.compile(r"/solutions/\d+#comment-\d+$"))

    assert page.dialogs == [], page.dialogs
    assert page.console_errors == [], page.failed_responses


def test_a_draft_survives_leaving_the_page(page, app):
    community = factories.community(slug="haier-washers", name="Haier")
    staff = factories.user("haier_staff", community_roles={community: "staff"})
    challenge_id = factories.challenge(staff, community).id
    factories.user("lin_wei")
    db.session.commit()
    log_in(page, "lin_wei")
    page.goto(f"/challenges/{challenge_id}/solutions/new")
    page.get_by_label("Your solution").fill("A long idea I do not want to lose.")
    page.goto("/")
    page.goto(f"/challenges/{challenge_id}/solutions/new")
    expect(page.get_by_label("Your solution")).to_have_value("A long idea I do not want to lose.")
    page.get_by_label("Title").fill("Kept")
    page.get_by_role("button", name="Submit solution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kept")
    # Once the server has it, the draft is gone: app.js (deferred, so it runs after the heading is
    # on the page) forgets it; the load event says it has run.
    page.wait_for_url(re.compile(r"/solutions/\d+$"), wait_until="load")
    page.goto(f"/challenges/{challenge_id}/solutions/new")
    expect(page.get_by_label("Your solution")).to_have_value("")
