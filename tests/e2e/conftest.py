"""Browser-test fixtures: the app served on 127.0.0.1 in a thread, and Debian's Chromium via Playwright.

Tests set up data with the factories and commit before the browser acts. After that commit they
must not touch ORM objects: reloading one opens a write transaction in the test's thread, and
on SQLite that holds the lock the server needs.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.mail import smtp_server

CHROMIUM = os.environ.get("COCREATE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-output", "screenshots")
# Without these, Chromium keeps trying to reach Google's servers, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def live_server(make_app):
    """The forum as a browser sees it: CSRF on, rate limits on, a real threaded HTTP server."""
    yield from _serve(make_app(WTF_CSRF_ENABLED=True, TESTING=False))


@pytest.fixture
def mailing_server(make_app, app):
    """The forum as above, sending its mail through a real SMTP server on a loopback port:
    (server, sink), the sink keeping what it receives."""
    controller, sink = smtp_server()
    controller.start()
    try:
        mailing = make_app(
            WTF_CSRF_ENABLED=True,
            TESTING=False,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=controller.port,
        )
        for server in _serve(mailing):
            yield server, sink
    finally:
        controller.stop()


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server, app):
    """A fresh browser page at phone or desktop width; dialogs are recorded, never accepted."""
    # The served app keeps rendered fragments keyed by row ids, and ids start again at 1 in each
    # test's emptied tables: an earlier test's comment 2 must not stand in for this one's.
    if live_server.app.extensions.get("fragments") is not None:
        live_server.app.extensions["fragments"].clear()
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-US", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = request.param
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.failed_responses = []
    page.on("response", lambda r: r.status >= 400 and page.failed_responses.append(f"{r.status} {r.url}"))
    yield page
    context.close()


def screenshot(page, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{name}-{page.width_name}.png")
    page.screenshot(path=path, full_page=True)
    return path
