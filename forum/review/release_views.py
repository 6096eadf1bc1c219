"""Release pages: a community's releases (public) and the staff form that publishes one."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.communities.services import get_community
from forum.errors import RuleBroken
from forum.forms import attach_error, choices
from forum.limits import limit_writes
from forum.permissions import is_staff, require
from forum.review import releases
from forum.review.forms import ReleaseForm
from forum.review.views import bp
from forum.security import keeps_input_on_csrf_failure
from forum.transaction import writes


@bp.route("/c/<slug>/releases")
def release_list(slug):
    community = get_community(slug)
    try:
        page = releases.releases_of(community, request.args.get("cursor"))
    except RuleBroken:
        return redirect(url_for("review.release_list", slug=slug))
    return render_template("review/releases.html", community=community, page=page)


@bp.route("/c/<slug>/releases/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")
@writes
def release_new(slug):
    community = get_community(slug)
    require(is_staff(current_user, community))
    form = ReleaseForm()
    form.solutions.choices = choices((idea.id, _idea_label(idea)) for idea in releases.shippable(community))
    if form.validate_on_submit():
        try:
            release = releases.publish(
                current_user, community, form.version.data, form.released_on.data, form.body.data, form.solutions.data
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(
                _("%(version)s is published. Everyone who backed its ideas will hear of it.", version=release.version),
                "success",
            )
            return redirect(url_for("review.release_list", slug=slug))
    return render_template("review/release_form.html", community=community, form=form)


def _idea_label(idea):
    """How the release form names an idea: enough to tell two alike apart (status and votes)."""
    votes = ngettext("%(num)d vote", "%(num)d votes", idea.vote_count)
    return f"{idea.title} · {idea.status_label} · {votes}"
