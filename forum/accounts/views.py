"""Account pages: register, log in, log out, settings, password, profile; a member whose password
is too weak sees only the password page until it is changed."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum import themes
from forum.accounts import activity, address, reset, services, signup, tokens
from forum.accounts.forms import (
    AddressForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    MailForm,
    PasswordForm,
    RegisterForm,
    ResetPasswordForm,
    TimeZoneForm,
    TokenForm,
)
from forum.communities.services import roles_of
from forum.errors import Forbidden, NotFound, RuleBroken, wants_json
from forum.extensions import limiter
from forum.forms import ConfirmForm, attach_error, choices
from forum.i18n import chosen_language, remember_language
from forum.limits import limit_failed_logins, limit_writes, typed_in_form
from forum.notifications import digests
from forum.points import services as points
from forum.security import keeps_input_on_csrf_failure, safe_next
from forum.transaction import unit_of_work, writes
from forum.views import id_arg
from forum.zones import guessed

bp = Blueprint("accounts", __name__)

# What a member who must change a weak password may still reach: the change itself, logging out,
# the other language, and the files pages are drawn with. The API authenticates by token, for
# scripts, and goes on working (forum/api/auth.py).
OPEN_WHILE_PASSWORD_WEAK = frozenset(
    {
        "accounts.change_password",
        "accounts.logout",
        "main.set_language",
        "accounts.switch_language",
        "main.set_theme",
        "accounts.switch_theme",
        "main.healthz",
        "static",
    }
)


def _limit(setting):
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


@bp.route("/register", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@_limit("RATELIMIT_REGISTER")
@writes
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    valid = form.validate_on_submit()
    if form.is_submitted() and not ("csrf_token" in form and form.csrf_token.errors):
        # Every field's refusal at once, the service's beside the form's: not one a submit.
        for refusal in signup.refusals(form.username.data or "", form.email.data or "", form.password.data or ""):
            field = getattr(form, refusal.field, None)
            if field is None or not field.errors:
                attach_error(form, refusal)
                valid = False
    if valid:
        try:
            # Only a language the visitor picked becomes the account's; otherwise the browser decides.
            signup.request_sign_up(form.username.data, form.email.data, form.password.data, chosen_language())
        except RuleBroken as error:
            attach_error(form, error)
        else:
            # The same page whether or not the address has an account (forum/accounts/signup.py).
            return render_template("accounts/check_mail.html", email=form.email.data.strip(), purpose="sign_up")
    return render_template("accounts/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
@writes
def finish_sign_up(token):
    # A page with a button, not a link that acts: mail scanners open links.
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = signup.finish_sign_up(token)
        except RuleBroken as error:
            return render_template("accounts/finish_sign_up.html", form=form, pending=None, error=error.message)
        login_user(user)
        flash(_("Welcome to Cocreate, %(name)s!", name=user.username), "success")
        return redirect(url_for("main.home"))
    pending = signup.pending(token)
    return render_template("accounts/finish_sign_up.html", form=form, pending=pending, error=None)


@bp.route("/password/forgot", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@_limit("RATELIMIT_RESET")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(form.login.data)
        return render_template("accounts/check_mail.html", email=None, purpose="reset")
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@writes
def reset_password(token):
    form = ResetPasswordForm()
    if reset.user_for_token(token) is None:  # a page saying so, with the way to a new link
        return render_template("accounts/reset_password.html", form=None)
    if form.validate_on_submit():
        try:
            user = reset.reset_password(token, form.password.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(_("Your password is set. Other devices have been logged out."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
# A login that works redirects; the form coming back means it was refused.
@limit_failed_logins(typed_in_form("login"), failed=lambda response: response.status_code == 200)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            if services.password_unjudged(user):
                # Once per account whose password predates the rule, and after the hash check,
                # which so stays outside SQLite's write lock.
                with unit_of_work():
                    services.judge_password_at_login(user, form.password.data)
            login_user(user, remember=form.remember.data)
            if user.password_change_required:
                return redirect(url_for("accounts.change_password", next=safe_next(form.next.data)))
            return redirect(safe_next(form.next.data))
        # One message for an unknown user and a wrong password.
        form.form_errors.append(_("Wrong username or password."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@writes
def logout():
    if current_user.is_authenticated:
        services.end_all_sessions(current_user)
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET"])
@login_required
def settings():
    return render_settings(PasswordForm(), _language_form())


@bp.route("/account/password", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@login_required
# Like a login, the form checks a password: a stolen session must not guess it quickly.
@limit_writes("RATELIMIT_LOGIN_ACCOUNT")
@writes
def change_password():
    form = PasswordForm()
    if request.method == "GET":
        # This page's form always says where to go next; the settings page's form leaves it empty.
        form.next.data = request.args.get("next") or url_for("accounts.settings")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            # The new session token ended every session, this one included: start it again.
            had_remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=had_remember)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(safe_next(form.next.data, url_for("accounts.settings")))
    # A refusal goes back to the page the form was on.
    if request.method == "POST" and not current_user.password_change_required and not form.next.data:
        return render_settings(form, _language_form())
    return render_template("accounts/password.html", form=form)


@bp.route("/account/email", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@limit_writes("RATELIMIT_LOGIN_ACCOUNT")  # it checks a password, as a login does
@writes
def change_address():
    form = AddressForm(prefix="address")
    if form.validate_on_submit():
        try:
            address.request_change(current_user, form.current_password.data, form.email.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(
                _("We have sent a link to %(email)s. Your address changes when you open it.", email=form.email.data),
                "success",
            )
            return redirect(url_for("accounts.settings"))
    return render_settings(address_form=form)


@bp.route("/account/email/confirm", methods=["POST"])
@login_required
@limit_writes("RATELIMIT_RESET")  # a mail to send, as a reset link is
@writes
def request_confirmation():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            address.request_confirmation(current_user)
        except RuleBroken as error:
            flash(error.message, "error")
        else:
            flash(
                _("We have sent a link to %(email)s. Open it to confirm your address.", email=current_user.email),
                "success",
            )
    return redirect(url_for("accounts.settings") + "#address")


@bp.route("/account/email/<token>", methods=["GET", "POST"])
@writes
def confirm_address(token):
    # A page with a button, not a link that acts: mail scanners open links.
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        before = address.pending_change(token)
        try:
            user = address.confirm_change(token)
        except RuleBroken as error:
            return render_template("accounts/confirm_address.html", form=form, pending=None, error=error.message)
        confirming = before is not None and before[1] == before[0].email and before[0] is user
        flash(_("Your address is confirmed.") if confirming else _("Your address is changed."), "success")
        return redirect(url_for("accounts.settings" if current_user.is_authenticated else "accounts.login"))
    return render_template(
        "accounts/confirm_address.html", form=form, pending=address.pending_change(token), error=None
    )


@bp.route("/account/mail", methods=["POST"])
@login_required
@writes
def change_mail():
    form = MailForm(prefix="mail")
    if form.validate_on_submit():
        digests.set_frequency(current_user, form.frequency.data)
        flash(_("Your mail settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_settings(mail_form=form)


@bp.route("/account/language", methods=["POST"])
@login_required
@writes
def change_language():
    form = _language_form()
    if form.validate_on_submit():
        services.set_locale(current_user, form.language.data, current_app.config["LANGUAGES"])
        response = redirect(url_for("accounts.settings"))
        remember_language(response, form.language.data)
        return response
    return render_settings(PasswordForm(), form)


@bp.route("/account/time-zone", methods=["POST"])
@login_required
@writes
def change_time_zone():
    form = TimeZoneForm(prefix="zone")
    if form.validate_on_submit():
        try:
            services.set_time_zone(current_user, form.time_zone.data)
        except RuleBroken as error:
            attach_error(form, error)
        else:
            flash(_("Your time zone is saved."), "success")
            return redirect(url_for("accounts.settings") + "#time-zone")
    return render_settings(zone_form=form)


@bp.route("/account/language/<code>", methods=["POST"])
@login_required
@writes
def switch_language(code):
    """The header's switch for a member: saved on the account as well, so mail follows it."""
    if code not in current_app.config["LANGUAGES"]:
        raise NotFound()
    if ConfirmForm().validate_on_submit():
        services.set_locale(current_user, code, current_app.config["LANGUAGES"])
    return remember_language(redirect(safe_next(request.form.get("next"))), code)


