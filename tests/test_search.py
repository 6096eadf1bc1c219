"""Search in Chinese and English: recall, permissions inside the search, bad queries, the queue,
and a lost or damaged index."""

import multiprocessing
import os
import random
import shutil

import pytest

from forum.extensions import db
from forum.moderation import services as moderation
from forum.search import query, queue
from forum.search.index import index_dir
from forum.search.models import SearchQueue
from forum.solutions import comments
from forum.solutions.models import Solution
from forum.transaction import unit_of_work
from tests import concurrency, factories
from tests.conftest import SEARCH_BACKEND

# Tests of Whoosh's own files, searchers and writer lock; the PostgreSQL backend has its own below.
whoosh_only = pytest.mark.skipif(SEARCH_BACKEND != "whoosh", reason="Whoosh's index files (SEARCH_BACKEND=whoosh)")
postgres_only = pytest.mark.skipif(SEARCH_BACKEND != "postgres", reason="the PostgreSQL backend")


def titles(results):
    return [hit.title for hit in results.hits]


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community, title="洗衣机二次污染 Secondary pollution")


def test_english_stems_and_chinese_words(app, challenge, users):
    factories.solution(users["fan"], challenge, title="A self-cleaning machine", body="Steam after each wash.")
    factories.solution(users["fan"], challenge, title="内桶自清洁", body="彻底解决洗衣机二次污染的问题。")
    factories.solution(users["fan"], challenge, title="Ozone rinse", body="Kills mould in the drawer.")
    factories.solution(users["fan"], challenge, title="Steam 自清洁", body="Mixed text: steam for 自清洁 of the drum.")
    factories.solution(users["fan"], challenge, title="交叉污染", body="内衣外衣分开洗，减少交叉污染。")
    queue.drain()
    assert titles(query.search(users["fan"], "machines", kind="solution")) == ["A self-cleaning machine"]
    # 二次污染 does not match 交叉污染 for sharing 污染; 污染 alone matches both.
    assert titles(query.search(users["fan"], "二次污染", kind="solution")) == ["内桶自清洁"]
    assert set(titles(query.search(users["fan"], "污染", kind="solution"))) == {"内桶自清洁", "交叉污染"}
    assert titles(query.search(users["fan"], "steam 自清洁", kind="solution")) == ["Steam 自清洁"]


def test_snippets_are_highlighted_and_escaped(app, challenge, users):
    factories.solution(users["fan"], challenge, title="Seal", body="A <b>rubber</b> seal keeps the drum gap dry.")
    queue.drain()
    hit = query.search(users["fan"], "rubber").hits[0]
    assert "<mark>rubber</mark>" in hit.snippet and "&lt;/b&gt;" in hit.snippet and "<b>" not in hit.snippet


def test_chinese_snippets_mark_the_words(app, challenge, users):
    factories.solution(users["fan"], challenge, title="内桶", body="彻底解决洗衣机二次污染的问题。")
    queue.drain()
    snippet = query.search(users["fan"], "二次污染").hits[0].snippet
    assert "<mark>" in snippet and "二次" in snippet and "污染" in snippet


def test_snippets_mark_other_forms_of_a_word_and_whole_chinese_words(app, challenge, users):
    factories.solution(users["fan"], challenge, title="Packs", body="Two swappable batteries and a 洗衣机 mode.")
    queue.drain()
    assert "<mark>batteries</mark>" in query.search(users["fan"], "battery").hits[0].snippet
    assert "<mark>洗衣机</mark>" in query.search(users["fan"], "洗衣机").hits[0].snippet


def test_chinese_results_that_say_it_most_come_first(app, challenge, users):
    filler = "每次洗完衣服都要手动清理滤网，" * 10
    once = factories.solution(users["fan"], challenge, title="滤网", body=filler + "顺便减少二次污染。")
    often = factories.solution(users["fan"], challenge, title="二次污染", body="二次污染来自夹层：先解决二次污染。")
    queue.drain()
    assert [hit.id for hit in query.search(users["fan"], "二次污染", kind="solution").hits] == [often.id, once.id]


