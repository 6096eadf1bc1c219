"""Webhooks end to end in one process: every event type reaches a loopback receiver signed the
Standard Webhooks way, is retried with the same webhook-id, logged, replayable; a hook that keeps
failing is disabled and its staff told; hidden content goes only to hooks whose creator is staff."""

import re

import pytest

from forum.challenges.services import Campaign, post_challenge, set_phase
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.models import Notification
from forum.review import prototypes, releases, status
from forum.solutions import comments, merges, votes
from forum.solutions.services import edit_solution
from forum.transaction import unit_of_work
from forum.webhooks import delivery, services
from forum.webhooks.models import EVENT_TYPES, Webhook, WebhookAttempt, WebhookDelivery
from tests import factories
from tests.webhook_receiver import Receiver


@pytest.fixture
def hooks_config(app, monkeypatch):
    """Loopback receivers allowed, retries at once (so a test sees them without waiting)."""
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SECONDS", [0, 0, 0])
    monkeypatch.setitem(app.config, "WEBHOOK_DISABLE_AFTER", 2)
    return app.config


def _hook(actor, community, url, events=EVENT_TYPES):
    return factories.door(services.create_webhook, actor, community, url, list(events))


def _types(receiver, secret):
    return [payload["type"] for payload in receiver.verified(secret)]


def test_every_event_type_is_delivered_signed_retried_and_logged(app, community, users, hooks_config):
    staff, fan = users["staff"], users["fan"]
    author, other = factories.user("author"), factories.user("other")
    with Receiver(answers=[500, 503]) as receiver:
        created = _hook(staff, community, receiver.url)
        with unit_of_work():
            challenge = post_challenge(staff, community, "Lint", "Grey fluff.", Campaign(vote_budget=5))
        idea = factories.solution(author, challenge, title="A finer filter", body="50 micron mesh.")
        twin = factories.solution(other, challenge, title="Finer mesh", body="Same idea.")
        with unit_of_work():
            edit_solution(author, idea, "A finer filter, washable", "50 micron mesh.")
        with unit_of_work():
            votes.cast_vote(fan, idea)
        with unit_of_work():
            votes.withdraw_vote(fan, idea)
        with unit_of_work():
            comments.add_comment(fan, challenge, "Would it clog?", solution=idea)
        with unit_of_work():
            set_phase(staff, challenge, "review")
        with unit_of_work():
            status.change_status(staff, idea, "shortlisted", "Good.")
            prototype = prototypes.promote(staff, idea, [staff])
            prototypes.post_update(staff, prototype, "Workshop held.")
        with unit_of_work():
            merges.merge(staff, twin, idea)
        with unit_of_work():
            releases.publish(staff, community, "2.0", challenge.created.date(), "Ships it.", [idea.id])
        secret = created.secret
        types = _types(receiver, secret)
    assert set(types) == set(EVENT_TYPES)
    # The first delivery failed twice: three attempts, one webhook-id, three timestamps signed anew.
    first_id = receiver.requests[0][1]["webhook-id"]
    tries = [headers for _path, headers, _body in receiver.requests if headers["webhook-id"] == first_id]
    assert len(tries) == 3 and types[:3] == ["challenge.created"] * 3
    assert len({body for _p, headers, body in receiver.requests if headers["webhook-id"] == first_id}) == 1
    payloads = {payload["type"]: payload for payload in receiver.verified(secret)}
    vote = payloads["vote.created"]["data"]
    assert vote["vote"] == {"solution": idea.id, "voted": True, "votes": 1}
    assert vote["solution"]["url"].endswith(f"/solutions/{idea.id}") and vote["solution"]["id"] == idea.id
    assert payloads["challenge.phase_changed"]["data"]["previous_phase"] == "submission"
    assert payloads["solution.merged"]["data"]["into"]["id"] == idea.id
    assert payloads["release.published"]["data"]["release"]["solutions"] == [idea.id]
    assert set(payloads["comment.created"]["data"]["comment"]) >= {"id", "url", "body", "author", "parent"}
    log = db.session.execute(db.select(WebhookAttempt).order_by(WebhookAttempt.id)).scalars().all()
    assert [(a.status, a.ok) for a in log[:3]] == [(500, False), (503, False), (200, True)]
    assert log[2].response == '{"received": true}' and log[2].milliseconds >= 0
    assert db.session.execute(db.select(WebhookDelivery.state).distinct()).scalars().all() == ["delivered"]


