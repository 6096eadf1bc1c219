"""Community pages: the list and one community."""

from flask import Blueprint, render_template

from forum.communities import services

bp = Blueprint("communities", __name__, url_prefix="/c")


@bp.route("/")
def index():
    return render_template("communities/index.html", communities=services.list_communities())


@bp.route("/<slug>")
def detail(slug):
    community = services.get_community(slug)
    return render_template("communities/detail.html", community=community, staff=services.staff_of(community))
