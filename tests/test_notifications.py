"""The unread badge, opening a notification, marking all read, and privacy."""

from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import comments
from tests import factories


def test_badge_open_and_mark_all_read(app, community, users, login):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    for text in ("One", "Two"):
        comments.add_comment(users["product"], challenge, text, solution=solution)
    fan = login(users["fan"])
    home = fan.get("/").get_data(as_text=True)
    assert 'class="unread-badge" aria-hidden="true">2<' in home

    first = db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).scalars().first()
    response = fan.post(f"/notifications/{first.id}/open")
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/solutions/{solution.id}#comment-")
    assert 'aria-hidden="true">1<' in fan.get("/").get_data(as_text=True)

    fan.post("/notifications/read")
    assert "unread-badge" not in fan.get("/").get_data(as_text=True)
    assert db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id, read=None)).first() is None


def test_someone_elses_notification_is_not_found(app, community, users, login):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    comments.add_comment(users["product"], challenge, "Hi", solution=solution)
    notification = db.session.execute(db.select(Notification)).scalars().first()
    assert login(users["admin"]).post(f"/notifications/{notification.id}/open").status_code == 404


def test_the_actor_is_never_notified_of_their_own_action(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    comments.add_comment(users["fan"], challenge, "Note to self", solution=solution)
    assert db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).first() is None


def test_challenge_followers_hear_of_new_solutions(app, community, users, login):
    challenge = factories.challenge(users["staff"], community)
    factories.solution(users["fan"], challenge, title="Steam it")
    page = login(users["staff"]).get("/notifications/").get_data(as_text=True)
    assert "proposed “Steam it”" in page


def test_a_status_change_leaves_finding_its_voters_to_the_consumer(app, community, users, monkeypatch):
    # The door loaded every voter's and follower's id (20,000 for a popular idea) before answering.
    from sqlalchemy import event

    from forum.notifications import services
    from forum.notifications.models import NotificationOutbox
    from forum.review import status
    from forum.solutions import follows, votes

    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["fan"], challenge)
    voters = [factories.user(f"voter{n}") for n in range(3)]
    for voter in voters:
        factories.door(votes.cast_vote, voter, idea)
    factories.door(follows.add_follow, users["product"], idea)
    held = []
    monkeypatch.setitem(app.extensions, "jobs", type("Held", (), {"immediate": False, "enqueue": held.append})())
    statements = []
    record = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        factories.door(status.change_status, users["staff"], idea, "shortlisted", "On the list")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    loading_ids = [s for s in statements if s.startswith(("SELECT vote.user_id", "SELECT follow.user_id"))]
    assert loading_ids == [] and any("INSERT INTO notification_outbox" in s for s in statements)
    [stored] = db.session.execute(db.select(NotificationOutbox).filter_by(kind="status")).scalars().all()
    assert stored.audience == f"solution.stake:{idea.id}" and stored.recipients == ""

    monkeypatch.undo()
    services.deliver()  # what the consumer runs
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(kind="status")).scalars())
    assert told == {v.id for v in voters} | {users["product"].id, users["fan"].id}  # never the staff who did it
