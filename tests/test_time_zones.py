"""Time zones: times entered and shown in the reader's zone with the zone named, stored in UTC;
the member's setting, the browser's guess, the community's zone; visitors' kept pages per zone."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forum import zones
from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.communities import services as communities
from forum.communities.models import Community
from forum.extensions import db
from forum.i18n import format_in_zone
from forum.review import prototypes, status
from forum.review.models import Event
from tests import factories

DEADLINE = datetime(2026, 12, 20, 14, 0, 0, 123456)  # UTC, as stored


@pytest.fixture
def beijing(app, community):
    """The conftest community, on Beijing time."""
    community.time_zone = "Asia/Shanghai"
    db.session.commit()
    return community


@pytest.fixture
def campaign(users, beijing):
    return factories.challenge(
        users["staff"],
        beijing,
        title="Dry without a dryer",
        submission_ends=DEADLINE,
        voting_ends=DEADLINE + timedelta(days=7),
    )


def _deadline_shown(page):
    match = re.search(r'<time datetime="2026-12-20T14:00:00Z">([^<]+)</time>', page)
    assert match, "the deadline's <time> is UTC ISO without microseconds"
    return _plain(match.group(1))


def _plain(text):
    return text.replace("\u202f", " ")  # CLDR puts a narrow no-break space before AM and PM


def test_times_name_their_zone_in_each_language(app):
    with app.test_request_context():
        assert _plain(format_in_zone(DEADLINE, ZoneInfo("UTC"), "en")) == "Dec 20, 2026, 2:00 PM UTC"
        assert format_in_zone(DEADLINE, ZoneInfo("Asia/Shanghai"), "zh_Hans").startswith("2026年12月20日 22:00 (")
        assert "(Central European Standard Time)" in format_in_zone(DEADLINE, ZoneInfo("Europe/Berlin"), "en")
        assert zones.iso(DEADLINE) == "2026-12-20T14:00:00Z"


def test_the_community_zone_then_the_browser_guess_then_the_member_setting(app, client, login, users, campaign):
    url = f"/challenges/{campaign.id}"
    assert _deadline_shown(client.get(url).get_data(True)) == "Dec 20, 2026, 10:00 PM (Beijing time)"
    chinese = client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert _deadline_shown(chinese).startswith("2026年12月20日 22:00 (")
    guessing = app.test_client()
    guessing.set_cookie(zones.ZONE_COOKIE, "Europe/Berlin")
    assert _deadline_shown(guessing.get(url).get_data(True)) == "Dec 20, 2026, 3:00 PM (Central European Standard Time)"
    guessing.set_cookie(zones.ZONE_COOKIE, "Mars/Olympus_Mons")  # an unknown guess is ignored
    assert "(Beijing time)" in _deadline_shown(guessing.get(url).get_data(True))
    member = login(users["fan"])
    member.set_cookie(zones.ZONE_COOKIE, "Europe/Berlin")
    member.post("/account/time-zone", data={"zone-time_zone": "America/New_York"})
    assert _deadline_shown(member.get(url).get_data(True)) == "Dec 20, 2026, 9:00 AM (Eastern Standard Time)"
    with app.test_request_context():  # pages of no community, for a reader with no zone
        assert zones.reader_zone_name() == "UTC"


def test_campaign_deadlines_are_typed_in_the_readers_zone_and_stored_in_utc(app, login, users, beijing):
    staff = login(users["staff"])
    form = staff.get(f"/c/{beijing.slug}/challenges/new").get_data(True)
    assert "In your time zone: Beijing time (Asia/Shanghai)" in form
    staff.post(
        f"/c/{beijing.slug}/challenges/new",
        data={
            "title": "Quiet spin at night",
            "body": "The spin wakes the baby.",
            "is_campaign": "y",
            "submission_ends": "2026-12-20T22:00",
            "voting_ends": "2026-12-27T22:00",
        },
    )
    challenge = db.session.execute(db.select(Challenge).filter_by(title="Quiet spin at night")).scalar_one()
    assert challenge.submission_ends == datetime(2026, 12, 20, 14, 0)
    api = staff.get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert api["submission_ends"].startswith("2026-12-20T14:00:00") and api["submission_ends"].endswith("Z")
    edit = staff.get(f"/challenges/{challenge.id}/edit").get_data(True)
    assert 'value="2026-12-20T22:00"' in edit  # shown back in the zone it was typed in


def test_event_times_are_typed_and_shown_in_the_readers_zone(app, login, users, beijing):
    solution = factories.solution(factories.user("inventor"), factories.challenge(users["staff"], beijing))
    factories.door(status.change_status, users["staff"], solution, "shortlisted", "")
    factories.door(prototypes.promote, users["staff"], solution, [users["staff"]])
    staff = login(users["staff"])
    starts = (utcnow() + timedelta(days=30)).replace(second=0, microsecond=0)
    local = starts.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    staff.post(
        f"/solutions/{solution.id}/events",
        data={
            "event-title": "Workshop",
            "event-starts": local.strftime("%Y-%m-%dT%H:%M"),
            "event-place": "Qingdao",
            "event-seats": "5",
        },
    )
    event = db.session.execute(db.select(Event)).scalar_one()
    assert event.starts == starts
    page = staff.get(f"/solutions/{solution.id}").get_data(True)
    assert f'<time datetime="{starts.isoformat()}Z">' in page and "(Beijing time)" in page


def test_the_member_zone_is_guessed_from_the_browser_until_saved_and_unknown_names_are_refused(app, login, users):
    member = login(users["fan"])
    member.set_cookie(zones.ZONE_COOKIE, "Asia/Tokyo")
    page = member.get("/account").get_data(True)
    assert 'value="Asia/Tokyo"' in page and "Guessed from this browser" in page
    db.session.expire_all()
    assert db.session.get(User, users["fan"].id).time_zone is None  # a GET never writes
    refused = member.post("/account/time-zone", data={"zone-time_zone": "Asia/Atlantis"})
    assert refused.status_code == 200
    assert "is not a time zone we know" in refused.get_data(True) and 'value="Asia/Atlantis"' in refused.get_data(True)
    assert member.post("/account/time-zone", data={"zone-time_zone": "Asia/Tokyo"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, users["fan"].id).time_zone == "Asia/Tokyo"
    member.post("/account/time-zone", data={"zone-time_zone": ""})  # empty: follow the browser again
    db.session.expire_all()
    assert db.session.get(User, users["fan"].id).time_zone is None


def test_a_new_community_takes_its_creators_language_zone_and_refuses_unknown_ones(app, login):
    chinese_admin = factories.user("laoshi", site_role="admin", locale="zh_Hans")
    english_admin = factories.user("teacher", site_role="admin", locale="en")
    assert 'value="Asia/Shanghai"' in login(chinese_admin).get("/admin/communities/new").get_data(True)
    admin = login(english_admin)
    assert 'value="UTC"' in admin.get("/admin/communities/new").get_data(True)
    refused = admin.post(
        "/admin/communities/new",
        data={"slug": "dryers", "name": "Dryers", "description": "", "time_zone": "Utopia/Nowhere"},
    )
    assert "is not a time zone we know" in refused.get_data(True)
    admin.post("/admin/communities/new", data={"slug": "dryers", "name": "Dryers", "time_zone": "Europe/Berlin"})
    community = db.session.execute(db.select(Community).filter_by(slug="dryers")).scalar_one()
    assert community.time_zone == "Europe/Berlin"
    admin.post("/admin/communities/dryers/edit", data={"name": "Dryers", "time_zone": "Asia/Shanghai"})
    db.session.expire_all()
    assert db.session.get(Community, community.id).time_zone == "Asia/Shanghai"
    # Without a form (the command line, the API), the creator's language decides.
    assert (
        factories.door(communities.create_community, chinese_admin, "washers-cn", "洗衣机").time_zone == "Asia/Shanghai"
    )
    assert factories.door(communities.create_community, None, "washers-en", "Washers").time_zone == "UTC"


def test_kept_visitor_pages_are_kept_per_zone(make_app, app, users, campaign):
    cached = make_app(PAGE_CACHE_SECONDS=60, WTF_CSRF_ENABLED=True)
    url = f"/challenges/{campaign.id}"
    berlin, tokyo, plain = cached.test_client(), cached.test_client(), cached.test_client()
    berlin.set_cookie(zones.ZONE_COOKIE, "Europe/Berlin")
    tokyo.set_cookie(zones.ZONE_COOKIE, "Asia/Tokyo")
    for _ in range(2):  # the second round is served from the kept pages
        assert "3:00 PM" in _deadline_shown(berlin.get(url).get_data(True))
        assert "11:00 PM" in _deadline_shown(tokyo.get(url).get_data(True))
        assert "(Beijing time)" in _deadline_shown(plain.get(url).get_data(True))
