"""Refusals where the fan is looking, and vote buttons for keyboards and screen readers.

A refused vote or withdrawal says why beside the button pressed, in a live region, with
JavaScript (the in-place request) and without it (the page comes back at the button's anchor); a
fan's own idea says in words why it takes no vote; each button is named by its idea and count and
keeps the focus while its request runs; visitors are offered "Log in to vote" instead of a budget.
At phone and desktop widths, in English and Chinese.
"""

import re

import pytest
from playwright.sync_api import expect

from forum.challenges import services as challenges
from forum.extensions import db
from forum.solutions import votes
from tests import factories
from tests.e2e.conftest import VIEWPORTS, screenshot
from tests.e2e.test_campaign import log_in

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "locale": None,
        "name": "Vote for {title}, {n} vote{s}",
        "visitor_name": "Log in to vote for {title}, {n} vote{s}",
        "voted": "You voted for {title}. It has {n} vote{s} now. Votes left in this challenge: 0.",
        "withdrew": "You withdrew your vote for {title}. It has 0 votes now. Votes left in this challenge: 1.",
        "spent": "You have used all 1 of your votes in this challenge. Withdraw one to vote here.",
        "own": "You cannot vote for your own solution.",
        "closed": "Voting has closed for this challenge.",
        "log_in": "Log in to vote",
        "too_fast": "Too many votes at once. Wait a minute, then try again.",
    },
    "zh": {
        "locale": "zh_Hans",
        "name": "为《{title}》投票，{n} 票",
        "visitor_name": "登录后为《{title}》投票，{n} 票",
        "voted": "你已为《{title}》投票，现在共 {n} 票。本挑战剩余票数：0。",
        "withdrew": "你已撤回对《{title}》的投票，现在共 0 票。本挑战剩余票数：1。",
        "spent": "你在这个挑战中的 1 票已全部用完。撤回一票后才能投给这里。",
        "own": "不能给自己的方案投票。",
        "closed": "这个挑战的投票已截止。",
        "log_in": "登录后投票",
        "too_fast": "投票太频繁了。请等一分钟再试。",
    },
}
LANGUAGES = list(WORDS)
IDEAS = ["Steam the drum gap", "A removable drum", "UV light in the door seal", "A self-drying gasket",
         "Hot rinse at the end", "An antibacterial drum coat", "A drain that cannot clog"]  # fmt: skip


def words(language, key, **values):
    n = values.get("n", 0)
    return WORDS[language][key].format(s="" if n == 1 else "s", **values)


@pytest.fixture
def campaign(app):
    """A budgeted campaign (one vote each) with enough ideas that the last is below the fold, one
    of them the fan's own; and a second campaign in review where the fan's vote can no longer be
    withdrawn."""

    def make(language):
        community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
        staff = factories.user("lead", community_roles={community: "staff"})
        fan = factories.user("lin_wei", locale=WORDS[language]["locale"])
        challenge = factories.challenge(staff, community, title="Secondary pollution", vote_budget=1)
        ideas = [factories.solution(staff, challenge, title=title, body="Rinse the gap. " * 20) for title in IDEAS]
        own = factories.solution(fan, challenge, title="My own idea")
        closed = factories.challenge(staff, community, title="Detergent drawer mould", vote_budget=2)
        kept = factories.solution(staff, closed, title="A drawer that drains")
        factories.door(votes.cast_vote, fan, kept)
        factories.door(challenges.set_phase, staff, closed, "review")
        made = {
            "challenge": f"/challenges/{challenge.id}",
            "closed": f"/challenges/{closed.id}",
            # The hot sort lists the newest first: the oldest idea is the last card, far down.
            "first": (ideas[-1].id, ideas[-1].title),
            "last": (ideas[0].id, ideas[0].title),
            "own": (own.id, own.title),
            "kept": (kept.id, kept.title),
        }
        db.session.commit()
        return made

    return make


def _has_focus(page, locator):
    return locator.evaluate("(element) => document.activeElement === element")


