"""The unread badge, opening a notification, marking all read, and privacy."""

from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import comments, follows
from tests import factories


def test_badge_open_and_mark_all_read(app, community, users, login):
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    factories.door(follows.add_follow, users["fan"], challenge)
    # Two items, so two entries (news of one kind on one item is one entry).
    factories.door(comments.add_comment, users["product"], challenge, "On the challenge")
    factories.door(comments.add_comment, users["product"], challenge, "On the idea", solution=solution)
    fan = login(users["fan"])
    home = fan.get("/").get_data(as_text=True)
    assert 'class="unread-badge" aria-hidden="true">2<' in home

    first = db.session.execute(
        db.select(Notification).filter_by(user_id=users["fan"].id, solution_id=solution.id)
    ).scalar_one()
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


def test_unread_news_of_one_kind_on_one_idea_is_one_entry_counted_once(app, community, users, login):
    # One fan's 15 comments on an idea gave its author 15 identical entries.
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["fan"], challenge, title="Mesh filter")
    lin = factories.user("lin_wei")
    for n in range(15):
        factories.door(comments.add_comment, lin, challenge, f"Thought {n}", solution=idea)
    page = login(users["fan"]).get("/notifications/").get_data(as_text=True)
    assert page.count("commented") == 1 and "lin_wei commented 15 times on “Mesh filter”" in page
    assert db.session.get(type(users["fan"]), users["fan"].id).unread_notifications == 1

    others = [factories.user(f"fan{n}") for n in range(3)]
    for other in others:
        factories.door(comments.add_comment, other, challenge, "Me too", solution=idea)
    page = login(users["fan"]).get("/notifications/").get_data(as_text=True)
    assert "fan2 and 3 others commented on “Mesh filter”" in page  # the latest, and who else
    [entry] = db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).scalars().all()
    assert entry.count == 18 and entry.comment.body == "Me too"  # opening it goes to the latest
    db.session.rollback()
    assert db.session.get(type(users["fan"]), users["fan"].id).unread_notifications == 1

    factories.door(services_mark_all_read, users["fan"])
    factories.door(comments.add_comment, lin, challenge, "After reading", solution=idea)
    rows = db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).scalars().all()
    assert len(rows) == 2  # what was read stays; the new comment starts a new entry
    assert db.session.get(type(users["fan"]), users["fan"].id).unread_notifications == 1


def services_mark_all_read(user):
    from forum.notifications import services

    services.mark_all_read(db.session.get(type(user), user.id))
