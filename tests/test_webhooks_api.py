"""The webhooks API: create (the secret answered once), list, delete, test; field errors name the
field; staff of the community and admins only; the OpenAPI document describes every payload."""

import pytest

from forum.accounts import tokens
from forum.webhooks.models import EVENT_TYPES
from tests import factories
from tests.webhook_receiver import Receiver

PUBLIC_URL = "https://hooks.example.com/cocreate"


def _headers(user):
    return {"Authorization": f"Bearer {tokens.issue_token(user, 'hooks')[1]}"}


def _create(client, user, community_, **body):
    body = {"url": PUBLIC_URL, "events": ["vote.created"], "community": community_.slug, **body}
    return client.post("/api/v1/webhooks", json=body, headers=_headers(user))


def test_create_list_test_and_delete(app, client, community, users, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    staff = users["staff"]
    with Receiver() as receiver:
        created = _create(client, staff, community, url=receiver.url, events=["vote.created", "solution.created"])
        assert created.status_code == 201, created.get_json()
        hook = created.get_json()
        assert hook["secret"].startswith("whsec_") and hook["id"] >= 1
        assert hook["events"] == ["solution.created", "vote.created"] and hook["community"] == community.slug
        listed = client.get(f"/api/v1/webhooks?community={community.slug}", headers=_headers(staff))
        assert listed.status_code == 200
        assert [item["id"] for item in listed.get_json()["items"]] == [hook["id"]]
        assert "secret" not in listed.get_json()["items"][0] and hook["secret"] not in listed.get_data(as_text=True)
        assert client.get("/api/v1/webhooks", headers=_headers(staff)).get_json()["items"][0]["id"] == hook["id"]
        tested = client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=_headers(staff))
        assert tested.status_code == 202 and tested.get_json() == {"webhook": hook["id"], "queued": True}
        from standardwebhooks import Webhook

        (_path, headers, body) = receiver.wait_for(1)[0]
        assert Webhook(hook["secret"]).verify(body, headers)["type"] == "webhook.test"
    deleted = client.delete(f"/api/v1/webhooks/{hook['id']}", headers=_headers(staff))
    assert deleted.status_code == 200 and deleted.get_json() == {"id": hook["id"], "deleted": True}
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=_headers(staff)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"url": ""}, "url", 422),
        ({"url": "http://127.0.0.1/x"}, "url", 422),
        ({"url": "http://[::ffff:10.0.0.1]/x"}, "url", 422),
        ({"url": "ftp://example.com/x"}, "url", 422),
        ({"events": []}, "events", 422),
        ({"events": ["vote.exploded"]}, "events", 422),
        ({"community": "nowhere"}, "community", 404),
        ({"secret": "whsec_mine"}, "secret", 422),
    ],
)
def test_field_errors_name_the_field(client, community, users, body, field, status):
    answer = _create(client, users["staff"], community, **body)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["field"] == field


def test_missing_fields_are_named(client, community, users):
    answer = client.post("/api/v1/webhooks", json={"url": PUBLIC_URL}, headers=_headers(users["staff"]))
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] in ("events", "community")


def test_fans_and_staff_of_another_community_are_refused_and_admins_allowed(app, client, community, users):
    other = factories.community(slug="other-place", name="Other")
    outsider = factories.user("outsider", community_roles={other: "staff"})
    assert _create(client, users["fan"], community).status_code == 403
    assert _create(client, outsider, community).status_code == 403
    assert client.get("/api/v1/webhooks", headers=_headers(users["fan"])).status_code == 403
    assert client.get(f"/api/v1/webhooks?community={community.slug}", headers=_headers(outsider)).status_code == 403
    assert client.post("/api/v1/webhooks", json={}).status_code == 401
    made = _create(client, users["admin"], community)
    assert made.status_code == 201
    hook_id = made.get_json()["id"]
    # The outsider's own listing holds nothing of this community.
    assert client.get("/api/v1/webhooks", headers=_headers(outsider)).get_json()["items"] == []
    for method, url in (("POST", f"/api/v1/webhooks/{hook_id}/test"), ("DELETE", f"/api/v1/webhooks/{hook_id}")):
        assert client.open(url, method=method, headers=_headers(users["fan"])).status_code == 403
        assert client.open(url, method=method, headers=_headers(outsider)).status_code == 403
    assert client.delete(f"/api/v1/webhooks/{hook_id}", headers=_headers(users["staff"])).status_code == 200


def test_the_openapi_document_describes_every_payload(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(EVENT_TYPES) <= set(document["webhooks"])
    vote = document["webhooks"]["vote.created"]["post"]
    schema = vote["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["type", "timestamp", "data"]
    assert {p["name"] for p in vote["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert "NewWebhook" in document["components"]["schemas"] and "/api/v1/webhooks" in document["paths"]


def test_the_log_is_read_and_a_delivery_replayed_through_the_api(app, client, community, users, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SECONDS", [0])
    staff = users["staff"]
    with Receiver(answers=[500]) as receiver:
        hook = _create(client, staff, community, url=receiver.url, events=["challenge.created"]).get_json()
        factories.challenge(staff, community)
        log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=_headers(staff)).get_json()
        assert [(a["status"], a["ok"], a["event"]) for a in log["items"]] == [
            (200, True, "challenge.created"),
            (500, False, "challenge.created"),
        ]
        assert log["next"] is None and log["items"][0]["delivery"] == log["items"][1]["delivery"]
        delivery = log["items"][0]["delivery"]
        replayed = client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery}/replay", headers=_headers(staff))
        assert replayed.status_code == 202
        assert len({headers["webhook-id"] for _p, headers, _b in receiver.wait_for(3)}) == 1
    outsider = factories.user("outsider", community_roles={factories.community(slug="elsewhere"): "staff"})
    assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=_headers(outsider)).status_code == 403
    assert (
        client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/999/replay", headers=_headers(staff)).status_code == 404
    )
