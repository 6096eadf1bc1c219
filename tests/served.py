"""The forum as it is served, for tests that need its real processes: gunicorn with gunicorn.conf.py
(and the job consumer when asked) on a throwaway instance folder and database.

    from tests.served import served_fixture

    forum = served_fixture(workers=4, settings={"RATELIMIT_POST": "2 per minute"})

    def test_a_fan_reads_the_search_page(forum):
        forum.create_user("fan")
        browser = forum.browser()
        assert browser.log_in("fan").status == 302
        assert browser.get("/search?q=drum").status == 200
        token = forum.create_token("fan")
        assert forum.api("GET", "/communities", token=token).status == 200

or, outside a fixture, `with served_forum(workers=2) as forum: ...`.

The database is a SQLite file in the instance folder, or a fresh PostgreSQL schema, dropped
afterwards, when COCREATE_TEST_DATABASE_URL is set (as for the rest of the suite). The processes
inherit the caller's environment with the instance folder, the database, the secret key and the
search index pointed inside the throwaway folder; other COCREATE_* variables pass through, so
`COCREATE_RATELIMIT_STORAGE_URI=memory:// pytest ...` serves with per-worker counters. `settings`
override both (values that are not strings are sent as JSON, which the forum parses).

Without the consumer, enqueued jobs (indexing, notifications) wait in the queue.
"""

import contextlib
import functools
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _test_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The virtualenv running the tests; `make test` and .ci/run use the project's .venv.
BIN = os.path.dirname(sys.executable)
PASSWORD = "served password 1"
# A ceiling, not a measure: on a busy 2-core machine four workers and a consumer took up to a minute.
START_SECONDS = 120
STOP_SECONDS = 15
COMMAND_SECONDS = 120
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict
    text: str

    def json(self):
        return json.loads(self.text)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back as they are: a test wants to see the redirect, not follow it."""

    def redirect_request(self, *args, **kwargs):
        return None


class _FromAddress(urllib.request.HTTPHandler):
    """Connect from a given local address: on Linux any of 127.0.0.0/8 reaches a server on 127.0.0.1,
    so one machine can stand in for visitors from many addresses."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), req)


def _opener(*handlers):
    # No proxy from the environment: the forum is on this machine.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects, *handlers)


def _open(opener, request):
    """Send `request` on a connection of its own (urllib does not keep connections alive)."""
    try:
        with opener.open(request, timeout=30) as answer:
            return Response(answer.status, dict(answer.headers), answer.read().decode())
    except urllib.error.HTTPError as answer:
        with answer:
            return Response(answer.code, dict(answer.headers), answer.read().decode())


class Browser:
    """A visitor with a cookie jar: reads pages, logs in, and posts forms with its CSRF token.

    Every request goes on a new connection, so gunicorn may give each to another worker; `address`
    is the local address to connect from (127.0.0.2, ...), for limits kept per address.
    """

    def __init__(self, url, address=None):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if address:
            handlers.append(_FromAddress(address))
        self.opener = _opener(*handlers)
        self.csrf_token = None

    def get(self, path, headers=None):
        return _open(self.opener, urllib.request.Request(self.url + path, headers=headers or {}))

    def post(self, path, data, headers=None):
        """POST a form, with the CSRF token of this browser's session (read from /login at first)."""
        if self.csrf_token is None:
            self.refresh_csrf_token()
        body = urllib.parse.urlencode({**data, "csrf_token": self.csrf_token}).encode()
        return _open(self.opener, urllib.request.Request(self.url + path, data=body, headers=headers or {}))

    def refresh_csrf_token(self, path="/login"):
        page = self.get(path)
        match = CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status})"
        self.csrf_token = match.group(1)

    def log_in(self, login, password=PASSWORD):
        """Log in through the form; returns its answer (302 when it worked)."""
        response = self.post("/login", {"login": login, "password": password})
        if response.status == 302:
            self.refresh_csrf_token("/account")  # the session is new
        return response


@dataclass
class ServedForum:
    """A running forum: its base URL, the environment its processes run with, its instance folder."""

    url: str
    env: dict
    instance_path: str
    database_uri: str
    log_path: str
    _processes: list = field(default_factory=list, repr=False)

    def flask(self, *args):
        """Run `flask --app app ARGS` against this forum; returns its output, raises if it fails."""
        return _flask(self.env, *args)

    def create_user(self, name, role="fan", password=PASSWORD, email=None, community=None):
        args = ["create-user", name, "--email", email or f"{name}@example.com", "--password", password, "--role", role]
        self.flask(*args, *(["--community", community] if community else []))

    def create_token(self, name):
        """A new API token for user `name`."""
        return self.flask("create-token", name).strip()

    def browser(self, address=None):
        """A new visitor (Browser), connecting from `address` if given."""
        return Browser(self.url, address)

    def api(self, method, path, body=None, token=None):
        """Call the JSON API (`path` under /api/v1) on a connection of its own."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(f"{self.url}/api/v1{path}", data=data, headers=headers, method=method)
        return _open(_opener(), request)

    def query(self, sql, **params):
        """Rows of a SQL query on the forum's database, read beside the running processes."""
        engine = create_engine(self.database_uri)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()

    def kill(self):
        """Stop this forum at once, as a machine that loses power: SIGKILL to every process group."""
        for process in self._processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def log(self):
        """What the processes have written so far (gunicorn's log and the app's request lines)."""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


