"""Every API route in the URL map, called with an admin's token and the objects it needs: each
answer's Content-Type names exactly one media type, the one the OpenAPI document says (JSON for
errors), and at most one charset. A route added later is walked too, with an empty body if this
file does not know a better one."""

import re

import pytest

from forum.accounts import tokens
from forum.api.core import OPERATIONS
from forum.api.openapi import api_routes
from forum.challenges.services import set_phase
from forum.review import prototypes, status
from tests import factories

# A body each writing route accepts (or, for a route not listed, {}: its refusal is checked instead).
BODIES = {
    "api.create_token": {"username": "admin", "password": factories.PASSWORD},
    "api.create_community": {"slug": "new-one", "name": "新社区 · New one"},
    "api.post_challenge": {"title": "Drum smells", "body": "After each wash."},
    "api.change_challenge": {"title": "Drum smells, still"},
    "api.submit_solution": {"title": "A steam nozzle", "body": "Clean the gap."},
    "api.change_solution": {"hidden": False},
    "api.add_comment": {"body": "好主意 · Nice"},
    "api.raise_flag": {"reason": "spam"},
    "api.add_review": {"feasibility": 4, "impact": 5, "novelty": 3, "cost": 2, "note": "ok"},
    "api.change_status": {"status": "shortlisted", "note": "入围"},
    "api.post_update": {"body": "Sample machine built"},
}
# Query strings the reads need.
QUERIES = {
    "api.search_everything": "?q=drum",
    "api.export_csv": "?community=haier-washers",
    "api.export_xlsx": "?community=haier-washers",
    "api.export_json": "?community=haier-washers",
}
# Routes without a body that answer with success once the fixture's objects exist.
READS = {
    "api.list_challenges", "api.get_challenge", "api.list_communities", "api.get_community", "api.search_everything",
    "api.leaderboard", "api.list_comments", "api.export_csv", "api.export_xlsx", "api.export_json",
    "api.openapi_document", "api.list_reviews", "api.list_updates", "api.list_solutions", "api.get_solution",
    "api.cast_vote", "api.withdraw_vote",
}  # fmt: skip
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")


@pytest.fixture
def walk(app, users, community):
    """The values for each route's path arguments, and an admin's token. Fans' routes get a
    challenge open for submissions; staff's review routes one in review with an idea in prototyping."""
    open_one = factories.challenge(users["staff"], community, title="二次污染 · Secondary pollution", vote_budget=5)
    idea = factories.solution(factories.user("maker"), open_one, title="Steam-clean the drum")
    in_review = factories.challenge(users["staff"], community, title="Noise", vote_budget=5)
    reviewed = factories.solution(factories.user("maker2"), in_review, title="Rubber feet")
    promoted = factories.solution(factories.user("maker3"), in_review, title="A drier drum")
    factories.door(set_phase, users["staff"], in_review, "review")
    factories.door(status.record_status, users["staff"], promoted, "shortlisted", "")
    factories.door(prototypes.promote, users["staff"], promoted, [users["staff"]])
    review_args = {"slug": community.slug, "challenge_id": in_review.id, "solution_id": reviewed.id}
    return {
        "token": tokens.issue_token(users["admin"], "walk")[1],
        "args": {"slug": community.slug, "challenge_id": open_one.id, "solution_id": idea.id},
        "by_endpoint": {
            "api.add_review": review_args,
            "api.list_reviews": review_args,
            "api.change_status": review_args,
            "api.list_updates": {**review_args, "solution_id": promoted.id},
            "api.post_update": {**review_args, "solution_id": promoted.id},
        },
    }


def _url(rule, args):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(args.get(m.group(1), 1)), rule)


def assert_one_content_type(response, expected, what):
    header = response.headers.get("Content-Type", "")
    values = response.headers.getlist("Content-Type")
    assert len(values) == 1, (what, values)
    media_type, *params = [part.strip() for part in header.split(";")]
    assert MEDIA_TYPE.match(media_type) and "," not in header, (what, header)
    assert media_type == expected, (what, header)
    charsets = [p for p in params if p.lower().startswith("charset=")]
    assert len(charsets) <= 1 and all(c.lower() == "charset=utf-8" for c in charsets), (what, header)
    assert len(params) == len(charsets), (what, header)  # nothing but a charset after the type


def _call(client, method, url, token, endpoint):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs = {"json": BODIES.get(endpoint, {})} if method in ("POST", "PUT", "PATCH") else {}
    return getattr(client, method.lower())(url, headers=headers, **kwargs)


def test_every_api_route_answers_with_one_media_type_and_at_most_one_charset(app, walk):
    client = app.test_client()
    routes = list(api_routes(app))
    assert len(routes) >= 28
    succeeded = set()
    for rule, method, endpoint in routes:
        args = walk["by_endpoint"].get(endpoint, walk["args"])
        spec = OPERATIONS.get((rule, method))
        url = _url(rule, args) + QUERIES.get(endpoint, "")
        response = _call(client, method, url, walk["token"], endpoint)
        what = f"{method} {rule} -> {response.status_code}"
        if response.status_code == 204:
            assert not response.data, what
            succeeded.add(endpoint)
            continue
        ok = 200 <= response.status_code < 300
        expected = spec.produces if ok and spec is not None else "application/json"
        assert_one_content_type(response, expected, what)
        if ok:
            succeeded.add(endpoint)
        else:
            assert response.get_json()["error"]["code"], what
    # The walk reaches every known route's success answer, not only its refusals.
    known = {endpoint for _rule, _method, endpoint in routes if endpoint in BODIES or endpoint in READS}
    assert known <= succeeded, known - succeeded


def test_api_errors_are_json_with_one_charset_at_most(app, walk):
    client = app.test_client()
    for rule, method, endpoint in api_routes(app):
        missing = dict.fromkeys(("challenge_id", "solution_id"), 99999999) | {"slug": "no-such-community"}
        unknown = _url(rule, missing)
        for token in (walk["token"], None, "not-a-token"):
            response = _call(client, method, unknown, token, endpoint)
            what = f"{method} {unknown} ({'token' if token else 'no token'}) -> {response.status_code}"
            if response.status_code < 400:
                continue  # a route without arguments (a list, the document) answers as usual
            assert_one_content_type(response, "application/json", what)
            assert response.get_json()["error"]["code"], what
    for url, method in (("/api/v1/no-such-thing", "GET"), ("/api/v1/communities", "DELETE")):
        response = getattr(client, method.lower())(url)
        assert response.status_code in (404, 405)
        assert_one_content_type(response, "application/json", url)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
    ],
)
def test_exports_say_their_charset_once(app, walk, users, login, fmt, content_type):
    slug = walk["args"]["slug"]
    headers = {"Authorization": f"Bearer {walk['token']}"}
    api = app.test_client().get(f"/api/v1/export/solutions.{fmt}?community={slug}", headers=headers)
    page = login(users["product"]).get(f"/c/{slug}/export?format={fmt}&sort=votes&status=&min_votes=0")
    assert api.status_code == page.status_code == 200
    assert api.headers["Content-Type"] == page.headers["Content-Type"] == content_type
