"""Offline events and time zones in a real browser, at phone and desktop widths, in English and
Chinese: staff type a campaign deadline in the browser's zone and every reader sees it in theirs
with the zone named; a fan gives up a seat and the first fan waiting gets it and hears of it;
staff read the roster, mark who came and download it as CSV."""

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.clock import utcnow
from forum.extensions import db
from forum.review import prototypes, status
from tests import factories
from tests.e2e.conftest import VIEWPORTS, screenshot

pytestmark = pytest.mark.e2e

# Each language with the zone its reader's browser is in, and the words the test reads.
READERS = {
    "en": {
        "zone": "Europe/Berlin",
        "locale": "en-US",
        "account": "en",
        "typed": "2026-12-20T15:00",
        "shown": "Dec 20, 2026, 3:00\u202fPM (Central European Standard Time)",
        "hint": "In your time zone: Central European Standard Time (Europe/Berlin)",
        "publish": "Publish",
        "settings_saved": "Your time zone is saved.",
        "cancel_seat": "Cancel my seat",
        "give_up": "Give up my place",
        "released": "Your place is released.",
        "roster": "Roster",
        "present": "Present",
        "download": "Download CSV",
        "seat_news": "A seat came free for you: Workshop",
        "team": "Expert team:",
        "csv": ("booked", "cancelled", "yes"),
    },
    "zh": {
        "zone": "Asia/Shanghai",
        "locale": "zh-CN",
        "account": "zh_Hans",
        "typed": "2026-12-20T22:00",
        "shown": "2026年12月20日 22:00 (北京时间)",
        "hint": "按你的时区：北京时间 (Asia/Shanghai)",
        "publish": "发布",
        "settings_saved": "你的时区已保存。",
        "cancel_seat": "取消我的名额",
        "give_up": "放弃我的名额",
        "released": "你的名额已释放。",
        "roster": "名单",
        "present": "出席",
        "download": "下载 CSV",
        "seat_news": "有名额空出，你已获得席位：Workshop",
        "team": "专家团队：",
        "csv": ("已订座", "已取消", "是"),
    },
}


@pytest.fixture(params=[(width, language) for language in READERS for width in VIEWPORTS])
def reader(request, browser, live_server, app):
    """A browser page at a width, in a language, in that language's reader's time zone."""
    width, language = request.param
    words = READERS[language]
    context = browser.new_context(
        viewport=VIEWPORTS[width], locale=words["locale"], timezone_id=words["zone"], base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = f"{width}-{language}"
    page.language, page.words = language, words
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def log_in(page, username):
    page.goto("/login")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("summary", has_text=username)).to_be_visible()


def log_out(page, username):
    page.locator("summary", has_text=username).click()
    page.locator("form[action$='/logout'] button").click()


@pytest.fixture
def forum(app, reader):
    account = reader.words["account"]
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("haier_staff", community_roles={community: "staff"}, locale=account)
    inventor = factories.user("inventor", locale=account)
    fans = [factories.user(name, locale=account) for name in ("lin_wei", "maker_anna")]
    challenge = factories.challenge(staff, community, title="洗衣机二次污染 · Secondary pollution")
    solution = factories.solution(inventor, challenge, title="Steam the drum gap")
    factories.door(status.change_status, staff, solution, "shortlisted", "")
    prototype = factories.door(prototypes.promote, staff, solution, [staff, inventor])
    starts = utcnow() + timedelta(days=10)
    event = factories.door(prototypes.create_event, staff, prototype, "Workshop", starts, "Qingdao", 1)
    for fan in fans:
        factories.door(prototypes.sign_up, fan, event)
    ids = {"community": community.slug, "solution": solution.id, "event": event.id}
    db.session.commit()
    return ids


