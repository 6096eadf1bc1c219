"""Layouts measured in the browser: the search page's filter form. Sizes are read from the laid-out boxes."""

import pytest

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
