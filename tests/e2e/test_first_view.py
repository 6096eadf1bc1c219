"""A fan on a phone opening the forum for the first time downloads under 30 KB: the page, Pico,
the forum's CSS and script and the icon, compressed, headers included (what Chromium counts as
each response's encoded length)."""

from forum.extensions import db
from tests import factories

BUDGET = 30 * 1024


def test_the_home_page_first_view_fits_in_30_kb(browser, live_server, users, community):
    for number in range(3):
        other = factories.community(f"line-{number}", name=f"洗衣机 {number} 系列")
        factories.challenge(users["staff"], other, title=f"二次污染 {number}: the drum re-soils clean laundry")
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    answers, sizes = {}, {}
    network.on("Network.responseReceived", lambda e: answers.__setitem__(e["requestId"], e["response"]))
    network.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto("/", wait_until="networkidle")
    page.wait_for_function("document.readyState === 'complete'")
    context.close()
    listing = {answers[rid]["url"].removeprefix(live_server.url): size for rid, size in sizes.items() if rid in answers}
    assert {"/", "/static/app.css", "/static/app.js"} <= {url.split("?")[0] for url in listing}, listing
    for answer in answers.values():
        if answer["mimeType"] in ("text/html", "text/css", "application/javascript", "text/javascript"):
            headers = {name.lower(): value for name, value in answer["headers"].items()}
            assert headers.get("content-encoding") in ("br", "gzip"), answer["url"]
    total = sum(listing.values())
    assert total < BUDGET, f"{total / 1024:.1f} KB: {listing}"