def _in_view(page, locator):
    return locator.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def _beside(button, note):
    """Whether the note's box touches the button's: to its right in the same band, or right under it
    (within 24 px), not somewhere further down the card."""
    b, n = button.bounding_box(), note.bounding_box()
    rows_meet = n["y"] < b["y"] + b["height"] and b["y"] < n["y"] + n["height"]
    columns_meet = n["x"] < b["x"] + b["width"] and b["x"] < n["x"] + n["width"]
    right_of = 0 <= n["x"] - (b["x"] + b["width"]) <= 24
    under = 0 <= n["y"] - (b["y"] + b["height"]) <= 24
    return (rows_meet and right_of) or (columns_meet and under)


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_javascript_a_vote_keeps_focus_is_named_announced_and_refused_beside_its_button(page, campaign, language):
    made = campaign(language)
    log_in(page, "lin_wei")
    page.goto(made["challenge"])
    first_id, first_title = made["first"]
    last_id, _last_title = made["last"]

    first = page.get_by_role("button", name=words(language, "name", title=first_title, n=0), exact=True)
    expect(first).to_have_attribute("aria-pressed", "false")
    first.focus()
    page.keyboard.press("Enter")
    voted = page.get_by_role("button", name=words(language, "name", title=first_title, n=1), exact=True)
    expect(voted).to_have_attribute("aria-pressed", "true")
    assert _has_focus(page, voted), "focus left the vote button"
    live = page.locator(f"#vote-{first_id} [data-vote-said]")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text(words(language, "voted", title=first_title, n=1))
    expect(page.locator("[data-budget-used]")).to_have_text("1")

    # The budget is spent: the last idea, far down the page, is refused beside its own button.
    last = page.locator(f"#vote-{last_id} button")
    last.scroll_into_view_if_needed()
    last.focus()
    page.keyboard.press("Enter")
    note = page.locator(f"#vote-{last_id}-note")
    expect(note).to_have_text(words(language, "spent"))
    expect(note).to_have_attribute("aria-live", "polite")
    expect(last).to_have_attribute("aria-describedby", f"vote-{last_id}-note")
    expect(last).to_have_attribute("aria-pressed", "false")
    assert _in_view(page, note), "the refusal is out of sight"
    assert _beside(last, note), "the refusal is not beside the button it answers"
    assert _has_focus(page, last)
    expect(page.locator(".flashes")).to_have_count(0)  # nothing at the top of the page
    screenshot(page, f"refusal-js-budget-{language}")

    # Their own idea says why in words, not in a tooltip, and pressing it says it again, beside it.
    own_id, _title = made["own"]
    own = page.locator(f"#vote-{own_id} button")
    own_note = page.locator(f"#vote-{own_id}-note")
    expect(own_note).to_be_visible()
    expect(own_note).to_have_text(words(language, "own"))
    expect(own).not_to_have_attribute("title", re.compile(".*"))
    expect(own).to_have_attribute("aria-disabled", "true")
    own.focus()  # not disabled: keyboards and screen readers reach it and its reason
    assert _has_focus(page, own)
    page.keyboard.press("Enter")
    expect(own_note).to_have_text(words(language, "own"))
    expect(own_note).to_have_attribute("data-refused", "")

    # Withdrawing gives the vote back, and the refusal beside the last idea is no longer true.
    voted.click()
    expect(first).to_have_attribute("aria-pressed", "false")
    expect(live).to_have_text(words(language, "withdrew", title=first_title))
    expect(note).to_have_text("")
    last.click()
    expect(page.locator(f"#vote-{last_id} button")).to_have_attribute("aria-pressed", "true")

    # The idea's own page: the button in its head is named alike and refused alike, beside it.
    page.goto(f"/solutions/{first_id}")
    head = page.locator(".solution-head .vote-button")
    expect(head).to_have_accessible_name(words(language, "name", title=first_title, n=0))
    head.click()
    expect(page.locator(f"#vote-{first_id}-note")).to_have_text(words(language, "spent"))
    assert _has_focus(page, head)
    screenshot(page, f"refusal-js-solution-{language}")

    # A withdrawal refused (voting closed) is said beside the button too, without a request.
    page.goto(made["closed"])
    kept_id, kept_title = made["kept"]
    kept = page.get_by_role("button", name=words(language, "name", title=kept_title, n=1), exact=True)
    expect(kept).to_have_attribute("aria-pressed", "true")
    kept.click(force=True)  # aria-disabled, which Playwright will not click unforced; a tap does
    expect(page.locator(f"#vote-{kept_id}-note")).to_have_text(words(language, "closed"))
    assert _has_focus(page, kept)
    expect(kept).to_have_attribute("aria-pressed", "true")
    screenshot(page, f"refusal-js-closed-{language}")
    assert page.console_errors == [] or all("422" in e for e in page.console_errors)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_press_while_the_vote_is_on_its_way_sends_nothing_and_focus_stays(page, campaign, language):
    made = campaign(language)
    log_in(page, "lin_wei")
    # Count the vote requests the page makes, and hold the first on its way until the test lets it go.
    page.add_init_script(
        "window.voteRequests = 0; const send = window.fetch;"
        "window.fetch = (...args) => { window.voteRequests += 1; return send(...args); };"
    )
    held = []
    page.route("**/solutions/*/vote", lambda route: held.append(route))
    page.goto(made["challenge"])
    first_id, first_title = made["first"]
    button = page.locator(f"#vote-{first_id} button")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-disabled", "true")  # on its way: pressed again, it waits
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    assert page.evaluate("window.voteRequests") == 1
    assert _has_focus(page, button), "focus left the button while its vote was on its way"
    expect(button).not_to_have_attribute("disabled", re.compile(".*"))
    page.wait_for_function("() => true")  # the route handler has had its turn
    assert len(held) == 1
    held[0].continue_()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).not_to_have_attribute("aria-disabled", re.compile(".*"))
    expect(button).to_have_accessible_name(words(language, "name", title=first_title, n=1))
    assert _has_focus(page, button)
    assert page.evaluate("window.voteRequests") == 1

    # Past the rate limit the forum answers 429, in English numbers: the fan reads why, in words.
    page.unroute("**/solutions/*/vote")
    too_many = {"error": {"code": "too_many_requests", "message": "30 per 1 minute"}}
    page.route("**/solutions/*/vote", lambda route: route.fulfill(status=429, json=too_many))
    page.keyboard.press("Enter")
    expect(page.locator(f"#vote-{first_id}-note")).to_have_text(words(language, "too_fast"))
    expect(button).to_have_attribute("aria-pressed", "true")
    assert _has_focus(page, button)


