"""Counts on rows are what fans can see: hiding, holding, restoring and approving move them."""

import os
import threading

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.moderation import services as moderation
from forum.solutions import comments, merges, votes
from tests import factories


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community)


@pytest.fixture
def idea(challenge):
    return factories.solution(factories.user("maker"), challenge)


def _reload(*rows):
    db.session.expire_all()
    return [db.session.get(type(row), row.id) for row in rows]


def _comment(author, idea, body="Nice", parent=None):
    return factories.door(comments.add_comment, author, idea.challenge, body, solution=idea, parent=parent)


def test_hiding_a_comment_takes_it_out_of_its_solutions_count_and_restoring_brings_it_back(idea, users):
    comment = _comment(users["fan"], idea)
    assert _reload(idea)[0].comment_count == 1
    factories.door(moderation.hide, users["staff"], comment)
    assert _reload(idea)[0].comment_count == 0
    factories.door(moderation.hide, users["staff"], _reload(comment)[0])  # hidden again: no change
    assert _reload(idea)[0].comment_count == 0
    factories.door(moderation.restore, users["staff"], _reload(comment)[0])
    assert _reload(idea)[0].comment_count == 1


def test_a_hidden_comments_replies_leave_the_count_with_it(idea, users):
    other = factories.user("other")
    parent = _comment(users["fan"], idea)
    first = _comment(other, idea, "Agreed", parent=parent)
    _comment(other, idea, "And more", parent=parent)
    assert _reload(idea)[0].comment_count == 3
    factories.door(moderation.hide, users["staff"], first)  # one reply on its own
    assert _reload(idea)[0].comment_count == 2
    factories.door(moderation.hide, users["staff"], _reload(parent)[0])  # the other reply goes with it
    assert _reload(idea)[0].comment_count == 0
    factories.door(moderation.restore, users["staff"], _reload(first)[0])  # still under a hidden comment
    assert _reload(idea)[0].comment_count == 0
    factories.door(moderation.restore, users["staff"], _reload(parent)[0])
    assert _reload(idea)[0].comment_count == 3


def test_removing_a_hidden_comment_does_not_count_it_out_twice(idea, users):
    comment = _comment(users["fan"], idea)
    _comment(users["fan"], idea, "Second")
    factories.door(moderation.hide, users["staff"], comment)
    factories.door(comments.delete_comment, users["staff"], _reload(comment)[0])
    assert _reload(idea)[0].comment_count == 1
    factories.door(moderation.restore, users["staff"], _reload(comment)[0])  # removed: shows as "removed"
    assert _reload(idea)[0].comment_count == 1


def _at_once(app, work, *args):
    """Run `work(*args)` in two threads at once, each with its own session, as two requests."""
    keys = [(type(arg), arg.id) for arg in args]
    db.session.commit()  # and end the test's read transaction, to see what the threads commit
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with app.test_request_context("/", method="POST"):
            try:
                loaded = [db.session.get(model, key) for model, key in keys]
                loaded[-1].visibility  # noqa: B018 - both read the post before either writes
                barrier.wait()
                factories.door(work, *loaded)
            except Exception as error:  # reported by the test
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    assert errors == []


def test_two_staff_hiding_a_comment_at_once_take_it_out_of_the_count_once(app, idea, users):
    comment = _comment(users["fan"], idea)
    _comment(users["fan"], idea, "Second")
    db.session.commit()
    _at_once(app, moderation.hide, users["staff"], comment)
    assert _reload(idea)[0].comment_count == 1


def test_two_staff_hiding_a_solution_at_once_take_it_out_once(app, challenge, idea, users):
    factories.solution(factories.user("maker2"), challenge, title="Another idea")
    factories.door(votes.cast_vote, factories.user("voter1"), idea)
    db.session.commit()
    _at_once(app, moderation.hide, users["staff"], _reload(idea)[0])
    challenge = _reload(challenge)[0]
    assert [challenge.solution_count, challenge.vote_count] == [1, 0]


