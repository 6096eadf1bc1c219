"""Moderation forms: a fan's report, the community's settings, a suspension, the hidden list's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.forms import Chosen, choices
from forum.moderation.models import FLAG_REASONS
from forum.moderation.services import DETAIL_MAX

SUSPENSIONS = {"1": _l("1 day"), "7": _l("1 week"), "30": _l("30 days"), "0": _l("Lift the suspension")}


class FlagForm(FlaskForm):
    reason = SelectField(
        _l("Why are you reporting this?"),
        # No reason chosen for the fan: they pick one, rather than report as the first by mistake.
        choices=choices([("", _l("Choose a reason")), *FLAG_REASONS.items()]),
        validators=[DataRequired(message=_l("Choose why you are reporting this."))],
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
    days = SelectField(_l("Suspend the author"), choices=choices(SUSPENSIONS.items()), validators=[Chosen()])
    # Admins only: staff suspend in their own community.
    everywhere = BooleanField(_l("In every community"))
    submit = SubmitField(_l("Apply"))


class HeldFilterForm(FlaskForm):
    """The hidden and held list's filters, read from the query string: a GET form, no token."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    why = SelectField(_l("Why"), validators=[Optional()])
    reported = SelectField(_l("Reported as"), validators=[Optional()])
    who = SelectField(_l("Hidden by"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    @classmethod
    def for_community(cls, args, kinds, reasons, hiders):
        form = cls(args)
        form.kind.choices = choices([("", _l("All kinds")), *kinds.items()])
        form.why.choices = choices([("", _l("Any reason")), *reasons.items()])
        form.reported.choices = choices([("", _l("Reported or not")), *FLAG_REASONS.items()])
        form.who.choices = choices([("", _l("Anyone")), *((str(user.id), user.username) for user in hiders)])
        return form

    def filters(self, make):
        """The filters that validated, through `make` (forum.moderation.held.Filters); a field
        with a wrong value is left out and keeps its message."""
        self.validate()
        ok = {name: not getattr(self, name).errors for name in ("kind", "why", "reported", "who", "since", "until")}
        return make(
            kind=self.kind.data or None if ok["kind"] else None,
            why=self.why.data or None if ok["why"] else None,
            reported=self.reported.data or None if ok["reported"] else None,
            actor_id=int(self.who.data) if ok["who"] and self.who.data else None,
            since=self.since.data if ok["since"] else None,
            until=self.until.data if ok["until"] else None,
        )
