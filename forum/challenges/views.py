"""Challenge pages: post a problem or a campaign, read it with its solutions, move its phase."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.challenges import services
from forum.challenges.forms import ChallengeForm, PhaseForm
from forum.communities.services import get_community
from forum.errors import RuleBroken
from forum.forms import ConfirmForm, attach_error
from forum.limits import limit_writes
from forum.media import services as media
from forum.permissions import can_edit_challenge, can_run_campaign, problem_refusal, require
from forum.phases import PHASE_LABELS
from forum.security import keeps_input_on_csrf_failure
from forum.solutions import comments, follows, votes
from forum.solutions import services as solutions
from forum.solutions.forms import CommentForm
from forum.transaction import checkpoint, writes
from forum.views import back, clear_draft, refused
from forum.zones import reading_in

bp = Blueprint("challenges", __name__)


@bp.record_once
def _vocabulary(state):
    # The feature's words for templates everywhere, set once when the blueprint is registered.
    state.app.jinja_env.globals.update(phase_labels=PHASE_LABELS)


@bp.route("/c/<slug>/challenges/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")
@writes
def new(slug):
    community = get_community(slug)
    reading_in(community)  # deadlines are typed in the reader's zone
    form = ChallengeForm()
    staff = can_run_campaign(current_user, community)
    if form.validate_on_submit():
        try:
            challenge = services.post_challenge(
                current_user,
                community,
                form.title.data,
                form.body.data,
                form.campaign() if staff else None,
                cover_id=_uploaded_cover(form) if staff else None,
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            # The words of the button the member pressed: a fan posts a problem, staff a campaign.
            published = _("Your campaign is published.") if challenge.is_campaign else _("Your problem is published.")
            flash(published, "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return render_template(
        "challenges/form.html",
        form=form,
        community=community,
        challenge=None,
        staff=staff,
        refusal=problem_refusal(current_user, community),
    )


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")  # an edit takes a cover picture as a post does
@writes
def edit(challenge_id):
    challenge = services.get_challenge_for(current_user, challenge_id)
    require(can_edit_challenge(current_user, challenge))
    reading_in(challenge.community)
    staff = can_run_campaign(current_user, challenge.community)
    form = ChallengeForm(obj=challenge)
    if request.method == "GET":
        form.is_campaign.data = challenge.is_campaign
    if form.validate_on_submit():
        try:
            services.update_challenge(
                current_user,
                challenge,
                form.title.data,
                form.body.data,
                form.campaign() if staff else None,
                cover_id=_uploaded_cover(form) if staff else None,
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            flash(_("Challenge saved."), "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return render_template(
        "challenges/form.html", form=form, community=challenge.community, challenge=challenge, staff=staff
    )


@bp.route("/challenges/<int:challenge_id>")
def detail(challenge_id):
    challenge = services.get_challenge_for(current_user, challenge_id, with_page=True)
    reading_in(challenge.community)
    sort = request.args.get("sort", "hot")
    if sort not in services.SORTS:
        abort(404)
    try:
        page = solutions.list_solutions(challenge, sort, request.args.get("cursor"), viewer=current_user)
    except RuleBroken:
        abort(404)
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        page=page,
        sort=sort,
        voted=votes.voted_ids(current_user, [s.id for s in page.items]),
        budget_used=votes.budget_used(current_user, challenge) if current_user.is_authenticated else 0,
        following=follows.is_following(current_user, challenge),
        thread=comments.thread(challenge, viewer=current_user),
        # Visitors get no forms: a form's CSRF token would give each of them a session cookie.
        comment_form=CommentForm() if current_user.is_authenticated else None,
        phase_form=PhaseForm(phase=challenge.current_phase()) if current_user.is_authenticated else None,
        action_form=ConfirmForm() if current_user.is_authenticated else None,
    )


@bp.route("/challenges/<int:challenge_id>/phase", methods=["POST"])
@login_required
@writes
def phase(challenge_id):
    challenge = services.get_challenge_for(current_user, challenge_id)
    require(can_run_campaign(current_user, challenge.community))
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            services.set_phase(current_user, challenge, form.phase.data)
        except RuleBroken as error:
            return refused(error, url_for("challenges.detail", challenge_id=challenge.id))
        flash(_("The challenge moved to “%(phase)s”.", phase=challenge.phase_label), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/follow", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def follow(challenge_id):
    challenge = services.get_challenge_for(current_user, challenge_id)
    follows.set_following(current_user, challenge, request.form.get("action") != "unfollow")
    return back(url_for("challenges.detail", challenge_id=challenge.id))


def _uploaded_cover(form):
    """Store an uploaded cover image first; a bad file is refused before anything is posted."""
    checkpoint()  # nothing written yet: the write lock is free while the picture is decoded
    try:
        stored = media.store_uploads(current_user, [form.cover.data])
    except RuleBroken as error:
        raise RuleBroken(error.message, field="cover") from None
    checkpoint()  # kept even if the challenge is refused
    return stored[0].id if stored else None
