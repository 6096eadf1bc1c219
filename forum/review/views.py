"""Staff actions on ideas: status changes with a public note."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.errors import RuleBroken
from forum.forms import attach_error
from forum.permissions import can_answer, require
from forum.review import status
from forum.review.forms import StatusForm
from forum.security import keeps_input_on_csrf_failure
from forum.solutions import services as solutions

bp = Blueprint("review", __name__)


@bp.route("/solutions/<int:solution_id>/status", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
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