def test_the_log_page_replays_a_delivery_with_the_same_id(app, community, users, login, hooks_config):
    staff = users["staff"]
    with Receiver() as receiver:
        created = _hook(staff, community, receiver.url, ["challenge.created"])
        factories.challenge(staff, community)
        receiver.wait_for(1)
        client = login(staff)
        page = client.get(f"/c/{community.slug}/webhooks/{created.webhook.id}")
        assert page.status_code == 200 and "challenge.created" in page.get_data(as_text=True)
        assert created.secret not in page.get_data(as_text=True)
        delivery_id = db.session.execute(db.select(WebhookDelivery.id)).scalar_one()
        answer = client.post(f"/c/{community.slug}/webhooks/{created.webhook.id}/deliveries/{delivery_id}/replay")
        assert answer.status_code == 302
        receiver.wait_for(2)
        first, again = receiver.requests
        assert first[1]["webhook-id"] == again[1]["webhook-id"] and first[2] == again[2]
        assert len(receiver.verified(created.secret)) == 2


def test_a_hook_that_keeps_failing_is_disabled_its_staff_told_and_turned_back_on(
    app, community, users, login, hooks_config
):
    staff = users["staff"]
    with Receiver(default=500) as receiver:
        created = _hook(staff, community, receiver.url, ["challenge.created"])
        factories.challenge(staff, community)
        assert len(receiver.requests) == 4  # a try and three retries
        hook = db.session.get(Webhook, created.webhook.id)
        assert hook.active and hook.failures == 1
        factories.challenge(staff, community, title="Again")
        db.session.refresh(hook)
        assert not hook.active and hook.disabled is not None
        told = db.session.execute(db.select(Notification).filter_by(user_id=staff.id, kind="webhook")).scalar_one()
        assert told.detail == community.slug
        client = login(staff)
        assert f"/c/{community.slug}/webhooks" in client.post(f"/notifications/{told.id}/open").headers["Location"]
        factories.challenge(staff, community, title="While off")
        assert len(receiver.requests) == 8  # nothing for a disabled hook
        receiver.default = 200
        assert client.post(f"/c/{community.slug}/webhooks/{hook.id}/enable").status_code == 302
        factories.challenge(staff, community, title="On again")
        assert len(receiver.requests) == 9 and receiver.requests[-1][1]["webhook-id"]
        db.session.refresh(hook)
        assert hook.active and hook.failures == 0


def test_hidden_content_goes_only_to_hooks_whose_creator_is_staff_now(app, community, users, hooks_config):
    staff, admin = users["staff"], users["admin"]
    author = factories.user("author")
    challenge = factories.challenge(staff, community)
    idea = factories.solution(author, challenge)
    with Receiver() as by_staff, Receiver() as by_admin:
        staff_hook = _hook(staff, community, by_staff.url, ["solution.updated", "challenge.created"])
        admin_hook = _hook(admin, community, by_admin.url, ["solution.updated"])
        factories.door(moderation.hide, staff, idea)
        factories.door(edit_solution, author, idea, "Hidden now", idea.body)
        assert _types(by_staff, staff_hook.secret) == ["solution.updated"]
        assert _types(by_admin, admin_hook.secret) == ["solution.updated"]
        from forum.communities import services as communities

        factories.door(communities.revoke_role, None, staff.community_roles[0])
        factories.door(edit_solution, author, idea, "Hidden, edited again", idea.body)
        factories.challenge(staff, community, title="Public news")
        # The staff member lost the role: their hook gets public news, not the hidden idea.
        assert _types(by_staff, staff_hook.secret) == ["solution.updated", "challenge.created"]
        assert _types(by_admin, admin_hook.secret) == ["solution.updated", "solution.updated"]


def test_no_hook_no_outbox_row(app, community, users):
    from forum.webhooks.models import WebhookEvent

    factories.challenge(users["staff"], community)
    assert db.session.execute(db.select(db.func.count(WebhookEvent.id))).scalar() == 0


def test_a_lost_job_is_redone_by_the_sweep(app, community, users, hooks_config, monkeypatch):
    """The outbox is the truth: with the fan-out job lost, the sweep delivers what it left."""
    from forum import jobs

    staff = users["staff"]
    with Receiver() as receiver:
        created = _hook(staff, community, receiver.url, ["challenge.created"])
        real = jobs.after_commit
        monkeypatch.setattr(jobs, "after_commit", lambda name, *args: None)
        factories.challenge(staff, community)
        monkeypatch.setattr(jobs, "after_commit", real)
        assert receiver.requests == []
        jobs.run_sweeps(app)
        assert _types(receiver, created.secret) == ["challenge.created"]