def test_hiding_a_solution_takes_it_and_its_votes_out_of_the_challenges_counts(challenge, idea, users):
    other = factories.solution(factories.user("maker2"), challenge, title="Another idea")
    for name in ("voter1", "voter2"):
        factories.door(votes.cast_vote, factories.user(name), idea)
    factories.door(votes.cast_vote, factories.user("voter3"), other)
    assert [_reload(challenge)[0].solution_count, challenge.vote_count] == [2, 3]
    factories.door(moderation.hide, users["staff"], _reload(idea)[0])
    challenge = _reload(challenge)[0]
    assert [challenge.solution_count, challenge.vote_count] == [1, 1]
    factories.door(votes.cast_vote, users["staff"], _reload(idea)[0])  # staff still see it and may vote
    assert [_reload(idea)[0].vote_count, _reload(challenge)[0].vote_count] == [3, 1]
    factories.door(moderation.restore, users["staff"], _reload(idea)[0])
    challenge = _reload(challenge)[0]
    assert [challenge.solution_count, challenge.vote_count] == [2, 4]


def test_held_posts_are_counted_once_approved(app, community, challenge, users):
    community.hold_first_posts = True
    db.session.commit()
    newcomer = factories.user("newcomer")
    held = factories.solution(newcomer, challenge, title="Held idea")
    assert held.visibility == "pending" and _reload(challenge)[0].solution_count == 0
    factories.door(moderation.restore, users["staff"], _reload(held)[0])
    assert _reload(challenge)[0].solution_count == 1
    note = _comment(factories.user("newcomer2"), _reload(held)[0], "First words")
    assert note.visibility == "pending" and _reload(held)[0].comment_count == 0
    factories.door(moderation.restore, users["staff"], _reload(note)[0])
    assert _reload(held)[0].comment_count == 1


def test_reports_that_hide_a_comment_take_it_out_and_dismissing_them_brings_it_back(community, idea, users):
    community.flag_threshold = 1
    db.session.commit()
    comment = _comment(users["fan"], idea)
    factories.door(moderation.raise_flag, factories.user("reporter"), comment, "spam")
    assert _reload(comment)[0].visibility == "hidden" and _reload(idea)[0].comment_count == 0
    factories.door(moderation.dismiss, users["staff"], _reload(comment)[0])
    assert _reload(idea)[0].comment_count == 1


def test_a_merge_recounts_the_challenges_votes_without_hidden_ideas(challenge, idea, users):
    target = factories.solution(factories.user("maker2"), challenge, title="Target")
    hidden = factories.solution(factories.user("maker3"), challenge, title="Hidden")
    factories.door(votes.cast_vote, factories.user("voter1"), idea)
    factories.door(votes.cast_vote, factories.user("voter2"), hidden)
    factories.door(moderation.hide, users["staff"], hidden)
    factories.door(merges.merge, users["staff"], _reload(idea)[0], _reload(target)[0], "same idea")
    assert _reload(challenge)[0].vote_count == 1


def test_the_counts_move_in_sql_so_concurrent_changes_add_up(idea, users):
    """Counts move by UPDATE ... SET n = n + delta (forum.database.increment), never by a value
    written back from Python, and the row is read again under its lock first."""
    comment = _comment(users["fan"], idea)
    db.session.commit()
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).lower())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        factories.door(moderation.hide, users["staff"], _reload(comment)[0])
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    moves = [s.replace(" ", "") for s in statements if s.startswith("update solution set")]
    assert any("comment_count=(solution.comment_count+" in s for s in moves)
    assert any(s.startswith("select comment.visibility") for s in statements)
    if os.environ.get("COCREATE_TEST_DATABASE_URL"):
        assert any(s.startswith("select comment.visibility") and s.endswith("for update") for s in statements)


# -- pages and the API ---------------------------------------------------------------------------


def test_a_visitor_sees_the_count_the_page_lists(app, challenge, idea, users):
    comment = _comment(users["fan"], idea)
    others = [factories.solution(factories.user(f"maker{n}x"), challenge, title=f"Idea {n}") for n in range(2)]
    factories.door(votes.cast_vote, factories.user("voter1"), others[0])
    factories.door(votes.cast_vote, factories.user("voter2"), others[0])
    factories.door(moderation.hide, users["staff"], _reload(comment)[0])
    factories.door(moderation.hide, users["staff"], _reload(others[0])[0])
    visitor = app.test_client()
    page = visitor.get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert "0 comments" in page and "No comments yet." in page and "1 comment<" not in page
    page = visitor.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "2 solutions" in page and page.count('class="solution-card"') == 2
    assert "Idea 0" not in page and "1 comment<" not in page
    home = visitor.get("/").get_data(as_text=True)
    assert "2 solutions" in home and "0 votes" in home