@pytest.fixture(params=list(VIEWPORTS))
def plain_page(request, browser, live_server):
    """A browser page without JavaScript, at phone or desktop width."""
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], locale="en-US", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_javascript_the_page_comes_back_at_the_refused_button_with_the_reason_beside_it(
    plain_page, campaign, language
):
    page = plain_page
    made = campaign(language)
    log_in(page, "lin_wei")
    page.goto(made["challenge"])
    first_id, _first_title = made["first"]
    last_id, _title = made["last"]

    page.locator(f"#vote-{first_id} button").click()
    expect(page.locator(f"#vote-{first_id} button")).to_have_attribute("aria-pressed", "true")

    page.locator(f"#vote-{last_id} button").click()
    expect(page).to_have_url(re.compile(rf"{made['challenge']}#vote-{last_id}$"))
    note = page.locator(f"#vote-{last_id}-note")
    expect(note).to_have_text(words(language, "spent"))
    expect(note).to_have_attribute("role", "alert")
    assert _in_view(page, note), "the refusal is out of sight"
    assert _beside(page.locator(f"#vote-{last_id} button"), note), "the refusal is not beside its button"
    # The copy at the top (for a page that lost the button) is hidden while the note shows it.
    expect(page.locator(".flashes [data-refused-at]")).to_be_hidden()
    screenshot(page, f"refusal-nojs-budget-{language}")

    # Their own idea: the reason is in words from the start, and pressing it says it beside it.
    own_id, _title = made["own"]
    expect(page.locator(f"#vote-{own_id}-note")).to_have_text(words(language, "own"))
    page.locator(f"#vote-{own_id} button").click(force=True)  # aria-disabled: posts all the same
    expect(page).to_have_url(re.compile(rf"#vote-{own_id}$"))
    expect(page.locator(f"#vote-{own_id}-note")).to_have_text(words(language, "own"))
    expect(page.locator(f"#vote-{own_id}-note")).to_have_attribute("role", "alert")

    # The idea's own page: back at its button, the refusal beside it.
    page.goto(f"/solutions/{last_id}")
    page.locator(".solution-head .vote-button").click()
    expect(page).to_have_url(re.compile(rf"/solutions/{last_id}#vote-{last_id}$"))
    expect(page.locator(f"#vote-{last_id}-note")).to_have_text(words(language, "spent"))
    screenshot(page, f"refusal-nojs-solution-{language}")

    # A withdrawal refused: voting has closed.
    kept_id, _title = made["kept"]
    page.goto(made["closed"])
    page.locator(f"#vote-{kept_id} button").click(force=True)
    expect(page).to_have_url(re.compile(rf"{made['closed']}#vote-{kept_id}$"))
    expect(page.locator(f"#vote-{kept_id}-note")).to_have_text(words(language, "closed"))
    expect(page.locator(f"#vote-{kept_id} button")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("language", LANGUAGES)
def test_visitors_are_offered_log_in_to_vote_instead_of_a_budget(page, campaign, language):
    made = campaign(language)
    page.goto(made["challenge"])
    if language == "zh":
        page.get_by_role("link", name="简体中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    facts = page.locator(".campaign-facts")
    expect(facts.locator("[data-budget-used]")).to_have_count(0)
    log_in_link = facts.get_by_role("link", name=words(language, "log_in"), exact=True)
    expect(log_in_link).to_be_visible()
    first_id, first_title = made["first"]
    card_link = page.locator(f"#solution-{first_id} .vote-button")
    expect(card_link).to_have_accessible_name(words(language, "visitor_name", title=first_title, n=0))
    screenshot(page, f"refusal-visitor-{language}")

    # The link comes back to the page once logged in.
    log_in_link.click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.locator("main input[type=text]").first.fill("lin_wei")
    page.locator("main input[type=password]").fill(factories.PASSWORD)
    page.locator("main form [type=submit]:not(.sign-in-provider)").click()  # not a provider's button
    expect(page).to_have_url(re.compile(rf"{made['challenge']}$"))
    expect(page.locator("[data-budget-used]")).to_have_text("0")
