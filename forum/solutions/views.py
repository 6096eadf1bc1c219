"""Solution pages: submit, read, edit, history; votes and follows."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.challenges.services import get_challenge_for
from forum.errors import NotFound, RuleBroken, wants_json
from forum.forms import ConfirmForm, attach_error
from forum.limits import limit_writes
from forum.media import services as media
from forum.notifications import services as notifications
from forum.permissions import (
    can_answer,
    can_edit_solution,
    can_read_reviews,
    edit_needs_note,
    require,
    review_refusal,
    submission_refusal,
)
from forum.review import prototypes, scoring, status
from forum.review.forms import EventForm, MergeForm, ReviewForm, StaffNoteForm, StatusForm, UpdateForm
from forum.review.prototype_views import promote_form
from forum.review.views import assign_form
from forum.search.query import similar_solutions
from forum.security import keeps_input_on_csrf_failure, signed_link
from forum.solutions import comments, follows, merges, services, vote_words, votes
from forum.solutions.forms import CommentForm, SolutionForm
from forum.solutions.models import STATUS_LABELS
from forum.transaction import checkpoint, unit_of_work, writes
from forum.views import back, clear_draft, id_arg, refused_in_place
from forum.zones import reading_in

bp = Blueprint("solutions", __name__)


@bp.record_once
def _vocabulary(state):
    # The feature's words for templates everywhere, set once when the blueprint is registered.
    state.app.jinja_env.globals.update(
        status_labels=STATUS_LABELS, vote_name=vote_words.name, vote_login_name=vote_words.login_name
    )


@bp.route("/challenges/<int:challenge_id>/solutions/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")
@writes
def new(challenge_id):
    challenge = get_challenge_for(current_user, challenge_id)
    form = SolutionForm()
    refusal = submission_refusal(current_user, challenge)
    image_ids = _validate_keeping_uploads(form)
    if image_ids is not None and not refusal:
        try:
            solution = services.submit_solution(
                current_user, challenge, form.title.data, form.body.data, form.tags.data, image_ids
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            flash(_("Your solution is posted. Everyone who follows the challenge will hear of it."), "success")
            return redirect(url_for("solutions.detail", solution_id=solution.id))
    return _render_form(form, challenge, None, refusal)


@bp.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")  # an edit takes pictures as a post does
@writes
def edit(solution_id):
    solution = services.get_solution_for(current_user, solution_id)
    require(can_edit_solution(current_user, solution))
    # Not obj=solution: a POST without a field would take the solution's attribute instead, and
    # its tags are rows, not text.
    form = SolutionForm(
        data={"title": solution.title, "body": solution.body, "tags": ", ".join(tag.name for tag in solution.tags)}
    )
    image_ids = _validate_keeping_uploads(form, attached=media.attached_count(solution))
    if image_ids is not None:
        try:
            services.edit_solution(
                current_user, solution, form.title.data, form.body.data, form.tags.data, image_ids, form.note.data
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("solutions.detail", solution_id=solution.id))
    return _render_form(form, solution.challenge, solution, None)


@bp.route("/solutions/<int:solution_id>")
def detail(solution_id):
    solution = services.get_solution_for(current_user, solution_id, with_page=True)
    challenge = solution.challenge
    reading_in(challenge.community)
    return render_template(
        "solutions/detail.html",
        solution=solution,
        challenge=challenge,
        voted=votes.voted_ids(current_user, [solution.id]),
        budget_used=votes.budget_used(current_user, challenge) if current_user.is_authenticated else 0,
        following=follows.is_following(current_user, solution),
        **_discussion(challenge, solution),
        # Visitors get no forms: a form's CSRF token would give each of them a session cookie.
        comment_form=CommentForm() if current_user.is_authenticated else None,
        action_form=ConfirmForm() if current_user.is_authenticated else None,
        trail=status.trail(solution),
        status_form=StatusForm.for_solution(solution) if can_answer(current_user, solution) else None,
        **_staff_review(solution),
        **_prototype(solution),
        **_merges(solution),
    )


@bp.route("/solutions/<int:solution_id>/history")
def history(solution_id):
    # Public: whoever may read the idea may read what it said before (hidden ideas are NotFound).
    solution = services.get_solution_for(current_user, solution_id)
    return render_template("solutions/history.html", solution=solution, revisions=services.revisions(solution))


@bp.route("/solutions/<int:solution_id>/vote", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_VOTE")
def vote(solution_id):
    # Read before the unit of work, which holds SQLite's write lock for the writes alone (see
    # transaction.opens_own_unit: votes are the busiest door).
    solution = services.get_solution_for(current_user, solution_id, with_challenge=True)
    # The form says what the button showed, so a double click or a retry cannot undo the vote.
    withdraw = request.form.get("action") == "remove"
    try:
        with unit_of_work():
            votes.withdraw_vote(current_user, solution) if withdraw else votes.cast_vote(current_user, solution)
    except RuleBroken as error:
        if wants_json():
            return jsonify(error={"code": error.code, "message": str(error.message), "field": "vote"}), 422
        # Beside the button the fan pressed (templates/_macros/ui.html, vote_button).
        return refused_in_place(error, f"vote-{solution.id}", url_for("solutions.detail", solution_id=solution.id))
    if wants_json():
        return jsonify(_voted(solution, not withdraw))
    return back(url_for("solutions.detail", solution_id=solution.id))


def _voted(solution, voted):
    """What the button's script needs after a vote: the new count and state, the button's new
    name, and the sentence its live region says."""
    challenge = solution.challenge
    count = solution.vote_count
    used = votes.budget_used(current_user, challenge)
    left = max(challenge.vote_budget - used, 0) if challenge.vote_budget else None
    return {
        "voted": voted,
        "votes": count,
        "budget": challenge.vote_budget,
        "budget_used": used,
        "name": vote_words.name(solution, count),
        "said": vote_words.said(solution, voted, count, left),
        # The same words with the title marked by its language, for the page's script to show.
        "name_html": vote_words.name(solution, count, html=True),
        "said_html": vote_words.said(solution, voted, count, left, html=True),
    }


@bp.route("/solutions/<int:solution_id>/follow", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def follow(solution_id):
    solution = services.get_solution_for(current_user, solution_id)
    follows.set_following(current_user, solution, request.form.get("action") != "unfollow")
    return back(url_for("solutions.detail", solution_id=solution.id))


@bp.route("/following/<token>", methods=["GET", "POST"])
@signed_link
@writes
def follow_from_mail(token):
    """A mail's "stop hearing about this" link: the signed token names the member and the item and
    is the only credential (no session needed). GET shows the button and changes nothing (link
    scanners open links); the POST stops following, or follows again."""
    found = notifications.read_follow_token(token)
    item = None
    if found is not None:
        member, target_type, target_id = found
        try:
            if target_type == "solution":
                item = services.get_solution_for(member, target_id)
            else:
                item = get_challenge_for(member, target_id)
        except NotFound:
            item = None
    if item is None:
        # A page saying so, as the other mailed links' pages do.
        return render_template("solutions/follow_from_mail.html", item=None, member=None)
    if request.method == "POST":
        follows.set_following(member, item, request.form.get("action") == "follow")
    return render_template(
        "solutions/follow_from_mail.html",
        item=item,
        member=member,
        hearing=follows.hears_about(member, item),
        url=url_for(f"{target_type}s.detail", **{f"{target_type}_id": item.id}),
        done=request.method == "POST",
    )


def _discussion(challenge, solution):
    page, next_after = comments.thread_page(challenge, solution, current_user, after=id_arg("comments_after"))
    more = url_for("solutions.detail", solution_id=solution.id, comments_after=next_after) if next_after else None
    return {"thread": page, "more_comments_url": more}


def _merges(solution):
    """Where a merged idea went, or which ideas were merged into this one, with their discussions."""
    sources = merges.merged_from(solution)
    staff = can_answer(current_user, solution)
    return {
        "merged_into": merges.merged_into(solution),
        "merged_from": [(m, comments.thread(m.source.challenge, m.source, viewer=current_user)) for m in sources],
        "merge_form": MergeForm(prefix="merge") if staff and solution.status != "merged" else None,
    }


def _prototype(solution):
    """The prototype trail (team, milestones, events) once a solution is promoted."""
    prototype = prototypes.prototype_of(solution)
    staff = can_answer(current_user, solution)
    if prototype is None:
        can_promote = staff and solution.status == "shortlisted"
        return {"promote_form": promote_form(solution) if can_promote else None}
    events = prototypes.events(prototype)
    return {
        "prototype": prototype,
        "updates": prototypes.updates(prototype),
        "events": events,
        "signups": (signups := prototypes.signups_of(current_user, events)),
        "waiting_positions": prototypes.waiting_positions(signups),
        "update_form": UpdateForm(prefix="update") if staff else None,
        "event_form": EventForm(prefix="event") if staff else None,
    }


def _staff_review(solution):
    """Reviews, notes and their forms for staff and the product team; nothing for fans."""
    if not can_read_reviews(current_user, solution.challenge.community):
        return {}
    staff = can_answer(current_user, solution)
    return {
        "reviews": scoring.reviews_of(current_user, solution),
        "staff_notes": scoring.staff_notes(current_user, solution),
        "review_form": ReviewForm(prefix="review") if staff and not review_refusal(current_user, solution) else None,
        # Staff see why there is no rubric to fill in yet (it waits for the review phase).
        "review_refusal": review_refusal(current_user, solution) if staff else None,
        "assigned_reviewers": scoring.assigned_reviewers(current_user, solution),
        "assign_form": assign_form(solution) if staff else None,
        "note_form": StaffNoteForm(prefix="note") if staff else None,
    }


def _validate_keeping_uploads(form, attached=0):
    """Validate a posted solution form; return its image ids when it may be saved, else None.

    Uploads are stored even when another field is wrong, and the form comes back carrying them
    as signed references (media.reference), so that fixing a typo does not mean choosing the
    pictures again; those the fan ticks "Remove" on are left out. Kept pictures count against
    the limit with the new ones. Not when the CSRF token fails: a forged post stores nothing.
    """
    form.kept_ids = []
    if request.method != "POST":
        return None
    valid = form.validate_on_submit()
    if "csrf_token" in form and form.csrf_token.errors:
        return None
    removed = set(media.referenced_ids(current_user, request.form.getlist("remove_image")))
    kept = [i for i in media.referenced_ids(current_user, request.form.getlist("kept_image")) if i not in removed]
    form.kept_ids = [image.id for image in media.pending_images(current_user, kept)]
    checkpoint()  # nothing written yet: the write lock is free while the pictures are decoded
    try:
        room = media.IMAGES_MAX - attached - len(form.kept_ids)
        stored, refusals = media.store_valid_uploads(current_user, form.images.data, room=room)
    except RuleBroken as error:
        attach_error(form, error)
        return None
    checkpoint()  # kept even if the solution is refused below, or another picture was
    form.kept_ids += [image.id for image in stored]
    for refusal in refusals:
        form.images.errors = [*form.images.errors, str(refusal.message)]
    return form.kept_ids if valid and not refusals else None


def _render_form(form, challenge, solution, refusal):
    pending = [
        (image, media.reference(current_user, image)) for image in media.pending_images(current_user, form.kept_ids)
    ]
    draft = f"{form.title.data or ''} {form.body.data or ''}".strip()
    similar = similar_solutions(current_user, challenge, draft) if solution is None else []
    return render_template(
        "solutions/form.html",
        form=form,
        challenge=challenge,
        solution=solution,
        refusal=refusal,
        pending=pending,
        similar=similar,
        needs_note=solution is not None and edit_needs_note(solution),
    )
