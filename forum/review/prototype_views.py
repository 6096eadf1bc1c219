"""Prototype actions: promote a shortlisted solution, post milestones, schedule events, sign up
and cancel; the staff's roster of an event with its attendance and CSV."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.accounts.models import User
from forum.accounts.services import username_key
from forum.communities.services import staff_of
from forum.confirm import Confirmation, ask_first
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.forms import attach_error, choices
from forum.limits import limit_writes
from forum.media import services as media
from forum.permissions import can_answer, can_see, require
from forum.review import prototypes, rosters
from forum.review.forms import AttendanceForm, EventForm, PromoteForm, UpdateForm
from forum.review.models import Prototype
from forum.review.views import bp
from forum.solutions import services as solutions
from forum.transaction import checkpoint, writes
from forum.views import back, clear_draft, refused
from forum.zones import reading_in

Confirmation(
    "seat.cancel",
    question=_l("Give up your place at “%(event)s”?"),
    detail=_l(
        "The next fan waiting takes it. If the event is full by then, signing up again puts you at the end "
        "of the waiting list."
    ),
    button=_l("Give up my place"),
    cancel=_l("Keep my place"),
)


@bp.route("/solutions/<int:solution_id>/promote", methods=["POST"])
@login_required
@writes
def promote(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(can_answer(current_user, solution))
    form = promote_form(solution)
    if form.validate_on_submit():
        try:
            team = _team(form)
            prototypes.promote(current_user, solution, team, form.note.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Promoted to prototyping. The author and the voters are told."), "success")
            return redirect(_solution_url(solution))
    # The form comes back open, with its error beside the field and what was chosen kept.
    return render_template("review/prototype_retry.html", form=form, solution=solution, kind="promote"), 422


@bp.route("/solutions/<int:solution_id>/updates", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_POST")  # an update takes photos as a post does
@writes
def post_update(solution_id):
    solution, prototype = _prototype(solution_id)
    form = UpdateForm(prefix="update")
    if form.validate_on_submit():
        checkpoint()  # nothing written yet: the write lock is free while the photos are decoded
        try:
            stored = media.store_uploads(current_user, form.images.data)
            checkpoint()  # the photos stay uploaded even if the update is refused
            prototypes.post_update(current_user, prototype, form.body.data, [image.id for image in stored])
        except RuleBroken as error:
            return refused(error, _solution_url(solution))
        clear_draft()
        flash(_("Update published."), "success")
        return redirect(_solution_url(solution, "prototype"))
    # The form comes back with what was typed and its error summary, as the status form does.
    return render_template("review/prototype_retry.html", form=form, solution=solution, kind="update"), 422


@bp.route("/solutions/<int:solution_id>/events", methods=["POST"])
@login_required
@writes
def create_event(solution_id):
    solution, prototype = _prototype(solution_id)
    reading_in(solution.challenge.community)  # the time was typed in the zone the solution's page showed
    form = EventForm(prefix="event")
    if form.validate_on_submit():
        try:
            prototypes.create_event(
                current_user, prototype, form.title.data, form.starts.data, form.place.data, form.seats.data
            )
        except RuleBroken as error:
            return refused(error, _solution_url(solution))
        flash(_("Event created."), "success")
        return redirect(_solution_url(solution, "prototype"))
    return render_template("review/prototype_retry.html", form=form, solution=solution, kind="event"), 422


@bp.route("/events/<int:event_id>/signup", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def signup(event_id):
    event = prototypes.get_event(event_id)
    solution = db.session.get(Prototype, event.prototype_id).solution
    if not can_see(current_user, solution):
        raise NotFound()
    if request.form.get("action") == "cancel":
        keep = {"action": "cancel"}
        if asked := ask_first("seat.cancel", cancel=_solution_url(solution, "prototype"), keep=keep, event=event.title):
            return asked
        prototypes.cancel(current_user, event)
        flash(_("Your place is released."), "info")
    else:
        try:
            signup = prototypes.sign_up(current_user, event)
        except RuleBroken as error:
            return refused(error, _solution_url(solution, "prototype"))
        flash(_("You are on the waiting list.") if signup.waitlisted else _("Your seat is booked."), "success")
    return back(_solution_url(solution, "prototype"))


@bp.route("/events/<int:event_id>/roster")
@login_required
def roster(event_id):
    roster_ = rosters.roster(current_user, event_id)
    reading_in(roster_.solution.challenge.community)
    return render_template("review/roster.html", roster=roster_, form=AttendanceForm())


@bp.route("/events/<int:event_id>/roster.csv")
@login_required
def roster_csv(event_id):
    roster_ = rosters.roster(current_user, event_id)
    response = current_app.response_class(rosters.roster_csv(roster_))
    # The whole header, its charset said once (a text/* mimetype would get Werkzeug's second one).
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="event-{roster_.event.id}-roster.csv"'
    return response


@bp.route("/events/<int:event_id>/attendance/<int:signup_id>", methods=["POST"])
@login_required
@writes
def attendance(event_id, signup_id):
    rosters.event_for_staff(current_user, event_id)  # refused before anything is read from the form
    form = AttendanceForm()
    back_to = url_for("review.roster", event_id=event_id, _anchor=f"signup-{signup_id}")
    if form.validate_on_submit():
        try:
            rosters.mark_attendance(current_user, event_id, signup_id, form.attended.data == "yes")
        except RuleBroken as error:
            return refused(error, back_to)
    return redirect(back_to)


def promote_form(solution):
    """The expert team may be any members: the solution's author first, then the community's
    staff, and anyone else by username."""
    form = PromoteForm(prefix="promote")
    offered = [solution.author] if solution.author is not None else []
    offered += [grant.user for grant in staff_of(solution.challenge.community)]
    seen = set()
    form.team.choices = choices(
        (user.id, user.username) for user in offered if not (user.id in seen or seen.add(user.id))
    )
    if not form.is_submitted() and solution.author is not None:
        form.team.data = [solution.author.id]  # the author comes first, as the hint says
    return form


def _team(form):
    """The members chosen and named; raises RuleBroken naming a username nobody has."""
    team = list(db.session.execute(db.select(User).where(User.id.in_(form.team.data or []))).scalars())
    for name in form.named_members():
        user = db.session.execute(db.select(User).filter_by(username_key=username_key(name))).scalar_one_or_none()
        if user is None:
            raise RuleBroken(_l("Nobody here has the username “%(name)s”.", name=name[:30]), field="others")
        if user not in team:
            team.append(user)
    return team


def _prototype(solution_id):
    solution = solutions.get_solution_for(current_user, solution_id)
    require(can_answer(current_user, solution))
    prototype = prototypes.prototype_of(solution)
    if prototype is None:
        raise NotFound()
    return solution, prototype


def _solution_url(solution, anchor=None):
    return url_for("solutions.detail", solution_id=solution.id, _anchor=anchor)
