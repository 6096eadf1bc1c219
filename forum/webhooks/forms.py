"""The form that adds a webhook: an address and the events it wants, as checkboxes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import choices
from forum.webhooks.models import EVENT_TYPES
from forum.webhooks.services import URL_MAX

# What each event means, for the checkboxes; the code stays beside it (it is what a receiver reads).
EVENT_LABELS = {
    "challenge.created": _l("A challenge is posted"),
    "challenge.phase_changed": _l("A challenge moves to another phase"),
    "solution.created": _l("A solution is submitted"),
    "solution.updated": _l("A solution is edited"),
    "solution.status_changed": _l("A solution's status changes"),
    "solution.merged": _l("A solution is merged into another"),
    "vote.created": _l("A fan votes"),
    "vote.removed": _l("A fan withdraws a vote"),
    "comment.created": _l("A comment is posted"),
    "prototype.updated": _l("A prototype gets a milestone update"),
    "release.published": _l("A release is published"),
}


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Address (URL)"),
        validators=[DataRequired(message=_l("Enter the address to send to.")), Length(max=URL_MAX)],
        description=_l("An address on the public internet, where the forum will post."),
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )
    # Checkboxes, not a multi-select: a phone picks several alike.
    events = SelectMultipleField(
        _l("What it hears of"),
        choices=choices((kind, EVENT_LABELS[kind]) for kind in EVENT_TYPES),
        validators=[DataRequired(message=_l("Pick at least one of the listed kinds of news."))],
        description=_l("Each is sent as signed JSON; its type is the code beside it."),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Add webhook"))
