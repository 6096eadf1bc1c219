"""Following and unfollowing from a mail: each idea in a digest carries a signed "stop following"
link that works with no session; afterwards the idea's news passes the member by, also what they
would hear as its voter, while what is said to them alone (a mention) still reaches them; the same
page follows again. Unfollowing on the idea's page means the same."""

import pytest

from forum.accounts.models import User
from forum.extensions import db
from forum.notifications import digests
from forum.notifications.models import Notification
from forum.review import status
from forum.solutions import comments, votes
from tests import factories, mail


@pytest.fixture
def idea(app, community, users):
    challenge = factories.challenge(users["staff"], community, title="二次污染 · Secondary pollution")
    return factories.solution(users["fan"], challenge, title="Steam-clean the drum gap")


def _kinds(user):
    stmt = db.select(Notification.kind).filter_by(user_id=user.id).order_by(Notification.id)
    return db.session.execute(stmt).scalars().all()


def test_the_digest_link_stops_the_news_of_one_idea_without_a_session(app, idea, users):
    voter = factories.user("voter")
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "To the lab")
    digests.send("daily")
    [digest] = mail.sent("voter@example.com")
    link = mail.link_in(digest, "/following/")
    assert link in digest.alternatives[0][0]  # the HTML part has it too

    shown = app.test_client().get(link)
    assert shown.status_code == 200 and "Stop following" in shown.get_data(as_text=True)
    db.session.rollback()
    factories.door(status.change_status, users["staff"], idea, "open", "")
    assert _kinds(voter) == ["status"]  # grouped with the first, unread: still told (the GET changed nothing)

    done = app.test_client().post(link, data={"action": "unfollow"})  # no session, no CSRF token
    assert done.status_code == 200 and "hears no more about it" in done.get_data(as_text=True)
    db.session.rollback()
    before = db.session.execute(db.select(Notification).filter_by(user_id=voter.id)).scalar_one()
    count = before.count
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "Again")
    factories.door(comments.add_comment, users["staff"], idea.challenge, "Lab booked", solution=idea)
    db.session.expire_all()
    after = db.session.execute(db.select(Notification).filter_by(user_id=voter.id)).scalars().all()
    assert [(n.kind, n.count) for n in after] == [("status", count)]  # neither told
    factories.door(comments.add_comment, users["staff"], idea.challenge, "@voter what do you think?", solution=idea)
    assert "mention" in _kinds(voter)  # said to them alone: still told

    again = app.test_client().post(link, data={"action": "follow"})
    assert "follows it again" in again.get_data(as_text=True)
    db.session.rollback()
    factories.door(status.change_status, users["staff"], idea, "open", "Back")
    assert (
        _kinds(voter).count("status") == 1
        and db.session.execute(db.select(Notification.count).filter_by(user_id=voter.id, kind="status")).scalar_one()
        == count + 1
    )


def test_unfollowing_on_the_page_silences_a_voter_too(app, idea, users, login):
    voter = factories.user("voter")
    factories.door(votes.cast_vote, voter, idea)
    client = login(voter)
    assert client.post(f"/solutions/{idea.id}/follow", data={"action": "unfollow"}).status_code == 302
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "")
    assert _kinds(voter) == []
    assert client.post(f"/solutions/{idea.id}/follow", data={"action": "follow"}).status_code == 302
    factories.door(status.change_status, users["staff"], idea, "open", "")
    assert _kinds(voter) == ["status"]


def test_a_forged_or_foreign_link_changes_nothing(app, idea, users):
    voter = factories.user("voter")
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "")
    digests.send("daily")
    link = mail.link_in(mail.sent("voter@example.com")[0], "/following/")
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert "This link is not valid" in app.test_client().post(forged, data={"action": "unfollow"}).get_data(
        as_text=True
    )
    assert "This link is not valid" in app.test_client().get("/following/not-a-token").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, voter.id) is not None
    factories.door(status.change_status, users["staff"], idea, "open", "")
    assert (
        db.session.execute(db.select(Notification.count).filter_by(user_id=voter.id, kind="status")).scalar_one() == 2
    )
