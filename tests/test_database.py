"""The engine as configured: SQLite pragmas, BEGIN IMMEDIATE under concurrency, 503 when down."""

import multiprocessing
import os
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from forum import create_app
from forum.communities.models import Community
from forum.extensions import db
from forum.transaction import WriteOutsideUnit, unit_of_work
from tests import concurrency, factories

sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("COCREATE_TEST_DATABASE_URL")), reason="SQLite's locking; PostgreSQL has its own"
)


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


@sqlite_only
def test_sqlite_pragmas(app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@sqlite_only
def test_a_unit_of_work_holds_the_lock_from_its_start_and_reads_outside_it_do_not(app):
    """Reads before a door's unit (the session's user, a token) leave the lock free; the unit
    takes it at its start, and from then on sees what another writer committed in between."""
    community = factories.community()
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with app.test_request_context("/api/v1/solutions/1/vote", method="PUT"):
        assert db.session.execute(db.select(Community.name)).scalar() == community.name
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the lock is free while the request only reads
        other.execute("UPDATE community SET name = 'Renamed meanwhile'")
        other.execute("COMMIT")
        with unit_of_work():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert db.session.execute(db.text("SELECT name FROM community")).scalar() == "Renamed meanwhile"
        other.execute("BEGIN IMMEDIATE")  # the unit committed: the lock is free again
        other.execute("ROLLBACK")
        other.close()


def test_units_do_not_nest(app):
    with unit_of_work(), pytest.raises(RuntimeError, match="outermost"), unit_of_work():
        pass


def test_a_get_that_writes_is_refused(app):
    community = factories.community()
    with app.test_request_context("/", method="GET"):
        db.session.get(Community, community.id).name = "Changed by a read"
        with pytest.raises(WriteOutsideUnit):
            db.session.flush()
        db.session.rollback()
    assert db.session.get(Community, community.id).name == community.name


@sqlite_only
def test_concurrent_read_then_write_transactions_neither_fail_nor_lose_updates(app):
    community = factories.community()
    community.description = "0"
    community_id = community.id
    # Outside a request this session writes, so it must not hold a transaction open meanwhile.
    db.session.commit()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        failures = pool.starmap(concurrency.increment_description, [(uri, community_id, 50)] * 8)
    assert sum(failures) == 0
    assert db.session.get(Community, community_id).description == "400"


def test_database_down_gives_503_and_recovers_without_restart(tmp_path, make_app):
    missing_dir = tmp_path / "not-yet"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing_dir / 'forum.db'}", SEARCH_BACKEND="whoosh")
    client = app.test_client()

    response = client.get("/c/", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    body = response.get_data(as_text=True)
    assert "论坛暂时无法访问" in body and "Traceback" not in body

    api = client.get("/api/v1/anything")
    assert api.status_code in (404, 503)

    missing_dir.mkdir()
    with app.app_context():
        upgrade()
    assert client.get("/c/").status_code == 200


def test_unreachable_postgresql_gives_503(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    response = app.test_client().get("/c/")
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)


@sqlite_only
def test_read_only_database_gives_503_on_write(app, tmp_path):
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    read_only = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 64,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true",
        },
        instance_path=str(tmp_path),
    )
    client = read_only.test_client()
    assert client.get("/c/").status_code == 200
    response = client.post(
        "/register",
        data={"username": "reader", "email": "r@example.com", "password": "long enough!", "confirm": "long enough!"},
    )
    assert response.status_code == 503
