"""Security headers, the CSRF check on every state-changing request, and safe redirects."""

from urllib.parse import unquote, urlsplit

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from forum.extensions import csrf
from forum.transaction import SAFE_METHODS

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Pico CSS draws its icons from data: URIs.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def init_app(app):
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_check_csrf)
    app.after_request(_set_security_headers)


def keeps_input_on_csrf_failure(view):
    """Mark a form view whose FlaskForm checks the CSRF token itself.

    Such a view re-renders the form with what the user typed and a message when the token
    has expired, instead of the bare 400 page every other state-changing request gets.
    """
    view.checks_own_csrf = True
    return view


def signed_link(view):
    """Mark a view whose URL carries a signed token as its only credential, which mail clients
    POST to with no session and no form (one-click unsubscribe, RFC 8058): a forged request could
    do no more than what the link's owner was offered, so there is no CSRF token to check."""
    view.signed_link = True
    return view


def _check_csrf():
    if request.method in SAFE_METHODS or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    # The API takes no cookies, only bearer tokens (forum/api/auth.py): a forged request carries none.
    # By path too: a URL under /api/ that matches no route answers 404 or 405, not a CSRF error.
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "checks_own_csrf", False) or getattr(view, "signed_link", False):
        return
    csrf.protect()


# Files a page loads but a browser never opens as a document of their own: the policies about
# framing, scripts and referrers have nothing to act on there, and each would cost every first view
# about 300 bytes a file. SVG stays out of this list: opened alone, it is a document that can run script.
SUBRESOURCE_TYPES = {"text/css", "text/javascript", "application/javascript", "image/png", "image/jpeg",
                     "image/webp", "image/gif", "font/woff2"}  # fmt: skip


def _set_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype in SUBRESOURCE_TYPES:
        return response
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["HTTPS"]:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
        )
    return response


def safe_next(target, default="/"):
    """Return `target` if it is a path on this site, else `default`.

    Browsers treat backslashes as slashes and ignore tabs and newlines, so
    `/\\evil.example` and `/%5cevil.example` are external too.
    """
    if not target or not isinstance(target, str):
        return default
    decoded = unquote(target)
    if any(ch in decoded for ch in "\\\t\r\n") or any(ord(ch) < 32 for ch in decoded):
        return default
    if not decoded.startswith("/") or decoded.startswith("//"):
        return default
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return default
    return target
