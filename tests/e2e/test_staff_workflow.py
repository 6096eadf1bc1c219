"""Staff running a community in a real browser: a report and a hide, reviews by two reviewers,
a shortlist, a promotion with a milestone photo, a workshop with a waiting list, the voter told."""

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from forum.challenges import services as challenges
from forum.extensions import db
from forum.solutions import votes
from tests import factories
from tests.e2e.conftest import screenshot
from tests.e2e.test_campaign import log_in, log_out

pytestmark = pytest.mark.e2e


@pytest.fixture
def campaign(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    lead = factories.user("lead", community_roles={community: "staff"})
    factories.user("engineer", community_roles={community: "staff"})
    fans = [factories.user(name) for name in ("voter", "reporter", "fan_a", "fan_b", "fan_c")]
    challenge = factories.challenge(lead, community, title="Secondary pollution")
    ideas = [
        factories.solution(factories.user(f"maker{n}"), challenge, title=title)
        for n, title in enumerate(("Steam the drum gap", "Removable inner drum", "Cheap watches here"))
    ]
    votes.cast_vote(fans[0], ideas[0])
    challenges.set_phase(lead, challenge, "review")
    ids = {"challenge": challenge.id, "ideas": [idea.id for idea in ideas]}
    db.session.commit()
    return ids


def api_as(page, username):
    """Headers for API calls with a token the user got for their password."""
    response = page.request.post("/api/v1/tokens", data={"username": username, "password": factories.PASSWORD})
    assert response.status == 201, response.text()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def score(page, solution_id, values):
    page.goto(f"/solutions/{solution_id}")
    page.locator("summary", has_text="Score this solution").click()
    for criterion, value in zip(("Feasibility", "Impact", "Novelty", "Cost (5 = cheap)"), values, strict=True):
        page.get_by_label(criterion, exact=True).select_option(str(value))
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text("Your review is saved.")


def set_status(page, solution_id, label, note=""):
    page.goto(f"/solutions/{solution_id}")
    page.locator("summary", has_text="Change status").click()
    page.get_by_label("New status").select_option(label=label)
    page.get_by_label("Note to the author and the voters").fill(note)
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text(f"Status changed to “{label}”")


def test_report_hide_restore_review_promote_and_the_workshop(page, campaign, tmp_path):
    challenge_url = f"/challenges/{campaign['challenge']}"
    steam, drum, spam = campaign["ideas"]

    # A fan reports the spam; staff hide it; other fans no longer see it; staff restore it.
    log_in(page, "reporter")
    page.goto(f"/solutions/{spam}")
    page.get_by_role("link", name="Report").click()
    page.get_by_label("Why are you reporting this?").select_option(label="Spam or advertising")
    page.get_by_role("button", name="Report to staff").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text("Staff will look at your report.")
    log_out(page, "reporter")

    log_in(page, "lead")
    page.goto("/c/haier-washers/moderation")
    item = page.locator(".queue-item", has_text="Cheap watches here")
    expect(item).to_contain_text("1 fan reported this")
    item.get_by_role("button", name="Hide").click()
    page.get_by_role("dialog", name="Hide this from fans?").get_by_role("button", name="Hide").click()
    expect(page.locator(".flashes").get_by_role("status")).to_contain_text("Done.")
    log_out(page, "lead")

    log_in(page, "fan_a")
    page.goto(challenge_url)
    expect(page.locator(".solution-list")).not_to_contain_text("Cheap watches here")
    page.goto("/search?q=cheap+watches")
    expect(page.locator("main")).to_contain_text("Nothing found")
    response = page.goto(f"/solutions/{spam}")
    assert response.status == 404
    page.console_errors.clear()  # that 404 was the point
    log_out(page, "fan_a")
    # Gone from the API too, for a fan's script with a token.
    fan_api = api_as(page, "fan_a")
    assert page.request.get(f"/api/v1/solutions/{spam}", headers=fan_api).status == 404
    listed = page.request.get(f"/api/v1/challenges/{campaign['challenge']}/solutions", headers=fan_api).json()
    assert spam not in [s["id"] for s in listed["items"]] and steam in [s["id"] for s in listed["items"]]
    found = page.request.get("/api/v1/search?q=cheap+watches", headers=fan_api).json()
    assert found["items"] == []

    log_in(page, "lead")
    page.goto(f"/solutions/{spam}")
    page.get_by_role("button", name="Restore").click()
    page.goto(challenge_url)
    expect(page.locator(".solution-list")).to_contain_text("Cheap watches here")
    page.goto("/search?q=cheap+watches")
    expect(page.locator(".search-results")).to_contain_text("Cheap watches here")
    assert page.request.get(f"/api/v1/solutions/{spam}", headers=fan_api).json()["title"] == "Cheap watches here"

    # Two reviewers score three solutions; the board ranks them.
    for solution_id, values in ((steam, (5, 5, 4, 4)), (drum, (4, 4, 4, 3)), (spam, (1, 1, 1, 1))):
        score(page, solution_id, values)
    log_out(page, "lead")
    log_in(page, "engineer")
    for solution_id, values in ((steam, (4, 5, 4, 3)), (drum, (4, 3, 5, 3)), (spam, (1, 1, 2, 1))):
        score(page, solution_id, values)
    page.goto(f"{challenge_url}/board")
    rows = page.locator("table.board tbody tr")
    expect(rows.first).to_contain_text("Steam the drum gap")
    expect(rows.first).to_contain_text("2")  # two reviewers
    log_out(page, "engineer")

    # Shortlist two, promote one with its team, post a milestone with a photo, open a workshop.
    log_in(page, "lead")
    set_status(page, steam, "Shortlisted", "Feasible and cheap.")
    set_status(page, drum, "Shortlisted", "Worth a prototype later.")
    page.goto(f"/solutions/{steam}")
    page.locator("summary", has_text="Promote to prototyping").click()
    page.locator("fieldset.team-picker").get_by_label("engineer", exact=True).check()
    page.get_by_role("button", name="Promote to prototyping").click()
    expect(page.get_by_role("heading", name="Prototype")).to_be_visible()

    photo = tmp_path / "machine.jpg"
    PILImage.new("RGB", (640, 400), (40, 120, 200)).save(photo)
    page.locator("summary", has_text="Post a milestone").click()
    page.get_by_label("Milestone update").fill("**Sample machine built** with the Qingdao team.")
    page.get_by_label("Photos").set_input_files(str(photo))
    page.get_by_role("button", name="Publish update").click()
    expect(page.locator(".milestone img")).to_have_count(1)

    page.locator("summary", has_text="Create an event").click()
    page.get_by_label("Event").fill("Workshop in Qingdao")
    page.get_by_label("Starts", exact=False).fill("2030-05-01T14:00")
    page.get_by_label("Place").fill("Haier Innovation Park")
    page.get_by_label("Seats").fill("2")
    page.get_by_role("button", name="Create event").click()
    expect(page.locator(".event")).to_contain_text("2 of 2 seats left")
    screenshot(page, "prototype")
    log_out(page, "lead")

    # Three fans sign up for two seats: the third waits.
    for name, expected in (
        ("fan_a", "Your seat is booked."),
        ("fan_b", "Your seat is booked."),
        ("fan_c", "You are on the waiting list."),
    ):
        log_in(page, name)
        page.goto(f"/solutions/{steam}")
        page.locator(".event").get_by_role("button").click()
        expect(page.locator(".flashes").get_by_role("status")).to_contain_text(expected)
        log_out(page, name)

    # The voter hears that the idea moved.
    log_in(page, "voter")
    expect(page.locator(".unread-badge")).to_be_visible()
    page.locator(".notification-link").click()
    notifications = page.locator(".notification-list")
    expect(notifications).to_contain_text("“Steam the drum gap” is now Prototyping")
    expect(notifications).to_contain_text("New milestone for the prototype of “Steam the drum gap”")
    expect(notifications).to_contain_text("New event for “Steam the drum gap”")
    page.locator(".notification-list button", has_text="is now Prototyping").click()
    expect(page).to_have_url(re.compile(rf"/solutions/{steam}$"))
    assert page.dialogs == [] and page.console_errors == [], page.failed_responses
