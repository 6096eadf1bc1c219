"""Account forms: register, log in, change password, language, time zone."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from forum.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from forum.forms import Chosen, choices
from forum.zones import ZONE_MAX

# New passwords are judged by the password rule alone (forum/accounts/passwords.py), so every
# door refuses them with the same reason; the form only asks for one.
NEW_PASSWORD_HELP = _l("At least %(n)d characters, not a common password, not your username or email.", n=MIN_LENGTH)


def new_password_fields(label, repeat_label):
    """A new password and its repetition, for a form's class body (made there, so they keep
    their place among its fields)."""
    return (
        PasswordField(
            label,
            validators=[DataRequired()],
            description=NEW_PASSWORD_HELP,
            render_kw={"autocomplete": "new-password"},
        ),
        PasswordField(
            repeat_label,
            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )


def username_field():
    """A new account's username, for a form's class body: registration's, and the one a member
    picks after signing in with a provider (forum/accounts/oidc_forms.py)."""
    return StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=30)],
        description=_l("3 to 30 letters, digits, underscores or hyphens. Chinese characters are welcome."),
        render_kw={"autocomplete": "username"},
    )


class RegisterForm(FlaskForm):
    username = username_field()
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "email"})
    password, confirm = new_password_fields(_l("Password"), _l("Repeat password"))
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    login = StringField(
        _l("Username or email"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    password, confirm = new_password_fields(_l("New password"), _l("Repeat new password"))
    # Where a member sent to change a weak password was going.
    next = HiddenField()
    submit = SubmitField(_l("Change password"))


class AddressForm(FlaskForm):
    email = EmailField(
        _l("New email address"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("We mail it a link; the address changes when you open it."),
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Change address"))


class ForgotPasswordForm(FlaskForm):
    login = StringField(
        _l("Username or email"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"}
    )
    submit = SubmitField(_l("Mail me a link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields(_l("New password"), _l("Repeat new password"))
    submit = SubmitField(_l("Set password"))


class MailForm(FlaskForm):
    frequency = SelectField(
        _l("Notification mail"),
        choices=choices(
            [
                ("each", _l("Each notification (at most one mail every 10 minutes)")),
                ("daily", _l("A daily digest")),
                ("weekly", _l("A weekly digest")),
                ("off", _l("No mail")),
            ]
        ),
        validators=[Chosen()],
    )
    submit = SubmitField(_l("Save"))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), validators=[Chosen()])
    submit = SubmitField(_l("Save"))


class TimeZoneForm(FlaskForm):
    time_zone = StringField(
        _l("Time zone"),
        validators=[Length(max=ZONE_MAX)],
        description=_l("Times are shown and typed in this zone, e.g. Asia/Shanghai. Empty: follow this browser."),
        render_kw={"list": "zone-names", "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Save"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("What it is for, e.g. weekly export script."),
    )
    # A token outlives the session and a password reset: a stolen session must not mint one.
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Create token"))