def test_results_respect_visibility_inside_the_search(app, challenge, users, community):
    spam = factories.solution(factories.user("spammer"), challenge, title="Cheap watches", body="Buy cheap watches")
    factories.solution(users["fan"], challenge, title="Honest watches idea", body="A timer for the cheap cycle")
    factories.door(comments.add_comment, users["product"], challenge, "Those cheap watches again", solution=spam)
    factories.door(moderation.hide, users["staff"], spam)
    queue.drain()
    fan_sees = query.search(users["fan"], "cheap watches")
    assert titles(fan_sees) == ["Honest watches idea"] and fan_sees.total == 1
    assert {h.title for h in query.search(users["staff"], "cheap watches").hits} >= {"Cheap watches"}
    assert "Cheap watches" in titles(query.search(spam.author, "cheap watches"))
    other = factories.community(slug="elsewhere", name="Elsewhere")
    outsider = factories.user("outsider", community_roles={other: "staff"})
    assert "Cheap watches" not in titles(query.search(outsider, "cheap watches"))
    # Field syntax is plain text here: it cannot reach the visibility field.
    for attempt in ("visibility:hidden", "status:hidden", "author:1", "type:solution visibility:hidden"):
        assert "Cheap watches" not in titles(query.search(users["fan"], attempt))


@pytest.mark.parametrize(
    "bad",
    ['"unbalanced', "(open", "close)", "AND", "OR", "NOT", "NOT OR foobar", "x" * 10_000, "\x00\x07\x1b[31m",
     "*", "???", "*:*", "title:", ")(", '""', "AND OR NOT", "a" * 300 + " " + "中" * 300, "🙂" * 50],
)  # fmt: skip
def test_bad_queries_give_a_normal_page(app, challenge, users, client, bad):
    factories.solution(users["fan"], challenge, title="Anything", body="Something")
    queue.drain()
    response = client.get("/search", query_string={"q": bad})
    assert response.status_code == 200
    query.search(users["fan"], bad)  # and never raises


def test_the_search_page_filters_and_pages(app, challenge, users, client, community):
    for n in range(25):
        factories.solution(users["fan"], challenge, title=f"Filter idea {n}", body="lint filter mesh")
    queue.drain()
    page = client.get("/search", query_string={"q": "filter", "type": "solution", "community": community.slug})
    body = page.get_data(as_text=True)
    assert "25 results" in body and "Next page" in body
    second = client.get("/search", query_string={"q": "filter", "page": 2}).get_data(as_text=True)
    assert "Previous page" in second


def test_index_changes_follow_edits_and_deletes(app, challenge, users):
    solution = factories.solution(users["fan"], challenge, title="Before", body="original words")
    comment = factories.door(comments.add_comment, users["product"], challenge, "temporary remark", solution=solution)
    queue.drain()
    from forum.solutions import services

    factories.door(services.edit_solution, users["fan"], solution, "After", "changed words")
    factories.door(comments.delete_comment, users["product"], comment)
    queue.drain()
    assert titles(query.search(users["fan"], "changed")) == ["After"]
    assert query.search(users["fan"], "original").total == 0
    assert query.search(users["fan"], "temporary").total == 0


def test_two_processes_writing_at_once_lose_no_update(app, challenge, users, database_uri):
    challenge_id, author_id = challenge.id, users["fan"].id
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pool.starmap(
            concurrency.post_and_index,
            [(database_uri, index_dir(), challenge_id, author_id, f"worker{n}", 15) for n in range(2)],
        )
    queue.drain()
    found = query.search(users["fan"], "parallel", kind="solution")
    assert found.total == 30


@whoosh_only
def test_a_drain_overtaken_by_another_deletes_no_change_queued_since(app, challenge, users, monkeypatch):
    """Two consumers drain at once: the first reads the queued rows, the second applies and deletes
    them, and a fan's edit is queued (SQLite gives it the id a deleted row had). The first must not
    delete the edit's row with its own, or the edit is never indexed."""
    solution_id = factories.solution(users["fan"], challenge, title="Lint filter", body="a fine mesh").id
    db.session.commit()  # indexed by the job run after the commit
    edited = "Washable lint filter"

    def queue_as_a_web_worker(title=None):
        # A web worker's commit, the job it asks for not run yet.
        with db.engine.begin() as connection:
            if title:
                connection.execute(db.update(Solution).where(Solution.id == solution_id).values(title=title))
            connection.execute(db.insert(SearchQueue).values(key=f"solution:{solution_id}"))

    def drain_as_a_consumer():
        with app.app_context():  # a session of its own
            return queue.drain()

    opened, overtaken = queue._open_or_start_index, []

    def index_of_a_drain_overtaken_once():
        ix = opened()
        writer = ix.writer

        def overtaken_before_writing(**options):
            # The rows are read; before this drain writes them, another one runs and a fan edits.
            if not overtaken:
                overtaken.append(True)
                drain_as_a_consumer()
                queue_as_a_web_worker(title=edited)
            return writer(**options)

        ix.writer = overtaken_before_writing
        return ix

    queue_as_a_web_worker()
    monkeypatch.setattr(queue, "_open_or_start_index", index_of_a_drain_overtaken_once)
    drain_as_a_consumer()
    assert overtaken
    drain_as_a_consumer()  # a later drain (the sweep) cannot make up for a deleted row
    assert titles(query.search(users["fan"], "washable")) == [edited]
    assert not queue.has_pending()


