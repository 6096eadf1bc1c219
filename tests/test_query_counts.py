"""List pages run a fixed number of queries however many rows they show: no N+1."""

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.solutions import comments, votes
from tests import factories


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def _queries(app, client, path):
    client.get(path)  # warm up: first-request work is not per page
    with QueryCounter(db.engine) as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.fixture
def forum(app, community, users):
    """Two challenges: one with 3 solutions, one with 20, with tags, votes and comments."""
    made = {}
    for size in (3, 20):
        challenge = factories.challenge(users["staff"], community, title=f"Challenge of {size}")
        for n in range(size):
            author = factories.user(f"author_{size}_{n}")
            solution = factories.solution(author, challenge, title=f"Idea {n}", tags=f"tag{n}, common")
            votes.cast_vote(users["fan"], solution)
            comments.add_comment(users["product"], challenge, "Nice", solution=solution)
        made[size] = challenge.id
    return made


def test_challenge_page_queries_do_not_grow_with_solutions(app, forum, users, login):
    fan = login(users["fan"])
    small = _queries(app, fan, f"/challenges/{forum[3]}")
    large = _queries(app, fan, f"/challenges/{forum[20]}")
    assert large == small
    assert large <= 15


def test_community_and_home_pages_use_a_fixed_number_of_queries(app, forum, users, community, client, login):
    assert _queries(app, client, f"/c/{community.slug}") <= 6
    assert _queries(app, client, "/") <= 5
    assert _queries(app, login(users["fan"]), "/notifications/") <= 6


def test_solution_page_queries_do_not_grow_with_comments(app, forum, users, login):
    from forum.solutions.models import Solution

    solution_id = db.session.execute(db.select(Solution.id).filter_by(title="Idea 0")).scalars().first()
    fan = login(users["fan"])
    before = _queries(app, fan, f"/solutions/{solution_id}")
    solution = db.session.get(Solution, solution_id)
    for n in range(10):
        comments.add_comment(factories.user(f"talker{n}"), solution.challenge, f"Comment {n}", solution=solution)
    assert _queries(app, fan, f"/solutions/{solution_id}") == before


@pytest.fixture
def seeded(app, runner):
    """A small seed-bench forum: long-tailed, mixed Chinese and English, with votes and comments."""
    args = ["seed-bench", "--communities", "3", "--challenges", "12", "--solutions", "400", "--votes", "3000",
            "--comments", "1200", "--users", "80"]  # fmt: skip
    assert runner.invoke(args=args).exit_code == 0
    from forum.challenges.models import Challenge
    from forum.communities.models import Community
    from forum.solutions.models import Solution

    def first(stmt):
        return db.session.execute(stmt.limit(1)).scalar()

    return {
        "community": first(db.select(Community.slug)),
        "challenge": first(db.select(Challenge.id).order_by(Challenge.solution_count.desc())),
        "solution": first(db.select(Solution.id).order_by(Solution.comment_count.desc())),
    }


# The most queries each page may run on the seeded forum: (for a visitor, for a logged-in fan).
PAGE_LIMITS = {
    "/": (3, 5),
    "/c/{community}": (4, 6),
    "/challenges/{challenge}?sort=hot": (7, 12),
    "/challenges/{challenge}?sort=new": (7, 12),
    "/solutions/{solution}": (9, 14),
    "/search?q=%E6%B4%97%E8%A1%A3%E6%9C%BA": (3, 6),
    "/search?q=battery": (3, 6),
    "/leaderboard": (4, 6),
}


@pytest.mark.parametrize("path", PAGE_LIMITS)
def test_pages_on_the_seeded_forum_stay_under_their_query_limits(app, seeded, users, client, login, path):
    url = path.format(**seeded)
    visitor, fan = PAGE_LIMITS[path]
    assert _queries(app, client, url) <= visitor, url
    assert _queries(app, login(users["fan"]), url) <= fan, url
