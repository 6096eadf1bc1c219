"""Every page fits a phone: at 320, 360 and 390 px, as a visitor, a fan, staff, the product team and
an admin, in English and in Chinese, nothing scrolls sideways, nothing sticks out past the screen
(apart from inside a scroll region a keyboard can reach), and every control is a thumb-sized target.

The pages are the app's GET routes, walked with the sample forum of tests/test_chinese_pages.py
(a new page is covered the day it is added), plus a solution whose title and body are one long
word, a long URL and a line of code. Each page is loaded once per role and language and measured
at the three widths by resizing the window.
"""

import pytest
from flask import current_app
from playwright.sync_api import expect

from forum.challenges.models import Challenge
from forum.extensions import db
from tests import factories
from tests.e2e.conftest import screenshot
from tests.test_chinese_pages import _forum, _pages

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360, 390)
ROLES = ("visitor", "fan", "staff", "product", "admin")
LANGUAGES = {"en": "en-US", "zh_Hans": "zh-CN,zh;q=0.9"}
TARGET = 44  # px: WCAG 2.5.5's target size, as tall, or as far from the next target's centre
# Pages worth a look with one's own eyes, at 320 and 360 px: (name, as whom).
PHOTOGRAPHED = {
    "points.leaderboard": ("leaderboard", "fan"),
    "admin.audit": ("audit-log", "admin"),
    "review.board": ("review-board", "staff"),
    "review.roster": ("roster", "staff"),
    "accounts.settings": ("token-table", "fan"),
    "solutions.new": ("solution-form", "fan"),
    "challenges.detail": ("challenge", "visitor"),
    "solutions.detail (scored)": ("review-scores", "staff"),
    "solutions.detail (long words)": ("solution", "fan"),
}

# What sticks out, what a keyboard cannot scroll to, and what is too small to hit, on this page at
# this width. A scroll region that a keyboard reaches (tabindex="0", role="region", a name) may hold
# wider content; an ancestor that clips (overflow hidden) hides what sticks out of it. A link inside
# a sentence is exempt from the size rule (WCAG 2.5.8's inline exception), as is what is hidden.
MEASURE = """
(target) => {
  const width = document.documentElement.clientWidth;
  const name = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "").trim();
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
    const id = el.id ? "#" + el.id : classes ? "." + classes : "";
    return `<${el.tagName.toLowerCase()}${id}> ${text.replace(/\\s+/g, " ").slice(0, 40)}`;
  };
  // What a closed <details> holds (bar its summary), a closed dialog and what is invisible are not seen.
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
    !el.closest("[inert], dialog:not([open])") &&
    !(el.closest("details:not([open])") && !el.closest("details:not([open]) > summary"));
  const reachable = (el) => el.tabIndex >= 0 && el.getAttribute("role") === "region" && el.getAttribute("aria-label");
  const sticksOut = [], unreachable = [], small = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && !reachable(el)) {
      unreachable.push(name(el));
    }
  }
  const clippedOrScrolled = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || !shown(el)) continue;
    if (box.right > width + 0.5 && !clippedOrScrolled(el)) {
      sticksOut.push(`${name(el)} (right edge ${Math.round(box.right)})`);
    }
  }
  const controls = [];
  const selector = "a[href], button, summary, select, textarea, input:not([type=hidden]), [role=tab]";
  for (const el of document.body.querySelectorAll(selector)) {
    let box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || !shown(el)) continue;
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const l = label.getBoundingClientRect();
        const top = Math.min(box.top, l.top), bottom = Math.max(box.bottom, l.bottom);
        const left = Math.min(box.left, l.left), right = Math.max(box.right, l.right);
        box = { top, bottom, left, right, height: bottom - top };
      }
    }
    if (el.matches("a") && style.display === "inline") {
      const block = el.parentElement.closest("p, li, td, dd, dt, div, span:not(:only-child)") || el.parentElement;
      const own = el.textContent.trim().length;
      if (block && block.textContent.trim().length > own + 3) continue;  // a link in a sentence
    }
    controls.push({ el, box, x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 });
  }
  for (const c of controls) {
    if (c.box.height >= target - 0.5) continue;
    const apart = (o) => Math.round(Math.hypot(o.x - c.x, o.y - c.y));
    const near = controls.find((o) => o !== c && !o.el.contains(c.el) && !c.el.contains(o.el) && apart(o) < target);
    if (near) small.push(`${name(c.el)} (${Math.round(c.box.height)}px tall, ${apart(near)}px from ${name(near.el)})`);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    sticksOut: sticksOut.slice(0, 8), unreachable, small: small.slice(0, 12),
  };
}
"""


