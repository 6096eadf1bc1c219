"""Notification pages: the list, opening one (marks it read), marking all read; the mail's
one-click unsubscribe."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.errors import RuleBroken
from forum.forms import ConfirmForm
from forum.notifications import digests, services
from forum.security import signed_link
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


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@signed_link
@writes
def unsubscribe(token):
    """GET shows a button and changes nothing (link scanners open links); a POST, from the page
    or from a mail client's one-click unsubscribe with no session, stops the mail."""
    member = digests.member_for_token(token)
    if member is None:
        return render_template("notifications/unsubscribe.html", member=None, done=False)
    if request.method == "POST":
        digests.set_frequency(member, "off")
    return render_template("notifications/unsubscribe.html", member=member, done=request.method == "POST")


def target_url(notification):
    if notification.kind == "webhook":  # a community's webhook was disabled; detail is its slug
        return url_for("webhooks.manage", slug=notification.detail)
    if notification.release_id:
        release = notification.release
        return url_for("review.release_list", slug=release.community.slug, _anchor=f"release-{release.id}")
    anchor = f"comment-{notification.comment_id}" if notification.comment_id else None
    if notification.solution_id:
        return url_for("solutions.detail", solution_id=notification.solution_id, _anchor=anchor)
    if notification.challenge_id:
        return url_for("challenges.detail", challenge_id=notification.challenge_id, _anchor=anchor)
    return url_for("notifications.index")
