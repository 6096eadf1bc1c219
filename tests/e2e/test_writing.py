"""Writing in a real browser: preview a solution before posting it, keep its pictures through a
failed submit, look at them large, follow the author's name to their profile; at phone and
desktop widths, in English and Chinese."""

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "preview": "Preview",
        "write": "Write",
        "title": "Title",
        "body": "Your solution",
        "images": "Images",
        "submit": "Submit solution",
        "kept": "Images already uploaded",
        "remove": "Remove image 2",
        "close": "Close",
        "next": "Next image",
        "name": "lin_wei",
    },
    "zh_Hans": {
        "preview": "预览",
        "write": "编写",
        "title": "标题",
        "body": "你的方案",
        "images": "图片",
        "submit": "提交方案",
        "kept": "已上传的图片",
        "remove": "移除第 2 张图片",
        "close": "关闭",
        "next": "下一张",
        "name": "林小伟",
    },
}


def log_in(page, username):
    page.goto("/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text=username)).to_be_visible()


def pictures(tmp_path, count):
    paths = []
    for n in range(count):
        path = tmp_path / f"photo-{n}.png"
        PILImage.new("RGB", (900, 600), (40 + 60 * n, 120, 200 - 50 * n)).save(path)
        paths.append(str(path))
    return paths


@pytest.fixture(params=["en", "zh_Hans"])
def language(request):
    return request.param


@pytest.fixture
def challenge(app, language):
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("haier_staff", community_roles={community: "staff"})
    factories.user(WORDS[language]["name"], locale=language)
    challenge = factories.challenge(staff, community, title="洗衣机二次污染 · Laundry re-soiled")
    db.session.commit()
    return challenge.id


def test_preview_keep_pictures_lightbox_and_author(page, challenge, language, tmp_path):
    words = WORDS[language]
    log_in(page, words["name"])
    page.goto(f"/challenges/{challenge}/solutions/new")

    # Write | Preview: the server renders what will be stored, @names linked.
    body = page.get_by_label(words["body"])
    body.fill("**Steam** the drum gap after each wash, as @haier_staff suggested.\n\n- 60 °C\n- 3 minutes")
    tabs = page.get_by_role("tablist")
    expect(tabs.get_by_role("tab", name=words["write"])).to_have_attribute("aria-selected", "true")
    tabs.get_by_role("tab", name=words["preview"]).click()
    panel = page.get_by_role("tabpanel", name=words["preview"])
    expect(panel.locator("strong")).to_have_text("Steam")
    expect(panel.locator("a[href='/u/haier_staff']")).to_have_text("@haier_staff")
    expect(body).to_be_hidden()
    screenshot(page, f"writing-preview-{language}")
    # Keyboard: the arrows move between the tabs, and focus follows.
    page.keyboard.press("ArrowLeft")
    expect(tabs.get_by_role("tab", name=words["write"])).to_be_focused()
    expect(body).to_be_visible()

    # A failed submit (no title) keeps the three pictures; the fan removes the second one.
    page.get_by_label(words["images"], exact=True).set_input_files(pictures(tmp_path, 3))
    page.get_by_role("button", name=words["submit"]).click()
    kept = page.locator(".kept-image img")
    expect(kept).to_have_count(3)
    expect(page.get_by_text(words["kept"], exact=True)).to_be_visible()
    page.get_by_label(words["remove"]).check()
    screenshot(page, f"writing-kept-images-{language}")
    page.get_by_label(words["title"]).fill("蒸汽清洁桶缝 · Steam-clean the drum gap")
    page.get_by_role("button", name=words["submit"]).click()

    # The idea shows two pictures; the first opens large, the arrow goes to the next one.
    thumbnails = page.locator(".solution .gallery a")
    expect(thumbnails).to_have_count(2)
    thumbnails.first.click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator("figcaption")).to_have_text("1 / 2")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("figcaption")).to_have_text("2 / 2")
    expect(dialog.locator("img")).to_have_attribute("src", thumbnails.nth(1).get_attribute("href"))
    expect(dialog.get_by_role("button", name=words["close"])).to_be_visible()
    screenshot(page, f"writing-lightbox-{language}")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(thumbnails.nth(1)).to_be_focused()  # back on the thumbnail last shown
    dialog_button = thumbnails.first
    dialog_button.click()
    page.get_by_role("button", name=words["close"]).click()
    expect(thumbnails.first).to_be_focused()

    # The author's name, with its avatar, leads to the profile.
    author = page.locator(".solution-head a.author")
    expect(author.locator("svg.avatar")).to_be_visible()
    screenshot(page, f"writing-solution-{language}")
    author.click()
    expect(page.locator("h1")).to_contain_text(words["name"])
    assert not page.console_errors