def test_the_page_adds_a_hook_shows_its_secret_once_and_keeps_a_refused_form(app, community, users, login):
    client = login(users["staff"])
    refused = client.post(
        f"/c/{community.slug}/webhooks", data={"url": "http://10.0.0.7/hook", "events": ["vote.created"]}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "not a public address" in html and 'value="http://10.0.0.7/hook"' in html
    assert re.search(r'<input checked[^>]*value="vote.created"', html)
    assert not re.search(r'<input checked[^>]*value="vote.removed"', html)
    added = client.post(
        f"/c/{community.slug}/webhooks", data={"url": "https://hooks.example.com/in", "events": ["vote.created"]}
    )
    # Back to the page by GET: reloading it sends nothing again (a reload of the form's answer
    # added a second hook).
    assert added.status_code == 302 and added.headers["Location"] == f"/c/{community.slug}/webhooks"
    shown = client.get(added.headers["Location"]).get_data(as_text=True)
    hook = db.session.execute(db.select(Webhook)).scalar_one()
    assert hook.secret.startswith("whsec_") and hook.secret in shown
    again = client.get(f"/c/{community.slug}/webhooks").get_data(as_text=True)
    assert "https://hooks.example.com/in" in again and hook.secret not in again
    assert db.session.execute(db.select(db.func.count(Webhook.id))).scalar_one() == 1


def test_fans_and_other_staff_cannot_open_the_page(app, community, users, login):
    other = factories.community(slug="other-place", name="Other")
    outsider = factories.user("outsider", community_roles={other: "staff"})
    assert login(users["fan"]).get(f"/c/{community.slug}/webhooks").status_code == 403
    assert login(outsider).get(f"/c/{community.slug}/webhooks").status_code == 403
    assert login(users["admin"]).get(f"/c/{community.slug}/webhooks").status_code == 200
    assert 'href="/c/haier-washers/webhooks"' in login(users["staff"]).get(f"/c/{community.slug}").get_data(
        as_text=True
    )


def test_a_deadline_moving_the_phase_is_delivered_too(app, community, users, hooks_config):
    from datetime import timedelta

    from forum.challenges.models import Challenge
    from forum.challenges.services import apply_deadlines
    from forum.clock import utcnow

    staff = users["staff"]
    challenge = factories.challenge(staff, community, submission_ends=utcnow() + timedelta(days=1))
    with Receiver() as receiver:
        created = _hook(staff, community, receiver.url, ["challenge.phase_changed"])
        with unit_of_work():  # the deadline passes (the services refuse one already past)
            db.session.get(Challenge, challenge.id).submission_ends = utcnow() - timedelta(minutes=1)
        apply_deadlines()
        (payload,) = receiver.verified(created.secret)
    assert payload["data"]["challenge"]["phase"] == "voting" and payload["data"]["previous_phase"] == "submission"


def test_a_disabled_hook_is_not_sent_a_test(app, client, community, users, login):
    from forum.accounts import tokens

    created = _hook(users["staff"], community, "https://hooks.example.com/in", ["vote.created"])
    with unit_of_work():
        db.session.get(Webhook, created.webhook.id).active = False
    headers = {"Authorization": f"Bearer {tokens.issue_token(users['staff'], 't')[1]}"}
    answer = client.post(f"/api/v1/webhooks/{created.webhook.id}/test", headers=headers)
    assert answer.status_code == 422 and "back on" in answer.get_json()["error"]["message"]
    page = login(users["staff"]).post(f"/c/{community.slug}/webhooks/{created.webhook.id}/test")
    assert page.status_code == 302
    from forum.webhooks.models import WebhookEvent

    assert db.session.execute(db.select(db.func.count(WebhookEvent.id))).scalar() == 0


def test_a_delivery_claimed_by_a_consumer_that_died_is_sent_once_its_lease_runs_out(
    app, community, users, hooks_config, monkeypatch
):
    from datetime import timedelta

    from forum import jobs
    from forum.clock import utcnow

    staff = users["staff"]
    with Receiver() as receiver:
        created = _hook(staff, community, receiver.url, ["challenge.created"])
        real = jobs.after_commit
        monkeypatch.setattr(jobs, "after_commit", lambda name, *args: None)  # the jobs are lost
        factories.challenge(staff, community)
        delivery.fan_out()
        monkeypatch.setattr(jobs, "after_commit", real)
        claimed = delivery._claim()  # a consumer takes it, then dies before calling
        assert claimed is not None and receiver.requests == []
        delivery.deliver()  # another consumer leaves it alone while the lease holds
        assert receiver.requests == []
        with unit_of_work():
            row = db.session.get(WebhookDelivery, claimed["id"])
            row.next_attempt_at = utcnow() - timedelta(seconds=1)  # the lease ran out
        jobs.run_sweeps(app)
        assert _types(receiver, created.secret) == ["challenge.created"]
        assert receiver.requests[0][1]["webhook-id"] == claimed["message_id"]


def test_the_hooks_table_names_the_events_in_words(app, community, users, login):
    """Staff read what a hook hears of as the form words it ("A fan votes"); dotted codes joined by
    commas broke mid-word and left commas alone on their lines at phone width."""
    with unit_of_work():
        services.create_webhook(
            users["staff"], community, "https://hooks.example.com/a", ["vote.created", "comment.created"]
        )
        services.create_webhook(users["staff"], community, "https://hooks.example.com/b", list(EVENT_TYPES))
    page = login(users["staff"]).get(f"/c/{community.slug}/webhooks").get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert '<ul class="webhook-events"><li>A fan votes</li><li>A comment is posted</li></ul>' in table
    assert '<td data-label="Hears of">Everything listed below</td>' in table and '<code lang="en">' not in table
