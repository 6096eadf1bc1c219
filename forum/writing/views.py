"""The preview of a Markdown field: rendered on the server by the renderer that stores text, so
what a member previews is what will be stored and shown."""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required

from forum import text
from forum.limits import limit_writes
from forum.solutions import mentions

bp = Blueprint("writing", __name__)

# The longest body any form takes (a solution's or a problem's); a longer one is refused as
# those forms refuse it.
PREVIEW_MAX = 20_000


@bp.route("/preview", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
def preview():
    body = request.form.get("body", "")
    if len(body) > PREVIEW_MAX:
        message = _("Field cannot be longer than %(max)d characters.", max=PREVIEW_MAX)
        return jsonify(error={"code": "too_long", "message": message, "field": "body"}), 422
    # Solutions and comments link the @names of members (forum/solutions/mentions.py); the other
    # Markdown fields are stored through text.render alone.
    if request.form.get("mentions"):
        html, _named = mentions.render(body)
    else:
        html = text.render(body)
    response = jsonify(html=html)
    response.headers["Cache-Control"] = "no-store"
    return response