@whoosh_only
def test_a_deleted_index_is_rebuilt_and_search_works_meanwhile(app, challenge, users, runner):
    factories.solution(users["fan"], challenge, title="Drum heater", body="heats the drum")
    queue.drain()
    shutil.rmtree(index_dir())
    degraded = query.search(users["fan"], "heater")
    assert degraded.degraded and titles(degraded) == ["Drum heater"]
    queue.drain()  # notices the missing index, starts a new one and queues everything
    rebuilt = query.search(users["fan"], "heater")
    assert not rebuilt.degraded and titles(rebuilt) == ["Drum heater"]


@whoosh_only
def test_a_damaged_index_is_detected(app, challenge, users):
    factories.solution(users["fan"], challenge, title="Lint trap", body="catches lint")
    queue.drain()
    for name in os.listdir(index_dir()):
        with open(os.path.join(index_dir(), name), "wb") as f:
            f.write(b"garbage")
    assert query.search(users["fan"], "lint").degraded
    queue.drain()
    assert titles(query.search(users["fan"], "lint")) == ["Lint trap"]


@whoosh_only
def test_segments_are_not_compound_files(app, challenge, users, runner):
    """A compound segment is copied into memory whole by every searcher; separate files are not."""
    factories.solution(users["fan"], challenge, title="Seal")
    queue.drain()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    factories.solution(users["fan"], challenge, title="Gasket")
    queue.drain()
    files = os.listdir(index_dir())
    assert files and not [name for name in files if name.endswith(".seg")], files


def test_reindex_command_rebuilds_from_the_database(app, challenge, users, runner):
    factories.solution(users["fan"], challenge, title="Spin dryer", body="faster spin")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert titles(query.search(users["fan"], "spin", kind="solution")) == ["Spin dryer"]


WORDS = ["洗衣机", "二次污染", "内桶", "缓存", "路由器", "电池", "续航", "通知", "相机", "夜景", "滤网", "蒸汽",
         "清洁", "外桶", "排水", "传感器", "软件", "更新", "屏幕", "充电"]  # fmt: skip
FILLER = "的了和是在我有也就都而及与着或一个没有我们你们他们这个那个因为所以如果但是"


def test_chinese_recall_is_at_least_95_percent(app, challenge, users):
    """For each 2-4 character word, the solutions containing it (SQL LIKE, the ground truth) must
    be found by the search, at least 95% of them."""
    rng = random.Random(7)
    bodies = []
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(3, 8)):
            parts.append(rng.choice(WORDS))
            parts.append("".join(rng.choice(FILLER) for _ in range(rng.randint(1, 4))))
        bodies.append("".join(parts))
    author = factories.user("writer")
    from forum.solutions.services import submit_solution

    with unit_of_work():
        for n, body in enumerate(bodies):
            submit_solution(author, challenge, f"方案 {n}", body)
    queue.drain()
    from forum.solutions.models import Solution

    found_total = expected_total = 0
    for word in WORDS:
        expected = set(db.session.execute(db.select(Solution.id).where(Solution.body.like(f"%{word}%"))).scalars())
        hits, page = set(), 1
        while True:
            results = query.search(users["fan"], word, kind="solution", page=page)
            hits |= {h.id for h in results.hits}
            if page >= results.pages:
                break
            page += 1
        found_total += len(expected & hits)
        expected_total += len(expected)
    recall = found_total / expected_total
    assert recall >= 0.95, recall


