"""Webhooks as served: fans vote through gunicorn's four workers, the job consumer (`flask --app app
worker`) delivers each vote to a loopback receiver, signed, and retries the ones the receiver
refused after COCREATE_WEBHOOK_RETRY_SECONDS, with the same webhook-id."""

import time

from standardwebhooks import Webhook

from tests.served import served_fixture
from tests.webhook_receiver import Receiver

RETRY_SECONDS = [1, 1, 1]
forum = served_fixture(
    workers=4,
    consumer=True,
    settings={"WEBHOOKS_ALLOW_PRIVATE": True, "WEBHOOK_RETRY_SECONDS": RETRY_SECONDS, "RATELIMIT_ENABLED": False},
)
FANS = 8


def test_votes_across_workers_are_delivered_signed_and_retried(forum):
    forum.create_user("boss", role="admin")
    admin = forum.create_token("boss")
    assert forum.api("POST", "/communities", {"slug": "washers", "name": "Washers"}, admin).status == 201
    forum.create_user("lin_staff", role="staff", community="washers")
    staff = forum.create_token("lin_staff")
    forum.create_user("maker")
    maker = forum.create_token("maker")
    challenge = forum.api("POST", "/communities/washers/challenges", {"title": "Lint", "body": "Fluff."}, staff)
    assert challenge.status == 201, challenge.text
    idea = forum.api(
        "POST", f"/challenges/{challenge.json()['id']}/solutions", {"title": "Mesh", "body": "Finer."}, maker
    )
    assert idea.status == 201, idea.text
    solution_id = idea.json()["id"]
    with Receiver(answers=[500, 502]) as receiver:
        hook = forum.api(
            "POST", "/webhooks", {"url": receiver.url, "events": ["vote.created"], "community": "washers"}, staff
        )
        assert hook.status == 201, hook.text
        secret = hook.json()["secret"]
        for number in range(FANS):
            forum.create_user(f"fan{number}")
            answer = forum.api("PUT", f"/solutions/{solution_id}/vote", None, forum.create_token(f"fan{number}"))
            assert answer.status == 200, answer.text
        deadline = time.monotonic() + 90
        while len({h["webhook-id"] for _p, h, _b in receiver.requests}) < FANS or len(receiver.requests) < FANS + 2:
            assert time.monotonic() < deadline, f"{len(receiver.requests)} requests:\n{forum.log()[-3000:]}"
            time.sleep(0.1)  # polling the receiver's list
        requests = list(receiver.requests)
    payloads = [Webhook(secret).verify(body, headers) for _path, headers, body in requests]
    assert {p["type"] for p in payloads} == {"vote.created"}
    assert {p["data"]["solution"]["id"] for p in payloads} == {solution_id}
    ids = [headers["webhook-id"] for _path, headers, _body in requests]
    assert len(set(ids)) == FANS  # one message per vote, whichever worker took it
    # The refused answers were tried again under the same webhook-id, a retry delay later.
    retried = [i for i in set(ids) if ids.count(i) > 1]
    assert retried
    for message in retried:
        times = [int(h["webhook-timestamp"]) for _p, h, _b in requests if h["webhook-id"] == message]
        assert times == sorted(times) and times[-1] - times[0] >= 1
    rows = forum.query("SELECT count(*), sum(attempts) FROM webhook_delivery WHERE state = 'delivered'")
    assert rows == [(FANS, FANS + 2)]
    assert forum.query("SELECT count(*) FROM webhook_attempt WHERE ok") == [(FANS,)]
