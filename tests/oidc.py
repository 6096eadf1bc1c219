"""Helpers of the sign-in tests: two real local OpenID providers (oidc-provider-mock, in threads),
an app configured with both, and a browser's way through a provider's authorization form."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from forum.accounts.models import SignInIdentity, User
from forum.extensions import db, limiter
from tests.conftest import _empty_tables

PENDING = "oidc_pending"
NEW_PASSWORD = "plum orchard ladder quietly"


def providers_config(urls):
    return [
        {
            "name": "brand",
            "label": "Haier",
            "server_metadata_url": urls["brand"] + "/.well-known/openid-configuration",
            "client_id": "cocreate",
            "client_secret": "brand-secret",
        },
        {
            "name": "mi",
            "label": "Mi",
            "server_metadata_url": urls["mi"] + "/.well-known/openid-configuration",
            "client_id": "cocreate-mi",
            "client_secret": "mi-secret",
            "key_claim": "unionid",
        },
    ]


def fixtures():
    """(provider_urls, oidc_app, app) for a test module: `provider_urls, oidc_app, app = fixtures()`.

    Two providers served in threads for the module (their storage is their own), an app on the
    session's database with both configured, and `app` in its context, emptied after each test."""

    @pytest.fixture(scope="module")
    def provider_urls():
        with run_server_in_thread() as brand, run_server_in_thread() as gateway:
            yield {"brand": f"http://localhost:{brand.server_port}", "mi": f"http://localhost:{gateway.server_port}"}

    @pytest.fixture(scope="module")
    def oidc_app(make_app, base_app, provider_urls):
        return make_app(OIDC_PROVIDERS=providers_config(provider_urls))

    @pytest.fixture
    def app(oidc_app):
        with oidc_app.app_context():
            limiter.reset()
            oidc_app.extensions["fragments"].clear()
            oidc_app.extensions["mailman"].outbox = []
            yield oidc_app
            db.session.remove()
            _empty_tables()

    return provider_urls, oidc_app, app


def provider_sends(app, client, urls, sub, claims, provider="brand", start=None, data=None, forge=None):
    """Press the provider's button (or `start`, a URL to POST), choose `sub` on the provider's own
    authorization form, and return the callback path the provider redirects the browser to."""
    requests.put(f"{urls[provider]}/users/{sub}", json=claims, timeout=5).raise_for_status()
    started = client.post(start or f"/login/with/{provider}", data=data or {})
    assert started.status_code == 200, started.get_data(as_text=True)
    (authorize,) = re.findall(r'<a id="provider-link" href="([^"]+)"', started.get_data(as_text=True))
    authorize = html.unescape(authorize)
    assert f'content="0; url={html.escape(authorize)}"' in started.get_data(as_text=True)
    assert authorize.startswith(urls[provider] + "/oauth2/authorize")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()
    back = requests.post(forge(authorize) if forge else authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["Location"])
    assert parts.path == f"/login/with/{provider}/callback"
    return f"{parts.path}?{parts.query}"


def sign_in(app, client, urls, sub, claims, provider="brand", **options):
    return client.get(provider_sends(app, client, urls, sub, claims, provider, **options))


def accounts():
    return db.session.execute(db.select(User).order_by(User.id)).scalars().all()


def identities():
    return db.session.execute(db.select(SignInIdentity.provider, SignInIdentity.subject, SignInIdentity.user_id)).all()


def same_for_everyone(html, *words):
    """The page without what differs from reader to reader: their CSRF token, the given words."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', "", html)
    for word in words:
        html = html.replace(word, "WORD")
    return html


def signed_in_as(client):
    page = client.get("/account")
    return page.status_code == 200 and page
