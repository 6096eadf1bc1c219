"""Staff actions on ideas: status changes, merges (and the picker that finds the duplicate's twin), rubric
reviews, assignments, private notes, the board."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.accounts.services import get_user
from forum.challenges.services import get_challenge_for
from forum.communities.services import get_community, staff_of
from forum.confirm import Confirmation, ask_first
from forum.errors import NotFound, RuleBroken
from forum.forms import attach_error, choices
from forum.permissions import can_answer, can_read_dashboard, can_read_reviews, is_staff, require
from forum.review import dashboard as dashboards
from forum.review import merge_picker, scoring, status
from forum.review.forms import CRITERIA_LABELS, AssignForm, MergeForm, ReviewForm, StaffNoteForm, StatusForm
from forum.review.models import RUBRIC_WEIGHTS
from forum.search.query import QUERY_MAX
from forum.security import keeps_input_on_csrf_failure
from forum.solutions import merges
from forum.solutions import services as solutions
from forum.transaction import writes
from forum.views import refused, text_arg

bp = Blueprint("review", __name__)

Confirmation(
    "solution.merge",
    question=_l("Merge this duplicate into the solution you chose?"),
    detail=_l(
        "Its votes move there (one per fan), its author is credited there, and both authors and all voters are "
        "told. Staff can undo the merge later."
    ),
    button=_l("Merge"),
)


@bp.record_once
def _vocabulary(state):
    # The feature's words for templates everywhere, set once when the blueprint is registered.
    state.app.jinja_env.globals.update(criteria_labels=CRITERIA_LABELS, rubric_weights=RUBRIC_WEIGHTS)


@bp.route("/solutions/<int:solution_id>/status", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def change_status(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(can_answer(current_user, solution))
    form = StatusForm.for_solution(solution)
    if form.validate_on_submit():
        try:
            status.change_status(current_user, solution, form.status.data, form.note.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(
                _("Status changed to “%(status)s”. The author and the voters are told.", status=solution.status_label),
                "success",
            )
            return redirect(url_for("solutions.detail", solution_id=solution.id))
    return render_template("review/status_retry.html", form=form, solution=solution), 422


@bp.route("/solutions/<int:solution_id>/review", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def review(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(is_staff(current_user, solution.challenge.community))
    form = ReviewForm(prefix="review")
    if form.validate_on_submit():
        try:
            scoring.score(current_user, solution, form.scores(), form.note.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Your review is saved."), "success")
            return redirect(url_for("solutions.detail", solution_id=solution.id, _anchor="staff-review"))
    # Nothing of a review with a score missing is stored: the form comes back as it was sent.
    return render_template("review/review_retry.html", form=form, solution=solution), 422


@bp.route("/solutions/<int:solution_id>/assign", methods=["POST"])
@login_required
@writes
def assign(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(is_staff(current_user, solution.challenge.community))
    form = assign_form(solution)
    if form.validate_on_submit():
        try:
            scoring.assign(current_user, solution, get_user(form.reviewer.data))
        except RuleBroken as error:
            return refused(error, url_for("solutions.detail", solution_id=solution.id))
        flash(_("Reviewer assigned."), "success")
    return redirect(url_for("solutions.detail", solution_id=solution.id, _anchor="staff-review"))


@bp.route("/solutions/<int:solution_id>/notes", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def add_note(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(is_staff(current_user, solution.challenge.community))
    form = StaffNoteForm(prefix="note")
    if form.validate_on_submit():
        scoring.add_staff_note(current_user, solution, form.body.data)
    return redirect(url_for("solutions.detail", solution_id=solution.id, _anchor="staff-review"))


@bp.route("/challenges/<int:challenge_id>/board")
@login_required
def board(challenge_id):
    challenge = get_challenge_for(current_user, challenge_id)
    require(can_read_reviews(current_user, challenge.community))
    return render_template(
        "review/board.html", challenge=challenge, rows=scoring.board(current_user, challenge), weights=RUBRIC_WEIGHTS
    )


@bp.route("/reviews/mine")
@login_required
def my_reviews():
    return render_template("review/mine.html", assignments=scoring.my_queue(current_user))


def assign_form(solution):
    form = AssignForm(prefix="assign")
    form.reviewer.choices = choices(
        (grant.user.id, grant.user.username) for grant in staff_of(solution.challenge.community)
    )
    return form


@bp.route("/solutions/<int:solution_id>/merge", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def merge(solution_id):
    """The merge picker (GET, `q` searches the challenge's solutions) and the merge itself (POST)."""
    source = solutions.get_solution_for(current_user, solution_id)
    require(can_answer(current_user, source))
    if source.status == "merged":
        flash(_("This idea is already merged."), "info")
        return redirect(_url(source))
    form = MergeForm()
    if form.validate_on_submit():
        try:
            target = solutions.get_solution_for(current_user, form.target_id())
            if merge_picker.mergeable(current_user, source, target) and (asked := _ask(form, source, target)):
                return asked
            merges.merge(current_user, source, target, form.note.data)
        except NotFound:
            attach_error(form, RuleBroken(_("No such solution."), field="target"))
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Merged. Both authors and all voters are told."), "success")
            return redirect(url_for("solutions.detail", solution_id=target.id))
    query, page = text_arg("q", QUERY_MAX), request.args.get("page", 1, type=int)
    candidates = merge_picker.merge_candidates(current_user, source, query, max(1, min(page, 500)))
    status_code = 422 if request.method == "POST" else 200
    return render_template("review/merge.html", solution=source, form=form, candidates=candidates), status_code


def _ask(form, source, target):
    keep = {"choice": form.choice.data, "target": form.target.data, "note": form.note.data}
    summary = _("Into “%(title)s” (number %(id)d)", title=target.title, id=target.id)
    return ask_first("solution.merge", cancel=_url(source), keep=keep, summary=summary, subject=source.title)


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"])
@login_required
@writes
def undo_merge(merge_id):
    record = merges.get_merge(merge_id)
    require(can_answer(current_user, record.source))
    try:
        merges.undo(current_user, record)
    except RuleBroken as error:
        return refused(error, _url(record.source))
    flash(_("The merge is undone."), "success")
    return redirect(_url(record.source))


def _url(solution):
    return url_for("solutions.detail", solution_id=solution.id)


@bp.route("/c/<slug>/dashboard")
@login_required
def dashboard(slug):
    community = get_community(slug)
    require(can_read_dashboard(current_user, community))
    return render_template(
        "review/dashboard.html", community=community, board=dashboards.dashboard(current_user, community)
    )
