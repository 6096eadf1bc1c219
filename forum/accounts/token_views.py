"""API tokens on the settings page: create one (shown once), revoke one."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.accounts import services, tokens
from forum.accounts.forms import TokenForm
from forum.accounts.views import bp, render_settings
from forum.confirm import Confirmation, ask_first
from forum.errors import RuleBroken
from forum.forms import ConfirmForm, attach_error
from forum.limits import limit_writes
from forum.security import keeps_input_on_csrf_failure
from forum.transaction import writes

Confirmation(
    "token.revoke",
    question=_l("Revoke the token “%(name)s”?"),
    detail=_l("Scripts that use it stop working at once. A revoked token cannot be brought back."),
    button=_l("Revoke"),
)


@bp.route("/account/tokens", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_LOGIN_ACCOUNT")  # it checks a password, as a login does
@writes
def create_token():
    form = TokenForm(prefix="token")
    if form.validate_on_submit():
        try:
            services.check_current_password(current_user, form.current_password.data)
            _row, plaintext = tokens.issue_token(current_user, form.name.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            # Rendered, not redirected: the token must not travel through the session cookie.
            return render_settings(new_token=plaintext)
    return render_settings(token_form=form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
@writes
def revoke_token(token_id):
    token = tokens.get_own_token(current_user, token_id)
    if asked := ask_first("token.revoke", cancel=url_for("accounts.settings"), name=token.name):
        return asked
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(current_user, token_id)
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("accounts.settings"))
