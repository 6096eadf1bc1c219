"""Fixtures: one migrated test database per session, emptied between tests; clients per role.

Set COCREATE_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
the suite against PostgreSQL; each session then works in a schema of its own, dropped at the end.
"""

import contextvars
import os
import secrets
import shutil
import tempfile

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from forum import create_app
from forum.extensions import db, limiter
from tests import factories

PG_URL = os.environ.get("COCREATE_TEST_DATABASE_URL")
SEARCH_INDEX_DIR = os.path.join(tempfile.gettempdir(), f"cocreate-test-index-{os.getpid()}")
# The search tests hold for both backends: Whoosh on SQLite, the database's own documents on
# PostgreSQL (COCREATE_TEST_SEARCH_BACKEND=whoosh runs the PostgreSQL suite with Whoosh instead).
SEARCH_BACKEND = os.environ.get("COCREATE_TEST_SEARCH_BACKEND") or ("postgres" if PG_URL else "whoosh")


TEST_PROVIDER = {
    "name": "brand",
    "label": "海尔会员",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    "client_id": "cocreate-tests",
    "client_secret": "not-a-secret",
}


def _test_database(tmp_dir):
    """The session's database URI and the function that removes the database afterwards."""
    if not PG_URL:
        return f"sqlite:///{os.path.join(tmp_dir, 'test.db')}", lambda: None
    schema = f"test_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    uri = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return uri, drop


def _config(database_uri, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "LOG_REQUESTS": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tests post forms directly; the CSRF tests and the browser tests switch it back on.
        "WTF_CSRF_ENABLED": False,
        "SEARCH_INDEX_DIR": SEARCH_INDEX_DIR,
        # Tests check what visitors see right after a change; tests/test_pagecache.py turns it on.
        "PAGE_CACHE_SECONDS": 0,
        # Jobs run right after the commit that asks for them, in the test's process; the tests in
        # tests/test_served_*.py run the forum with its real consumer.
        "JOBS_IMMEDIATE": True,
        # Mail stays in memory (flask_mailman's outbox); tests/test_mail.py talks to a real SMTP server.
        "MAIL_BACKEND": "locmem",
        "SEARCH_BACKEND": SEARCH_BACKEND,
        # One sign-in provider, so the pages that show its button and the routes behind it are in
        # every walk of the URL map (permissions, valid HTML, Chinese, axe). Nothing answers at that
        # address: tests/test_oidc.py signs in against real local providers.
        "OIDC_PROVIDERS": [TEST_PROVIDER],
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose requests run as if from another process.

    Each request gets its own app context (so `g`, the cached user and locale, and the
    database session do not leak from the test or from earlier requests), and the test's
    own session commits first: what the test set up is visible, and no transaction of the
    test's holds SQLite's write lock while the request runs.
    """

    def open(self, *args, **kwargs):
        if has_app_context() and db.session.registry.has():
            db.session.commit()
        return contextvars.Context().run(self._open_and_read, *args, **kwargs)

    def _open_and_read(self, *args, **kwargs):
        # A streamed body (exports) is produced inside the request's own context, as a server would.
        response = super().open(*args, **kwargs)
        response.get_data()
        return response


@pytest.fixture(scope="session")
def session_dir():
    with tempfile.TemporaryDirectory(prefix="cocreate-test-") as tmp:
        yield tmp


@pytest.fixture(scope="session")
def database_uri(session_dir):
    uri, cleanup = _test_database(session_dir)
    yield uri
    cleanup()


@pytest.fixture(scope="session")
def make_app(session_dir, database_uri):
    """Build an app on the session's database with extra settings."""

    def build(**overrides):
        instance = os.path.join(session_dir, "instance")
        app = create_app(_config(database_uri, **overrides), instance_path=instance)
        app.test_client_class = IsolatedClient
        return app

    return build


@pytest.fixture(scope="session")
def base_app(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def app(base_app):
    """The session's app with an empty database and fresh rate-limit counters."""
    with base_app.app_context():
        limiter.reset()
        base_app.extensions["fragments"].clear()  # ids start again at 1 in the emptied tables
        base_app.extensions["mailman"].outbox = []  # what the test's mails are read from
        yield base_app
        db.session.remove()
        _empty_tables()
        shutil.rmtree(SEARCH_INDEX_DIR, ignore_errors=True)


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def community(app):
    return factories.community(slug="haier-washers", name="海尔洗衣机 · Haier Washers")


@pytest.fixture
def users(app, community):
    """One user of every role; staff and product team belong to `community`."""
    return {
        "fan": factories.user("fan"),
        "staff": factories.user("staff", community_roles={community: "staff"}),
        "product": factories.user("product", site_role="product"),
        "admin": factories.user("admin", site_role="admin"),
    }


@pytest.fixture
def login(app):
    """Return a test client logged in as the given user."""

    def log_in(user, remember=False):
        client = app.test_client()
        response = client.post(
            "/login",
            data={"login": user.username, "password": factories.PASSWORD, "remember": "y" if remember else ""},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return log_in
