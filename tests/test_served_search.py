"""Search is right on every worker, at every moment, with the forum served as `make run` serves it:
gunicorn with gunicorn.conf.py (four workers) and a job consumer that indexes after each commit.

Every request goes on a connection of its own, so the workers share them; posts, comments, edits
and hides are interleaved with visitors' searches, which must never fail, never list a document
twice and never show what staff have hidden, while everything new is found once indexed.
"""

import os
import re
import signal
import time
import urllib.parse

from whoosh import index as whoosh_index

from tests.served import BIN, _start, _stop, served_fixture, served_forum

# How long the consumer may take to index a change before the test calls it lost. The goal is
# 2 s; this is a bound on correctness on a loaded machine, not a measure of speed.
INDEXED_WITHIN_SECONDS = 30

forum = served_fixture(workers=4, consumer=True, settings={"RATELIMIT_ENABLED": False})


def _setup(forum, slug):
    forum.create_user(f"{slug}_admin", role="admin")
    forum.create_user(f"{slug}_fan")
    admin, fan = forum.create_token(f"{slug}_admin"), forum.create_token(f"{slug}_fan")
    assert forum.api("POST", "/communities", {"slug": slug, "name": slug.title()}, admin).status == 201
    challenge = forum.api("POST", f"/communities/{slug}/challenges", {"title": "Drum smells", "body": "Why?"}, admin)
    assert challenge.status == 201, challenge.text
    return admin, fan, challenge.json()["id"]


def _search(forum, words):
    response = forum.api("GET", "/search?" + urllib.parse.urlencode({"q": words}))
    assert response.status < 500, response.text
    assert response.status == 200, response.text
    return response.json()["items"]


def _solution_of(item):
    """The solution a result belongs to: itself, or the one a comment is on (from its URL)."""
    if item["type"] == "solution":
        return item["id"]
    match = re.search(r"/solutions/(\d+)", item["url"])
    return int(match.group(1)) if match else None


