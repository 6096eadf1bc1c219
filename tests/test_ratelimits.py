"""Rate limits every worker shares: the SQLite counters, where the settings put them, failed logins
per account and per address, X-Forwarded-For, and a storage that fails."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from flask import Flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from forum import ratelimit_storage, settings
from forum.extensions import limiter
from forum.ratelimit_storage import SQLiteStorage, uri_for
from tests import factories

WRONG = "not the password"


@pytest.fixture
def storage_uri(tmp_path):
    return uri_for(tmp_path / "counters.sqlite")


# Counts "fan" up N times from a storage of its own, starting at a given time, and prints the counts
# it saw. It loads the storage's file alone: importing the forum package would cost seconds.
COUNTING_PROCESS = """
import importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("ratelimit_storage", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
storage = module.SQLiteStorage(sys.argv[2])
time.sleep(max(0, float(sys.argv[4]) - time.time()))
print(json.dumps([storage.incr("fan", 60) for _ in range(int(sys.argv[3]))]))
"""


# The storage


def test_two_storages_on_one_file_share_their_counts(storage_uri):
    first, second = SQLiteStorage(storage_uri), SQLiteStorage(storage_uri)
    assert first.incr("fan", 60) == 1
    assert second.incr("fan", 60) == 2
    assert first.get("fan") == second.get("fan") == 2
    assert time.time() + 58 < second.get_expiry("fan") <= time.time() + 60
    assert second.get("nobody") == 0

    second.clear("fan")
    assert first.get("fan") == 0
    first.incr("a", 60)
    first.incr("b", 60)
    assert second.reset() == 2
    assert first.get("a") == first.get("b") == 0
    assert first.check() and second.check()


def test_limits_finds_the_storage_by_its_scheme_and_counts_a_fixed_window_with_it(storage_uri):
    storage = storage_from_string(storage_uri)
    assert isinstance(storage, SQLiteStorage)
    window = FixedWindowRateLimiter(storage)
    two_a_minute = parse("2 per minute")
    assert [window.hit(two_a_minute, "fan") for _ in range(3)] == [True, True, False]
    assert window.get_window_stats(two_a_minute, "fan").remaining == 0
    assert window.test(two_a_minute, "someone else")


def test_a_count_ends_with_its_window(storage_uri):
    storage = SQLiteStorage(storage_uri)
    storage.incr("fan", 0.3)
    assert storage.incr("fan", 0.3) == 2
    expiry = storage.get_expiry("fan")
    time.sleep(0.35)
    assert storage.get("fan") == 0
    assert storage.incr("fan", 60) == 1  # a new window, with its own expiry
    assert storage.get_expiry("fan") > expiry + 50


def test_rows_of_ended_windows_are_swept_away(storage_uri, monkeypatch):
    monkeypatch.setattr(ratelimit_storage, "SWEEP_SECONDS", 0)  # sweep on every count
    storage = SQLiteStorage(storage_uri)
    storage.incr("old", 0.1)
    time.sleep(0.15)
    storage.incr("new", 60)
    with sqlite3.connect(storage.path) as conn:
        assert conn.execute("SELECT key FROM ratelimit").fetchall() == [("new",)]


def test_increments_from_two_processes_never_lose_a_count(storage_uri):
    start = time.time() + 1  # both count at once, once both have started
    command = [sys.executable, "-c", COUNTING_PROCESS, ratelimit_storage.__file__, storage_uri, "500", str(start)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    seen = [json.loads(process.communicate(timeout=60)[0]) for process in processes]
    # Every increment saw a count no other one saw: none read a count another was writing.
    assert sorted(seen[0] + seen[1]) == list(range(1, 1001))
    assert SQLiteStorage(storage_uri).get("fan") == 1000


def test_a_process_opening_a_new_file_while_another_holds_it_waits_its_turn(storage_uri):
    # Processes starting together race to turn a new file to WAL; the loser used to get "database
    # is locked" on its first count (a 500 to whoever it served), once its busy timeout was out.
    path = storage_uri.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN")
    holder.execute("SELECT * FROM other").fetchall()  # a read lock: no one may change the journal
    release = threading.Timer(0.6, holder.rollback)
    release.start()
    try:
        storage = SQLiteStorage(storage_uri, timeout=0.2)
        assert storage.incr("fan", 60) == 1
    finally:
        release.join()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_counters_live_in_a_file_of_their_own_in_the_instance_folder(app):
    path = os.path.join(app.instance_path, ratelimit_storage.FILE_NAME)
    assert app.config["RATELIMIT_STORAGE_URI"] == uri_for(path)
    assert isinstance(limiter.storage, SQLiteStorage)


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ({}, "sqlite-in-instance"),
        ({"REDIS_URL": "redis://10.0.0.5:6379/0"}, "redis://10.0.0.5:6379/0"),
        ({"REDIS_URL": "redis://10.0.0.5:6379/0", "RATELIMIT_STORAGE_URI": "memory://"}, "memory://"),
    ],
)
def test_redis_when_configured_and_an_explicit_storage_wins(tmp_path, configured, expected):
    # A bare app: building the forum would point the one shared limiter at this storage.
    app = Flask("forum", instance_path=str(tmp_path), instance_relative_config=True)
    settings.load(app, {"SECRET_KEY": "x" * 64, **configured})
    if expected == "sqlite-in-instance":
        expected = uri_for(tmp_path / ratelimit_storage.FILE_NAME)
    assert app.config["RATELIMIT_STORAGE_URI"] == expected


def test_resetting_the_limiter_clears_the_shared_counters(app):
    limiter.storage.incr("fan", 60)
    limiter.reset()
    assert SQLiteStorage(app.config["RATELIMIT_STORAGE_URI"]).get("fan") == 0


def test_a_failing_storage_counts_in_memory_instead_of_answering_500(tmp_path):
    """The forum's settings with a storage that cannot be opened: pages still answer, still limited."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    app.config.from_object("forum.config")
    app.config["RATELIMIT_STORAGE_URI"] = uri_for(tmp_path / "no-such-folder" / "counters.sqlite")
    own = Limiter(get_remote_address, app=app)

    @app.post("/write")
    @own.limit("2 per minute")
    def write():
        return "written"

    @app.post("/login")
    @own.limit("2 per minute", deduct_when=lambda response: response.status_code == 200)
    def login():
        return "refused"

    client = app.test_client()
    assert [client.post("/write").status_code for _ in range(3)] == [200, 200, 429]
    assert [client.post("/login").status_code for _ in range(3)] == [200, 200, 429]


# Failed logins


def _log_in(client, login, password=WRONG, address="10.0.0.1", forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


def test_failed_logins_are_limited_per_account_whatever_the_address(client, users):
    typed = ["fan", "FAN", " fan ", "ｆａｎ"]  # full-width letters too: one account
    for n in range(10):
        assert _log_in(client, typed[n % len(typed)], address=f"10.0.1.{n}").status_code == 200
    assert _log_in(client, "fan", address="10.0.1.100").status_code == 429
    # The email is counted as typed too, apart from the name.
    for n in range(10):
        assert (
            _log_in(client, "Fan@Example.com " if n % 2 else "fan@example.com", address=f"10.0.8.{n}").status_code
            == 200
        )
    assert _log_in(client, "FAN@example.com", address="10.0.8.100").status_code == 429
    # Refused before the password is looked at, so a right guess is no different.
    assert _log_in(client, "fan", factories.PASSWORD, address="10.0.1.101").status_code == 429
    assert _log_in(client, "staff", factories.PASSWORD, address="10.0.1.102").status_code == 302


def test_a_refusal_does_not_tell_whether_the_account_exists(client, users):
    refusals = []
    for name in ("fan", "no-such-fan"):
        for n in range(10):
            _log_in(client, name, address=f"10.0.2.{n}")
        refusals.append(_log_in(client, name, address="10.0.2.200"))
    known, unknown = refusals
    assert known.status_code == unknown.status_code == 429
    assert known.get_data() == unknown.get_data()
    # The same headers too, but for the seconds left in each one's window.
    timing = {"Date", "Retry-After", "X-RateLimit-Reset"}
    assert [h for h in known.headers if h[0] not in timing] == [h for h in unknown.headers if h[0] not in timing]


def test_failed_logins_are_limited_per_address(client, users):
    for n in range(10):
        assert _log_in(client, f"guess{n}", address="10.0.3.1").status_code == 200
    assert _log_in(client, "guess-eleven", address="10.0.3.1").status_code == 429
    assert _log_in(client, "fan", factories.PASSWORD, address="10.0.3.1").status_code == 429
    assert _log_in(client, "fan", factories.PASSWORD, address="10.0.3.2").status_code == 302


def test_successful_logins_do_not_count(client, users):
    for _ in range(12):
        assert _log_in(client, "fan", factories.PASSWORD).status_code == 302


def test_the_token_endpoint_shares_the_login_counters(client, users):
    def token(password, address):
        body = {"username": "Fan", "password": password}
        return client.post("/api/v1/tokens", json=body, environ_base={"REMOTE_ADDR": address})

    assert token(factories.PASSWORD, "10.0.4.1").status_code == 201  # does not count
    for n in range(5):
        assert _log_in(client, "fan", address=f"10.0.4.{10 + n}").status_code == 200
        assert token(WRONG, f"10.0.4.{20 + n}").status_code == 401
    refused = token(factories.PASSWORD, "10.0.4.99")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_requests"


def test_a_token_request_that_is_not_a_login_neither_counts_nor_breaks_the_limits(client, users):
    for body in ([1, 2], {"username": 5, "password": "x"}, "text"):
        response = client.post("/api/v1/tokens", json=body, environ_base={"REMOTE_ADDR": "10.0.5.1"})
        assert response.status_code in (400, 422)
    assert client.post("/api/v1/tokens", json={"username": "fan", "password": factories.PASSWORD}).status_code == 201
    # Still counting in the shared storage, not fallen back to the worker's memory.
    assert limiter.limiter.storage is limiter.storage


# X-Forwarded-For


def test_a_forwarded_for_header_does_not_change_the_address_without_trusted_proxies(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    for n in range(10):
        assert _log_in(client, f"guess{n}", address="10.0.6.1", forwarded_for=f"203.0.113.{n}").status_code == 200
    assert _log_in(client, "guess-eleven", address="10.0.6.1", forwarded_for="198.51.100.7").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_key(make_app, app):
    """The control for the test above: the header is what changes the key once a proxy is trusted."""
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    for n in range(12):
        assert _log_in(proxied, f"guess{n}", address="10.0.7.1", forwarded_for=f"203.0.113.{n}").status_code == 200


def test_the_post_limit_counts_every_way_of_posting_together(app, users, community, login):
    from forum.accounts import tokens

    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["staff"], challenge)
    token = factories.door(tokens.issue_token, users["fan"], "script")[1]
    fan, api = login(users["fan"]), app.test_client()
    ways = [
        lambda n: fan.post(f"/solutions/{idea.id}/comments", data={"body": f"On the idea {n}"}),
        lambda n: fan.post(f"/challenges/{challenge.id}/comments", data={"body": f"On the challenge {n}"}),
        lambda n: api.post(
            f"/api/v1/solutions/{idea.id}/comments", json={"body": f"By script {n}"},
            headers={"Authorization": f"Bearer {token}"},
        ),
    ]  # fmt: skip
    answers = [ways[n % 3](n).status_code for n in range(12)]
    assert answers.count(429) == 2 and 429 not in answers[:10], answers  # 10 a minute in all, not 10 each


def test_edits_draw_on_the_post_limit_too(app, users, community, login):
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["fan"], challenge)
    fan = login(users["fan"])
    answers = [
        fan.post(f"/solutions/{idea.id}/edit", data={"title": f"Edit {n}", "body": "Pictures come with edits too."})
        for n in range(11)
    ]
    statuses = [answer.status_code for answer in answers]
    assert 429 not in statuses[:10] and statuses[10] == 429, statuses
