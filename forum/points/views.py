"""Leaderboards, per community and site-wide, all time and the last 30 days."""

from flask import Blueprint, render_template, request

from forum.communities.models import Community
from forum.extensions import db
from forum.points import services
from forum.views import text_arg

bp = Blueprint("points", __name__)


@bp.route("/leaderboard")
def leaderboard():
    slug = text_arg("community", 40)  # without the NUL PostgreSQL refuses
    community = db.session.execute(db.select(Community).filter_by(slug=slug)).scalar_one_or_none() if slug else None
    period = request.args.get("period") if request.args.get("period") in services.PERIODS else "all"
    rows = [(user, points, services.level(points)) for user, points in services.leaderboard(community, period)]
    communities = db.session.execute(db.select(Community).order_by(Community.name)).scalars().all()
    return render_template(
        "points/leaderboard.html", rows=rows, community=community, period=period, communities=communities
    )
