"""Points from records, levels, badges, leaderboards, profiles, and the rebuild command."""

from datetime import timedelta

import pytest

from forum.extensions import db
from forum.points import services as points
from forum.points.models import PointAward
from forum.review import prototypes, status
from forum.solutions import comments, votes
from tests import factories


@pytest.fixture
def idea(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(factories.user("inventor"), challenge, title="Steam the gap")


def test_posting_alone_earns_nothing_answers_earn_most(app, idea, users):
    inventor = idea.author
    assert points.total(inventor) == 0
    votes.cast_vote(users["fan"], idea)
    votes.cast_vote(users["product"], idea)
    comments.add_comment(users["fan"], idea.challenge, "Nice", solution=idea)
    comments.add_comment(inventor, idea.challenge, "Thanks", solution=idea)  # own comments do not count
    assert points.total(inventor) == 3
    status.change_status(users["staff"], idea, "shortlisted")
    assert points.total(inventor) == 53
    prototypes.promote(users["staff"], idea, [users["staff"]])
    assert points.total(inventor) == 153
    assert points.level(153) == (3, points.LEVELS[2][1])
    assert points.level(153).number == 3 and str(points.level(153).name) == "Maker"
    assert points.badges(inventor)
    votes.withdraw_vote(users["fan"], idea)
    assert points.total(inventor) == 152


def test_a_declined_idea_keeps_only_what_it_earned_from_fans(app, idea, users):
    votes.cast_vote(users["fan"], idea)
    status.change_status(users["staff"], idea, "shortlisted")
    status.change_status(users["staff"], idea, "declined", "Too costly")
    assert points.total(idea.author) == 1


def test_rebuild_gives_the_same_numbers(app, idea, users, runner):
    votes.cast_vote(users["fan"], idea)
    status.change_status(users["staff"], idea, "shortlisted")
    before = points.total(idea.author)
    db.session.execute(db.update(PointAward).values(points=999))  # drift on purpose
    db.session.commit()
    result = runner.invoke(args=["points", "rebuild"])
    assert result.exit_code == 0
    assert points.total(idea.author) == before == 51


def test_vote_awards_added_one_by_one_match_a_rewrite(app, idea, users, monkeypatch):
    """Votes add to the day's award in place; the rows must be what resync writes from the votes."""
    fans = [factories.user(f"fan{n}") for n in range(5)]
    day_one = votes.utcnow()
    for n, fan in enumerate(fans):
        # Two votes on one day, three on the next.
        monkeypatch.setattr(votes, "utcnow", lambda n=n: day_one + timedelta(days=n // 2 and 1))
        votes.cast_vote(fan, idea)
    votes.cast_vote(fans[0], idea)  # again: changes nothing

    def awards():
        rows = db.session.execute(db.select(PointAward.day, PointAward.reason, PointAward.points))
        return sorted(rows.all())

    added = awards()
    points.resync(idea)
    db.session.commit()
    assert added == awards() == [(day_one.date(), "vote", 2), ((day_one + timedelta(days=1)).date(), "vote", 3)]


def test_leaderboards_per_community_and_period(app, idea, users, client, community):
    votes.cast_vote(users["fan"], idea)
    status.change_status(users["staff"], idea, "shortlisted")
    other = factories.community(slug="phones", name="Phones")
    elsewhere = factories.solution(factories.user("phone_fan"), factories.challenge(users["staff"], other))
    votes.cast_vote(users["fan"], elsewhere)
    assert [(u.username, p) for u, p in points.leaderboard()] == [("inventor", 51), ("phone_fan", 1)]
    assert [u.username for u, _ in points.leaderboard(other)] == ["phone_fan"]
    db.session.execute(db.update(PointAward).values(day=(idea.created - timedelta(days=60)).date()))
    db.session.commit()
    assert points.leaderboard(period="month") == []
    page = client.get("/leaderboard", query_string={"community": community.slug}).get_data(as_text=True)
    assert "inventor" in page and "phone_fan" not in page


def test_profile_shows_ideas_points_level_and_badges(app, idea, users, client):
    status.change_status(users["staff"], idea, "shortlisted")
    prototypes.promote(users["staff"], idea, [users["staff"]])
    page = client.get("/u/inventor").get_data(as_text=True)
    assert "150 points" in page and "Level 3" in page and "Opinion leader" in page
    assert "Steam the gap" in page and "Prototyping" in page
