"""Sign-in with OpenID Connect providers: the buttons' redirect, the provider's return, the new
member's username, and linking and unlinking from the settings. With no provider configured
every route answers 404 and the pages show no button."""

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user

from forum.accounts import identities, oidc
from forum.accounts.oidc_forms import NewAccountForm, StartForm
from forum.errors import NotFound, RuleBroken
from forum.extensions import limiter
from forum.forms import ConfirmForm, attach_error
from forum.i18n import chosen_language
from forum.limits import LOGIN_ADDRESS_SCOPE
from forum.security import keeps_input_on_csrf_failure, safe_next
from forum.transaction import unit_of_work, writes

bp = Blueprint("oidc", __name__)

# Where a sign-in is going (the provider, the page after it, the account to link to), and the
# verified identity of a new member while they pick a username: in the signed session, never in
# a form field, and the latter only for OIDC_PENDING_SECONDS.
FLOW_KEY = "oidc_flow"
PENDING_KEY = "oidc_pending"

# A refused return counts as a failed login of the address, on the password login's counters.
_limit_failed_returns = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN"],
    LOGIN_ADDRESS_SCOPE,
    key_func=get_remote_address,
    methods=["GET"],
    deduct_when=lambda response: response.status_code == 400,
)
# New accounts count as registrations do; a refused username does not use one up.
_limit_new_accounts = limiter.limit(
    lambda: current_app.config["RATELIMIT_REGISTER"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,
)


@bp.route("/login/with/<provider>", methods=["POST"])
def start(provider):
    chosen = _provider_or_404(provider)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    session[FLOW_KEY] = {"provider": chosen.name, "next": safe_next(StartForm().next.data)}
    return _redirect_to(chosen)


@bp.route("/login/with/<provider>/callback")
@_limit_failed_returns
def callback(provider):
    # A GET that writes: it is the OAuth return, to which the provider sends the browser with a
    # GET (RFC 6749, 4.1.2). Authlib spends the state on its first use, so a replayed or reloaded
    # return is refused before anything is read or written, and what it writes (the identity's
    # last use, a link) comes out the same if done twice.
    chosen = _provider_or_404(provider)
    flow = session.pop(FLOW_KEY, None) or {}
    try:
        subject, claims = oidc.finish(chosen)
    except oidc.SignInFailed as failure:
        current_app.logger.info("sign-in refused: %s", failure.reason)
        return _failed(_("Signing in with %(label)s did not work, or this page was opened twice.", label=chosen.label))
    if flow.get("provider") != chosen.name:
        return _failed(_("Signing in with %(label)s did not work, or this page was opened twice.", label=chosen.label))
    if flow.get("link"):
        return _link(chosen, subject, flow["link"])
    with unit_of_work():
        user = identities.sign_in(chosen.name, subject)
    if user is not None:
        login_user(user)
        return redirect(safe_next(flow.get("next")))
    session[PENDING_KEY] = {
        "provider": chosen.name,
        "subject": subject,
        "email": oidc.verified_email(claims),
        "username": oidc.suggested_username(claims),
        "next": flow.get("next"),
        "until": time.time() + current_app.config["OIDC_PENDING_SECONDS"],
    }
    return redirect(url_for("oidc.new_account"))


@bp.route("/login/new-account", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@_limit_new_accounts
@writes
def new_account():
    if not oidc.providers():
        raise NotFound()
    if current_user.is_authenticated:  # logged in meanwhile: no second account from this browser
        session.pop(PENDING_KEY, None)
        return redirect(url_for("main.home"))
    pending = session.get(PENDING_KEY)
    chosen = oidc.provider(pending["provider"]) if pending and pending["until"] > time.time() else None
    if chosen is None:
        return _failed(_("Your sign-in has expired. Please sign in again."))
    form = NewAccountForm(username=pending["username"])
    if pending["email"]:
        del form.email  # the provider vouches for one
    if form.validate_on_submit():
        typed = form.email.data if "email" in form else None
        try:
            user = identities.sign_up(
                chosen.name, pending["subject"], form.username.data, pending["email"], typed, chosen_language()
            )
        except RuleBroken as error:
            attach_error(form, error)
        else:
            session.pop(PENDING_KEY, None)
            login_user(user)
            flash(_("Welcome to Cocreate, %(name)s!", name=user.username), "success")
            if typed:
                sent = _("We have sent a link to %(email)s. It becomes your address when you open it.", email=typed)
                flash(sent, "info")
            return redirect(safe_next(pending["next"]))
    return render_template("accounts/oidc_new_account.html", form=form, provider=chosen, email=pending["email"])


@bp.route("/account/sign-in/<provider>/link", methods=["POST"])
@login_required
def link(provider):
    chosen = _provider_or_404(provider)
    session[FLOW_KEY] = {"provider": chosen.name, "link": current_user.id}
    return _redirect_to(chosen)


@bp.route("/account/sign-in/<provider>/unlink", methods=["POST"])
@login_required
@writes
def unlink(provider):
    chosen = _provider_or_404(provider)
    if ConfirmForm().validate_on_submit():
        try:
            identities.unlink(current_user, chosen.name)
        except RuleBroken as error:
            flash(error.message, "error")
        else:
            flash(_("%(label)s no longer signs you in.", label=chosen.label), "success")
    return redirect(url_for("accounts.settings") + "#sign-in")


@bp.app_template_global("sign_in_providers")
def sign_in_providers():
    return oidc.providers()


@bp.app_template_global("linked_sign_ins")
def linked_sign_ins(user):
    """{provider name: identity} of the member's linked providers, for the settings page."""
    return {identity.provider: identity for identity in identities.identities_of(user)}


def _link(chosen, subject, user_id):
    if not current_user.is_authenticated or current_user.id != user_id:
        return _failed(_("Signing in with %(label)s did not work, or this page was opened twice.", label=chosen.label))
    try:
        with unit_of_work():
            identities.link(current_user, chosen.name, subject)
    except RuleBroken as error:
        flash(error.message, "error")
    else:
        flash(_("You can now sign in with %(label)s.", label=chosen.label), "success")
    return redirect(url_for("accounts.settings") + "#sign-in")


def _redirect_to(chosen):
    try:
        url = oidc.start(chosen, url_for("oidc.callback", provider=chosen.name, _external=True))
        # A page that refreshes to the provider, not a redirect: see oidc_redirect.html.
        return render_template("accounts/oidc_redirect.html", url=url, provider=chosen)
    except oidc.SignInFailed as failure:
        current_app.logger.warning("sign-in not started: %s", failure.reason)
        message = _("%(label)s is not answering. Please try again later.", label=chosen.label)
        return _failed(message, status=503)


def _failed(message, status=400):
    next_page = request.args.get("next")
    return render_template("accounts/oidc_failed.html", message=message, next=safe_next(next_page, "")), status


def _provider_or_404(name):
    chosen = oidc.provider(name)
    if chosen is None:
        raise NotFound()
    return chosen