def test_the_api_counts_what_fans_see(app, challenge, idea, users):
    comment = _comment(users["fan"], idea)
    other = factories.solution(factories.user("maker1x"), challenge, title="Another")
    factories.door(moderation.hide, users["staff"], _reload(comment)[0])
    factories.door(moderation.hide, users["staff"], _reload(other)[0])
    visitor = app.test_client()
    assert visitor.get(f"/api/v1/challenges/{challenge.id}").get_json()["solutions"] == 1
    assert visitor.get(f"/api/v1/solutions/{idea.id}").get_json()["comments"] == 0


# -- the migration recounts what is stored ---------------------------------------------------------


@pytest.mark.skipif(bool(os.environ.get("COCREATE_TEST_DATABASE_URL")), reason="a scratch SQLite database")
def test_the_migration_recounts_from_the_rows(make_app, tmp_path):
    import sqlite3

    from flask_migrate import downgrade as migrate_downgrade
    from flask_migrate import upgrade as migrate_upgrade

    from tests.test_content_language import _insert

    path = tmp_path / "counts.db"
    scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with scratch.app_context():
        migrate_upgrade(revision="0031")
        raw = sqlite3.connect(path)
        for uid in (1, 2, 3, 4):
            names = dict.fromkeys(("username", "username_key", "session_token"), f"u{uid}")
            _insert(raw, "user_account", id=uid, email=f"u{uid}@example.com", **names)
        _insert(raw, "community", id=1, slug="c", name="Washers", description="")
        _insert(raw, "challenge", id=1, community_id=1, solution_count=9, vote_count=9, comment_count=9)
        for sid, visibility in ((1, "public"), (2, "hidden"), (3, "pending")):
            _insert(raw, "solution", id=sid, challenge_id=1, community_id=1, visibility=visibility, comment_count=9)
        for uid, sid in ((2, 1), (3, 1), (2, 2), (4, 2)):
            _insert(raw, "vote", solution_id=sid, challenge_id=1, user_id=uid)
        comments_ = [
            (1, 1, None, "public", 0),  # counted
            (2, 1, 1, "public", 0),  # a reply under a public comment: counted
            (3, 1, None, "hidden", 0),  # hidden
            (4, 1, 3, "public", 0),  # under a hidden comment
            (5, 1, None, "public", 1),  # removed
            (6, None, None, "public", 0),  # on the challenge itself: counted there
            (7, None, None, "pending", 0),  # held
        ]
        for cid, sid, parent, visibility, deleted in comments_:
            _insert(
                raw,
                "comment",
                id=cid,
                challenge_id=1,
                solution_id=sid,
                parent_id=parent,
                visibility=visibility,
                deleted=deleted,
                author_id=1,
            )
        raw.commit()
        raw.close()

        def counts():
            with db.engine.connect() as conn:
                ch = conn.execute(db.text("SELECT solution_count, vote_count, comment_count FROM challenge")).one()
                ideas = conn.execute(db.text("SELECT comment_count FROM solution ORDER BY id")).scalars().all()
            return tuple(ch), ideas

        migrate_upgrade(revision="0032")
        assert counts() == ((1, 2, 1), [2, 0, 0])
        migrate_downgrade(revision="0031")  # back to counting all but the removed
        assert counts() == ((3, 4, 2), [4, 0, 0])
        db.engine.dispose()


def test_the_migration_recounts_on_this_database(app, challenge, idea, users):
    """The recount's SQL on the database the suite runs on (PostgreSQL too), from real rows."""
    from flask_migrate import downgrade as migrate_downgrade
    from flask_migrate import upgrade as migrate_upgrade

    parent = _comment(users["fan"], idea)
    _comment(factories.user("other"), idea, "Agreed", parent=parent)
    _comment(users["fan"], idea, "Still here")
    hidden = factories.solution(factories.user("maker2"), challenge, title="Hidden")
    factories.door(votes.cast_vote, factories.user("voter1"), hidden)
    factories.door(votes.cast_vote, factories.user("voter2"), idea)
    factories.door(moderation.hide, users["staff"], _reload(parent)[0])
    factories.door(moderation.hide, users["staff"], _reload(hidden)[0])
    db.session.commit()
    migrate_downgrade(revision="0031")
    db.session.commit()
    counted = _reload(challenge, idea)
    assert [counted[0].solution_count, counted[0].vote_count, counted[1].comment_count] == [2, 2, 3]
    db.session.commit()  # and end the read transaction, to see what the migration wrote
    migrate_upgrade(revision="0032")
    counted = _reload(challenge, idea)
    assert [counted[0].solution_count, counted[0].vote_count, counted[1].comment_count] == [1, 1, 1]
