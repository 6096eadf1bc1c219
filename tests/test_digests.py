"""Notification mail: digests grouped by idea with notes and excerpts, in the member's language,
never empty, never twice; 'each' at most every 10 minutes; one-click unsubscribe without a
session; the choice on the settings page."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.accounts.models import User
from forum.clock import utcnow
from forum.extensions import db
from forum.notifications import digests
from forum.notifications import services as notifications
from forum.notifications.models import Notification
from forum.review import status
from forum.solutions import comments, votes
from tests import factories, mail


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community, title="二次污染 · Secondary pollution")


def _frequency(user, frequency):
    factories.door(digests.set_frequency, db.session.get(User, user.id), frequency)


def test_a_daily_digest_groups_ideas_newest_first_with_notes_and_excerpts(app, challenge, users):
    voter = factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    ideas = [factories.solution(users["fan"], challenge, title=f"Idea {n}") for n in range(3)]
    for idea in ideas:
        factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], ideas[0], "shortlisted", "Going to the lab next week")
    factories.door(comments.add_comment, users["fan"], challenge, "The drum gap needs a brush too", solution=ideas[1])
    factories.door(status.change_status, users["staff"], ideas[2], "shortlisted", "")

    assert digests.send("daily") >= 1
    [digest] = mail.sent("wang@example.com")
    assert digest.subject == "你今天在 Cocreate 有 3 条新消息"
    body = digest.body
    # Grouped by idea, the newest first: Idea 2 (shortlisted last), then Idea 1, then Idea 0.
    assert body.index("Idea 2") < body.index("Idea 1") < body.index("Idea 0")
    assert "Going to the lab next week" in body and "The drum gap needs a brush too" in body
    assert "<span>" not in body and "http://127.0.0.1:5000/solutions/" in body
    html = digest.alternatives[0][0]
    assert "Going to the lab next week" in html and '<html lang="zh-Hans">' in html
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/notifications/unsubscribe/")

    assert digests.send("daily") == 0  # nothing new: no mail
    assert len(mail.sent("wang@example.com")) == 1


def test_what_was_read_in_the_forum_or_came_before_mail_was_on_is_not_mailed(app, challenge, users):
    voter = factories.user("voter")
    idea = factories.solution(users["fan"], challenge, title="Mesh filter")
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "")
    factories.door(notifications.mark_all_read, db.session.get(User, voter.id))
    factories.door(status.change_status, users["staff"], idea, "open", "")
    _frequency(voter, "weekly")  # turned on now: what came before stays in the forum
    assert digests.send("weekly") == 0
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "Second look")
    digests.send("daily")
    assert mail.sent("voter@example.com") == []  # not on the daily list
    assert digests.send("weekly") == 1
    assert "Second look" in mail.sent("voter@example.com")[0].body


def test_each_notification_mails_at_most_every_ten_minutes(app, challenge, users):
    voter = factories.user("voter")
    _frequency(voter, "each")
    idea = factories.solution(users["fan"], challenge, title="Mesh filter")
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "On the list")
    digests.send_each()
    [first] = mail.sent("voter@example.com")
    assert "On the list" in first.body
    factories.door(status.change_status, users["staff"], idea, "open", "Back to open")
    digests.send_each()
    assert len(mail.sent("voter@example.com")) == 1  # within 10 minutes: waits
    eleven_minutes_ago = update(User).where(User.id == voter.id).values(mailed_at=utcnow() - timedelta(minutes=11))
    factories.door(db.session.execute, eleven_minutes_ago)
    digests.send_each()
    second = mail.sent("voter@example.com")[1]
    assert "Back to open" in second.body and "On the list" not in second.body


def test_one_click_unsubscribe_needs_no_session_and_a_get_changes_nothing(make_app, app, challenge, users):
    voter = factories.user("voter")
    idea = factories.solution(users["fan"], challenge)
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "")
    digests.send("daily")
    header = mail.sent("voter@example.com")[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").removeprefix("http://127.0.0.1:5000")
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()  # CSRF on, as served
    page = strict.get(path)
    assert page.status_code == 200 and "Stop the mail" in page.get_data(as_text=True)
    assert db.session.get(User, voter.id).mail_frequency == "daily"
    db.session.rollback()
    answer = strict.post(path, data={"List-Unsubscribe": "One-Click"})  # what mail clients send
    assert answer.status_code == 200 and "gets no more notification mail" in answer.get_data(as_text=True)
    assert db.session.get(User, voter.id).mail_frequency == "off"
    forged = strict.post(path[:-3] + "abc")
    assert "This link is not valid." in forged.get_data(as_text=True)
    assert strict.post("/account/mail", data={"mail-frequency": "off"}).status_code == 400  # CSRF still guards the rest


def test_the_settings_page_sets_the_frequency(login, users):
    client = login(users["fan"])
    page = client.get("/account").get_data(as_text=True)
    assert "A daily digest" in page and '<option selected value="daily">' in page
    assert client.post("/account/mail", data={"mail-frequency": "each"}).status_code == 302
    assert db.session.get(User, users["fan"].id).mail_frequency == "each"
    assert client.post("/account/mail", data={"mail-frequency": "hourly"}).status_code == 200  # refused, shown
    assert db.session.get(User, users["fan"].id).mail_frequency == "each"


def test_a_refused_address_is_not_mailed_and_the_settings_say_why(app, login, challenge, users):
    voter = factories.user("voter")
    refused = update(User).where(User.id == voter.id).values(mail_refused="550 5.1.1 No such mailbox")
    factories.door(db.session.execute, refused)
    idea = factories.solution(users["fan"], challenge)
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "")
    digests.send("daily")
    assert mail.sent("voter@example.com") == []
    assert "550 5.1.1 No such mailbox" in login(voter).get("/account").get_data(as_text=True)
    assert db.session.execute(db.select(Notification).filter_by(user_id=voter.id)).first() is not None
