"""Words that cannot contradict each other, in a real browser: a solution shows one status badge
and its challenge's phase labelled as the phase, alike on its card, its page and its author's
profile; a note the forum wrote into the status trail reads in the reader's language. At phone and
desktop widths, in English and Chinese (a visitor switches with the header link)."""

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.review import prototypes, status
from forum.solutions import merges, votes
from forum.solutions.models import Solution
from forum.transaction import unit_of_work
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "prototyping": "Prototyping",
        "phase": "Phase: Submissions open",
        "review": "In staff review",
        "undone": "The merge was undone.",
        "leader": "Opinion leader: an idea went into prototyping",
    },
    "zh_Hans": {
        "prototyping": "样机制作中",
        "phase": "阶段：征集方案中",
        "review": "官方评审中",
        "undone": "合并已撤销。",
        "leader": "意见领袖：方案已进入样机制作",
    },
}


@pytest.fixture(params=["en", "zh_Hans"])
def language(request):
    return request.param


@pytest.fixture
def forum(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机")
    staff = factories.user("haier_staff", community_roles={community: "staff"})
    author = factories.user("创客阿强")
    challenge = factories.challenge(
        staff, community, title="洗衣机二次污染", body="滚筒里藏着污垢。", review_threshold=1
    )
    built = factories.solution(author, challenge, title="银离子抗菌涂层", body="在内筒涂上银离子涂层。")
    twin = factories.solution(author, challenge, title="高温自洁", body="九十度空转一次。")
    # One vote passes the review threshold: that must not read as a second status later on.
    factories.door(votes.cast_vote, factories.user("米粉小王"), built)
    with unit_of_work():
        status.change_status(staff, built, "shortlisted", "入围了")
        prototypes.promote(staff, built, [staff])
        record = merges.merge(staff, twin, built)
    with unit_of_work():
        merges.undo(staff, record)
    assert db.session.get(Solution, built.id).review_requested
    db.session.commit()
    return {"built": built.id, "twin": twin.id, "challenge": challenge.id, "author": author.username}


def _in(page, language):
    """Open the home page as a visitor, switching to Chinese with the header's link."""
    page.goto("/")
    if language == "zh_Hans":
        page.locator("header a[hreflang='zh-Hans']").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def _one_status(scope, words):
    statuses = scope.locator(".badge[class*='status-']")
    expect(statuses).to_have_count(1)
    expect(statuses).to_have_text(words["prototyping"])
    expect(scope.get_by_text(words["review"], exact=True)).to_have_count(0)


def test_one_status_badge_and_the_phase_named_as_the_phase(page, forum, language):
    words = WORDS[language]
    _in(page, language)
    page.goto(f"/solutions/{forum['built']}")
    head = page.locator(".solution-head .meta")
    _one_status(head, words)
    expect(head.locator(".phase-label")).to_have_text(words["phase"])
    screenshot(page, f"wording-solution-{language}")

    page.goto(f"/challenges/{forum['challenge']}")
    card = page.locator(f"#solution-{forum['built']}")
    _one_status(card, words)
    screenshot(page, f"wording-card-{language}")

    page.goto(f"/u/{forum['author']}")
    expect(page.get_by_text(words["leader"])).to_be_visible()
    idea = page.locator(".profile-ideas li", has_text="银离子抗菌涂层")
    _one_status(idea, words)
    expect(idea.locator(".phase-label")).to_have_text(words["phase"])
    screenshot(page, f"wording-profile-{language}")
    assert page.console_errors == []


def test_a_note_the_forum_wrote_reads_in_the_readers_language(page, forum, language):
    words = WORDS[language]
    _in(page, language)
    page.goto(f"/solutions/{forum['twin']}")
    trail = page.locator(".status-trail")
    expect(trail.locator(".system-note")).to_have_text(words["undone"])
    other = WORDS["en" if language == "zh_Hans" else "zh_Hans"]["undone"]
    expect(trail.get_by_text(other)).to_have_count(0)
    trail.scroll_into_view_if_needed()
    screenshot(page, f"wording-trail-{language}")
