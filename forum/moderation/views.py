"""Moderation pages: reporting content, the staff queue, the hidden and held list, hide/restore/lock
actions, suspensions."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.accounts.services import get_user
from forum.clock import utcnow
from forum.communities.services import get_community
from forum.confirm import Confirmation, ask_first
from forum.errors import RuleBroken
from forum.forms import ConfirmForm, attach_error
from forum.limits import limit_writes
from forum.moderation import held, services
from forum.moderation.forms import SUSPENSIONS, FlagForm, HeldFilterForm, SettingsForm, SuspendForm
from forum.moderation.models import FLAG_REASONS
from forum.permissions import can_moderate, can_see, community_of, require
from forum.security import keeps_input_on_csrf_failure
from forum.transaction import writes
from forum.views import back, refused

bp = Blueprint("moderation", __name__)


@bp.record_once
def _vocabulary(state):
    # The feature's words for templates everywhere, set once when the blueprint is registered.
    state.app.jinja_env.globals.update(flag_reasons=FLAG_REASONS)


@bp.app_context_processor
def _content_url():
    return {"content_url": content_url}


ACTIONS = {
    "hide": services.hide,
    "restore": services.restore,
    "dismiss": services.dismiss,
    "lock": lambda actor, target: services.set_locked(actor, target, True),
    "unlock": lambda actor, target: services.set_locked(actor, target, False),
}
# The actions that ask first: the others are undone with one click.
CONFIRMED = {
    "hide": Confirmation(
        "content.hide",
        question=_l("Hide this from fans?"),
        detail=_l("Only staff and its author will see it, and the author is told. Staff can restore it later."),
        button=_l("Hide"),
    ),
}
Confirmation(
    "member.suspend",
    question=_l("Change %(name)s's suspension?"),
    detail=_l("A suspended member can read but cannot post, comment, vote or report until it ends."),
    button=_l("Apply"),
)


@bp.route("/report/<kind>/<int:target_id>", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_FLAG")
@writes
def report(kind, target_id):
    target = _visible_target(kind, target_id)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.raise_flag(current_user, target, form.reason.data, form.detail.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. Staff will look at your report."), "success")
            return redirect(content_url(target))
    return render_template("moderation/report.html", form=form, target=target, kind=kind)


@bp.route("/c/<slug>/moderation")
@login_required
def queue(slug):
    community = get_community(slug)
    require(can_moderate(current_user, community))
    return _render_queue(community, SettingsForm(obj=community))


def _render_queue(community, settings_form):
    return render_template(
        "moderation/queue.html",
        community=community,
        items=services.queue(community),
        action_form=ConfirmForm(),
        suspend_form=SuspendForm(),
        settings_form=settings_form,
    )


@bp.route("/c/<slug>/moderation/hidden")
@login_required
def hidden(slug):
    """Every hidden and held post of the community, filterable, newest first, a page at a time."""
    community = get_community(slug)
    require(can_moderate(current_user, community))
    hiders = held.hiders(current_user, community)
    form = HeldFilterForm.for_community(request.args, held.KIND_LABELS, held.WHY_LABELS, hiders)
    try:
        page = held.hidden_and_held(current_user, community, form.filters(held.Filters), request.args.get("cursor"))
    except RuleBroken:
        return redirect(url_for("moderation.hidden", slug=slug))
    chosen = {key: value for key, value in request.args.to_dict().items() if key != "cursor" and value}
    older = {**chosen, "cursor": page.next_cursor} if page.next_cursor else None
    return render_template(
        "moderation/hidden.html",
        community=community,
        form=form,
        page=page,
        older=older,
        newest=chosen if request.args.get("cursor") else None,
        filtered=bool(chosen),
        action_form=ConfirmForm(),
        why_labels=held.WHY_LABELS,
        kind_labels=held.KIND_LABELS,
    )


@bp.route("/c/<slug>/moderation/settings", methods=["POST"])
@login_required
@writes
def settings(slug):
    community = get_community(slug)
    require(can_moderate(current_user, community))
    form = SettingsForm()
    if form.validate_on_submit():
        services.update_settings(current_user, community, form.flag_threshold.data, form.hold_first_posts.data)
        flash(_("Moderation settings saved."), "success")
        return redirect(url_for("moderation.queue", slug=community.slug))
    # The queue comes back with the number typed and the error summary over the settings.
    return _render_queue(community, form), 422


@bp.route("/moderation/<kind>/<int:target_id>/<action>", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def act(kind, target_id, action):
    if action not in ACTIONS:
        abort(404)
    target = _target(kind, target_id)
    require(can_moderate(current_user, community_of(target)))
    if action in CONFIRMED and (asked := _ask_before(action, target)):
        return asked
    try:
        ACTIONS[action](current_user, target)
    except RuleBroken as error:
        return refused(error, content_url(target))
    flash(_("Done."), "success")
    return back(content_url(target))


@bp.route("/c/<slug>/moderation/suspend/<int:user_id>", methods=["POST"])
@login_required
@writes
def suspend(slug, user_id):
    community = get_community(slug)
    require(can_moderate(current_user, community))
    user = get_user(user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        days = int(form.days.data)
        try:
            services.check_suspend(current_user, community, user, everywhere=form.everywhere.data)
            if asked := _ask_before_suspending(form, community, user):
                return asked
            until = utcnow() + timedelta(days=days) if days else None
            services.suspend(current_user, community, user, until, everywhere=form.everywhere.data)
        except RuleBroken as error:
            return refused(error, url_for("moderation.queue", slug=community.slug))
        flash(_("%(name)s: suspension saved.", name=user.username), "success")
    return back(url_for("moderation.queue", slug=community.slug))


def _ask_before(action, target):
    subject = target.body if services.target_type(target) == "comment" else target.title
    return ask_first(CONFIRMED[action].name, cancel=content_url(target), subject=subject)


def _ask_before_suspending(form, community, user):
    chosen = [str(SUSPENSIONS[form.days.data])] + [str(form.everywhere.label.text)] * bool(form.everywhere.data)
    return ask_first(
        "member.suspend",
        cancel=url_for("moderation.queue", slug=community.slug),
        keep={"days": form.days.data, "everywhere": "y" if form.everywhere.data else None},
        summary=" · ".join(chosen),
        name=user.username,
    )


def content_url(target):
    kind = services.target_type(target)
    if kind == "challenge":
        return url_for("challenges.detail", challenge_id=target.id)
    if kind == "solution":
        return url_for("solutions.detail", solution_id=target.id)
    if target.solution_id:
        return url_for("solutions.detail", solution_id=target.solution_id, _anchor=f"comment-{target.id}")
    return url_for("challenges.detail", challenge_id=target.challenge_id, _anchor=f"comment-{target.id}")


def _target(kind, target_id):
    if kind not in services.TARGET_TYPES:
        abort(404)
    return services.load_target(kind, target_id)


def _visible_target(kind, target_id):
    target = _target(kind, target_id)
    if not can_see(current_user, target):
        abort(404)
    return target
