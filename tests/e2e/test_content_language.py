"""Mixed languages marked for screen readers (WCAG 3.1.2), in a real browser: on a challenge page
with Chinese and English ideas, every visible Han text sits in an element whose nearest lang is
Chinese, and in the Chinese UI the English fans' words sit in lang="en". At phone and desktop
widths, in English and Chinese (a visitor switches with the header link)."""

import pytest
from playwright.sync_api import expect

from forum.solutions import comments
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

CHINESE = [
    ("每次洗涤后用高温蒸汽冲洗夹层", "在外桶顶部加一圈蒸汽喷嘴，每次洗涤结束后自动喷 90℃ 蒸汽。"),
    ("双层桶之间加装抗菌银离子涂层", "外桶内壁喷涂银离子抗菌涂层，细菌无法在夹层繁殖。"),
]
ENGLISH = [
    ("A removable inner drum you can rinse", "Make the inner drum lift out like a salad spinner basket."),
    ("UV-C LEDs in the door seal", "A ring of UV-C LEDs shines into the drum gap for ten minutes."),
]
ENGLISH_COMMENT = "Love this. How heavy is a wet drum, though?"

# Each visible text node: its text and the nearest lang around it. Text a screen reader skips
# (aria-hidden: the avatars' initials) and scripts are left out.
TEXT_NODES = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const text = node.textContent.trim();
    if (!text || element.closest('script, style, template, [aria-hidden="true"]')) continue;
    if (!element.checkVisibility({visibilityProperty: true}) || !element.getClientRects().length) continue;
    found.push({text, lang: element.closest('[lang]').getAttribute('lang')});
  }
  return found;
}"""


@pytest.fixture(params=["en", "zh_Hans"])
def language(request):
    return request.param


@pytest.fixture
def forum(app):
    community = factories.community(slug="haier-washers", name="海尔洗衣机", description="海尔的洗衣机社区。")
    staff = factories.user("haier_staff", community_roles={community: "staff"})
    challenge = factories.challenge(
        staff, community, title="洗衣机二次污染", body="洗干净的衣服又被弄脏了：**怎样让夹层永远干净？**"
    )
    fans = {"zh": factories.user("米粉小王"), "en": factories.user("maker_anna")}
    for title, body in CHINESE:
        factories.solution(fans["zh"], challenge, title, body)
    for title, body in ENGLISH:
        factories.solution(fans["en"], challenge, title, body)
    factories.door(comments.add_comment, fans["zh"], challenge, "蒸汽会不会让橡胶密封圈老化得更快？")
    factories.door(comments.add_comment, fans["en"], challenge, ENGLISH_COMMENT)
    return {"challenge": challenge.id}


def _in(page, language):
    page.goto("/")
    if language == "zh_Hans":
        page.locator("header a[hreflang='zh-Hans']").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_each_text_is_read_in_its_own_language(page, forum, language):
    _in(page, language)
    page.goto(f"/challenges/{forum['challenge']}")
    expect(page.locator(".solution-card")).to_have_count(4)
    expect(page.get_by_text(ENGLISH_COMMENT)).to_be_visible()
    screenshot(page, f"content-language-{language}")
    nodes = page.evaluate(TEXT_NODES)
    han = [node for node in nodes if any("\u4e00" <= ch <= "\u9fff" for ch in node["text"])]
    assert len(han) >= 10  # titles, excerpts, the body, a comment, names, the breadcrumb
    assert [node for node in han if not node["lang"].startswith("zh")] == []

    english = [text for pair in ENGLISH for text in pair] + [ENGLISH_COMMENT, "maker_anna"]
    for text in english:
        held = [node["lang"] for node in nodes if text in node["text"]]
        assert held and set(held) == {"en"}, (text, held)
    if language == "en":
        # The page's own language is not said again on each element.
        assert page.locator("main [lang='en']").count() == 0
    assert page.console_errors == []
