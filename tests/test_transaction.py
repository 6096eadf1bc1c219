"""The door owns the transaction: one commit per door, nothing kept from a refused or failed one,
jobs enqueued only after the commit, and the notification outbox delivered once per recipient."""

import pytest

from forum import jobs
from forum.accounts import tokens
from forum.errors import RuleBroken
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications import services as notifications
from forum.notifications.models import Notification, NotificationOutbox
from forum.solutions import services as solutions
from forum.solutions.models import Solution
from forum.transaction import unit_of_work
from tests import factories


@pytest.fixture
def solution(users, community):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(users["fan"], challenge, title="Steam the drum", body="A nozzle.")


def test_an_api_patch_that_edits_and_hides_changes_both_or_neither(app, users, solution, monkeypatch):
    def failing_hide(actor, target):
        raise RuleBroken("The hide failed.", field="hidden")

    monkeypatch.setattr(moderation, "hide", failing_hide)
    token = factories.door(tokens.issue_token, users["staff"], "test")[1]
    response = app.test_client().patch(
        f"/api/v1/solutions/{solution.id}",
        json={"title": "Renamed by staff", "hidden": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422 and response.json["error"]["field"] == "hidden"
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).title == "Steam the drum"


def test_a_refusal_shown_on_the_form_keeps_nothing_the_service_wrote(app, users, solution, login, monkeypatch):
    def edit_then_refuse(actor, target, title, body, tags="", image_ids=(), note=""):
        target.title = "Half-done edit"
        db.session.flush()
        raise RuleBroken("Refused after writing.", field="title")

    monkeypatch.setattr(solutions, "edit_solution", edit_then_refuse)
    response = login(users["fan"]).post(
        f"/solutions/{solution.id}/edit", data={"title": "New", "body": "New body", "tags": ""}
    )
    assert response.status_code == 200 and "Refused after writing." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).title == "Steam the drum"


class RecordingJobs:
    immediate = False

    def __init__(self):
        self.enqueued = []

    def enqueue(self, name, *args):
        self.enqueued.append((name, args))


def test_jobs_are_enqueued_after_the_commit_and_forgotten_on_a_rollback(app, monkeypatch):
    recorder = RecordingJobs()
    monkeypatch.setitem(app.extensions, "jobs", recorder)
    with unit_of_work():
        jobs.after_commit("search.index")
        jobs.after_commit("search.index")  # asked twice, enqueued once
        assert recorder.enqueued == []
    assert recorder.enqueued == [("search.index", ())]

    with pytest.raises(RuntimeError), unit_of_work():
        jobs.after_commit("notifications.deliver")
        raise RuntimeError("the door failed")
    assert recorder.enqueued == [("search.index", ())]


def test_a_status_change_stores_one_event_and_the_consumer_tells_every_voter(app, users, solution, monkeypatch):
    recorder = RecordingJobs()
    monkeypatch.setitem(app.extensions, "jobs", recorder)
    fans = [factories.user(f"voter{n}") for n in range(5)]
    with unit_of_work():
        notifications.notify({fan.id for fan in fans}, "status", solution=solution, detail="shortlisted")
    assert (
        db.session.execute(db.select(db.func.count()).select_from(Notification).filter_by(kind="status")).scalar() == 0
    )
    assert ("notifications.deliver", ()) in recorder.enqueued
    notifications.deliver()
    told = db.session.execute(db.select(Notification.user_id).filter_by(kind="status")).scalars().all()
    assert sorted(told) == sorted(fan.id for fan in fans)


def test_a_consumer_killed_between_batches_resumes_without_gaps_or_repeats(app, users, solution, monkeypatch):
    monkeypatch.setattr(notifications, "DELIVERY_BATCH", 2)
    monkeypatch.setitem(app.extensions, "jobs", RecordingJobs())
    fans = [factories.user(f"voter{n}") for n in range(5)]
    with unit_of_work():
        notifications.notify({fan.id for fan in fans}, "status", solution=solution, detail="shortlisted")

    real_batch, batches = notifications._deliver_batch, []

    def dies_after_one_batch(event):
        if batches:
            raise SystemExit("killed")
        batches.append(event.id)
        real_batch(event)

    monkeypatch.setattr(notifications, "_deliver_batch", dies_after_one_batch)
    with pytest.raises(SystemExit):
        notifications.deliver()
    assert (
        db.session.execute(db.select(db.func.count()).select_from(Notification).filter_by(kind="status")).scalar() == 2
    )

    monkeypatch.setattr(notifications, "_deliver_batch", real_batch)
    notifications.deliver()
    told = db.session.execute(db.select(Notification.user_id).filter_by(kind="status")).scalars().all()
    assert sorted(told) == sorted(fan.id for fan in fans)
    assert db.session.execute(db.select(NotificationOutbox.done).filter_by(kind="status")).scalar_one() is True
    unread = [db.session.get(type(fan), fan.id).unread_notifications for fan in fans]
    assert unread == [1] * 5
