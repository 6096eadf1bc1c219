"""Release notes: staff ship fans' ideas in a version; the ideas move to prototyped with the
release in their trail; everyone who backed any of them hears once; the page lists releases."""

import pytest

from forum.extensions import db
from forum.notifications.models import Notification
from forum.review import status
from forum.review.models import Release, StatusChange
from forum.solutions import follows, votes
from forum.solutions.models import Solution
from tests import factories


@pytest.fixture
def ideas(app, community, users):
    challenge = factories.challenge(users["staff"], community, title="Phone wishes")
    first = factories.solution(factories.user("anna"), challenge, title="Dark mode everywhere")
    second = factories.solution(factories.user("lin_wei"), challenge, title="Battery saver schedule")
    factories.door(status.change_status, users["staff"], first, "shortlisted", "")
    return first, second


def test_staff_publish_a_release_that_ships_ideas_and_tells_their_backers_once(
    app, community, users, ideas, login, client
):
    first, second = ideas
    both = factories.user("both_voter")
    for idea in ideas:
        factories.door(votes.cast_vote, both, idea)
    follower = factories.user("follower")
    factories.door(follows.add_follow, follower, second)
    staff = login(users["staff"])
    form = staff.get(f"/c/{community.slug}/releases/new").get_data(as_text=True)
    assert "Dark mode everywhere" in form and "Battery saver schedule" in form
    assert "Dark mode everywhere · Shortlisted · 1 vote<" in form  # status and votes tell ideas apart
    answer = staff.post(
        f"/c/{community.slug}/releases/new",
        data={"version": "HyperOS 2.1.5", "released_on": "2026-11-28", "body": "**Faster** charging.",
              "solutions": [str(first.id), str(second.id)]},
    )  # fmt: skip
    assert answer.status_code == 302
    db.session.rollback()
    assert {db.session.get(Solution, i.id).status for i in ideas} == {"prototyped"}
    steps = db.session.execute(db.select(StatusChange).filter_by(to_status="prototyped")).scalars().all()
    # The forum's own note: a key and the version, read in each reader's language.
    assert [(s.note_key, s.note_params, s.note_text()) for s in steps] == [
        ("shipped", {"version": "HyperOS 2.1.5"}, "Shipped in HyperOS 2.1.5.")
    ] * 2
    told = db.session.execute(db.select(Notification.user_id).filter_by(kind="release")).scalars().all()
    assert sorted(told) == sorted([first.author_id, second.author_id, both.id, follower.id])  # once each
    page = client.get(f"/c/{community.slug}/releases").get_data(as_text=True)
    assert "HyperOS 2.1.5" in page and "<strong>Faster</strong>" in page and "2 fan ideas shipped" in page
    notice = db.session.execute(db.select(Notification.id).filter_by(user_id=both.id, kind="release")).scalar_one()
    opened = login(both).post(f"/notifications/{notice}/open")
    assert opened.headers["Location"].startswith(f"/c/{community.slug}/releases#release-")


@pytest.mark.usefixtures("ideas")
def test_only_staff_publish_and_only_their_communitys_ideas(app, community, users, login):
    assert login(users["fan"]).get(f"/c/{community.slug}/releases/new").status_code == 403
    elsewhere = factories.community(slug="other", name="Other")
    outside = factories.solution(users["fan"], factories.challenge(users["admin"], elsewhere), title="Not theirs")
    answer = login(users["staff"]).post(
        f"/c/{community.slug}/releases/new",
        data={"version": "v2", "released_on": "2026-11-28", "body": "Kept text", "solutions": [str(outside.id)]},
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Kept text" in page and 'value="v2"' in page  # comes back, nothing lost
    assert db.session.execute(db.select(Release)).first() is None
    assert db.session.get(Solution, outside.id).status == "open"
