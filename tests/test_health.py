"""/healthz: it commits a write and opens the search index, and names the one that failed."""

import os
import shutil

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.health import HealthProbe
from forum.search import index
from tests.conftest import SEARCH_BACKEND


@pytest.fixture
def search_index(app):
    index.open_index()  # an empty index, as `flask search drain` leaves one
    return index.index_dir()


def test_a_healthy_forum_says_ok_and_has_written_its_probe(client, search_index):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "checks": {"database": "ok", "search_index": "ok"}}
    assert answer.headers["Cache-Control"] == "no-store"
    [first] = db.session.execute(db.select(HealthProbe)).scalars().all()
    db.session.rollback()

    assert client.get("/healthz").status_code == 200
    [second] = db.session.execute(db.select(HealthProbe)).scalars().all()  # the same row, moved on
    assert second.node == first.node and second.checked >= first.checked


def test_a_database_that_reads_but_refuses_writes_is_named(app, client, search_index):
    # What a full disk, a read-only file or a PostgreSQL standby look like to the forum: reads
    # answer, writes fail. /healthz used to say ok all the same.
    def read_only(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA query_only = ON")
        else:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    def writable_again(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA query_only = OFF")

    event.listen(db.engine, "begin", read_only)
    event.listen(db.engine, "rollback", writable_again)
    try:
        answer = client.get("/healthz")
    finally:
        event.remove(db.engine, "begin", read_only)
    assert answer.status_code == 503
    assert answer.json["status"] == "failing"
    assert answer.json["checks"]["search_index"] == "ok"
    assert answer.json["checks"]["database"].startswith("cannot write: ")
    assert "read" in answer.json["checks"]["database"].lower()  # the driver's reason, read-only
    event.remove(db.engine, "rollback", writable_again)
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(SEARCH_BACKEND != "whoosh", reason="Whoosh's index files (SEARCH_BACKEND=whoosh)")
def test_a_missing_or_damaged_index_is_named(client, search_index):
    shutil.rmtree(search_index)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {"database": "ok", "search_index": "cannot read: no index"}

    index.open_index()
    [toc] = [name for name in os.listdir(search_index) if name.endswith(".toc")]
    with open(os.path.join(search_index, toc), "wb") as f:
        f.write(b"not an index")
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json["checks"]["database"] == "ok"
    assert answer.json["checks"]["search_index"].startswith("cannot read: ")


@pytest.mark.skipif(SEARCH_BACKEND != "postgres", reason="the PostgreSQL backend")
def test_a_missing_documents_table_is_named(client):
    from sqlalchemy import text

    assert client.get("/healthz").status_code == 200
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE search_document RENAME TO search_document_away"))
    try:
        answer = client.get("/healthz")
        assert answer.status_code == 503 and answer.json["checks"]["database"] == "ok"
        assert answer.json["checks"]["search_index"].startswith("cannot read: ")
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE search_document_away RENAME TO search_document"))


@pytest.mark.skipif(SEARCH_BACKEND != "whoosh", reason="Whoosh's index files (SEARCH_BACKEND=whoosh)")
def test_an_index_caught_mid_commit_is_healthy(client, search_index, monkeypatch):
    real, calls = index.open_index, []

    def replaced_once(create=True):
        calls.append(create)
        if len(calls) == 1:
            raise index.IndexUnavailable("[Errno 2] No such file or directory: '_MAIN_439.toc'")
        return real(create=create)

    index.open_index()
    monkeypatch.setattr(index, "open_index", replaced_once)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and len(calls) == 2  # looked again, found the new generation
