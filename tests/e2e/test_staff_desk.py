"""The staff desk in a real browser, on a phone and a desktop, in English and in Chinese: merging a
duplicate by picking it, the hidden and held list with its filters and Approve, a rubric that
starts empty and will not store a review with a score missing, and the board's "Not scored"."""

import re

import pytest
from playwright.sync_api import expect

from forum.challenges import services as challenges
from forum.extensions import db
from forum.moderation import services as moderation
from forum.solutions import comments, votes
from forum.solutions.services import submit_solution
from tests import factories
from tests.e2e.conftest import VIEWPORTS, screenshot
from tests.e2e.test_campaign import log_in

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "merge_summary": "Merge this duplicate into another solution",
        "choose": "Choose from the likely duplicates, or type a number",
        "merge_title": "Merge a duplicate",
        "search_label": "Search this challenge's solutions by title",
        "search": "Search",
        "merge_button": "Merge duplicate",
        "question": "Merge this duplicate into “{}”?",
        "confirm": "Merge",
        "merged": "Merged. Both authors and all voters are told.",
        "number": "Or type its number",
        "other_challenge": "Merge into another solution of the same challenge.",
        "hidden_link": "Hidden and held",
        "kind": "Kind",
        "solution": "Solution",
        "filter": "Filter",
        "approve": "Approve",
        "restore": "Restore",
        "held": "Held for approval",
        "by_staff": "Hidden by desk_lead",
        "done": "Done.",
        "score": "Score this solution",
        "criteria": ("Feasibility", "Impact", "Novelty", "Cost (5 = cheap)"),
        "save": "Save review",
        "not_saved": "Your review is not saved yet",
        "novelty_missing": "Choose a score from 1 to 5 for “Novelty”.",
        "saved": "Your review is saved.",
        "not_scored": "Not scored",
    },
    "zh": {
        "merge_summary": "把这个重复方案合并到另一个方案",
        "choose": "从可能重复的方案中选择，或输入编号",
        "merge_title": "合并重复方案",
        "search_label": "按标题搜索本挑战的方案",
        "search": "搜索",
        "merge_button": "合并重复方案",
        "question": "把这个重复方案合并到“{}”吗？",
        "confirm": "合并",
        "merged": "已合并，两位作者和所有投票者都会收到通知。",
        "number": "或输入方案编号",
        "other_challenge": "只能合并到同一挑战中的另一个方案。",
        "hidden_link": "已隐藏和待审核",
        "kind": "类型",
        "solution": "方案",
        "filter": "筛选",
        "approve": "通过",
        "restore": "恢复",
        "held": "待审核",
        "by_staff": "由 desk_lead 隐藏",
        "done": "已完成。",
        "score": "为这个方案打分",
        "criteria": ("可行性", "影响力", "新颖性", "成本（5 = 便宜）"),
        "save": "保存评审",
        "not_saved": "你的评审还没有保存",
        "novelty_missing": "请为“新颖性”打 1 到 5 分。",
        "saved": "评审已保存。",
        "not_scored": "未打分",
    },
}


@pytest.fixture(params=list(WORDS))
def language(request):
    return request.param


@pytest.fixture
def desk(app):
    """A challenge in review with a duplicate, its English and Chinese twins, one elsewhere; in the
    community a hidden idea, a hidden comment and a first post held for approval."""
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    lead = factories.user("desk_lead", community_roles={community: "staff"})
    maker = factories.user("maker")
    challenge = factories.challenge(lead, community, title="Laundry smells after washing")
    ideas = {
        "source": factories.solution(maker, challenge, title="Steam clean the drum gap", body="Steam the gap."),
        "twin": factories.solution(maker, challenge, title="Steam-cleaning the drum gap", body="Steam after washing."),
        "chinese": factories.solution(maker, challenge, title="蒸汽清洁内筒缝隙", body="每次洗完用蒸汽清洁内筒。"),
        "spam": factories.solution(factories.user("spammer"), challenge, title="Cheap watches here", body="Buy."),
    }
    other = factories.challenge(lead, community, title="Noise at night")
    ideas["elsewhere"] = factories.solution(maker, other, title="Steam the drum gap quietly", body="Quietly.")
    votes.cast_vote(factories.user("voter"), ideas["source"])
    factories.door(moderation.hide, lead, ideas["spam"])
    rude = factories.door(comments.add_comment, factories.user("rude"), challenge, "You are all wrong")
    factories.door(moderation.hide, lead, rude)
    factories.door(moderation.update_settings, lead, community, 3, True)
    factories.door(submit_solution, factories.user("newcomer"), challenge, "My first idea", "Please approve it.")
    challenges.set_phase(lead, challenge, "review")
    ids = {name: idea.id for name, idea in ideas.items()} | {"challenge": challenge.id}
    db.session.commit()
    return ids


