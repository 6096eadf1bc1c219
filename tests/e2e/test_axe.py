"""axe-core finds nothing wrong on any page: every page type, both languages, phone and desktop
widths, light and dark colour schemes.

The pages are those of tests/test_chinese_pages.py (its sample forum and the app's URL map). Each
page is read by the first of visitor, fan, staff and admin who can open it; the home, community,
challenge, solution and search pages, where each role has controls of its own, by all four. One browser context per
width and role, logged in once; each page is read in the light scheme, then in the dark. The
language changes with the cookie the header switch sets, so both are read in the same context.
"""

import os
from collections import defaultdict

import pytest

from forum.extensions import db
from tests import factories
from tests.e2e.conftest import VIEWPORTS
from tests.test_chinese_pages import ROLES, _forum, _pages, walking_client

AXE = os.path.join(os.path.dirname(__file__), "..", "tools", "node_modules", "axe-core", "axe.min.js")
LANGUAGES = ("en", "zh_Hans")
SCHEMES = ("light", "dark")
# axe-core's default rules (WCAG A and AA, and its best practices); only the violations come back.
# The dark scheme changes only colours: each page, once loaded, is read with every rule in the light
# scheme, then switched to dark in place (the theme follows prefers-color-scheme) for the colour rules.
# Pico eases colour changes: switched in place, the page would be read halfway through the change.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# The pages every role reads with controls of its own (vote buttons, follow, report, staff tools):
# read by each role that opens them, not only the first.
EVERY_ROLE = ("main.", "communities.detail", "challenges.detail", "solutions.detail", "search.results")
RUN = "rules => axe.run(document, {resultTypes: ['violations'], ...(rules ? {runOnly: rules} : {})})"
RUN += ".then(r => r.violations.map(v => ({"
RUN += "id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,"
RUN += " data: (n.any[0] || {}).data || null}))})))"


def _opens(client, url):
    response = client.get(url)
    return response.status_code == 200 and "text/html" in response.content_type


def _visits(app, login, users, ideas, samples):
    """{role: [(endpoint, url)]}: every page the visitor opens, then for each role the pages the
    role below it cannot open (asked of the test client first, which is quick); the admin also reads
    the challenge and solution pages, where the moderation controls are."""
    pages = list(_pages(app, samples))
    pages += [(f"solutions.detail ({name})", f"/solutions/{idea.id}") for name, idea in ideas.items()]
    pages += [("challenges.detail (problem)", f"/challenges/{samples['challenge_id'] + 1}")]
    pages += [("search.results (q)", "/search?q=洗衣机")]
    clients = {role: walking_client(app, login, users, role) for role in ROLES}
    visits = defaultdict(list)
    for endpoint, url in pages:
        opens = {role: _opens(clients[role], url) for role in ROLES}
        below = {"visitor": False, "fan": opens["visitor"], "staff": opens["fan"], "admin": opens["staff"]}
        for role in ROLES:
            if opens[role] and (not below[role] or endpoint.startswith(EVERY_ROLE)):
                visits[role].append((endpoint, url))
    return visits


def _log_in(page, user):
    page.goto("/login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()


def _describe(node):
    data = node["data"] or {}
    if "fgColor" in data:
        return f"{node['target']} ({data['fgColor']} on {data['bgColor']}, {data.get('contrastRatio')}:1)"
    return node["target"]


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_axe_finds_no_violation_on_any_page(browser, live_server, app, login, width):
    users, ideas, samples = _forum()
    samples.setdefault("theme", "unknown")  # the theme switch only sets a cookie: its 404 is enough
    visits = _visits(app, login, users, ideas, samples)
    db.session.commit()
    found = defaultdict(set)  # (rule, impact, targets) -> {where}
    runs = 0
    for role in ROLES:
        context = browser.new_context(
            viewport=VIEWPORTS[width], locale="en-US", base_url=live_server.url, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if role != "visitor":
            _log_in(page, users[role])
        else:  # the visitor's sign-in waiting for a username, as walking_client's
            cookie = walking_client(app, login, users, role).get_cookie(app.config["SESSION_COOKIE_NAME"])
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        for language in LANGUAGES:
            context.add_cookies([{"name": app.config["LANGUAGE_COOKIE"], "value": language, "url": live_server.url}])
            for endpoint, url in visits[role]:
                page.emulate_media(color_scheme="light")
                page.goto(url, wait_until="domcontentloaded")
                page.add_script_tag(path=AXE)
                page.add_style_tag(content=STILL)
                for scheme in SCHEMES:
                    page.emulate_media(color_scheme=scheme)
                    runs += 1
                    for violation in page.evaluate(RUN, COLOUR_RULES if scheme == "dark" else None):
                        targets = "; ".join(_describe(node) for node in violation["nodes"])
                        where = f"{role} {language} {url} ({endpoint})"
                        found[(scheme, violation["id"], violation["impact"], targets)].add(where)
        context.close()
    assert runs > 200
    report = "\n".join(
        f"{scheme}: {rule} [{impact}] {targets}\n    on {len(where)}: {'; '.join(sorted(where)[:4])}"
        for (scheme, rule, impact, targets), where in sorted(found.items())
    )
    assert not found, f"axe-core at {width} width:\n{report}"