def test_duplicate_hints_show_similar_solutions_of_the_challenge(app, challenge, users, login, community):
    factories.solution(users["fan"], challenge, title="Steam clean the drum gap", body="A steam nozzle cleans the gap")
    factories.solution(users["fan"], challenge, title="UV light in the seal", body="Ultraviolet kills bacteria")
    elsewhere = factories.challenge(users["staff"], community, title="Another")
    factories.solution(users["fan"], elsewhere, title="Steam for phones?", body="steam steam gap")
    queue.drain()
    hints = query.similar_solutions(users["product"], challenge, "steam the gap between drums")
    assert [h["title"] for h in hints][:1] == ["Steam clean the drum gap"]
    assert "Steam for phones?" not in [h["title"] for h in hints]
    data = login(users["product"]).get(f"/challenges/{challenge.id}/similar", query_string={"q": "steam gap"}).json
    assert data["solutions"][0]["url"].startswith("/solutions/")
    page = (
        login(users["product"])
        .post(f"/challenges/{challenge.id}/solutions/new", data={"title": "Steam the gap", "body": ""})
        .get_data(as_text=True)
    )
    assert "Similar ideas already posted" in page and "Steam clean the drum gap" in page


@whoosh_only
def test_a_searcher_that_opens_as_a_consumer_commits_opens_the_new_generation(app, challenge, users, monkeypatch):
    from forum.search import index

    factories.solution(users["fan"], challenge, title="Drum light", body="A light in the drum.")
    queue.drain()
    real, raced = index._open_lazy_files, []

    def merged_away_once(opened):
        if not raced:
            raced.append(True)
            raise FileNotFoundError("a segment the consumer merged away")
        return real(opened)

    monkeypatch.setattr(index, "_open_lazy_files", merged_away_once)
    index._forget_searcher()
    found = query.search(users["fan"], "drum", kind="solution")
    # Answered by the index (not the plainer database search a failed open falls back to).
    assert raced and not found.degraded and titles(found) == ["Drum light"]


@whoosh_only
def test_drains_wait_while_the_index_is_rebuilt(app, challenge, users, monkeypatch):
    from forum.search import rebuild

    queue.drain()  # the index exists
    factories.solution(users["fan"], challenge, title="Queued during the rebuild")
    during, real = [], rebuild._rebuild

    def with_a_consumer_draining():
        during.append(queue.drain())  # a consumer's drain while the rebuild reads the database
        return real()

    monkeypatch.setattr(rebuild, "_rebuild", with_a_consumer_draining)
    rebuild.rebuild_index()
    assert during == [None]  # it waited its turn: nothing indexed into the old index, no row deleted
    assert titles(query.search(users["fan"], "rebuild", kind="solution")) == ["Queued during the rebuild"]


@postgres_only
def test_postgres_drains_one_consumer_at_a_time_and_each_batch_is_whole(app, challenge, users):
    from sqlalchemy import text

    from forum.search import pg
    from forum.search.models import SearchDocument

    with db.engine.connect() as other, other.begin():  # another consumer draining
        other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": pg.DRAIN_LOCK})
        factories.solution(users["fan"], challenge, title="Held back")  # its own job's drain waits
        assert queue.drain() is None
        assert db.session.execute(db.select(SearchQueue)).first() is not None  # left for its turn
        assert db.session.execute(db.select(SearchDocument).filter_by(kind="solution")).first() is None
        db.session.rollback()
    assert queue.drain() >= 1
    assert db.session.execute(db.select(SearchQueue)).first() is None
    assert db.session.execute(db.select(SearchDocument).filter_by(kind="solution")).scalar_one().title == "Held back"
    assert titles(query.search(users["fan"], "held", kind="solution")) == ["Held back"]


@postgres_only
def test_postgres_reindex_rewrites_every_document(app, challenge, users, runner):
    from forum.search.models import SearchDocument

    factories.solution(users["fan"], challenge, title="吸尘器 一个想法", body="Quiet brushes.")
    queue.drain()
    factories.door(lambda: db.session.execute(db.delete(SearchDocument)))  # lost, as after a restore
    assert query.search(users["fan"], "吸尘器").total == 0
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert titles(query.search(users["fan"], "吸尘", kind="solution")) == ["吸尘器 一个想法"]


def test_a_comment_result_says_which_solution_or_challenge_it_is_on(app, challenge, users, client):
    solution = factories.solution(users["fan"], challenge, title="Steam the drum gap", body="steam")
    factories.door(comments.add_comment, users["product"], challenge, "grommet worries me", solution=solution)
    factories.door(comments.add_comment, users["product"], challenge, "grommet again here")
    queue.drain()
    body = client.get("/search", query_string={"q": "grommet"}).get_data(as_text=True)
    assert "Comment on Steam the drum gap" in body
    assert "Comment on 洗衣机二次污染 Secondary pollution" in body
    zh = client.get("/search", query_string={"q": "grommet"}, headers={"Accept-Language": "zh-CN"})
    assert "对《Steam the drum gap》的评论" in zh.get_data(as_text=True)
