"""The vote rules under concurrent requests, against gunicorn with several worker processes.

Runs on the session's database: SQLite here, PostgreSQL when COCREATE_TEST_DATABASE_URL is set.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.extensions import db
from forum.solutions.models import Solution, Vote
from tests import factories
from tests.conftest import SEARCH_INDEX_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = 4


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(database_uri, base_app):
    port = _free_port()
    env = {
        **os.environ,
        "COCREATE_SQLALCHEMY_DATABASE_URI": database_uri,
        "COCREATE_SECRET_KEY": "concurrency-test-secret-key",
        "COCREATE_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # A load test: Flask-Limiter's own switch, as DESIGN.md says.
        "COCREATE_RATELIMIT_ENABLED": "false",
        "COCREATE_LOG_REQUESTS": "false",
        "COCREATE_SEARCH_INDEX_DIR": os.path.join(os.path.dirname(SEARCH_INDEX_DIR), f"cocreate-gunicorn-index-{port}"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
            break
        except urllib.error.HTTPError:
            break  # it answers; a 503 names a check this test does not need (the search index)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


class Browser:
    """A logged-in fan: a cookie jar and the CSRF token of their session."""

    def __init__(self, url, username):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = self._token("/login")
        self.post("/login", {"login": username, "password": factories.PASSWORD})
        self.token = self._token("/account")

    def _token(self, path):
        page = self.opener.open(self.url + path).read().decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, path, data):
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        request = urllib.request.Request(self.url + path, data=body, headers={"Accept": "application/json"})
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _all_at_once(count, action):
    """Run `action` from `count` threads released together; return their results."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_simultaneous_votes_in_a_budget_of_three_store_exactly_three(app, community, users, server):
    challenge = factories.challenge(users["staff"], community, vote_budget=3)
    author = factories.user("inventor")
    ideas = [factories.solution(author, challenge, title=f"Idea {n}") for n in range(20)]
    ids = [idea.id for idea in ideas]
    challenge_id, fan_id = challenge.id, users["fan"].id
    db.session.commit()
    fan = Browser(server, "fan")

    statuses = _all_at_once(20, lambda i: fan.post(f"/solutions/{ids[i]}/vote", {"action": "add"}))

    assert statuses.count(200) == 3 and statuses.count(422) == 17, statuses
    stored = db.session.execute(db.select(db.func.count()).select_from(Vote).filter_by(user_id=fan_id)).scalar()
    assert stored == 3
    counted = db.session.execute(db.select(db.func.sum(Solution.vote_count)).filter_by(challenge_id=challenge_id))
    assert counted.scalar() == 3


def test_fifty_simultaneous_votes_on_one_solution_store_one(app, community, users, server):
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(factories.user("inventor"), challenge)
    idea_id = idea.id
    db.session.commit()
    fan = Browser(server, "fan")

    statuses = _all_at_once(50, lambda i: fan.post(f"/solutions/{idea_id}/vote", {"action": "add"}))

    assert set(statuses) == {200}, statuses
    assert db.session.execute(db.select(db.func.count()).select_from(Vote)).scalar() == 1
    assert db.session.get(Solution, idea_id).vote_count == 1


def test_many_fans_voting_at_once_lose_no_vote(app, community, users, server):
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(factories.user("inventor"), challenge)
    idea_id = idea.id
    names = [f"voter{n}" for n in range(12)]
    for name in names:
        factories.user(name)
    db.session.commit()
    browsers = [Browser(server, name) for name in names]

    statuses = _all_at_once(len(browsers), lambda i: browsers[i].post(f"/solutions/{idea_id}/vote", {"action": "add"}))

    assert set(statuses) == {200}
    assert db.session.get(Solution, idea_id).vote_count == len(names)
