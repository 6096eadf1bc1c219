"""Forms of signing in with a provider: the sign-in buttons and the new member's username."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SubmitField
from wtforms.validators import DataRequired, Length

from forum.accounts.forms import username_field


class StartForm(FlaskForm):
    """A provider's button: a POST with the CSRF token, so no other site can start a sign-in."""

    next = HiddenField()


class NewAccountForm(FlaskForm):
    """The username (registration's field and rules) and, when the provider vouched for no
    address, one to mail a link to."""

    username = username_field()
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("We mail it a link; it becomes your address when you open it."),
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Create account"))
