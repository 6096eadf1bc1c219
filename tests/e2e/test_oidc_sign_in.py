"""A new fan signs in with the brand's own accounts in a real browser, through the local provider's
own authorization page, picks a username and votes, on the forum served as `make run` serves it:
gunicorn with gunicorn.conf.py (four workers) and the consumer, the provider given by the
environment (COCREATE_OIDC_PROVIDERS). The sign-in's state lives in the session cookie, so the
return may reach another worker than the start and still be checked."""

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORTS, screenshot
from tests.served import served_forum

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def forum(provider):
    config = [
        {
            "name": "brand",
            "label": "Haier",
            "server_metadata_url": f"{provider}/.well-known/openid-configuration",
            "client_id": "cocreate-served",
            "client_secret": "served-secret",
        }
    ]
    with served_forum(workers=4, consumer=True, settings={"OIDC_PROVIDERS": config}) as served:
        yield served


def _idea(forum):
    """A community, a challenge open for votes and an idea by someone else; the idea's id."""
    forum.create_user("brand_admin", role="admin")
    forum.create_user("idea_author")
    admin, author = forum.create_token("brand_admin"), forum.create_token("idea_author")
    assert forum.api("POST", "/communities", {"slug": "haier-washers", "name": "Haier Washers"}, admin).status == 201
    challenge = forum.api(
        "POST", "/communities/haier-washers/challenges", {"title": "Drum dirt", "body": "Dirt hides."}, admin
    )
    assert challenge.status == 201, challenge.text
    idea = forum.api(
        "POST",
        f"/challenges/{challenge.json()['id']}/solutions",
        {"title": "Steam-clean the drum gap", "body": "A steam nozzle after each wash."},
        author,
    )
    assert idea.status == 201, idea.text
    return idea.json()["id"]


def test_a_new_fan_signs_in_with_the_brand_picks_a_username_and_votes(browser, forum, provider):
    solution_id = _idea(forum)
    claims = {"preferred_username": "wash_fan", "email": "wash.fan@example.com", "email_verified": True}
    requests.put(f"{provider}/users/fan-0042", json=claims, timeout=5).raise_for_status()
    context = browser.new_context(viewport=VIEWPORTS["phone"], base_url=forum.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.width_name = "phone"  # for screenshot()

    page.goto(f"/login?next=/solutions/{solution_id}")
    screenshot(page, "oidc-login")
    page.get_by_role("button", name="Sign in with Haier").click()
    # The provider's own page, on its own address: the fan says who they are there.
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    assert page.url.startswith(provider + "/oauth2/authorize")
    page.locator("input[name=sub]").fill("fan-0042")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page.get_by_role("heading", name="Pick a username")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("wash_fan")
    expect(page.locator("main")).to_contain_text("Your address, from Haier: wash.fan@example.com")
    screenshot(page, "oidc-pick-username")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("status").first).to_contain_text("Welcome to Cocreate, wash_fan!")
    assert page.url == f"{forum.url}/solutions/{solution_id}"
    vote = page.locator(".solution-head .vote-button")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".vote-count")).to_have_text("1")
    page.goto("/account#sign-in")
    expect(page.locator("#sign-in")).to_contain_text("Haier: linked")
    expect(page.locator("#sign-in")).to_contain_text("(your only way in: it cannot be unlinked)")
    screenshot(page, "oidc-settings")
    context.close()

    rows = forum.query(
        "SELECT u.username, u.email, u.password_hash, i.provider, i.subject, v.solution_id"
        " FROM user_account u JOIN sign_in_identity i ON i.user_id = u.id JOIN vote v ON v.user_id = u.id"
    )
    assert [tuple(row) for row in rows] == [
        ("wash_fan", "wash.fan@example.com", None, "brand", "fan-0042", solution_id)
    ]