def _sample_forum():
    """The Chinese pages' sample forum, a solution of long words, the URLs to visit, the users."""
    users, ideas, samples = _forum()
    campaign_id = samples["challenge_id"]
    author = users["fan"]
    long = factories.solution(
        author,
        db.session.get(Challenge, campaign_id),
        title="Selbstreinigungstrommelwaschmaschinenfilter" * 2,
        body=(
            "See https://example.com/a/very/long/path/that/never/breaks/" + "x" * 80 + "\n\n"
            "`Supercalifragilisticexpialidocious_selfcleaning_drum_filter_configuration()`\n\n"
            "```\nwash --program=selfclean --temperature=90 --spin=1400 --rinse-hold --eco-off\n```\n\n"
            + "洗衣机二次污染"
            * 30
        ),
        tags="selbstreinigungstrommelfilter",
    )
    db.session.commit()
    ideas["long words"] = long
    samples.setdefault("theme", "light")  # a switch that redirects: dropped below with the other non-pages
    pages = list(_pages(current_app, samples))
    pages += [(f"solutions.detail ({name})", f"/solutions/{idea.id}") for name, idea in ideas.items()]
    pages += [
        ("challenges.detail (problem)", f"/challenges/{campaign_id + 1}"),
        ("search.results (q)", "/search?q=洗衣机"),
    ]
    return users, pages


def _html_pages(app, login, user, pages, language):
    """The pages this reader gets as HTML (downloads, redirects and refusals are not laid out)."""
    client = app.test_client() if user is None else login(user)
    kept = []
    for endpoint, url in pages:
        response = client.get(url, headers={"Accept-Language": LANGUAGES[language]})
        if response.status_code == 200 and "text/html" in response.content_type:
            kept.append((endpoint, url))
    return kept


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(browser, live_server, app, login, role, language):
    users, pages = _sample_forum()
    user = None if role == "visitor" else users[role]
    pages = _html_pages(app, login, user, pages, language)
    assert len(pages) > 20
    context = browser.new_context(viewport={"width": WIDTHS[-1], "height": 800}, base_url=live_server.url)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        if user is not None:
            page.goto("/login")
            page.locator("input[name=login]").fill(user.username)
            page.locator("input[name=password]").fill(factories.PASSWORD)
            page.locator("input[name=password]").press("Enter")
            expect(page.locator("summary", has_text=user.username)).to_be_visible()
        failures = []
        for endpoint, url in pages:
            page.set_viewport_size({"width": WIDTHS[-1], "height": 800})
            page.goto(url)
            for width in reversed(WIDTHS):
                page.set_viewport_size({"width": width, "height": 800})
                found = page.evaluate(MEASURE, TARGET)
                problems = []
                if found["scrollWidth"] > found["innerWidth"]:
                    problems.append(f"scrolls sideways ({found['scrollWidth']} > {found['innerWidth']})")
                problems += [f"sticks out: {what}" for what in found["sticksOut"]]
                problems += [f"scrolls without a keyboard stop: {what}" for what in found["unreachable"]]
                problems += [f"too small: {what}" for what in found["small"]]
                if problems:
                    failures.append(f"{url} ({endpoint}) at {width}px:\n    " + "\n    ".join(problems))
                if PHOTOGRAPHED.get(endpoint, ("", ""))[1] == role and width in (320, 360):
                    page.width_name = f"{width}-{language}"
                    screenshot(page, f"phone-{PHOTOGRAPHED[endpoint][0]}")
        assert not failures, f"{len(failures)} page widths do not fit a phone as {role} in {language}:\n" + "\n".join(
            failures
        )
    finally:
        context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_similar_ideas_box_shows_only_with_ideas_in_it(browser, live_server, app, language):
    users, pages = _sample_forum()
    form = next(url for endpoint, url in pages if endpoint == "solutions.new")
    context = browser.new_context(viewport={"width": 360, "height": 800}, base_url=live_server.url)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/login")
        page.locator("input[name=login]").fill(users["fan"].username)
        page.locator("input[name=password]").fill(factories.PASSWORD)
        page.locator("input[name=password]").press("Enter")
        expect(page.locator("summary", has_text=users["fan"].username)).to_be_visible()
        page.goto(form)
        box = page.locator("aside.similar")
        expect(box).to_be_hidden()
        page.locator("input[name=title]").fill("蒸汽清洁内筒")
        expect(box.locator("li a").first).to_be_visible()
        page.width_name = f"360-{language}"
        screenshot(page, "phone-similar-ideas")
    finally:
        context.close()


STACKED = """
() => [...document.querySelectorAll("table.stack")].map((table) => ({
  thead: table.tHead.getBoundingClientRect().height,
  cells: [...table.tBodies[0].rows[0].cells].map((cell) => ({
    display: getComputedStyle(cell).display,
    label: getComputedStyle(cell, "::before").content,
  })),
  headers: [...table.tHead.rows[0].cells].map((th) => th.textContent.trim()),
}))
"""


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_tables_are_tables_on_a_desktop_and_labelled_rows_on_a_phone(browser, live_server, app, language):
    _sample_forum()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/leaderboard")
        (desktop,) = page.evaluate(STACKED)
        assert desktop["thead"] > 0 and {cell["display"] for cell in desktop["cells"]} == {"table-cell"}
        assert {cell["label"] for cell in desktop["cells"]} == {"none"}
        page.set_viewport_size({"width": 360, "height": 800})
        (phone,) = page.evaluate(STACKED)
        assert phone["thead"] <= 1 and {cell["display"] for cell in phone["cells"]} == {"flow-root"}
        # Each cell says its column's header, in the page's language.
        assert [cell["label"].strip('"') for cell in phone["cells"]] == phone["headers"]
        page.set_viewport_size({"width": 1280, "height": 900})
        page.width_name = f"1280-{language}"
        screenshot(page, "phone-leaderboard")
    finally:
        context.close()
