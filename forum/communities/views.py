"""Community pages: the list and one community."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from forum.challenges.services import SORTS, list_challenges
from forum.communities import services
from forum.errors import RuleBroken
from forum.zones import reading_in

bp = Blueprint("communities", __name__, url_prefix="/c")


@bp.route("/")
def index():
    return render_template("communities/index.html", communities=services.list_communities())


@bp.route("/<slug>")
def detail(slug):
    community = services.get_community(slug)
    reading_in(community)
    sort = request.args.get("sort", "hot")
    if sort not in SORTS:
        abort(404)
    try:
        page = list_challenges(community, sort, request.args.get("cursor"), viewer=current_user)
    except RuleBroken:
        abort(404)
    return render_template(
        "communities/detail.html", community=community, staff=services.staff_of(community), page=page, sort=sort
    )