def _found_within(forum, words, solution_id, seconds=INDEXED_WITHIN_SECONDS):
    """Seconds until a search for `words` lists the solution, or None if it never does."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if any(item["type"] == "solution" and item["id"] == solution_id for item in _search(forum, words)):
            return time.monotonic() - started
        time.sleep(0.05)  # between polls of a condition with a deadline
    return None


def test_posts_edits_and_hides_interleaved_with_searches_across_workers(forum):
    admin, fan, challenge = _setup(forum, "haier")
    posted, hidden, searches, latencies = {}, set(), 0, []
    for n in range(40):
        word = f"zebra{n}x"
        made = forum.api(
            "POST",
            f"/challenges/{challenge}/solutions",
            {"title": f"Drum idea {word}", "body": f"Clean the drum gap, {word}."},
            fan,
        )
        assert made.status == 201, made.text
        solution = made.json()["id"]
        posted[solution] = word
        comment = forum.api("POST", f"/solutions/{solution}/comments", {"body": f"A drum remark on {word}"}, fan)
        assert comment.status == 201, comment.text
        if n % 3 == 0:
            edited = forum.api("PATCH", f"/solutions/{solution}", {"title": f"Edited drum idea {word}"}, fan)
            assert edited.status == 200, edited.text
        if n % 5 == 2:
            # Hide one posted a moment ago: its documents are in the index, or about to be.
            target = sorted(set(posted) - hidden)[-2]
            assert forum.api("PATCH", f"/solutions/{target}", {"hidden": True}, admin).status == 200
            hidden.add(target)
        for words in ("drum", word, posted[min(posted)], "drum gap", "remark", "drum idea"):
            items = _search(forum, words)
            searches += 1
            keys = [(item["type"], item["id"]) for item in items]
            assert len(keys) == len(set(keys)), f"a document listed twice for {words!r}: {keys}"
            shown_hidden = {_solution_of(item) for item in items} & hidden
            assert not shown_hidden, f"hidden solutions {shown_hidden} shown to a visitor for {words!r}"
        latencies.append(_found_within(forum, word, solution) if solution not in hidden else 0.0)
    assert None not in latencies, f"new solutions never found: {latencies}\n{_not_requests(forum.log())}"

    # Everything still public is found by its word; every hidden one is gone.
    for solution, word in posted.items():
        items = _search(forum, word)
        searches += 1
        listed = [item["id"] for item in items if item["type"] == "solution"]
        assert listed.count(solution) == (0 if solution in hidden else 1), (word, items)
    assert searches >= 250
    log = forum.log()
    assert "Traceback" not in log and " 500 " not in log, log[-3000:]
    print(f"{searches} searches; slowest new solution found after {max(latencies):.2f} s")


def _not_requests(log):
    return "\n".join(line for line in log.splitlines() if "forum.request" not in line)[-5000:]


def _index_keys(instance):
    ix = whoosh_index.open_dir(os.path.join(instance, "search-index"))
    with ix.searcher() as searcher:
        return [fields["key"] for fields in searcher.all_stored_fields()]


def _queued(forum):
    return forum.query("SELECT count(*) FROM search_queue")[0][0]


def _consumer(forum, log):
    return _start([os.path.join(BIN, "flask"), "--app", "app", "worker"], forum.env, log)


def test_a_consumer_killed_while_indexing_loses_nothing_and_indexes_nothing_twice():
    with served_forum(workers=2, consumer=False, settings={"RATELIMIT_ENABLED": False}) as forum:
        _admin, fan, challenge = _setup(forum, "xiaomi")
        ids = []
        for n in range(400):
            body = {"title": f"Battery idea {n}", "body": f"Charge it slowly, variant q{n}z."}
            made = forum.api("POST", f"/challenges/{challenge}/solutions", body, fan)
            assert made.status == 201, made.text
            ids.append(made.json()["id"])
        assert _queued(forum) >= 400
        with open(forum.log_path, "ab") as log:
            first = _consumer(forum, log)
            deadline = time.monotonic() + INDEXED_WITHIN_SECONDS
            while _queued(forum) >= 400 and time.monotonic() < deadline:
                time.sleep(0.01)  # until the first batch is done: the drain is under way
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            left = _queued(forum)
            second = _consumer(forum, log)
            try:
                deadline = time.monotonic() + INDEXED_WITHIN_SECONDS
                while _queued(forum) and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert _queued(forum) == 0
            finally:
                _stop(second)
        keys = _index_keys(forum.instance_path)
        solutions = [key for key in keys if key.startswith("solution:")]
        assert len(solutions) == len(set(solutions)), "a document indexed twice"
        assert set(solutions) == {f"solution:{n}" for n in ids}
        print(f"killed with {left} of {len(ids) + 1} changes still queued")


def _workers_of(master_pid):
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as children:
        return [int(pid) for pid in children.read().split()]


def test_a_web_worker_killed_during_posts_loses_nothing_it_acknowledged(forum):
    import concurrent.futures

    _admin, fan, challenge = _setup(forum, "midea")
    master = forum._processes[0].pid

    def post(n):
        body = {"title": f"Fridge idea {n}", "body": f"Keep it cold, variant k{n}w."}
        try:
            answer = forum.api("POST", f"/challenges/{challenge}/solutions", body, fan)
        except OSError:  # the worker died with the request: not acknowledged
            return n, None
        return n, answer.json()["id"] if answer.status == 201 else None

    acknowledged, killed = {}, 0
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(post, n) for n in range(80)]
        for done, future in enumerate(concurrent.futures.as_completed(futures)):
            n, solution = future.result()
            if solution is not None:
                acknowledged[solution] = n
            if done % 20 == 5:
                os.kill(_workers_of(master)[0], signal.SIGKILL)
                killed += 1
    assert killed and acknowledged
    stored = dict(forum.query("SELECT id, title FROM solution WHERE challenge_id = :c", c=challenge))
    for solution, n in acknowledged.items():
        assert stored.get(solution) == f"Fridge idea {n}"
    # Whatever was stored was stored whole: the kept count matches the rows.
    (count,) = forum.query("SELECT solution_count FROM challenge WHERE id = :c", c=challenge)[0]
    assert count == len(stored)
    for solution in list(acknowledged)[:10]:
        assert _found_within(forum, f"k{acknowledged[solution]}w", solution) is not None