PROFILE_WORDS = {
    "en": {"ideas": "Ideas", "problems": "Challenges posted", "comments": "Comments", "older": "Show older",
           "dashboard": "Staff dashboard", "reader": "as the product team", "team": "product_lin"},
    "zh_Hans": {"ideas": "方案", "problems": "发布的挑战", "comments": "评论", "older": "查看更早的",
                "dashboard": "官方看板", "reader": "产品团队身份", "team": "产品小林"},
}  # fmt: skip


@pytest.fixture
def discussion(app, language):
    from forum.solutions.comments import add_comment
    from forum.transaction import unit_of_work

    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("haier_staff", community_roles={community: "staff"})
    author = factories.user(WORDS[language]["name"], locale=language)
    factories.user(PROFILE_WORDS[language]["team"], community_roles={community: "product"}, locale=language)
    problem = factories.challenge(author, community, title="洗衣机二次污染 · Laundry re-soiled")
    idea = factories.solution(author, problem, title="蒸汽清洁桶缝 · Steam-clean the drum gap")
    with unit_of_work():
        for n in range(12):
            add_comment(author, problem, f"第 {n} 条想法 · remark {n}", solution=idea)
        add_comment(staff, problem, "We are testing this in Qingdao.", solution=idea)
    db.session.commit()
    return {"slug": community.slug, "solution": idea.id}


def test_linked_authors_profile_lists_avatars_and_the_dashboard_read_by_the_product_team(page, discussion, language):
    words, labels = WORDS[language], PROFILE_WORDS[language]
    log_in(page, labels["team"])
    page.goto(f"/solutions/{discussion['solution']}")
    # Every comment names its author with a link and an avatar; the staff member's leads to their profile.
    staff_link = page.locator(".comment-head a.author", has_text="haier_staff")
    expect(staff_link.locator("svg.avatar")).to_be_visible()
    expect(page.locator(".comment-head a.author", has_text=words["name"])).to_have_count(12)
    screenshot(page, f"writing-comment-authors-{language}")
    page.locator(".solution-head a.author").click()

    # The author's profile: avatar, ideas, challenges posted, comments ten at a time.
    expect(page.locator("h1")).to_have_text(words["name"])
    expect(page.locator(".profile-head svg.avatar text")).to_have_text(words["name"][0].upper())
    for heading in (labels["ideas"], labels["problems"], labels["comments"]):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    comments = page.locator("#comments li")
    expect(comments).to_have_count(10)
    expect(comments.first).to_contain_text("remark 11")
    screenshot(page, f"writing-profile-{language}")
    page.locator("#comments").get_by_role("link", name=labels["older"]).click()
    expect(comments).to_have_count(2)
    expect(comments.last).to_contain_text("remark 0")
    comments.first.get_by_role("link").click()
    expect(page.locator(".comment", has_text="remark 1").first).to_be_visible()

    # The product team reads the dashboard, without the staff's moderation link.
    page.goto(f"/c/{discussion['slug']}")
    page.get_by_role("button", name=labels["dashboard"]).click()  # a link drawn as a button
    expect(page.get_by_role("note")).to_contain_text(labels["reader"])
    expect(page.locator(".unanswered")).to_have_count(0)  # the staff member has answered the idea
    expect(page.locator(f"a[href='/c/{discussion['slug']}/moderation']")).to_have_count(0)
    screenshot(page, f"writing-dashboard-product-{language}")
    assert not page.console_errors


def test_without_javascript_the_form_has_no_tabs_and_a_picture_opens_by_its_link(
    browser, live_server, page, challenge, language, tmp_path
):
    words = WORDS[language]
    context = browser.new_context(
        viewport=page.viewport_size, locale="en-US", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    plain = context.new_page()
    plain.width_name = page.width_name
    try:
        log_in(plain, words["name"])
        plain.goto(f"/challenges/{challenge}/solutions/new")
        expect(plain.get_by_role("tab")).to_have_count(0)
        plain.get_by_label(words["title"]).fill("无脚本 · Without scripts")
        plain.get_by_label(words["body"]).fill("Plain **text**.")
        plain.get_by_label(words["images"], exact=True).set_input_files(pictures(tmp_path, 1))
        plain.get_by_role("button", name=words["submit"]).click()
        expect(plain.locator(".user-text strong")).to_have_text("text")
        screenshot(plain, f"writing-no-script-{language}")
        link = plain.locator(".solution .gallery a")
        href = link.get_attribute("href")
        link.click()
        plain.wait_for_url(f"**{href}")
    finally:
        context.close()
