"""The audit log in a real browser, at a 360 px phone and a desktop, in English and Chinese: each
entry's before/after as a small table of named fields, actions by name, automatic actions credited
to what started them (fans' reports, a deadline, the command line), the filters, nothing clipped."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.accounts import services as accounts
from forum.audit import COMMAND_LINE, AuditEntry, started_by
from forum.challenges.models import Challenge
from forum.challenges.services import apply_deadlines
from forum.clock import utcnow
from forum.communities import services as communities
from forum.extensions import db
from forum.moderation import services as moderation
from forum.solutions.services import edit_solution
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WIDTHS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
WORDS = {
    "en": {
        "locale": "en",
        "browser": "en-US",
        "edited": "Edited a community",
        "name": "Name",
        "before": "Before",
        "reports": "3 reports",
        "hidden_after": "Hidden after fans' reports",
        "visibility": ("Public", "Hidden"),
        "deadline": "Deadline",
        "phase": ("Submissions open", "Voting"),
        "command_line": "Command line",
        "granted": "Granted a role",
        "action": "Action",
        "started_by": "Started by",
        "who": "Who",
        "from": "From (UTC)",
        "to": "To (UTC)",
        "filter": "Filter",
        "nothing": "Nothing recorded matches these filters.",
    },
    "zh": {
        "locale": "zh_Hans",
        "browser": "zh-CN",
        "edited": "编辑社区",
        "name": "名称",
        "before": "修改前",
        "reports": "3 条举报",
        "hidden_after": "因粉丝举报被隐藏",
        "visibility": ("公开", "已隐藏"),
        "deadline": "截止时间",
        "phase": ("征集方案中", "投票中"),
        "command_line": "命令行",
        "granted": "授予角色",
        "action": "操作",
        "started_by": "触发方式",
        "who": "操作人",
        "from": "起始日期（UTC）",
        "to": "结束日期（UTC）",
        "filter": "筛选",
        "nothing": "没有符合筛选条件的记录。",
    },
}


@pytest.fixture(params=[(width, language) for language in WORDS for width in WIDTHS])
def reader(request, browser, live_server, app):
    """A browser page at a width, its admin reading in one language."""
    width, language = request.param
    words = WORDS[language]
    context = browser.new_context(viewport=WIDTHS[width], locale=words["browser"], base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = f"{width}-{language}"
    page.language, page.words, page.width = language, words, WIDTHS[width]["width"]
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def logged(reader):
    """A log with one of each kind of entry, and the reader's admin account."""
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    admin = factories.user("boss", site_role="admin", locale=reader.words["locale"])
    staff = factories.user("lead", community_roles={community: "staff"})
    helper, scripted = factories.user("helper"), factories.user("scripted")
    reporters = [factories.user(f"reporter{number}") for number in range(3)]
    campaign = factories.challenge(staff, community, title="二次污染", submission_ends=utcnow() + timedelta(hours=1))
    idea = factories.solution(factories.user("maker"), campaign, title="Cheap watches here")
    long_one = factories.solution(factories.user("maker2"), campaign, title="Steam the drum gap")
    factories.door(db.session.execute, db.delete(AuditEntry))  # the set-up above is not what this test reads

    # A person's edit, with Chinese on both sides, and a role they grant.
    factories.door(communities.update_community, admin, community, "空调 · Air conditioners", "冷 **cool**")
    factories.door(communities.grant_role, admin, helper, community, "product")
    # The campaign's submissions closed a moment ago: the consumer's sweep moves it on.
    factories.door(_close_submissions, campaign.id)
    apply_deadlines()
    # Fans' reports hide an idea; staff edit a long one (its text wraps, never clips).
    for reporter in reporters:
        factories.door(moderation.raise_flag, reporter, idea, "spam")
    long_text = "蒸汽清洁滚筒缝隙，" * 20 + "https://example.com/a-very-long-address-without-any-spaces-in-it-at-all"
    factories.door(edit_solution, staff, long_one, "Steam the drum gap, twice", long_text, note="clearer")
    # A command: the site role it gives is credited to the command line.
    with started_by(COMMAND_LINE):
        factories.door(accounts.set_site_role, None, scripted, "product")
    db.session.commit()
    return {"today": utcnow().date().isoformat()}


