"""The search page and the duplicate hints beside the solution form."""

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user

from forum.challenges.services import get_challenge_for
from forum.communities.models import Community
from forum.extensions import db
from forum.search import query
from forum.solutions.models import STATUSES
from forum.views import text_arg

bp = Blueprint("search", __name__)


@bp.route("/search")
def results():
    community = None
    if slug := text_arg("community", 40):  # without the NUL PostgreSQL refuses
        community = db.session.execute(db.select(Community).filter_by(slug=slug)).scalar_one_or_none()
    kind = request.args.get("type") if request.args.get("type") in query.TYPES else None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    sort = request.args.get("sort") if request.args.get("sort") in query.SORTS else "relevance"
    found = query.search(
        current_user, request.args.get("q", ""), community, kind, status, sort, request.args.get("page", 1, type=int)
    )
    communities = db.session.execute(db.select(Community).order_by(Community.name)).scalars().all()
    return render_template(
        "search/results.html",
        found=found,
        community=community,
        kind=kind,
        status=status,
        sort=sort,
        communities=communities,
    )


@bp.route("/challenges/<int:challenge_id>/similar")
def similar(challenge_id):
    """Solutions like the draft in `q`, for the hints beside the solution form."""
    challenge = get_challenge_for(current_user, challenge_id)
    found = query.similar_solutions(current_user, challenge, request.args.get("q", ""))
    return jsonify(
        solutions=[
            {"id": s["id"], "title": s["title"], "url": url_for("solutions.detail", solution_id=s["id"])} for s in found
        ]
    )