def test_a_deadline_is_typed_and_shown_in_the_readers_zone(reader, forum):
    page, words = reader, reader.words
    log_in(page, "haier_staff")
    page.goto(f"/c/{forum['community']}/challenges/new")
    page.locator("input[name=title]").fill("Quiet spin at night")
    page.locator("textarea[name=body]").fill("The spin wakes the baby.")
    page.locator("input[name=is_campaign]").check()
    expect(page.locator("form[data-keep-draft]")).to_contain_text(words["hint"])
    page.locator("input[name=submission_ends]").fill(words["typed"])
    page.get_by_role("button", name=words["publish"], exact=True).click()
    deadline = page.locator('time[datetime="2026-12-20T14:00:00Z"]')
    expect(deadline).to_have_text(words["shown"])
    screenshot(page, "events-deadline")

    # The settings page offers the zone the browser guessed; saving keeps it on the account.
    page.goto("/account")
    zone_field = page.locator("input[name='zone-time_zone']")
    expect(zone_field).to_have_value(words["zone"])
    zone_field.fill("Mars/Olympus")
    page.locator("#time-zone [type=submit]").click()
    expect(page.locator("#time-zone")).to_contain_text("Mars/Olympus")
    expect(page.locator("#time-zone [aria-invalid=true]")).to_be_visible()
    screenshot(page, "events-zone-refused")
    page.locator("input[name='zone-time_zone']").fill(words["zone"])
    page.locator("#time-zone [type=submit]").click()
    expect(page.get_by_text(words["settings_saved"])).to_be_visible()
    assert page.console_errors == []


def test_a_fan_gives_up_a_seat_the_next_gets_it_and_staff_mark_the_roster(reader, forum):
    page, words = reader, reader.words
    solution_url = f"/solutions/{forum['solution']}"
    log_in(page, "lin_wei")
    page.goto(solution_url + "#prototype")
    event = page.locator("li.event", has_text="Workshop")
    expect(event.locator("time")).to_contain_text("(" if page.language == "zh" else "Time)")
    event.get_by_role("button", name=words["cancel_seat"]).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    screenshot(page, "events-cancel-dialog")
    dialog.get_by_role("button", name=words["give_up"]).click()
    expect(page.get_by_text(words["released"])).to_be_visible()
    expect(event.get_by_role("button", name=words["cancel_seat"])).to_have_count(0)
    log_out(page, "lin_wei")

    # The first fan waiting has the seat and is told.
    log_in(page, "maker_anna")
    page.goto("/notifications")
    expect(page.get_by_text(words["seat_news"])).to_be_visible()
    log_out(page, "maker_anna")

    # Staff read the roster, mark who came and download it.
    log_in(page, "haier_staff")
    page.goto(solution_url + "#prototype")
    page.locator("li.event").get_by_role("link", name=words["roster"]).click()
    booked = page.locator("#booked-heading + div table")
    expect(booked).to_contain_text("maker_anna")
    expect(page.locator("#cancelled-heading ~ ul")).to_contain_text("lin_wei")
    present = booked.get_by_role("button", name=words["present"])
    present.click()
    expect(page.locator("#booked-heading + div table").get_by_role("button", name=words["present"])).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "events-roster")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=words["download"]).click()
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    booked_word, cancelled_word, yes = words["csv"]  # the roster speaks its reader's language
    assert rows[1][:3] == [booked_word, "1", "maker_anna"] and rows[1][5] == yes
    assert rows[2][:3] == [cancelled_word, "1", "lin_wei"]
    assert page.console_errors == []


def test_the_expert_team_may_be_any_member_the_author_offered_first(reader, app):
    page, words = reader, reader.words
    community = factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")
    staff = factories.user("haier_staff", community_roles={community: "staff"}, locale=words["account"])
    factories.user("maker_anna", locale=words["account"])
    solution = factories.solution(factories.user("inventor"), factories.challenge(staff, community))
    factories.door(status.change_status, staff, solution, "shortlisted", "")
    solution_url = f"/solutions/{solution.id}"
    db.session.commit()

    log_in(page, "haier_staff")
    page.goto(solution_url)
    box = page.locator("details.staff-box", has=page.locator("fieldset.team-picker"))
    box.locator("summary").click()
    # The author comes first, already checked.
    expect(box.locator("fieldset.team-picker label").first).to_have_text("inventor")
    expect(box.locator("fieldset.team-picker").get_by_label("inventor", exact=True)).to_be_checked()
    box.locator("input[name='promote-others']").fill("maker_anna")
    screenshot(page, "events-expert-team")
    box.locator("[type=submit]").click()
    team = page.locator("#prototype p.muted", has_text=words["team"])
    expect(team).to_contain_text("inventor")
    expect(team).to_contain_text("maker_anna")
    assert page.console_errors == []
