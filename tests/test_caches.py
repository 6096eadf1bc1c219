"""The caches together (forum/caching.py): pages are the same with them as without, a change
committed by one worker is never served from another's kept pages, kept pages cost no database
query, and Redis shares pages between nodes when it is configured."""

import os
import re
import secrets

import pytest
from sqlalchemy import event

from forum import caching, fragments, pagecache
from forum.extensions import db
from forum.solutions import comments, votes
from forum.solutions.models import Comment
from tests import factories

REDIS_URL = os.environ.get("COCREATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF_TOKEN = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]+"')
# The forms of actions that are hard to undo ask first (forum/confirm.py); these say yes.
CONFIRMED = {"confirmed": "1"}


@pytest.fixture
def forum(users, community):
    """A challenge with several ideas (tags, a vote, comments with a reply, a removed comment)."""
    challenge = factories.challenge(users["staff"], community, title="Lint on dark clothes")
    ideas = [
        factories.solution(factories.user(f"maker{n}"), challenge, title=f"Idea {n}", tags=f"lint, tag{n}")
        for n in range(4)
    ]
    votes.cast_vote(users["fan"], ideas[0])
    first = comments.add_comment(users["fan"], challenge, "Would a mesh clog?", solution=ideas[0])
    comments.add_comment(users["product"], challenge, "Not if it is rinsed.", solution=ideas[0], parent=first)
    removed = comments.add_comment(users["fan"], challenge, "Wrong thread", solution=ideas[0])
    comments.delete_comment(users["fan"], removed)
    comments.add_comment(users["product"], challenge, "Good problem.")
    db.session.commit()
    return {"challenge": challenge, "ideas": ideas}


def _log_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"login": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return CSRF_TOKEN.sub(r"\1…", response.get_data(as_text=True))


def test_pages_are_the_same_with_the_caches_on_and_off(make_app, forum, community, users):
    on = make_app(PAGE_CACHE_SECONDS=60)
    off = make_app(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SIZE=0)
    idea = forum["ideas"][0]
    urls = ["/", f"/c/{community.slug}", f"/challenges/{forum['challenge'].id}", f"/solutions/{idea.id}"]
    readers = {
        "visitor": (on.test_client(), off.test_client()),
        "fan": (_log_in(on, users["fan"]), _log_in(off, users["fan"])),
        "staff": (_log_in(on, users["staff"]), _log_in(off, users["staff"])),
    }
    for reader, (cached, fresh) in readers.items():
        for url in urls:
            _page(cached, url)  # fills the caches: the second read is the kept page and kept fragments
            assert _page(cached, url) == _page(fresh, url), f"{url} as {reader}"


def test_a_kept_page_costs_no_database_query(make_app, forum):
    app = make_app(PAGE_CACHE_SECONDS=60)
    url = f"/challenges/{forum['challenge'].id}"
    client = app.test_client()
    client.get(url)
    with app.app_context():
        engine = db.engine
    queries = []

    def count(*_args):
        queries.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert "Idea 3" in client.get(url).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert queries == []


@pytest.fixture
def workers(make_app):
    """Two apps on one database and one instance folder, as two gunicorn workers are."""
    return make_app(PAGE_CACHE_SECONDS=60), make_app(PAGE_CACHE_SECONDS=60)


def test_a_hide_committed_by_one_worker_is_not_served_by_another(workers, forum, users):
    one, other = workers
    idea = forum["ideas"][1]
    list_url, idea_url = f"/challenges/{forum['challenge'].id}", f"/solutions/{idea.id}"
    assert "Idea 1" in _page(other.test_client(), list_url)
    assert "Idea 1" in _page(other.test_client(), idea_url)
    staff = _log_in(one, users["staff"])
    assert staff.post(f"/moderation/solution/{idea.id}/hide", data=CONFIRMED).status_code == 302
    assert "Idea 1" not in _page(other.test_client(), list_url)
    assert other.test_client().get(idea_url).status_code == 404


def test_edits_and_removals_by_one_worker_show_at_once_on_another(workers, forum, users):
    one, other = workers
    idea = forum["ideas"][0]
    idea_url = f"/solutions/{idea.id}"
    page = _page(other.test_client(), idea_url)
    assert "Would a mesh clog?" in page and "Idea 0" in page
    maker = _log_in(one, idea.author)
    edited = maker.post(f"{idea_url}/edit", data={"title": "Idea 0, finer", "body": idea.body, "tags": "lint"})
    assert edited.status_code == 302
    assert "Idea 0, finer" in _page(other.test_client(), idea_url)
    comment = db.session.execute(db.select(Comment).filter_by(body="Would a mesh clog?")).scalar_one()
    assert _log_in(one, users["fan"]).post(f"/comments/{comment.id}/delete", data=CONFIRMED).status_code == 302
    assert "Would a mesh clog?" not in _page(other.test_client(), idea_url)


def _submit(app, user, challenge_id, title):
    response = _log_in(app, user).post(
        f"/challenges/{challenge_id}/solutions/new", data={"title": title, "body": "Rinse it with steam.", "tags": ""}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_new_ideas_and_renamed_authors_show_at_once(workers, forum, users):
    one, other = workers
    list_url = f"/challenges/{forum['challenge'].id}"
    assert "Steam the lint away" not in _page(other.test_client(), list_url)
    _submit(one, factories.user("latecomer"), forum["challenge"].id, "Steam the lint away")
    assert "Steam the lint away" in _page(other.test_client(), list_url)
    author = forum["ideas"][2].author
    author.username = "maker2_renamed"  # as a command on this machine would
    db.session.commit()
    assert "maker2_renamed" in _page(other.test_client(), list_url)


def test_a_vote_keeps_the_kept_pages(make_app, forum, users):
    """A vote moves counts only: visitors may see the old count for PAGE_CACHE_SECONDS, and the
    busiest write does not empty every worker's pages."""
    app = make_app(PAGE_CACHE_SECONDS=60)
    url = f"/challenges/{forum['challenge'].id}"
    kept = _page(app.test_client(), url)
    idea = forum["ideas"][1]
    assert _log_in(app, users["fan"]).post(f"/solutions/{idea.id}/vote", data={"action": "add"}).status_code < 400
    assert votes.count(idea.id) == 1
    assert _page(app.test_client(), url) == kept


def test_the_generation_moves_after_a_commit_not_after_a_rollback(app, forum):
    generation = app.extensions["page_generation"]
    before = generation.lookup("no page")[0]
    forum["ideas"][3].title = "Idea 3, rolled back"
    db.session.flush()
    db.session.rollback()
    assert generation.lookup("no page")[0] == before
    forum["ideas"][3].title = "Idea 3, kept"
    db.session.commit()
    assert generation.lookup("no page")[0] != before


def test_each_commit_moves_the_file_generation_even_past_its_size(tmp_path):
    generation = pagecache.FileGeneration(str(tmp_path / "page-generation"))
    seen = set()
    for _ in range(pagecache.GENERATION_FILE_MAX + 2):
        generation.bump()
        stat = os.stat(generation.path)
        seen.add((stat.st_size, stat.st_mtime_ns))
    assert os.path.getsize(generation.path) < pagecache.GENERATION_FILE_MAX
    assert len(seen) > pagecache.GENERATION_FILE_MAX  # never back to a state kept pages were rendered at


def test_fragment_keys_name_everything_a_card_shows(app, forum, monkeypatch):
    idea = forum["ideas"][0]
    english = fragments.key("solution-card", idea)
    monkeypatch.setattr(fragments, "formatting", lambda: ("zh_Hans", "Asia/Shanghai"))
    assert fragments.key("solution-card", idea) != english
    assert fragments.solution_card_key(idea)[2:] == ("maker0", ("lint", "tag0"), None)
    idea.author.username = "maker0_renamed"
    assert fragments.solution_card_key(idea)[2] == "maker0_renamed"
    challenge = forum["challenge"]
    assert fragments.challenge_card_key(challenge) == (challenge.id, challenge.updated, challenge.current_phase())
    comment = db.session.execute(db.select(Comment).filter_by(deleted=True)).scalar_one()
    assert fragments.comment_key(comment) == (comment.id, comment.edited, True, "fan")


def test_a_full_fragment_cache_makes_room_a_tenth_at_a_time():
    kept = caching.ProcessCache(threshold=100, default_timeout=60)
    for n in range(102):  # the 102nd finds 101 kept, one over: the 11 oldest make way
        kept.set(f"card {n}", n)
    assert len(kept._cache) == 91 and kept.get("card 101") == 101
    assert kept.get("card 10") is None and kept.get("card 11") == 11


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); set COCREATE_TEST_REDIS_URL")
    return redis.Redis.from_url(REDIS_URL)


@pytest.fixture
def nodes(make_app):
    """Two apps sharing a Redis under a prefix of this test's own, as two nodes would."""
    client = _redis_or_skip()
    prefix = f"cocreate-test-{secrets.token_hex(4)}:"
    settings = {"PAGE_CACHE_SECONDS": 60, "REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    # Keep the job queue and the rate limits of these apps where the other tests keep theirs.
    settings.update(JOBS_IMMEDIATE=True, RATELIMIT_STORAGE_URI="memory://")
    yield make_app(**settings), make_app(**settings), client, prefix
    keys = client.keys(f"{prefix}*")
    if keys:
        client.delete(*keys)


def test_with_redis_nodes_share_kept_pages_and_their_generation(nodes, forum, users):
    one, other, redis, prefix = nodes
    assert caching.is_shared(caching.pages, one)
    url = f"/challenges/{forum['challenge'].id}"
    assert "Idea 1" in _page(one.test_client(), url)
    assert redis.exists(f"{prefix}page:en - - {url}?")  # language, browser zone and theme (none), address
    # The page one node rendered is the page the other serves, with no query of its own.
    db.session.execute(db.text("UPDATE solution SET title = 'Changed in SQL' WHERE title = 'Idea 1'"))
    db.session.commit()  # behind the app's back: no generation moves
    assert "Idea 1" in _page(other.test_client(), url)
    assert (
        _log_in(one, users["staff"])
        .post(f"/moderation/solution/{forum['ideas'][2].id}/hide", data=CONFIRMED)
        .status_code
        == 302
    )
    assert int(redis.get(f"{prefix}page:generation")) >= 1
    page = _page(other.test_client(), url)
    assert "Idea 2" not in page and "Changed in SQL" in page


def test_an_unreachable_redis_leaves_pages_fresh_and_commits_standing(make_app, forum, users, caplog):
    settings = {"PAGE_CACHE_SECONDS": 60, "REDIS_URL": "redis://127.0.0.1:1/0", "JOBS_IMMEDIATE": True}
    app = make_app(**settings, RATELIMIT_STORAGE_URI="memory://")
    url = f"/challenges/{forum['challenge'].id}"
    assert "Idea 1" in _page(app.test_client(), url)
    _submit(app, factories.user("latecomer"), forum["challenge"].id, "Steam the lint away")
    assert "Steam the lint away" in _page(app.test_client(), url)
    assert "could not move the page generation" in caplog.text
