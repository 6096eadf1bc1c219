"""The staff dashboard: unanswered ideas, median first response, funnel, flags waiting."""

from datetime import timedelta

from forum.extensions import db
from forum.moderation import services as moderation
from forum.review import dashboard, status
from forum.solutions import comments
from forum.solutions.models import Solution
from tests import factories


def test_the_numbers(app, community, users, login):
    challenge = factories.challenge(users["staff"], community, title="Secondary pollution")
    ideas = [factories.solution(factories.user(f"maker{n}"), challenge, title=f"Idea {n}") for n in range(5)]
    for hours, idea in ((2, ideas[0]), (6, ideas[1])):
        db.session.get(Solution, idea.id).created -= timedelta(hours=hours)
    db.session.commit()
    status.change_status(users["staff"], ideas[0], "shortlisted")  # answered 2 h after posting
    comments.add_comment(users["staff"], challenge, "We are looking at this", solution=ideas[1])  # 6 h
    comments.add_comment(users["fan"], challenge, "Me too!", solution=ideas[2])  # a fan: no answer
    status.change_status(users["staff"], ideas[3], "shortlisted")
    status.change_status(users["staff"], ideas[3], "prototyping")
    moderation.raise_flag(users["fan"], ideas[4], "spam")

    board = dashboard.dashboard(users["staff"], community)
    assert [s.title for s in board.unanswered] == ["Idea 2", "Idea 4"]
    assert board.unanswered_count == 2
    assert board.responses_counted == 3
    assert timedelta(hours=1, minutes=59) < board.median_response < timedelta(hours=2, minutes=1)
    assert board.funnels == [
        {"id": challenge.id, "title": "Secondary pollution", "submitted": 5, "shortlisted": 2, "prototyping": 1,
         "prototyped": 0}
    ]  # fmt: skip
    assert board.flags_waiting == 1

    page = login(users["staff"]).get(f"/c/{community.slug}/dashboard").get_data(as_text=True)
    assert "ideas without an answer" in page and "<svg" in page and "Idea 2" in page
    assert login(users["fan"]).get(f"/c/{community.slug}/dashboard").status_code == 403
