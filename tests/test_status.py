"""The status trail: staff answer every idea in public, and everyone with a stake hears once."""

import json
import os
import sqlite3

import pytest
from flask_migrate import downgrade as migrate_downgrade
from flask_migrate import upgrade as migrate_upgrade

from forum.api import serializers
from forum.audit import AuditEntry
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.i18n import in_language
from forum.notifications import digests
from forum.notifications.models import Notification
from forum.review import status
from forum.review.models import StatusChange
from forum.solutions import follows, merges, votes
from forum.solutions.models import Merge, Solution
from tests import factories, mail


@pytest.fixture
def solution(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(factories.user("inventor"), challenge)


def test_staff_shortlist_with_a_note_and_everyone_with_a_stake_hears_once(app, solution, users, login):
    votes.cast_vote(users["fan"], solution)
    follows.set_following(users["product"], solution, True)
    follows.set_following(users["fan"], solution, True)  # voter and follower: told once
    staff = login(users["staff"])
    response = staff.post(
        f"/solutions/{solution.id}/status", data={"status": "shortlisted", "note": "Strong idea, **feasible**."}
    )
    assert response.status_code == 302
    assert db.session.get(Solution, solution.id).status == "shortlisted"
    told = db.session.execute(db.select(Notification.user_id).filter_by(kind="status")).scalars().all()
    assert sorted(told) == sorted([solution.author_id, users["fan"].id, users["product"].id])
    page = login(users["fan"]).get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "Shortlisted" in page and "<strong>feasible</strong>" in page and "staff" in page
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="solution.status")).scalar_one()
    assert entry.before == {"status": "open"} and entry.after["status"] == "shortlisted"


def test_declining_needs_a_public_reason(app, solution, users, login):
    staff = login(users["staff"])
    response = staff.post(f"/solutions/{solution.id}/status", data={"status": "declined", "note": "  "})
    assert response.status_code == 422
    assert "Tell the author and the voters why." in response.get_data(as_text=True)
    assert db.session.get(Solution, solution.id).status == "open"
    status.change_status(users["staff"], solution, "declined", "Too costly to build this year.")
    assert [s.to_status for s in status.trail(solution)] == ["declined"]


def test_transitions_are_checked(app, solution, users):
    with pytest.raises(RuleBroken):
        status.change_status(users["staff"], solution, "prototyped")
    with pytest.raises(RuleBroken):
        status.change_status(users["staff"], solution, "merged")
    status.change_status(users["staff"], solution, "shortlisted")
    status.change_status(users["staff"], solution, "prototyping")
    status.change_status(users["staff"], solution, "prototyped", "Sample machine built.")
    steps = db.session.execute(db.select(StatusChange.from_status, StatusChange.to_status)).all()
    assert steps == [("open", "shortlisted"), ("shortlisted", "prototyping"), ("prototyping", "prototyped")]


def test_only_staff_of_the_community_answer(app, solution, users, login):
    other = factories.community(slug="other", name="Other")
    outsider = factories.user("outsider", community_roles={other: "staff"})
    for actor in (users["fan"], users["product"], outsider):
        with pytest.raises(Forbidden):
            status.change_status(actor, solution, "shortlisted")
    assert (
        login(users["fan"]).post(f"/solutions/{solution.id}/status", data={"status": "shortlisted"}).status_code == 403
    )
    assert "Change status" not in login(users["fan"]).get(f"/solutions/{solution.id}").get_data(as_text=True)


# System notes: the forum stores a key, each reader reads it in their own language.


def _merged_and_undone(users, solution):
    other = factories.solution(factories.user("twin"), solution.challenge, title="Same drum idea")
    record = factories.door(merges.merge, users["staff"], solution, other, "Same idea, **twice**")
    factories.door(merges.undo, users["staff"], db.session.get(Merge, record.id))
    return db.session.execute(db.select(StatusChange).order_by(StatusChange.id)).scalars().all()


