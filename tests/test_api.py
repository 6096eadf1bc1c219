"""The JSON API: tokens, every operation, each role's allowed and refused calls, each error shape."""

from datetime import timedelta

import pytest

from forum.accounts import tokens
from forum.accounts.models import ApiToken
from forum.challenges import services as challenges
from forum.clock import utcnow
from forum.extensions import db
from forum.review import prototypes, status
from forum.solutions import votes
from tests import factories


class ApiClient:
    """A test client that sends a bearer token (or none) with every request."""

    def __init__(self, client, token=None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        def call(url, **kwargs):
            return getattr(self.client, method)(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

        return call


@pytest.fixture
def api(app):
    def as_user(user=None):
        token = tokens.issue_token(user, "test")[1] if user is not None else None
        return ApiClient(app.test_client(), token)

    return as_user


@pytest.fixture
def challenge(users, community):
    return factories.challenge(users["staff"], community, title="二次污染 · Secondary pollution")


@pytest.fixture
def solution(challenge):
    return factories.solution(factories.user("maker"), challenge, title="Steam-clean the drum", tags="steam")


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert error.get("field") == field


# Tokens


def test_token_from_password_works_and_is_stored_hashed(app, users, api):
    response = api().post("/api/v1/tokens", json={"username": "fan", "password": factories.PASSWORD, "name": "cli"})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert token.startswith("cc_") and len(token) > 40
    row = db.session.execute(db.select(ApiToken)).scalar_one()
    assert row.name == "cli" and token not in (row.token_hash, row.prefix) and row.last_used is None
    client = ApiClient(app.test_client(), token)
    assert client.post("/api/v1/challenges/1/solutions", json={}).status_code != 401
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used is not None


def test_token_refusals(app, users, api):
    assert_error(api().post("/api/v1/tokens", json={"username": "fan", "password": "wrong-one"}), 401, "unauthorized")
    assert_error(api().post("/api/v1/tokens", json={"password": "x"}), 422, "invalid_field", "username")
    assert_error(api().post("/api/v1/tokens", data="{not json"), 400, "invalid_json", "body")
    assert_error(
        api().post("/api/v1/tokens", json={"username": "fan", "password": "x", "admin": True}),
        422,
        "invalid_field",
        "admin",
    )


def test_revoked_and_suspended_tokens_are_refused(app, users, community):
    token_row, token = tokens.issue_token(users["fan"], "script")
    client = ApiClient(app.test_client(), token)
    assert client.post("/api/v1/communities/haier-washers/challenges", json={"title": "T", "body": "B"}).status_code
    tokens.revoke_token(users["fan"], token_row.id)
    response = client.get("/api/v1/communities")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

    _row, other = tokens.issue_token(users["fan"], "second")
    users["fan"].suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    assert_error(ApiClient(app.test_client(), other).get("/api/v1/communities"), 401, "unauthorized")


def test_tokens_only_in_the_header(app, users, caplog):
    _row, token = tokens.issue_token(users["fan"], "script")
    client = app.test_client()
    assert_error(client.get(f"/api/v1/communities?token={token}"), 400, "bad_request", "token")
    assert_error(client.get(f"/api/v1/communities?access_token={token}"), 400, "bad_request", "token")
    assert token not in caplog.text and "token=[removed]" in caplog.text
    assert_error(client.get("/api/v1/communities", headers={"Authorization": f"Token {token}"}), 401, "unauthorized")
    assert_error(client.get("/api/v1/communities", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_a_session_cookie_is_not_an_api_credential(app, users, community, login):
    browser = login(users["fan"])
    response = browser.post("/api/v1/communities/haier-washers/challenges", json={"title": "T", "body": "B"})
    assert_error(response, 401, "unauthorized")


def test_create_token_command_and_settings_page(app, users, runner, login):
    result = runner.invoke(args=["create-token", "fan", "--label", "weekly export"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert tokens.user_for_token(token).username == "fan"
    assert runner.invoke(args=["create-token", "nobody"]).exit_code != 0

    page = login(users["fan"])
    assert "weekly export" in page.get("/account").get_data(as_text=True)
    # A token outlives the session and a password reset, so a session alone does not mint one.
    refused = page.post("/account/tokens", data={"token-name": "mine", "token-current_password": "a guess"})
    assert "Your current password is not correct." in refused.get_data(as_text=True)
    assert db.session.execute(db.select(ApiToken).filter_by(name="mine")).first() is None
    created = page.post(
        "/account/tokens", data={"token-name": "mine", "token-current_password": factories.PASSWORD}
    ).get_data(as_text=True)
    assert "cc_" in created and "shown only once" in created
    row = db.session.execute(db.select(ApiToken).filter_by(name="mine")).scalar_one()
    assert page.post(f"/account/tokens/{row.id}/revoke", data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked is not None
    other = login(users["staff"])
    first = db.session.execute(db.select(ApiToken).filter_by(name="weekly export")).scalar_one()
    assert other.post(f"/account/tokens/{first.id}/revoke").status_code == 404


# Communities and challenges


def test_communities(app, users, community, api):
    listed = api().get("/api/v1/communities").get_json()
    assert listed["next"] is None
    assert listed["items"][0]["slug"] == "haier-washers" and listed["items"][0]["url"].endswith("/c/haier-washers")
    assert api().get("/api/v1/communities/haier-washers").get_json()["name"] == community.name
    assert_error(api().get("/api/v1/communities/nope"), 404, "not_found")
    new = {"slug": "mi-phones", "name": "小米手机"}
    assert_error(api().post("/api/v1/communities", json=new), 401, "unauthorized")
    assert_error(api(users["staff"]).post("/api/v1/communities", json=new), 403, "forbidden")
    assert api(users["admin"]).post("/api/v1/communities", json=new).status_code == 201
    assert api(users["admin"]).post("/api/v1/communities", json=new).status_code == 422


def test_challenge_list_pages_with_a_next_link(app, users, community, api):
    for number in range(25):
        factories.challenge(users["fan"], community, title=f"Problem {number}")
    first = api().get("/api/v1/communities/haier-washers/challenges?sort=new").get_json()
    assert len(first["items"]) == 20 and first["next"]
    second = api().get(first["next"]).get_json()
    assert len(second["items"]) == 5 and second["next"] is None
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 25
    assert_error(api().get("/api/v1/communities/haier-washers/challenges?sort=best"), 422, "invalid_field", "sort")
    response = api().get("/api/v1/communities/haier-washers/challenges?cursor=garbage")
    assert_error(response, 422, "rule_broken", "cursor")


def test_post_and_change_a_challenge(app, users, community, api):
    fan = api(users["fan"])
    response = fan.post("/api/v1/communities/haier-washers/challenges", json={"title": "Lint", "body": "Fluff."})
    assert response.status_code == 201
    made = response.get_json()
    assert made["community"] == "haier-washers" and made["phase"] == "submission" and made["solutions"] == 0
    campaign = {"title": "Campaign", "body": "Run it.", "campaign": True, "vote_budget": 3}
    assert_error(fan.post("/api/v1/communities/haier-washers/challenges", json=campaign), 403, "forbidden")
    staff = api(users["staff"])
    run = staff.post("/api/v1/communities/haier-washers/challenges", json={**campaign, "vote_budget": 3.0}).get_json()
    assert run["vote_budget"] == 3 and isinstance(run["vote_budget"], int)

    ends = "2031-01-01T08:00:00+08:00"
    changed = staff.patch(f"/api/v1/challenges/{run['id']}", json={"submission_ends": ends, "phase": "voting"})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["phase"] == "voting"
    # A refused phase move leaves the rest of the change unwritten too.
    refused = staff.patch(f"/api/v1/challenges/{run['id']}", json={"title": "Renamed", "phase": "submission"})
    assert_error(refused, 422, "rule_broken", "phase")
    assert api().get(f"/api/v1/challenges/{run['id']}").get_json()["title"] == "Campaign"
    assert_error(fan.patch(f"/api/v1/challenges/{run['id']}", json={"title": "Mine"}), 403, "forbidden")
    assert_error(staff.patch(f"/api/v1/challenges/{run['id']}", json={}), 422, "invalid_field", "body")
    bad_time = staff.patch(f"/api/v1/challenges/{run['id']}", json={"voting_ends": "next tuesday"})
    assert_error(bad_time, 422, "invalid_field", "voting_ends")


# Solutions, votes, comments, flags


def test_submit_list_and_read_solutions(app, users, challenge, api):
    fan = api(users["fan"])
    url = f"/api/v1/challenges/{challenge.id}/solutions"
    body = {"title": "滚筒自清洁", "body": "Rinse the **drum** gap.", "tags": ["自清洁", "drum"]}
    response = fan.post(url, json=body)
    assert response.status_code == 201
    made = response.get_json()
    assert made["tags"] == ["drum", "自清洁"] and made["author"] == "fan" and made["hidden"] is False
    assert made["challenge"] == challenge.id and made["status"] == "open" and made["votes"] == 0
    assert_error(fan.post(url, json={"body": "no title"}), 422, "invalid_field", "title")
    assert_error(fan.post(url, json={"title": "x", "body": "y", "tags": "one"}), 422, "invalid_field", "tags")
    assert_error(fan.post(url, json={"title": " ", "body": "y"}), 422, "rule_broken", "title")
    assert_error(api().post(url, json=body), 401, "unauthorized")

    listed = api().get(f"{url}?sort=top&status=open").get_json()
    assert [s["id"] for s in listed["items"]] == [made["id"]]
    assert api().get(f"{url}?status=shortlisted").get_json()["items"] == []
    assert_error(api().get(f"{url}?status=great"), 422, "invalid_field", "status")
    assert api().get(f"/api/v1/solutions/{made['id']}").get_json()["body"] == "Rinse the **drum** gap."
    assert_error(api().get("/api/v1/challenges/999/solutions"), 404, "not_found")


def test_staff_hide_through_patch_and_fans_lose_sight(app, users, solution, api):
    url = f"/api/v1/solutions/{solution.id}"
    assert_error(api(users["fan"]).patch(url, json={"hidden": True}), 403, "forbidden")
    assert_error(api(users["product"]).patch(url, json={"hidden": True}), 403, "forbidden")
    hidden = api(users["staff"]).patch(url, json={"hidden": True})
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert_error(api(users["fan"]).get(url), 404, "not_found")
    assert_error(api().get(url), 404, "not_found")
    listing = f"/api/v1/challenges/{solution.challenge_id}/solutions"
    assert api(users["fan"]).get(listing).get_json()["items"] == []
    assert api(users["staff"]).get(listing).get_json()["items"][0]["hidden"] is True
    assert api(users["staff"]).patch(url, json={"hidden": False}).get_json()["hidden"] is False
    assert api(users["fan"]).get(url).status_code == 200


def test_author_edits_text_through_patch(app, users, challenge, api):
    author = factories.user("writer")
    solution = factories.solution(author, challenge, title="First", tags="one")
    changed = api(author).patch(f"/api/v1/solutions/{solution.id}", json={"body": "Better body."})
    assert changed.status_code == 200
    assert changed.get_json()["title"] == "First" and changed.get_json()["tags"] == ["one"]
    assert changed.get_json()["body"] == "Better body."
    assert_error(api(users["fan"]).patch(f"/api/v1/solutions/{solution.id}", json={"body": "x"}), 403, "forbidden")


def test_from_voting_on_the_api_lets_only_staff_edit_with_a_note(app, users, challenge, api):
    # The author changed an idea's title through the API in the voting phase, after it had
    # collected votes (200), and nobody could see it had changed.
    author = factories.user("writer")
    solution = factories.solution(author, challenge, title="First")
    factories.door(votes.cast_vote, users["fan"], solution)
    factories.door(challenges.set_phase, users["staff"], challenge, "voting")
    url = f"/api/v1/solutions/{solution.id}"
    assert_error(api(author).patch(url, json={"title": "Something else"}), 403, "forbidden")
    assert_error(api(users["staff"]).patch(url, json={"title": "Clearer"}), 422, "rule_broken", "note")
    assert api(users["fan"]).get(url).get_json()["edited"] is None
    note = "A clearer title, agreed with the author"
    changed = api(users["staff"]).patch(url, json={"title": "Clearer", "note": note})
    assert changed.status_code == 200
    assert changed.get_json()["title"] == "Clearer" and changed.get_json()["edited"] is not None
    assert api(users["fan"]).get(url).get_json()["edited"] == changed.get_json()["edited"]


def test_vote_and_withdraw(app, users, solution, api):
    fan = api(users["fan"])
    url = f"/api/v1/solutions/{solution.id}/vote"
    assert fan.put(url).get_json() == {"solution": solution.id, "voted": True, "votes": 1}
    assert fan.put(url).get_json()["votes"] == 1
    assert fan.delete(url).get_json() == {"solution": solution.id, "voted": False, "votes": 0}
    assert_error(api().put(url), 401, "unauthorized")
    assert_error(api(solution.author).put(url), 422, "rule_broken", "vote")


def test_comments_and_replies(app, users, solution, api):
    url = f"/api/v1/solutions/{solution.id}/comments"
    first = api(users["fan"]).post(url, json={"body": "会不会堵？"}).get_json()
    reply = api(users["staff"]).post(url, json={"body": "No.", "parent": first["id"]})
    assert reply.status_code == 201 and reply.get_json()["parent"] == first["id"]
    listed = api().get(url).get_json()["items"]
    assert [c["body"] for c in listed] == ["会不会堵？", "No."]
    assert listed[0]["url"].endswith(f"#comment-{first['id']}")
    assert_error(api(users["fan"]).post(url, json={"body": "x", "parent": 9999}), 422, "rule_broken", "parent")
    assert_error(api(users["fan"]).post(url, json={"body": ""}), 422, "invalid_field", "body")


def test_flags(app, users, solution, api):
    url = f"/api/v1/solutions/{solution.id}/flags"
    assert api(users["fan"]).post(url, json={"reason": "spam"}).status_code == 201
    assert_error(api(users["fan"]).post(url, json={"reason": "spam"}), 422, "rule_broken")
    assert_error(api(users["staff"]).post(url, json={"reason": "bad"}), 422, "invalid_field", "reason")
    assert_error(api().post(url, json={"reason": "spam"}), 401, "unauthorized")


# Reviews, status, prototype updates


def test_reviews(app, users, challenge, solution, api):
    url = f"/api/v1/solutions/{solution.id}/reviews"
    scores = {"feasibility": 4, "impact": 5, "novelty": 3, "cost": 2, "note": "Promising"}
    assert_error(api(users["staff"]).post(url, json=scores), 422, "rule_broken")  # not the review phase yet
    challenge.phase = "review"
    db.session.commit()
    assert_error(api(users["fan"]).post(url, json=scores), 403, "forbidden")
    assert_error(api(users["staff"]).post(url, json={**scores, "impact": 6}), 422, "invalid_field", "impact")
    made = api(users["staff"]).post(url, json=scores)
    assert made.status_code == 201 and made.get_json()["impact"] == 5
    assert api(users["product"]).get(url).get_json()["items"][0]["reviewer"] == "staff"
    assert_error(api(users["fan"]).get(url), 403, "forbidden")
    assert_error(api().get(url), 401, "unauthorized")


def test_status_changes(app, users, solution, api):
    url = f"/api/v1/solutions/{solution.id}/status"
    assert_error(api(users["fan"]).post(url, json={"status": "shortlisted"}), 403, "forbidden")
    assert_error(api(users["staff"]).post(url, json={"status": "declined"}), 422, "rule_broken", "note")
    assert_error(api(users["staff"]).post(url, json={"status": "prototyped"}), 422, "rule_broken", "status")
    moved = api(users["staff"]).post(url, json={"status": "shortlisted", "note": "看好"})
    assert (
        moved.status_code == 201 and moved.get_json()["status"] == "shortlisted" and moved.get_json()["by"] == "staff"
    )
    assert api().get(f"/api/v1/solutions/{solution.id}").get_json()["status"] == "shortlisted"


def test_prototype_updates(app, users, solution, api):
    url = f"/api/v1/solutions/{solution.id}/prototype/updates"
    assert_error(api().get(url), 404, "not_found")
    status.change_status(users["staff"], solution, "shortlisted")
    prototypes.promote(users["staff"], solution, [users["staff"]])
    assert_error(api(users["fan"]).post(url, json={"body": "Built it"}), 403, "forbidden")
    posted = api(users["staff"]).post(url, json={"body": "样机已完成 · sample machine built"})
    assert posted.status_code == 201
    items = api().get(url).get_json()["items"]
    assert [u["body"] for u in items] == ["样机已完成 · sample machine built"]


# Search and leaderboard


def test_search_leaves_hidden_content_out(app, users, challenge, api):
    from forum.moderation import services as moderation

    visible = factories.solution(factories.user("author1"), challenge, title="洗衣机二次污染的解决办法")
    hidden = factories.solution(factories.user("author2"), challenge, title="二次污染 hidden idea")
    moderation.hide(users["staff"], hidden)
    found = api(users["fan"]).get("/api/v1/search?q=二次污染&type=solution").get_json()
    ids = {(r["type"], r["id"]) for r in found["items"]}
    assert ("solution", visible.id) in ids and ("solution", hidden.id) not in ids
    staff_ids = {
        r["id"] for r in api(users["staff"]).get("/api/v1/search?q=二次污染&type=solution").get_json()["items"]
    }
    assert hidden.id in staff_ids
    assert_error(api().get("/api/v1/search"), 422, "invalid_field", "q")
    assert_error(api().get("/api/v1/search?q=x&type=user"), 422, "invalid_field", "type")
    assert api().get("/api/v1/search?q=NOT OR foobar").status_code == 200


def test_leaderboard(app, users, solution, api):
    votes.cast_vote(users["fan"], solution)
    board = api().get("/api/v1/leaderboard?community=haier-washers").get_json()["items"]
    assert board[0]["user"] == "maker" and board[0]["rank"] == 1 and board[0]["points"] >= 1
    assert board[0]["level"] == {"number": 1, "name": "Newcomer"}
    # The name in the request's language; the number is the same in every language.
    chinese = api().get("/api/v1/leaderboard", headers={"Accept-Language": "zh-CN"}).get_json()["items"]
    assert chinese[0]["level"] == {"number": 1, "name": "新人"}
    assert_error(api().get("/api/v1/leaderboard?period=year"), 422, "invalid_field", "period")


# Errors


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/nowhere", 404, "not_found"),
        ("delete", "/api/v1/communities", 405, "method_not_allowed"),
        ("get", "/api/v1/solutions/99999999999999999999999", 404, "not_found"),
        ("get", "/api/v1/solutions/7319721698381/prototype/updates", 404, "not_found"),
        ("patch", "/api/v1/challenges/54825241277348", 401, "unauthorized"),
        ("get", "/api/v1/communities/a%00b", 404, "not_found"),
        ("get", "/api/v1/communities/haier-washers/challenges?cursor=%00", 422, "invalid_field"),
    ],
)
def test_error_shapes(app, community, api, method, url, status, code):
    assert_error(getattr(api(), method)(url), status, code, "cursor" if "cursor" in url else None)


def test_nul_and_surrogates_in_bodies_are_refused(app, users, challenge, api):
    url = f"/api/v1/challenges/{challenge.id}/solutions"
    fan = api(users["fan"])
    response = fan.post(url, data='{"title": "a\\u0000b", "body": "x"}', content_type="application/json")
    assert_error(response, 422, "invalid_field", "title")
    response = fan.post(url, data='{"title": "\\ud800", "body": "x"}', content_type="application/json")
    assert_error(response, 422, "invalid_field", "title")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"title": ' + "[" * 50_000 + "]" * 50_000 + ', "body": "x"}', "nested too deeply"),
        # Deep enough to refuse, shallow enough for Python's parser: the depth is checked after it.
        ('{"title": ' + "[" * 40 + "]" * 40 + ', "body": "x"}', "nested too deeply"),
        ('{"title": "' + "x" * 1024 * 1024 + '", "body": "x"}', "at most 1024 KB"),
        ('{"title": NaN, "body": "x"}', "Send a JSON object"),
        (b'{"title": "\xff\xfe", "body": "x"}', "Send a JSON object"),
    ],
)
def test_deep_large_and_malformed_json_is_a_400_naming_the_problem(app, users, challenge, api, caplog, body, problem):
    # The token endpoint reads the body before anyone is known, and its rate limiter reads it first.
    for url, user in (("/api/v1/tokens", None), (f"/api/v1/challenges/{challenge.id}/solutions", users["fan"])):
        response = api(user).post(url, data=body, content_type="application/json")
        assert_error(response, 400, "invalid_json", "body")
        assert problem in response.get_json()["error"]["message"]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_json_nested_up_to_the_limit_is_read(app, users, challenge, api):
    body = '{"title": ' + "[" * 31 + "]" * 31 + ', "body": "x"}'  # 32 levels with the object
    response = api(users["fan"]).post(
        f"/api/v1/challenges/{challenge.id}/solutions", data=body, content_type="application/json"
    )
    assert_error(response, 422, "invalid_field", "title")


# The OpenAPI document


def test_every_api_route_is_documented_and_every_documented_one_exists(app, client):
    from forum.api.openapi import api_routes, openapi_path

    doc = client.get("/api/v1/openapi.json").get_json()
    routes = {(openapi_path(rule), method.lower()) for rule, method, _endpoint in api_routes(app)}
    documented = {(path, method) for path, methods in doc["paths"].items() for method in methods}
    assert routes == documented
    for path, method in documented:
        operation = doc["paths"][path][method]
        assert operation["summary"] and "default" in operation["responses"]
        names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert names == set(path.replace("}", "{").split("{")[1::2]), path


def test_openapi_references_resolve(app, client):
    import json

    doc = client.get("/api/v1/openapi.json").get_json()
    text = json.dumps(doc)
    for name in {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}:
        assert name in doc["components"]["schemas"], name


def test_api_page_lists_every_operation(app, client):
    page = client.get("/api").get_data(as_text=True)
    assert "/api/v1/challenges/{challenge_id}/solutions" in page and "/api/v1/export/solutions.xlsx" in page


def test_writes_are_rate_limited_per_account_with_a_json_429(app, users, solution, api):
    saved = app.config["RATELIMIT_VOTE"]
    app.config["RATELIMIT_VOTE"] = "2 per minute"
    try:
        fan = api(users["fan"])
        url = f"/api/v1/solutions/{solution.id}/vote"
        assert [fan.put(url).status_code for _ in range(2)] == [200, 200]
        limited = fan.put(url)
        assert_error(limited, 429, "too_many_requests")
        assert limited.headers["Retry-After"]
        assert api(users["staff"]).put(url).status_code == 200  # another account has its own budget
    finally:
        app.config["RATELIMIT_VOTE"] = saved


def test_an_unknown_api_url_or_method_is_a_json_404_or_405_not_a_csrf_error(make_app, app, users):
    token = factories.door(tokens.issue_token, users["fan"], "script")[1]
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = ApiClient(strict.test_client(), token)
    assert_error(client.post("/api/v1/nonexistent", json={}), 404, "not_found")
    assert client.delete("/api/v1/communities").status_code == 405
    assert client.delete("/api/v1/communities").get_json()["error"]["code"] == "method_not_allowed"


def test_a_deadline_already_past_is_refused_naming_its_field(api, users, community):
    staff = api(users["staff"])
    campaign = {"title": "Campaign", "body": "Run it.", "campaign": True, "submission_ends": "2020-01-01T00:00:00Z"}
    made = staff.post(f"/api/v1/communities/{community.slug}/challenges", json=campaign)
    assert_error(made, 422, "rule_broken", "submission_ends")
    run = staff.post(f"/api/v1/communities/{community.slug}/challenges", json={**campaign, "submission_ends": None})
    assert run.status_code == 201, run.get_data(as_text=True)
    moved = staff.patch(f"/api/v1/challenges/{run.get_json()['id']}", json={"voting_ends": "2021-06-01T00:00:00Z"})
    assert_error(moved, 422, "rule_broken", "voting_ends")
