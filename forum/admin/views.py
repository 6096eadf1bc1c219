"""Admin pages: communities, users and their roles, the audit log. Admins only, on every route."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.accounts import reset
from forum.accounts import services as accounts
from forum.admin import changes, services
from forum.admin.changes import CAUSE_LABELS
from forum.admin.forms import COMMUNITY_ROLE_LABELS, SITE_ROLE_LABELS, GrantRoleForm, SiteRoleForm
from forum.audit import ACTION_LABELS
from forum.communities import services as communities
from forum.communities.forms import CommunityEditForm, CommunityForm
from forum.confirm import Confirmation, ask_first
from forum.errors import RuleBroken
from forum.extensions import login_manager
from forum.forms import ConfirmForm, attach_error, choices
from forum.permissions import can_administer, require
from forum.security import keeps_input_on_csrf_failure
from forum.transaction import writes
from forum.views import id_arg, text_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")

Confirmation(
    "role.revoke",
    question=_l("Remove %(name)s's role in %(community)s?"),
    detail=_l("What the role allows stops at once. You can grant it again later."),
    button=_l("Remove"),
)


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(can_administer(current_user))
    return None


@bp.route("/")
def index():
    return redirect(url_for("admin.community_list"))


@bp.route("/communities")
def community_list():
    return render_template("admin/communities.html", communities=communities.list_communities())


@bp.route("/communities/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@writes
def community_new():
    form = CommunityForm()
    if form.validate_on_submit():
        try:
            community = communities.create_community(
                current_user, form.slug.data, form.name.data, form.description.data, form.time_zone.data
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Community created."), "success")
            return redirect(url_for("communities.detail", slug=community.slug))
    return render_template("admin/community_form.html", form=form, community=None)


@bp.route("/communities/<slug>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@writes
def community_edit(slug):
    community = communities.get_community(slug)
    form = CommunityEditForm(obj=community)
    if form.validate_on_submit():
        try:
            communities.update_community(
                current_user, community, form.name.data, form.description.data, form.time_zone.data
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Community saved."), "success")
            return redirect(url_for("communities.detail", slug=community.slug))
    return render_template("admin/community_form.html", form=form, community=community)


@bp.route("/users")
def user_list():
    query = text_arg("q", 100)
    users, next_before = services.find_users(query, id_arg("before"))
    return render_template(
        "admin/users.html",
        users=users,
        query=query,
        next_before=next_before,
        role_labels=SITE_ROLE_LABELS,
        community_role_labels=COMMUNITY_ROLE_LABELS,
    )


@bp.route("/users/<int:user_id>")
def user_detail(user_id):
    user = accounts.get_user(user_id)
    return _render_user(user, SiteRoleForm(role=user.site_role), _grant_form())


@bp.route("/users/<int:user_id>/site-role", methods=["POST"])
@writes
def user_site_role(user_id):
    user = accounts.get_user(user_id)
    form = SiteRoleForm()
    if form.validate_on_submit():
        try:
            accounts.set_site_role(current_user, user, form.role.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Role saved."), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return _render_user(user, form, _grant_form())


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@writes
def user_grant_role(user_id):
    user = accounts.get_user(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        community = communities.get_community_by_id(form.community.data)
        communities.grant_role(current_user, user, community, form.role.data)
        flash(_("Role granted."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return _render_user(user, SiteRoleForm(role=user.site_role), form)


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@writes
def user_password_reset(user_id):
    user = accounts.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        reset.mail_reset_for(current_user, user)
        flash(_("A link to choose a new password was mailed to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/roles/<int:grant_id>/revoke", methods=["POST"])
@writes
def revoke_role(grant_id):
    grant = communities.get_role_grant(grant_id)
    user_id = grant.user_id
    back_to = url_for("admin.user_detail", user_id=user_id)
    if asked := ask_first("role.revoke", cancel=back_to, name=grant.user.username, community=grant.community.name):
        return asked
    if ConfirmForm().validate_on_submit():
        communities.revoke_role(current_user, grant)
        flash(_("Role removed."), "success")
    return redirect(back_to)


@bp.route("/audit")
def audit():
    typed = {name: text_arg(name, 60) for name in ("action", "actor", "cause", "since", "until")}
    dates = {name: _date_arg(typed[name]) for name in ("since", "until")}
    filters = services.AuditFilters(
        action=typed["action"] or None,
        community_id=id_arg("community"),
        actor=typed["actor"] or None,
        cause=typed["cause"] if typed["cause"] in CAUSE_LABELS else None,
        since=dates["since"],
        until=dates["until"],
    )
    try:
        page = services.audit_entries(filters, text_arg("cursor", 200))
    except RuleBroken:
        page = services.audit_entries(filters)  # a page link we did not make: the first page
    return render_template(
        "admin/audit.html",
        lines=changes.readable(page.items),
        next_cursor=page.next_cursor,
        filters=filters,
        typed=typed,
        date_errors=_date_errors(typed, dates),
        actions=sorted(ACTION_LABELS.items(), key=lambda item: str(item[1])),
        causes=CAUSE_LABELS,
        communities=communities.list_communities(),
    )


def _date_errors(typed, dates):
    """{field: its message or ""}: a date that is not one, or a To before the From (which
    matched nothing and said nothing of why)."""
    errors = {name: _("Use a date like 2026-12-01.") if typed[name] and dates[name] is None else "" for name in dates}
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        errors["until"] = _("From must be before To.")
    return errors


def _date_arg(raw):
    """A YYYY-MM-DD date from the filter form, else None (what was typed is shown with a hint)."""
    try:
        return date.fromisoformat(raw) if raw and len(raw) == 10 else None
    except ValueError:
        return None


def _grant_form():
    # Prefixed: the page also has the site-role form, and ids must be unique for the labels.
    form = GrantRoleForm(prefix="grant")
    form.community.choices = choices((c.id, c.name) for c in communities.list_communities())
    return form


def _render_user(user, role_form, grant_form):
    return render_template(
        "admin/user.html",
        user=user,
        roles=communities.roles_of(user),
        role_form=role_form,
        grant_form=grant_form,
        revoke_form=ConfirmForm(),
    )