@bp.route("/account/theme/<theme>", methods=["POST"])
@login_required
@writes
def switch_theme(theme):
    """The header's theme switch for a member: saved on the account, so other devices follow it."""
    if not themes.is_theme(theme):
        raise NotFound()
    if ConfirmForm().validate_on_submit():
        services.set_theme(current_user, theme)
    return themes.remember(redirect(safe_next(request.form.get("next"))), theme)


@bp.route("/u/<username>")
def profile(username):
    user = services.get_user_by_name(username)
    score = points.total(user)
    return render_template(
        "accounts/profile.html",
        user=user,
        roles=roles_of(user),
        points=score,
        level=points.level(score),
        badges=points.badges(user),
        problems=activity.problems_by(current_user, user, before=id_arg("problems_before")),
        solutions=activity.solutions_by(current_user, user, before=id_arg("solutions_before")),
        comments=activity.comments_by(current_user, user, before=id_arg("comments_before")),
    )


@bp.before_app_request
def weak_password_first():
    """Send a member whose password must change to the password page, wherever they were going."""
    if request.endpoint in OPEN_WHILE_PASSWORD_WEAK or request.endpoint is None or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or not current_user.password_change_required:
        return None
    if wants_json():
        raise Forbidden(_("Choose a new password first: yours is too easy to guess."))
    going_to = request.full_path if request.query_string else request.path
    return redirect(url_for("accounts.change_password", next=going_to if request.method == "GET" else None))


def _language_form():
    # Prefixed: the settings page also has the password form, and ids must be unique.
    form = LanguageForm(prefix="lang", language=current_user.locale or str(get_locale()))
    form.language.choices = choices(current_app.config["LANGUAGES"].items())
    return form


def render_settings(
    password_form=None,
    language_form=None,
    token_form=None,
    new_token=None,
    address_form=None,
    mail_form=None,
    zone_form=None,
):
    """The settings page; the form that was just sent comes back with its input and errors."""
    return render_template(
        "accounts/settings.html",
        mail_form=mail_form or MailForm(prefix="mail", frequency=current_user.mail_frequency),
        password_form=password_form or PasswordForm(),
        address_form=address_form or AddressForm(prefix="address", formdata=None),
        language_form=language_form or _language_form(),
        # Until the member saves a zone, the browser's guess (a cookie) fills the field in.
        zone_form=zone_form
        or TimeZoneForm(prefix="zone", formdata=None, time_zone=current_user.time_zone or guessed()),
        token_form=token_form or TokenForm(prefix="token", formdata=None),
        tokens=tokens.tokens_of(current_user),
        new_token=new_token,
        revoke_form=ConfirmForm(),
    )
