"""The QR code of a challenge, a solution or a release page, for WeChat (which opens links scanned
from a screen), and the share helpers templates call."""

from flask import Blueprint, make_response, request

from forum.challenges.services import get_challenge
from forum.errors import NotFound
from forum.mail.services import public_url
from forum.review.releases import get_release
from forum.sharing import cards, links, qr
from forum.solutions.services import get_solution

bp = Blueprint("sharing", __name__)

# Browsers and proxies may keep a code for a day: it names an address, which does not change, and
# a post hidden meanwhile only leads its scanners to a page saying so.
QR_MAX_AGE = 24 * 60 * 60
LOADERS = {"challenge": get_challenge, "solution": get_solution, "release": get_release}


@bp.record_once
def _vocabulary(state):
    state.app.jinja_env.globals.update(
        share_card=cards.share_card, share_address=public_url, plain_excerpt=cards.excerpt
    )


@bp.route("/share/<any(challenge, solution, release):kind>/<int:target_id>/qr.svg")
def qr_code(kind, target_id):
    """Takes the object, never an address: the code can only send a scanner to this forum's own
    pages. The same for every viewer, so public content only (anything else is 404 to all)."""
    obj = LOADERS[kind](target_id)
    if getattr(obj, "visibility", "public") != "public":
        raise NotFound(type(obj).not_found_message)
    response = make_response(qr.svg(links.page_address(kind, obj)))
    response.mimetype = "image/svg+xml"
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