def _as_staff(page, language):
    log_in(page, "desk_lead")
    if language == "zh":
        page.get_by_role("button", name="简体中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def _no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_staff_merge_a_duplicate_by_picking_it(page, desk, language):
    words = WORDS[language]
    _as_staff(page, language)
    page.goto(f"/solutions/{desk['source']}")
    page.locator("summary", has_text=words["merge_summary"]).click()
    control = page.locator(".merge-control")
    expect(control.get_by_role("link", name=words["choose"])).to_be_visible()
    control.scroll_into_view_if_needed()
    screenshot(page, f"desk-merge-control-{language}")
    page.get_by_role("link", name=words["choose"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["merge_title"])

    # The likely duplicates come first: of this challenge only, never the idea itself.
    hints = page.locator("[data-merge-hints]")
    expect(hints).to_contain_text("Steam-cleaning the drum gap")
    expect(hints).not_to_contain_text("Steam the drum gap quietly")
    expect(hints.get_by_role("radio")).not_to_have_count(0)
    _no_sideways_scroll(page)
    screenshot(page, f"desk-merge-hints-{language}")

    # A number typed from the keyboard is checked by the merge itself: another challenge's is refused.
    page.get_by_label(words["number"]).fill(str(desk["elsewhere"]))
    page.get_by_role("button", name=words["merge_button"], exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name=words["confirm"], exact=True).click()
    expect(page.locator("#merge-error")).to_have_text(words["other_challenge"])
    expect(page.get_by_label(words["number"])).to_have_value(str(desk["elsewhere"]))
    screenshot(page, f"desk-merge-refused-{language}")
    page.get_by_label(words["number"]).fill("")

    # A Chinese search finds the Chinese twin; picking it and confirming merges.
    page.get_by_label(words["search_label"]).fill("内筒")
    page.get_by_role("button", name=words["search"], exact=True).click()
    found = page.locator("[data-merge-found]")
    expect(found).to_contain_text("蒸汽清洁内筒缝隙")
    expect(found).not_to_contain_text("Steam clean the drum gap")
    found.locator("label", has_text="蒸汽清洁内筒缝隙").click()
    expect(found.get_by_role("radio", name=re.compile("蒸汽清洁内筒缝隙"))).to_be_checked()
    _no_sideways_scroll(page)
    screenshot(page, f"desk-merge-search-{language}")
    page.get_by_role("button", name=words["merge_button"], exact=True).click()
    # The dialog names the solution picked (static/merge-picker.js).
    dialog = page.get_by_role("dialog", name=words["question"].format("蒸汽清洁内筒缝隙"))
    expect(dialog).to_be_visible()
    screenshot(page, f"desk-merge-confirm-{language}")
    dialog.get_by_role("button", name=words["confirm"], exact=True).click()
    expect(page.locator("p.flash[role=status]")).to_contain_text(words["merged"])
    expect(page).to_have_url(re.compile(rf"/solutions/{desk['chinese']}$"))
    # The refused merge came back as 422, which the browser logs; nothing else.
    assert [error for error in page.console_errors if "422" not in error] == []


def test_staff_restore_and_approve_from_the_hidden_and_held_list(page, desk, language):
    words = WORDS[language]
    _as_staff(page, language)
    page.goto("/c/haier-washers/moderation")
    page.get_by_role("link", name=words["hidden_link"]).click()
    items = page.locator(".held-item")
    expect(items).to_have_count(3)
    # Newest first: the held first post, then the comment, then the idea staff hid first.
    expect(items.nth(0)).to_contain_text("My first idea")
    expect(items.nth(0)).to_contain_text(words["held"])
    expect(items.nth(2)).to_contain_text("Cheap watches here")
    expect(items.nth(2)).to_contain_text(words["by_staff"])
    _no_sideways_scroll(page)
    screenshot(page, f"desk-hidden-{language}")

    page.get_by_label(words["kind"]).select_option(label=words["solution"])
    page.get_by_role("button", name=words["filter"], exact=True).click()
    expect(items).to_have_count(2)
    expect(page).to_have_url(re.compile(r"kind=solution"))
    screenshot(page, f"desk-hidden-filtered-{language}")
    items.filter(has_text="My first idea").get_by_role("button", name=words["approve"]).click()
    expect(page.locator("p.flash[role=status]")).to_contain_text(words["done"])
    expect(page).to_have_url(re.compile(r"kind=solution"))
    expect(items).to_have_count(1)
    items.filter(has_text="Cheap watches here").get_by_role("button", name=words["restore"]).click()
    expect(page.locator("p.flash[role=status]")).to_contain_text(words["done"])
    expect(items).to_have_count(0)
    assert page.console_errors == []


def test_the_rubric_starts_empty_and_keeps_a_partial_review_unsaved(page, desk, language):
    words = WORDS[language]
    feasibility, impact, novelty, cost = words["criteria"]
    _as_staff(page, language)
    page.goto(f"/solutions/{desk['twin']}")
    page.locator("summary", has_text=words["score"]).click()
    for label in words["criteria"]:
        expect(page.get_by_label(label, exact=True)).to_have_value("")
    page.get_by_label(feasibility, exact=True).select_option("4")
    page.get_by_label(impact, exact=True).select_option("5")
    page.get_by_role("button", name=words["save"]).click()

    expect(page.locator(".rubric-form")).to_contain_text(words["not_saved"])
    expect(page.locator("#review-novelty-error")).to_have_text(words["novelty_missing"])
    expect(page.get_by_label(feasibility, exact=True)).to_have_value("4")
    expect(page.get_by_label(impact, exact=True)).to_have_value("5")
    expect(page.get_by_label(novelty, exact=True)).to_have_value("")
    _no_sideways_scroll(page)
    screenshot(page, f"desk-rubric-missing-{language}")
    page.get_by_label(novelty, exact=True).select_option("3")
    page.get_by_label(cost, exact=True).select_option("2")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("p.flash[role=status]")).to_contain_text(words["saved"])

    page.goto(f"/challenges/{desk['challenge']}/board")
    scored = page.locator("tr", has_text="Steam-cleaning the drum gap")
    expect(scored).to_contain_text("4.0")
    expect(scored).not_to_contain_text(words["not_scored"])
    expect(page.locator("tr", has_text="Steam clean the drum gap")).to_contain_text(words["not_scored"])
    # On a phone the board scrolls sideways inside its box: show its score columns.
    page.locator(".overflow-auto").evaluate("box => { box.scrollLeft = 330; }")
    screenshot(page, f"desk-board-{language}")
    # The review sent with a score missing came back as 422, which the browser logs; nothing else.
    assert [error for error in page.console_errors if "422" not in error] == []


def test_the_merge_picker_works_without_javascript(browser, live_server, desk):
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"], base_url=live_server.url)
    page = context.new_page()
    page.width_name = "phone"
    log_in(page, "desk_lead")
    page.goto(f"/solutions/{desk['source']}")
    page.locator("summary", has_text="Merge this duplicate into another solution").click()
    page.get_by_label("Search this challenge's solutions by title").fill("drum gap")
    page.get_by_role("button", name="Search", exact=True).click()
    found = page.locator("[data-merge-found]")
    expect(found).to_contain_text("Steam-cleaning the drum gap")
    found.locator("label", has_text="Steam-cleaning the drum gap").click()
    page.get_by_role("button", name="Merge duplicate", exact=True).click()
    # Without the dialog the server asks on a page of its own, naming both ideas.
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge this duplicate into the solution you chose?")
    expect(page.locator("main")).to_contain_text("Into “Steam-cleaning the drum gap”")
    expect(page.locator("main")).to_contain_text("Steam clean the drum gap")
    screenshot(page, "desk-merge-nojs-en")
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.locator("p.flash[role=status]")).to_contain_text("Merged. Both authors and all voters are told.")
    expect(page).to_have_url(re.compile(rf"/solutions/{desk['twin']}$"))
    context.close()
