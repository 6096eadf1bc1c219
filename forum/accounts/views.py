"""Account pages: register, log in, log out, settings, profile."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum.accounts import services, tokens
from forum.accounts.forms import LanguageForm, LoginForm, PasswordForm, RegisterForm, TokenForm
from forum.communities.services import roles_of
from forum.errors import RuleBroken
from forum.extensions import limiter
from forum.forms import ConfirmForm, attach_error, choices
from forum.i18n import chosen_language, remember_language
from forum.limits import limit_failed_logins, typed_in_form
from forum.points import services as points
from forum.security import keeps_input_on_csrf_failure, safe_next
from forum.solutions.services import solutions_by
from forum.transaction import writes

bp = Blueprint("accounts", __name__)


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
    if form.validate_on_submit():
        try:
            # Only a language the visitor picked becomes the account's; otherwise the browser decides.
            user = services.register(form.username.data, form.email.data, form.password.data, chosen_language())
        except RuleBroken as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to Cocreate, %(name)s!", name=user.username), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
# A login that works redirects; the form coming back means it was refused.
@limit_failed_logins(typed_in_form("login"), failed=lambda response: response.status_code == 200)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
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


@bp.route("/account/password", methods=["POST"])
@keeps_input_on_csrf_failure
@login_required
@writes
def change_password():
    form = PasswordForm()
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
            return redirect(url_for("accounts.settings"))
    return render_settings(form, _language_form())


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
        solutions=solutions_by(current_user, user),
    )


def _language_form():
    # Prefixed: the settings page also has the password form, and ids must be unique.
    form = LanguageForm(prefix="lang", language=current_user.locale or str(get_locale()))
    form.language.choices = choices(current_app.config["LANGUAGES"].items())
    return form


def render_settings(password_form=None, language_form=None, token_form=None, new_token=None):
    """The settings page; the form that was just sent comes back with its input and errors."""
    return render_template(
        "accounts/settings.html",
        password_form=password_form or PasswordForm(),
        language_form=language_form or _language_form(),
        token_form=token_form or TokenForm(prefix="token", formdata=None),
        tokens=tokens.tokens_of(current_user),
        new_token=new_token,
        revoke_form=ConfirmForm(),
    )
