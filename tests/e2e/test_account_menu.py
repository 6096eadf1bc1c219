"""A member on a phone reaches the communities from the account menu (the header hides its link
there), and a long username cut short in the menu's summary is said whole. Phone and desktop, in
English and Chinese."""

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from tests import factories
from tests.e2e.test_campaign import log_in

pytestmark = pytest.mark.e2e

NAME = "walker_fan_from_qingdao"
WORDS = {"en": (None, "Communities"), "zh": ("zh_Hans", "社区")}


@pytest.mark.parametrize("language", list(WORDS))
def test_a_member_reaches_the_communities_and_reads_their_whole_name(page, app, language):
    locale, communities = WORDS[language]
    factories.community(slug="haier-washers", name="Haier Washers")
    factories.user(NAME, locale=locale)
    db.session.commit()
    log_in(page, NAME)
    summary = page.locator(".site-header summary", has_text=NAME)
    expect(summary).to_have_attribute("title", NAME)
    header_link = page.locator(".site-header nav > ul > li > a", has_text=communities)
    if page.width_name == "phone":
        expect(header_link).to_be_hidden()
        summary.click()
        menu_link = page.locator(".site-header details[open] a", has_text=communities)
        expect(menu_link).to_be_visible()
        expect(page.locator(".site-header details[open] .account-name")).to_have_text(NAME)
        page.screenshot(path=f"test-output/screenshots/account-menu-{language}-phone.png")
        menu_link.click()
        expect(page.locator("main")).to_contain_text("Haier Washers")
    else:
        expect(header_link).to_be_visible()
        summary.click()
        expect(page.locator(".site-header details[open] .account-name")).to_be_visible()
        expect(page.locator(".site-header details[open] a", has_text=communities)).to_be_hidden()
        page.screenshot(path=f"test-output/screenshots/account-menu-{language}-desktop.png")
