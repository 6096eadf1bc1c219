"""OpenID Connect providers: OIDC_PROVIDERS checked at start-up, one Authlib client each, and the
claims a finished sign-in yields.

Authlib keeps each sign-in's state, nonce and PKCE verifier in the signed session cookie, so the
callback may be served by any worker or node; it pops them on first use, so a replayed callback
finds none and is refused, and it checks the ID token's signature, issuer, audience, expiry and
nonce before any claim is read here.
"""

import json
import re
from dataclasses import dataclass

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import current_app, session
from joserfc.errors import JoseError
from requests import RequestException

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
REQUIRED = ("name", "label", "server_metadata_url", "client_id", "client_secret")
KNOWN = frozenset((*REQUIRED, "key_claim"))
EXTENSION = "cocreate_oidc"
# Claims are strings a provider chose; nothing longer is kept.
SUBJECT_MAX = 255


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    server_metadata_url: str
    client_id: str
    client_secret: str
    key_claim: str = "sub"


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in (a replayed or forged state, a bad ID token,
    no key claim, the provider unreachable); `reason` says which, for the log."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_providers(value):
    """OIDC_PROVIDERS as Provider tuples: a JSON string (COCREATE_OIDC_PROVIDERS) or a list
    (instance/config.py). Raises ValueError naming the provider and what is wrong with it."""
    if value in (None, "", []):
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"OIDC_PROVIDERS is not valid JSON: {error}") from None
    if not isinstance(value, list):
        raise ValueError("OIDC_PROVIDERS must be a JSON list of providers")
    providers, names = [], set()
    for number, entry in enumerate(value, 1):
        where = f"OIDC_PROVIDERS entry {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be an object with {', '.join(REQUIRED)}")
        where = f"{where} ({entry.get('name')!r})"
        unknown = sorted(set(entry) - KNOWN)
        if unknown:
            raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")
        entry = {"key_claim": "sub", **entry}
        for key in (*REQUIRED, "key_claim"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ValueError(f"{where} needs {key}, a non-empty string")
        if not NAME.match(entry["name"]):
            raise ValueError(f"{where}: name must be 1 to 40 of a-z, 0-9, _ and -, starting with a letter or digit")
        if entry["name"] in names:
            raise ValueError(f"{where}: two providers are named {entry['name']!r}")
        if not entry["server_metadata_url"].startswith(("https://", "http://")):
            raise ValueError(f"{where}: server_metadata_url must be an http(s) URL")
        names.add(entry["name"])
        providers.append(Provider(**entry))
    return tuple(providers)


def init_app(app):
    """Check OIDC_PROVIDERS and register a client for each (PKCE with S256)."""
    providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    oauth = OAuth(app)
    for provider in providers:
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.server_metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    app.extensions[EXTENSION] = ({provider.name: provider for provider in providers}, oauth)


def providers():
    """The configured providers, in their configured order."""
    return tuple(current_app.extensions[EXTENSION][0].values())


def provider(name):
    """The provider named so, or None."""
    return current_app.extensions[EXTENSION][0].get(name)


def start(provider, redirect_uri):
    """The URL of the provider's authorization page; Authlib saves state, nonce and PKCE verifier
    in the session. Raises SignInFailed when the provider's metadata cannot be read."""
    # One sign-in in flight per browser: an earlier one's state goes, so pressing buttons again
    # and again cannot grow the session cookie past what browsers keep (about 4 KB).
    for key in [key for key in session if key.startswith("_state_")]:
        session.pop(key)
    try:
        return _client(provider).authorize_redirect(redirect_uri).headers["Location"]
    except (RequestException, ValueError, KeyError, RuntimeError) as error:
        raise SignInFailed(f"{provider.name}: cannot start: {error!r}") from None


def finish(provider):
    """(key-claim value, claims) of the sign-in the provider sent back to this request. Raises
    SignInFailed for an unknown, used or forged state, a bad ID token, or no key claim."""
    client = _client(provider)
    try:
        token = client.authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError, TypeError) as error:
        raise SignInFailed(f"{provider.name}: {error!r}") from None
    claims = token.get("userinfo")
    if not claims:  # no ID token, or Authlib had no nonce to check it against
        raise SignInFailed(f"{provider.name}: no verified ID token")
    claims = dict(claims)
    if provider.key_claim not in claims:
        claims = _with_userinfo(client, token, claims)
    subject = claims.get(provider.key_claim)
    if isinstance(subject, int) and not isinstance(subject, bool):
        subject = str(subject)
    if not isinstance(subject, str) or not subject or len(subject) > SUBJECT_MAX:
        raise SignInFailed(f"{provider.name}: no usable {provider.key_claim} claim")
    return subject, claims


def _with_userinfo(client, token, claims):
    """The ID token's claims completed from the userinfo endpoint (a gateway may put `unionid`
    only there); its `sub` must be the ID token's, as OpenID Connect Core 5.3.2 requires."""
    try:
        info = client.userinfo(token=token)
    except (RequestException, ValueError, KeyError, RuntimeError) as error:
        raise SignInFailed(f"userinfo: {error!r}") from None
    if info.get("sub") != claims.get("sub"):
        raise SignInFailed("userinfo is about another subject than the ID token")
    return {**info, **claims}


def verified_email(claims):
    """The address the provider vouches for, or None: only with `email_verified` true."""
    email = claims.get("email")
    if claims.get("email_verified") is True and isinstance(email, str) and 3 <= len(email) <= 254:
        return email
    return None


def suggested_username(claims):
    """What the pick-a-username form starts with: preferred_username, else name."""
    for key in ("preferred_username", "name", "nickname"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:30]
    return ""


def _client(provider):
    return current_app.extensions[EXTENSION][1].create_client(provider.name)
