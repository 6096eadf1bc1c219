"""Notification pages: the list, opening one (marks it read), marking all read."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.errors import RuleBroken
from forum.forms import ConfirmForm
from forum.notifications import services
from forum.transaction import writes

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    try:
        page = services.notifications_for(current_user, request.args.get("cursor"))
    except RuleBroken:
        return redirect(url_for("notifications.index"))
    return render_template("notifications/index.html", page=page, action_form=ConfirmForm())


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
@writes
def open_one(notification_id):
    notification = services.get_notification_for(current_user, notification_id)
    services.mark_read(current_user, notification)
    return redirect(target_url(notification))


@bp.route("/read", methods=["POST"])
@login_required
@writes
def read_all():
    services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


def target_url(notification):
    anchor = f"comment-{notification.comment_id}" if notification.comment_id else None
    if notification.solution_id:
        return url_for("solutions.detail", solution_id=notification.solution_id, _anchor=anchor)
    if notification.challenge_id:
        return url_for("challenges.detail", challenge_id=notification.challenge_id, _anchor=anchor)
    return url_for("notifications.index")