def _close_submissions(challenge_id):
    db.session.get(Challenge, challenge_id).submission_ends = utcnow() - timedelta(minutes=1)


def log_in(page, username):
    page.goto("/login")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("summary", has_text=username)).to_be_visible()


def assert_fits(page):
    """No sideways scroll, and no entry or cell wider than the room it has."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.audit-entry, .audit-entry tbody > tr > *, .audit-head > *')]
            .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth + 0.5)
            .map(el => el.className || el.tagName)"""
    )
    assert clipped == [], clipped


def test_the_log_reads_as_words_and_fits_the_screen(reader, logged):
    page, words = reader, reader.words
    log_in(page, "boss")
    page.goto("/admin/audit")
    entries = page.locator(".audit-entry")
    expect(entries).to_have_count(6)
    screenshot(page, "audit-log")
    assert_fits(page)
    text = page.locator(".audit-log").inner_text()
    assert "\\u" not in text and "{" not in text and "role.grant" not in text  # no JSON, no codes

    # A person's edit: the changed field by name, before and after, in real characters.
    edit = entries.filter(has_text=words["edited"])
    expect(edit.locator(".audit-who")).to_have_text("boss")
    row = edit.locator(".audit-changes tbody tr", has_text=words["name"])
    expect(row.locator("td").first).to_have_text("海尔洗衣机 · Haier Washers")
    expect(row.locator("td").last).to_have_text("空调 · Air conditioners")
    if page.width < 576:  # on a phone each side says which it is
        assert page.evaluate("el => getComputedStyle(el, '::before').content", row.locator("td").first.element_handle())
    # Automatic actions name what started them.
    hidden = entries.filter(has_text=words["hidden_after"])
    expect(hidden.locator(".audit-who")).to_contain_text(words["reports"])
    expect(hidden.locator(".audit-changes td").first).to_have_text(words["visibility"][0])
    expect(hidden.locator(".audit-changes td").last).to_have_text(words["visibility"][1])
    moved = entries.filter(has_text=words["deadline"])
    expect(moved.locator(".audit-changes td").first).to_have_text(words["phase"][0])
    expect(moved.locator(".audit-changes td").last).to_have_text(words["phase"][1])
    expect(entries.filter(has_text=words["command_line"])).to_have_count(1)
    assert words["command_line"] not in hidden.inner_text() and words["command_line"] not in moved.inner_text()
    assert page.console_errors == []


def test_the_filters_narrow_the_log(reader, logged):
    page, words = reader, reader.words
    log_in(page, "boss")
    page.goto("/admin/audit")
    page.get_by_label(words["action"], exact=True).select_option(label=words["granted"])
    page.get_by_role("button", name=words["filter"], exact=True).click()
    expect(page.locator(".audit-entry")).to_have_count(1)
    expect(page.locator(".audit-entry")).to_contain_text("helper")
    expect(page.get_by_label(words["action"], exact=True)).to_have_value("role.grant")  # the form keeps the choice

    page.goto("/admin/audit")
    page.get_by_label(words["started_by"], exact=True).select_option(label=words["deadline"])
    page.get_by_role("button", name=words["filter"], exact=True).click()
    expect(page.locator(".audit-entry")).to_have_count(1)
    expect(page.locator(".audit-entry .audit-who")).to_contain_text(words["deadline"])

    page.goto("/admin/audit")
    page.get_by_label(words["who"], exact=True).fill("lead")
    page.get_by_label(words["from"], exact=True).fill(logged["today"])
    page.get_by_label(words["to"], exact=True).fill(logged["today"])
    page.get_by_role("button", name=words["filter"], exact=True).click()
    expect(page.locator(".audit-entry")).to_have_count(1)
    screenshot(page, "audit-log-filtered")
    assert_fits(page)

    page.get_by_label(words["to"], exact=True).fill("2026-01-01")
    page.get_by_label(words["from"], exact=True).fill("2026-01-01")
    page.get_by_role("button", name=words["filter"], exact=True).click()
    expect(page.locator(".audit-empty")).to_have_text(words["nothing"])
    expect(page.get_by_label(words["who"], exact=True)).to_have_value("lead")
    assert page.console_errors == []
