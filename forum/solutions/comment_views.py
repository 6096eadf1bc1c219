"""Comment actions: post on a challenge or a solution, reply, edit, delete."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.challenges.services import get_challenge_for
from forum.confirm import Confirmation, ask_first
from forum.database import sql_int
from forum.errors import RuleBroken
from forum.forms import ConfirmForm, attach_error
from forum.limits import limit_writes
from forum.permissions import can_delete_comment, can_edit_comment, require
from forum.security import keeps_input_on_csrf_failure
from forum.solutions import comments, services
from forum.solutions.forms import CommentEditForm, CommentForm
from forum.solutions.views import bp
from forum.transaction import writes
from forum.views import clear_draft

Confirmation(
    "comment.delete",
    question=_l("Delete this comment?"),
    detail=_l("Its text is removed for everyone and cannot be brought back; replies to it stay."),
    button=_l("Delete"),
)


@bp.route("/challenges/<int:challenge_id>/comments", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")
@writes
def comment_on_challenge(challenge_id):
    challenge = get_challenge_for(current_user, challenge_id)
    return _post(challenge, None, url_for("challenges.detail", challenge_id=challenge.id))


@bp.route("/solutions/<int:solution_id>/comments", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_POST")
@writes
def comment_on_solution(solution_id):
    solution = services.get_solution_for(current_user, solution_id)
    return _post(solution.challenge, solution, url_for("solutions.detail", solution_id=solution.id))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def edit_comment(comment_id):
    comment = comments.get_comment_for(current_user, comment_id)
    require(can_edit_comment(current_user, comment), _("This comment can no longer be edited."))
    form = CommentEditForm(obj=comment)
    if form.validate_on_submit():
        try:
            comments.edit_comment(current_user, comment, form.body.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            return redirect(_comment_url(comment))
    return render_template("solutions/comment_edit.html", form=form, comment=comment)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
@writes
def delete_comment(comment_id):
    comment = comments.get_comment_for(current_user, comment_id)
    require(can_delete_comment(current_user, comment))
    if asked := ask_first("comment.delete", cancel=_comment_url(comment), subject=comment.body):
        return asked
    if ConfirmForm().validate_on_submit():
        comments.delete_comment(current_user, comment)
        flash(_("The comment is removed."), "info")
    return redirect(_comment_url(comment))


def _post(challenge, solution, page_url):
    form = CommentForm()
    if form.validate_on_submit():
        parent_id = sql_int(form.parent_id.data, minimum=1)
        parent = comments.get_comment(parent_id) if parent_id else None
        try:
            comment = comments.add_comment(current_user, challenge, form.body.data, solution=solution, parent=parent)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            clear_draft()
            return redirect(f"{page_url}#comment-{comment.id}")
    # The comment could not be posted: show it again on its own page, with the reason.
    return render_template("solutions/comment_retry.html", form=form, page_url=page_url, action_url=None), 422


def _comment_url(comment):
    if comment.solution_id:
        return url_for("solutions.detail", solution_id=comment.solution_id, _anchor=f"comment-{comment.id}")
    return url_for("challenges.detail", challenge_id=comment.challenge_id, _anchor=f"comment-{comment.id}")
