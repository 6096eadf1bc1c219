"""The vote button on a budgeted campaign: a vote past the budget is refused beside the button with
the reason, and once a vote is withdrawn and another goes through, that refusal is gone from the page."""

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories
from tests.e2e.test_campaign import log_in

pytestmark = pytest.mark.e2e


def test_a_refused_vote_message_goes_once_a_vote_goes_through(page, live_server, app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("lead", community_roles={community: "staff"})
    factories.user("lin_wei")
    challenge = factories.challenge(staff, community, title="Secondary pollution", vote_budget=1)
    first = factories.solution(staff, challenge, title="Steam the drum gap")
    second = factories.solution(staff, challenge, title="A removable drum")
    urls = [f"/solutions/{first.id}", f"/solutions/{second.id}"]
    note = f"#vote-{second.id}-note"
    db.session.commit()

    log_in(page, "lin_wei")
    page.goto(urls[0])
    vote = page.locator(".solution-head .vote-button")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    page.goto(urls[1])
    vote.click()
    note = page.locator(note)
    expect(note).to_contain_text("You have used all 1 of your votes")
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".flashes")).to_have_count(0)  # beside the button, not at the top

    # Withdraw the first in another tab, then vote here again: the refusal must not linger.
    other = page.context.new_page()
    other.goto(urls[0])
    other.locator(".solution-head .vote-button").click()
    expect(other.locator(".solution-head .vote-button")).to_have_attribute("aria-pressed", "false")
    other.close()
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(note).to_have_text("")
    assert page.console_errors == [] or all("422" in e for e in page.console_errors)
