"""Moderation forms: a fan's report, the community's settings, a suspension."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from forum.forms import choices
from forum.moderation.models import FLAG_REASONS
from forum.moderation.services import DETAIL_MAX

SUSPENSIONS = {"1": _l("1 day"), "7": _l("1 week"), "30": _l("30 days"), "0": _l("Lift the suspension")}


class FlagForm(FlaskForm):
    reason = SelectField(
        _l("Why are you reporting this?"), choices=choices(FLAG_REASONS.items()), validators=[DataRequired()]
    )
    detail = StringField(_l("Details (optional)"), validators=[Length(max=DETAIL_MAX)])
    submit = SubmitField(_l("Report to staff"))


class SettingsForm(FlaskForm):
    flag_threshold = IntegerField(
        _l("Hide content reported by this many fans"),
        validators=[DataRequired(), NumberRange(min=1, max=100)],
        description=_l("Hidden at once, pending your review."),
    )
    hold_first_posts = BooleanField(_l("Hold new accounts' first posts for approval"))
    submit = SubmitField(_l("Save settings"))


class SuspendForm(FlaskForm):
    days = SelectField(_l("Suspend the author"), choices=choices(SUSPENSIONS.items()), validators=[DataRequired()])
    # Admins only: staff suspend in their own community.
    everywhere = BooleanField(_l("In every community"))
    submit = SubmitField(_l("Apply"))
