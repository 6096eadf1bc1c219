"""CSRF on every state-changing request, text kept when the token expires, headers, safe redirects."""

import re
import time

import pytest

from forum.accounts.models import User
from forum.extensions import db
from forum.security import safe_next
from tests import factories


@pytest.fixture
def csrf_app(make_app, app):
    return make_app(WTF_CSRF_ENABLED=True)


def _registration(token, username="anna"):
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": "long enough!",
        "confirm": "long enough!",
        "csrf_token": token,
    }


def _token(client, path):
    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def test_forged_post_without_a_token_is_refused(csrf_app, users):
    client = csrf_app.test_client()
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD})  # refused: no token
    assert client.get("/account").status_code == 302

    response = client.post("/logout")
    assert response.status_code == 400


def test_forged_admin_post_changes_nothing(csrf_app, users):
    admin = csrf_app.test_client()
    admin.post(
        "/login",
        data={"login": "admin", "password": factories.PASSWORD, "csrf_token": _token(admin, "/login")},
    )
    assert admin.get("/admin/users").status_code == 200
    response = admin.post(f"/admin/users/{users['fan'].id}/site-role", data={"role": "admin"})
    assert response.status_code == 400
    assert db.session.get(User, users["fan"].id).site_role == "fan"


def test_a_valid_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = _token(client, "/register")
    response = client.post("/register", data=_registration(token))
    assert response.status_code == 200 and "We have sent a message" in response.get_data(as_text=True)


def test_expired_token_brings_the_form_back_with_the_users_text(make_app, app):
    short_lived = make_app(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=1)
    client = short_lived.test_client()
    token = _token(client, "/register")
    time.sleep(2.1)
    response = client.post("/register", data=_registration(token, "patient_writer"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your session expired before you sent the form" in body
    assert 'value="patient_writer"' in body and 'value="patient_writer@example.com"' in body
    assert db.session.execute(db.select(User)).first() is None
    # The page carries a fresh token, so sending again works.
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    response = client.post("/register", data=_registration(fresh, "patient_writer"))
    assert response.status_code == 200 and "We have sent a message" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/c/", "/static/favicon.svg", "/no-such-page", "/login", "/api/v1/communities"])
def test_security_headers_on_every_document(client, path):
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in headers  # only when configured for HTTPS


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.js", "/static/og-card.png"])
def test_files_a_page_loads_carry_only_nosniff(client, path):
    """A stylesheet, a script or a picture is never a document: no policy of framing or scripts
    to act on, only the type that must not be guessed."""
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in headers and "X-Frame-Options" not in headers


def test_no_inline_script_in_pages(client, users, login):
    for page_client, path in [(client, "/"), (client, "/login"), (login(users["admin"]), "/admin/users")]:
        body = page_client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag
        assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers either


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/c/haier", "/c/haier"),
        ("/", "/"),
        ("/u/米粉小王", "/u/米粉小王"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/%5cevil.example", "/"),
        ("https:evil.example", "/"),
        ("http://localhost/", "/"),
        ("javascript:alert(1)", "/"),
        ("relative/path", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_prefixed_forms_carry_their_own_token(csrf_app, users, community):
    """A page with several forms prefixes them; each must post its token under its own name, and
    a form that checks its own token (to keep the text on failure) must find it there."""
    from forum.challenges.services import set_phase
    from forum.review.models import Review

    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    set_phase(users["staff"], challenge, "review")
    client = csrf_app.test_client()
    client.post(
        "/login", data={"login": "staff", "password": factories.PASSWORD, "csrf_token": _token(client, "/login")}
    )
    page = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    token = re.search(r'name="review-csrf_token" value="([^"]+)"', page).group(1)
    scores = {f"review-{c}": "4" for c in ("feasibility", "impact", "novelty", "cost")}
    client.post(f"/solutions/{solution.id}/review", data={**scores, "review-csrf_token": token})
    assert db.session.execute(db.select(Review)).scalar_one().impact == 4
