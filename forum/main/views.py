"""The home page, the language and theme switches, the API documentation page and the health check."""

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from forum import health, themes
from forum.api.openapi import document
from forum.challenges.services import trending_challenges
from forum.communities.services import list_communities
from forum.i18n import remember_language
from forum.main import api_words
from forum.security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html", communities=list_communities(), trending=trending_challenges())


@bp.route("/language/<code>")
def set_language(code):
    # A link, not a form: it only sets the visitor's own cookie and changes nothing on the server.
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    return remember_language(response, code)


@bp.route("/theme/<theme>")
def set_theme(theme):
    # A link, like the language's: only the visitor's own cookie changes, nothing on the server.
    if not themes.is_theme(theme):
        abort(404)
    return themes.remember(redirect(safe_next(request.args.get("next"))), theme)


@bp.route("/healthz")
def healthz():
    checks = health.check()
    healthy = all(result == "ok" for result in checks.values())
    response = jsonify(status="ok" if healthy else "failing", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api")
def api_docs():
    """The API, readable: every operation from the OpenAPI document, grouped by resource."""
    spec = document()
    groups = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            groups.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    return render_template(
        "main/api.html",
        spec=spec,
        groups=groups,
        schemas=spec["components"]["schemas"],
        words=api_words,  # the document stays English; the page speaks the reader's language
    )