@contextlib.contextmanager
def served_forum(workers=4, threads=None, consumer=False, settings=None):
    """Migrate a throwaway forum, serve it with gunicorn (`workers` processes), yield a ServedForum,
    and stop every process it started (their process groups too) and remove it all on exit."""
    with tempfile.TemporaryDirectory(prefix="cocreate-served-") as tmp:
        instance = os.path.join(tmp, "instance")
        os.makedirs(instance)
        database_uri, drop_database = _test_database(instance)
        env = _environment(instance, database_uri, workers, threads, settings or {})
        try:
            _flask(env, "db", "upgrade")
            # As `make run` does: the index exists before the forum serves (/healthz says so).
            _flask(env, "search", "drain")
            with _serving(env, instance, database_uri, os.path.join(tmp, "served.log"), consumer) as forum:
                yield forum
        finally:
            drop_database()


@contextlib.contextmanager
def served_nodes(count=2, workers=2, settings=None):
    """`count` forums on one database and one Redis, as machines of one deployment: each node with
    its own instance folder, port, gunicorn and consumer, all with one secret key. Yields the
    ServedForum of each; node.kill() stops one at once (SIGKILL, web and consumer)."""
    with tempfile.TemporaryDirectory(prefix="cocreate-nodes-") as tmp:
        database_uri, drop_database = _test_database(tmp)
        redis_url = f"redis://127.0.0.1:6379/{secrets.randbelow(14) + 1}"
        shared = {"SECRET_KEY": secrets.token_hex(32), "REDIS_URL": redis_url, **(settings or {})}
        envs = []
        for number in range(count):
            instance = os.path.join(tmp, f"node{number}")
            os.makedirs(instance)
            envs.append(_environment(instance, database_uri, workers, None, shared))
        try:
            _flush_redis(redis_url)
            _flask(envs[0], "db", "upgrade")
            with contextlib.ExitStack() as stack:
                nodes = [
                    stack.enter_context(
                        _serving(
                            env, env["COCREATE_INSTANCE_PATH"], database_uri, os.path.join(tmp, f"node{n}.log"), True
                        )
                    )
                    for n, env in enumerate(envs)
                ]
                yield nodes
        finally:
            _flush_redis(redis_url)
            drop_database()


def _flush_redis(url):
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@contextlib.contextmanager
def _serving(env, instance, database_uri, log_path, consumer):
    port = _free_port()
    forum = ServedForum(f"http://127.0.0.1:{port}", env, instance, database_uri, log_path)
    try:
        with open(forum.log_path, "ab") as log:
            # No control socket: every gunicorn's default is the same ~/.gunicorn/gunicorn.ctl,
            # which a served test would take from `make run` or another test's server.
            command = [os.path.join(BIN, "gunicorn"), "--config", "gunicorn.conf.py", "--no-control-socket"]
            forum._processes.append(_start([*command, "--bind", f"127.0.0.1:{port}", "app:app"], env, log))
            if consumer:
                forum._processes.append(_start([os.path.join(BIN, "flask"), "--app", "app", "worker"], env, log))
        _wait_until_healthy(forum)
        yield forum
    finally:
        for process in forum._processes:
            _stop(process)


def served_fixture(scope="module", **options):
    """A pytest fixture serving a forum with served_forum(**options), e.g. `forum = served_fixture()`."""

    @pytest.fixture(scope=scope)
    def served():
        with served_forum(**options) as forum:
            yield forum

    return served


def _environment(instance, database_uri, workers, threads, settings):
    env = dict(os.environ)
    # Cheap password hashes unless the caller's environment asks for others: users are made often.
    env.setdefault("COCREATE_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    env.update(
        {
            "COCREATE_INSTANCE_PATH": instance,
            "COCREATE_SQLALCHEMY_DATABASE_URI": database_uri,
            "COCREATE_SECRET_KEY": secrets.token_hex(32),
            "COCREATE_SEARCH_INDEX_DIR": os.path.join(instance, "search-index"),
            "WEB_CONCURRENCY": str(workers),
        }
    )
    if threads is not None:
        env["GUNICORN_THREADS"] = str(threads)
    for name, value in settings.items():
        env[f"COCREATE_{name}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def _flask(env, *args):
    result = subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def _start(command, env, log):
    # A session of its own: stopping it reaches every process it forks, and Ctrl-C in the
    # terminal running the tests does not reach it behind our back.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_until_healthy(forum):
    deadline = time.monotonic() + START_SECONDS
    while True:
        for process in forum._processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited ({process.returncode}):\n{forum.log()[-5000:]}")
        with contextlib.suppress(OSError), _opener().open(forum.url + "/healthz", timeout=2) as answer:
            if answer.status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the forum did not answer /healthz in {START_SECONDS} s:\n{forum.log()[-5000:]}")
        time.sleep(0.05)  # between polls


def _stop(process):
    """SIGTERM to the process (gunicorn stops its workers gracefully), then SIGKILL what is left of
    its group. It is waited for without being reaped (WNOWAIT), so its id, which names the group,
    cannot pass to another process before the group is killed."""
    if process.returncode is None:
        process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
            time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
