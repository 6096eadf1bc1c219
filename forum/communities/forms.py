"""Community forms (admin)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.communities.services import DESCRIPTION_MAX, NAME_MAX


class CommunityForm(FlaskForm):
    slug = StringField(
        _l("Address"),
        validators=[DataRequired(), Length(min=2, max=40)],
        description=_l("Lowercase letters, digits and hyphens; appears in the URL, e.g. haier-washers."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=DESCRIPTION_MAX)],
        description=_l("Markdown is supported."),
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Save"))


class CommunityEditForm(CommunityForm):
    """The address is fixed once links to the community exist."""

    slug = None
