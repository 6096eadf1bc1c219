"""The webhooks page of a community (its staff, admins): the hooks, a form to add one (the secret
is shown once, on the page the form leads back to), and each hook's delivery log with replay."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.communities.services import get_community
from forum.confirm import Confirmation, ask_first
from forum.errors import RuleBroken
from forum.forms import attach_error
from forum.limits import limit_writes
from forum.permissions import can_manage_webhooks, require
from forum.security import keeps_input_on_csrf_failure
from forum.transaction import writes
from forum.views import refused
from forum.webhooks import delivery, services  # noqa: F401  (delivery registers the consumer's jobs)
from forum.webhooks.forms import EVENT_LABELS, WebhookForm

bp = Blueprint("webhooks", __name__)
# The session key that carries a new hook's secret to the one page that shows it.
SHOWN_ONCE = "webhook_secret"

REMOVE = Confirmation(
    "webhook.delete",
    question=_l("Remove this webhook?"),
    detail=_l("Its address hears of nothing more, and its delivery log is deleted with it."),
    button=_l("Remove"),
)


def _community_for(slug):
    community = get_community(slug)
    require(can_manage_webhooks(current_user, community))
    return community


@bp.route("/c/<slug>/webhooks", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def manage(slug):
    community = _community_for(slug)
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            created = services.create_webhook(current_user, community, form.url.data, form.events.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            # Back to the page by GET, so reloading it adds no second hook; the secret goes with
            # the member's own (signed) session and is dropped from it by the page that shows it.
            session[SHOWN_ONCE] = {"community": community.id, "secret": created.secret}
            return redirect(url_for("webhooks.manage", slug=community.slug))
    shown = session.get(SHOWN_ONCE)
    created = None
    if request.method == "GET" and shown and shown.get("community") == community.id:
        created = session.pop(SHOWN_ONCE)
    return render_template(
        "webhooks/manage.html",
        community=community,
        form=form,
        created=created,
        hooks=services.webhooks_of(community),
        event_labels=EVENT_LABELS,
        remove=REMOVE.words(),
    )


@bp.route("/c/<slug>/webhooks/<int:webhook_id>")
@login_required
def log(slug, webhook_id):
    community = _community_for(slug)
    hook = services.get_webhook_for(current_user, webhook_id, community)
    page = services.attempts(hook, request.args.get("cursor"))
    return render_template("webhooks/log.html", community=community, hook=hook, page=page, event_labels=EVENT_LABELS)


@bp.route("/c/<slug>/webhooks/<int:webhook_id>/delete", methods=["POST"])
@login_required
@writes
def delete(slug, webhook_id):
    community = _community_for(slug)
    hook = services.get_webhook_for(current_user, webhook_id, community)
    asked = ask_first("webhook.delete", cancel=url_for(".manage", slug=slug), subject=hook.url)
    if asked is not None:
        return asked
    services.delete_webhook(current_user, hook)
    flash(_("The webhook was removed."), "success")
    return redirect(url_for(".manage", slug=slug))


@bp.route("/c/<slug>/webhooks/<int:webhook_id>/<action>", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def act(slug, webhook_id, action):
    """Send a test, or turn a disabled hook back on."""
    community = _community_for(slug)
    hook = services.get_webhook_for(current_user, webhook_id, community)
    if action == "test":
        try:
            services.send_test(current_user, hook)
        except RuleBroken as error:
            return refused(error, url_for(".log", slug=slug, webhook_id=hook.id))
        flash(_("A test message is on its way; its attempt appears in the log."), "success")
    elif action == "enable":
        services.enable(current_user, hook)
        flash(_("The webhook is on again; what waited for it is sent now."), "success")
    else:
        return refused(RuleBroken(_("No such action.")), url_for(".manage", slug=slug))
    return redirect(url_for(".log", slug=slug, webhook_id=hook.id))


@bp.route("/c/<slug>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/replay", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_ACTION")
@writes
def replay(slug, webhook_id, delivery_id):
    community = _community_for(slug)
    hook = services.get_webhook_for(current_user, webhook_id, community)
    services.replay(current_user, hook, delivery_id)
    flash(_("The delivery is sent again, under the same message id."), "success")
    return redirect(url_for(".log", slug=slug, webhook_id=hook.id))
