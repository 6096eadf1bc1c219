"""Helpers shared by every feature's forms: select options, a service's refusal next to its field, and
whether the page being drawn shows a refused form (its title then says so)."""

import flask_wtf
from jinja2 import pass_context
from wtforms import SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.validators import DataRequired

from forum.transaction import abandon


def one_line_ending(value):
    """Browsers send a textarea's line breaks as \\r\\n; kept as typed, text saved unchanged from
    a browser would differ from the same text saved by the API or shown in the form."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class FlaskForm(flask_wtf.FlaskForm):
    """The project's form: every multi-line field's line endings are normalised once, here."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, TextAreaField):
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": [*filters, one_line_ending]}
            return super().bind_field(form, unbound_field, options)


class ConfirmForm(FlaskForm):
    """A form with only a button: carries the CSRF token for one-click actions."""

    submit = SubmitField()


class Chosen(DataRequired):
    """DataRequired for a select whose first option is a real choice: it renders no `required`
    attribute, which HTML allows on a select only when its first option is an empty placeholder."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


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


def has_errors(form):
    """Whether a form came back refused: a message on one of its fields, or on the whole form."""
    return bool(getattr(form, "form_errors", None)) or any(field.errors for field in form)


@pass_context
def page_has_form_errors(context):
    """Whether the page being drawn holds a refused form. Asked by the page's <title>, which is
    drawn before the form is, so it looks at the forms the view handed to the template."""
    return any(isinstance(value, BaseForm) and has_errors(value) for value in context.get_all().values())


def init_app(app):
    app.jinja_env.globals["page_has_form_errors"] = page_has_form_errors
