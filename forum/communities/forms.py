"""Community forms (admin)."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum import zones
from forum.communities.services import DESCRIPTION_MAX, NAME_MAX
from forum.forms import FlaskForm


def _creator_zone():
    """A community has no language of its own: its creating admin's language suggests the zone."""
    return zones.default_for_locale(getattr(current_user, "locale", None) or get_locale())


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
    time_zone = StringField(
        _l("Time zone"),
        default=_creator_zone,
        validators=[DataRequired(), Length(max=zones.ZONE_MAX)],
        description=_l("Its pages show times in this zone to readers who have none of their own, e.g. Asia/Shanghai."),
        render_kw={"list": "zone-names", "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Save"))


class CommunityEditForm(CommunityForm):
    """The address is fixed once links to the community exist."""

    slug = None
