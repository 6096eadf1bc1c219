"""Helpers shared by every feature's forms: select options, a service's refusal next to its field."""

from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice

from forum.transaction import abandon


class ConfirmForm(FlaskForm):
    """A form with only a button: carries the CSRF token for one-click actions."""

    submit = SubmitField()


def choices(pairs):
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def attach_error(form, error):
    """Show a DomainError next to the field it names, or above the form; nothing the refused
    action wrote is kept."""
    abandon()
    field = getattr(form, error.field, None) if error.field else None
    message = str(error.message or "")
    if field is not None:
        # validate() sets errors to a tuple when a field passes; make it a list we can add to.
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
