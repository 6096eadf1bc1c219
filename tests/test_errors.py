"""Error pages in both languages; JSON errors under /api/; no traceback for anyone."""

import pytest
from flask import Blueprint

from forum.errors import Forbidden, RuleBroken


@pytest.fixture
def failing_app(make_app):
    """An app with routes that fail on purpose."""
    app = make_app()
    bp = Blueprint("failing", __name__)

    @bp.route("/boom")
    def boom():
        raise RuntimeError("kaput")

    @bp.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("kaput")

    @bp.route("/api/v1/refused")
    def api_refused():
        raise RuleBroken("Voting has closed.", field="vote")

    @bp.route("/forbidden")
    def forbidden():
        raise Forbidden()

    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize(
    ("path", "status", "english", "chinese"),
    [
        ("/no-such-page", 404, "Page not found", "页面不存在"),
        ("/forbidden", 403, "You may not do that", "没有权限"),
        ("/boom", 500, "Something went wrong on our side", "服务器出错了"),
    ],
)
def test_error_pages_in_both_languages(failing_app, app, path, status, english, chinese):
    client = failing_app.test_client()
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert english in body and "Traceback" not in body and "kaput" not in body
    assert chinese in client.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_api_paths_answer_json_errors(failing_app, app):
    client = failing_app.test_client()
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"

    crashed = client.get("/api/v1/boom")
    assert crashed.status_code == 500
    assert crashed.json == {"error": {"code": "internal_error", "message": "internal error"}}

    refused = client.get("/api/v1/refused")
    assert refused.status_code == 422
    assert refused.json["error"] == {"code": "rule_broken", "message": "Voting has closed.", "field": "vote"}


def test_rate_limited_login_gets_a_429_page(make_app, app):
    limited = make_app(RATELIMIT_LOGIN="2 per minute")
    client = limited.test_client()
    for _ in range(2):
        assert client.post("/login", data={"login": "x", "password": "y"}).status_code == 200
    response = client.post("/login", data={"login": "x", "password": "y"}, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    assert "操作太频繁" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_method_not_allowed_is_not_a_500(client):
    response = client.post("/c/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_request_log_has_method_path_status_and_time(client, caplog):
    with caplog.at_level("INFO", logger="forum.request"):
        client.get("/c/?page=2")
    line = next(r.getMessage() for r in caplog.records if r.name == "forum.request")
    method, path, status, ms = line.split()
    assert (method, path, status) == ("GET", "/c/?page=2", "200")
    assert ms.endswith("ms") and float(ms[:-2]) >= 0


def test_unhandled_errors_are_logged_with_a_traceback(failing_app, app, caplog):
    with caplog.at_level("ERROR"):
        failing_app.test_client().get("/boom")
    record = next(r for r in caplog.records if r.levelname == "ERROR")
    assert record.exc_info and "kaput" in str(record.exc_info[1])


@pytest.mark.parametrize(
    "url",
    ["/solutions/7319721698381", "/report/solution/7319721698381", "/challenges/99999999999999999999"],
)
def test_ids_past_the_integer_columns_are_not_found(app, users, login, url):
    assert login(users["fan"]).get(url).status_code == 404
