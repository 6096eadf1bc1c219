"""Layouts measured in the browser: the search page's filter form, the review board's table at
desktop width and the visitor's way to Join on a phone. Sizes are read from the laid-out boxes."""

import pytest
from playwright.sync_api import expect

from forum.challenges.models import Challenge
from forum.extensions import db
from tests import factories
from tests.test_chinese_pages import _forum

pytestmark = pytest.mark.e2e

# The form's boxes: the query row, its button, each select with its label.
SEARCH_FORM = """
() => {
  const form = document.querySelector("main form[role=search]");
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height};
  };
  const query = form.querySelector("input[name=q]"), button = form.querySelector("button[type=submit]");
  return {
    form: box(form), query: box(query), button: box(button),
    buttonLines: Math.round(button.getBoundingClientRect().height / parseFloat(getComputedStyle(button).lineHeight)),
    selects: [...form.querySelectorAll("select")].map((s) => ({
      ...box(s), clipped: s.scrollWidth > s.clientWidth + 1,
      label: box(document.querySelector(`label[for="${s.id}"]`)),
      labelShown: document.querySelector(`label[for="${s.id}"]`).checkVisibility(),
      text: s.options[s.selectedIndex].text,
    })),
    scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
  };
}
"""


def _columns(selects):
    return len({round(s["left"]) for s in selects})


@pytest.mark.parametrize("width", [320, 360, 390, 1280])
def test_the_search_filters_are_laid_out_apart_from_the_header_pill(browser, live_server, app, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/search?q=battery")
        found = page.evaluate(SEARCH_FORM)
        assert found["scrollWidth"] <= found["width"]
        query, button = found["query"], found["button"]
        # The query and its button share one row as wide as the form; the word is on one line.
        assert abs(query["top"] - button["top"]) < 2 and query["left"] - found["form"]["left"] < 2
        assert found["form"]["right"] - button["right"] < 2
        assert query["width"] > found["form"]["width"] * 0.5
        assert button["height"] >= 44 and button["height"] < 80 and button["width"] < 200
        assert query["height"] >= 44
        selects = found["selects"]
        assert len(selects) == 4
        for select in selects:
            assert select["labelShown"] and select["label"]["bottom"] <= select["top"] + 1
            assert select["top"] >= query["bottom"], "the filters sit under the query row"
            assert select["height"] >= 44
            assert select["right"] <= found["width"]
            assert select["width"] >= 150, f"{select['text']} is {select['width']}px wide"
            assert not select["clipped"]
        assert _columns(selects) == (1 if width < 576 else 4)
    finally:
        context.close()


def test_the_header_search_stays_a_pill(browser, live_server, app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/search?q=battery")
        display = page.evaluate("getComputedStyle(document.querySelector('.header-search form')).display")
        assert display == "inline-flex"
    finally:
        context.close()


def _log_in(page, user):
    page.goto("/login")
    page.locator("input[name=login]").fill(user.username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("summary", has_text=user.username)).to_be_visible()


BOARD = """
() => {
  const region = document.querySelector("[role=region]:has(table.board)"), table = region.querySelector("table");
  const heads = [...table.querySelectorAll("thead th")].map((th) => {
    const r = th.getBoundingClientRect();
    return {text: th.innerText.trim(), right: r.right, cut: th.scrollWidth > th.clientWidth + 1};
  });
  return {region: region.getBoundingClientRect().width, table: table.getBoundingClientRect().width,
          scrolls: region.scrollWidth > region.clientWidth + 1,
          regionRight: region.getBoundingClientRect().right, heads};
}
"""


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_review_board_fits_a_desktop_without_scrolling_sideways(browser, live_server, app, language):
    users, _ideas, samples = _forum()
    factories.solution(
        users["fan"],
        db.session.get(Challenge, samples["challenge_id"]),
        title="A detachable lint filter under the door seal that rinses itself after every wash",
    )
    db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        _log_in(page, users["staff"])
        page.goto(f"/challenges/{samples['challenge_id']}/board")
        found = page.evaluate(BOARD)
        assert found["table"] <= found["region"] + 1, found
        assert not found["scrolls"]
        assert all(head["right"] <= found["regionRight"] + 1 and not head["cut"] for head in found["heads"]), found
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 360, 390, 1280])
def test_a_visitor_can_reach_join_from_the_header_at_any_width(browser, live_server, app, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    try:
        page.set_default_timeout(5_000)
        page.goto("/")
        header = page.locator(".site-header")
        join = header.locator('a[href="/register"]:visible')
        if not join.count():  # on a phone it may sit in a menu: open the one that holds it
            header.locator('details:has(a[href="/register"]) > summary').click()
        join = header.locator('a[href="/register"]:visible')
        expect(join).to_have_count(1)
        box = join.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 44 * (width < 641)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        cut = page.evaluate(
            """[...document.querySelectorAll('.site-header details[open] a')]
               .filter((a) => a.scrollWidth > a.clientWidth + 1).map((a) => a.textContent.trim())"""
        )
        assert not cut, f"cut short in the menu: {cut}"
        join.click()
        expect(page).to_have_url(f"{live_server.url}/register")
    finally:
        context.close()