def test_a_system_note_is_stored_as_a_key_and_read_in_each_readers_language(app, solution, users, client):
    merged, undone = _merged_and_undone(users, solution)
    assert (undone.note_key, undone.note, undone.note_html) == ("merge_undone", "", "")
    assert (merged.note_key, merged.note) == (None, "Same idea, **twice**")  # typed by staff: kept
    english = client.get(f"/solutions/{solution.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The merge was undone." in english and "<strong>twice</strong>" in english
    chinese = app.test_client().get(f"/solutions/{solution.id}", headers={"Accept-Language": "zh-CN"})
    page = chinese.get_data(as_text=True)
    assert "合并已撤销。" in page and "The merge was undone." not in page
    assert "<strong>twice</strong>" in page  # a staff note stays as typed, in any language


def test_a_release_note_keeps_its_version_as_a_parameter(app, solution):
    step = StatusChange(solution_id=solution.id, from_status="prototyping", to_status="prototyped",
                        note_key="shipped", note_params={"version": "HyperOS <2.1>"})  # fmt: skip
    with in_language("zh_Hans"):
        assert step.note_text() == "已在 HyperOS <2.1> 中发布。"
    with in_language("en"):
        assert step.note_text() == "Shipped in HyperOS <2.1>."
    step.note_key = "no-such-key"  # a key from a newer version of the forum: its typed note, empty
    assert step.note_text() == ""


def test_the_mail_quotes_a_system_note_in_the_recipients_language(app, solution, users):
    wang = factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    jones = factories.user("jones", email="jones@example.com", locale="en")
    for fan in (wang, jones):
        factories.door(votes.cast_vote, fan, solution)
    _merged_and_undone(users, solution)
    digests.send("daily")
    [chinese] = mail.sent("wang@example.com")
    assert "“合并已撤销。”" in chinese.body and "The merge was undone" not in chinese.body
    assert "合并已撤销。" in chinese.alternatives[0][0]
    [english] = mail.sent("jones@example.com")
    assert "“The merge was undone.”" in english.body


def test_the_api_gives_a_system_note_in_the_requests_language(app, solution, users):
    _merged_and_undone(users, solution)
    [_, undone] = status.trail(solution)
    with app.test_request_context("/api/v1/solutions/1"), in_language("zh_Hans"):
        assert serializers.status_change(undone)["note"] == "合并已撤销。"
    with app.test_request_context("/api/v1/solutions/1"), in_language("en"):
        assert serializers.status_change(undone)["note"] == "The merge was undone."


@pytest.mark.skipif(bool(os.environ.get("COCREATE_TEST_DATABASE_URL")), reason="a scratch SQLite database")
def test_the_migration_turns_stored_system_notes_into_keys_and_back(make_app, tmp_path):
    scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'notes.db'}")
    rows = [
        ("merged", "open", "The merge was undone."),
        ("merged", "shortlisted", "合并已撤销。"),  # written by a Chinese-speaking staff member
        ("prototyping", "prototyped", "Shipped in HyperOS 2.1.5."),
        ("shortlisted", "prototyped", "已在 样机 v2 中发布。"),
        ("open", "shortlisted", "The merge was undone."),  # not after a merge: typed by staff
        ("prototyping", "prototyped", "Sample machine built."),
    ]
    with scratch.app_context():
        migrate_upgrade(revision="0025")
        raw = sqlite3.connect(tmp_path / "notes.db")  # foreign keys off: a solution without its challenge
        columns = raw.execute("PRAGMA table_info(solution)").fetchall()
        needed = [(name, 1 if "INT" in kind or "BOOL" in kind else "x") for _, name, kind, notnull, _, _ in columns
                  if notnull and name != "id"]  # fmt: skip
        names, marks = ", ".join(n for n, _ in needed), ", ".join("?" for _ in needed)
        raw.execute(f"INSERT INTO solution (id, {names}) VALUES (1, {marks})", [v for _, v in needed])  # noqa: S608
        raw.executemany(
            "INSERT INTO status_change (id, solution_id, from_status, to_status, note, note_html, created) "
            "VALUES (?, 1, ?, ?, ?, '<p>x</p>', '2026-11-01')",
            [(n, *row) for n, row in enumerate(rows, 1)],
        )
        raw.commit()
        raw.close()
        migrate_upgrade(revision="0026")
        select = db.text("SELECT note_key, note_params, note FROM status_change ORDER BY id")
        with db.engine.connect() as conn:
            converted = [
                (key, json.loads(params) if params else None, note) for key, params, note in conn.execute(select)
            ]
        assert converted == [
            ("merge_undone", None, ""),
            ("merge_undone", None, ""),
            ("shipped", {"version": "HyperOS 2.1.5"}, ""),
            ("shipped", {"version": "样机 v2"}, ""),
            (None, None, "The merge was undone."),
            (None, None, "Sample machine built."),
        ]
        migrate_downgrade(revision="0025")
        with db.engine.connect() as conn:
            notes = conn.execute(db.text("SELECT note FROM status_change ORDER BY id")).scalars().all()
        assert notes[:4] == ["The merge was undone.", "The merge was undone.", "Shipped in HyperOS 2.1.5.",
                             "Shipped in 样机 v2."]  # fmt: skip
        db.engine.dispose()
