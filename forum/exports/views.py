"""The export page: filters, then the file (CSV, XLSX or JSON) streamed to the browser."""

from datetime import datetime

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.challenges.models import Challenge
from forum.communities.services import get_community
from forum.errors import RuleBroken
from forum.exports import services
from forum.exports.forms import ExportForm
from forum.exports.writers import CONTENT_TYPES, WRITERS
from forum.extensions import db
from forum.forms import attach_error, choices
from forum.limits import limit_reads
from forum.permissions import can_export, require

bp = Blueprint("exports", __name__)


@bp.route("/c/<slug>/export")
@login_required
@limit_reads("RATELIMIT_EXPORT")
def export(slug):
    community = get_community(slug)
    require(can_export(current_user, community))
    form = ExportForm(formdata=request.args if "format" in request.args else None)
    form.challenge.choices = choices([(0, _("All challenges"))] + [(c.id, c.title) for c in _challenges(community)])
    if "format" in request.args and form.validate():
        try:
            return download(community, form)
        except RuleBroken as error:
            attach_error(form, error)
    return render_template("exports/export.html", community=community, form=form)


def download(community, form):
    since = datetime.combine(form.since.data, datetime.min.time()) if form.since.data else None
    spec = services.make_spec(
        community,
        form.challenge.data or None,
        status=form.status.data or None,
        min_votes=form.min_votes.data,
        since=since,
        sort=form.sort.data,
        limit=form.limit.data,
    )
    return stream(current_user, spec, form.format.data)


def stream(viewer, spec, fmt):
    """The export as a streamed attachment; refusals are raised before the first byte."""
    rows = services.rows(viewer, spec)
    name = f"{spec.community.slug}-solutions.{fmt}"
    return Response(
        stream_with_context(WRITERS[fmt](rows)),
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _challenges(community):
    stmt = db.select(Challenge).filter_by(community_id=community.id).order_by(Challenge.id.desc()).limit(500)
    return db.session.execute(stmt).scalars().all()
