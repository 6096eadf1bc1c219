"""Staff forms for answering ideas."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import Chosen, FlaskForm, choices
from forum.review.status import NOTE_MAX, allowed_statuses
from forum.solutions.models import STATUS_LABELS
from forum.zones import ZonedDateTimeField


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[Chosen()])
    note = TextAreaField(
        _l("Note to the author and the voters"),
        validators=[Length(max=NOTE_MAX)],
        description=_l("Public. Required when declining. Markdown is supported."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Change status"))

    @classmethod
    def for_solution(cls, solution, **kwargs):
        form = cls(**kwargs)
        form.status.choices = choices((s, STATUS_LABELS[s]) for s in allowed_statuses(solution))
        return form


# Every score starts on the empty choice: a reviewer who skips one is asked for it, rather than
# the first number being saved as if they had chosen it.
SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
CRITERIA_LABELS = {
    "feasibility": _l("Feasibility"),
    "impact": _l("Impact"),
    "novelty": _l("Novelty"),
    "cost": _l("Cost (5 = cheap)"),
}


def _score(value):
    """The chosen score, or None for the empty choice (and for anything else that is no number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ScoreChosen:
    """A score must be chosen; the message names the criterion, in the reader's language."""

    def __call__(self, form, field):
        if field.data is None:
            raise StopValidation(_("Choose a score from 1 to 5 for “%(criterion)s”.", criterion=field.label.text))


def _score_field(criterion):
    return SelectField(CRITERIA_LABELS[criterion], choices=choices(SCORES), coerce=_score, validators=[ScoreChosen()])


class ReviewForm(FlaskForm):
    feasibility = _score_field("feasibility")
    impact = _score_field("impact")
    novelty = _score_field("novelty")
    cost = _score_field("cost")
    note = TextAreaField(_l("Review note"), validators=[Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save review"))

    def scores(self):
        return {name: getattr(self, name).data for name in CRITERIA_LABELS}

    def missing(self):
        """The labels of the criteria left without a score."""
        return [getattr(self, name).label.text for name in CRITERIA_LABELS if getattr(self, name).data is None]


class AssignForm(FlaskForm):
    reviewer = SelectField(_l("Assign a reviewer"), coerce=int, validators=[Chosen()])
    submit = SubmitField(_l("Assign"))


class StaffNoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private staff note"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Only staff and the product team see this."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Add note"))


class PromoteForm(FlaskForm):
    # Checkboxes, not a multi-select: a phone or a mouse without Ctrl picks several alike.
    team = SelectMultipleField(
        _l("Expert team"),
        coerce=int,
        description=_l("The solution's author comes first, then the community's staff."),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    others = StringField(
        _l("Other members"),
        validators=[Length(max=500)],
        description=_l("Anyone else on the team: usernames, separated by commas."),
    )
    note = TextAreaField(_l("Note to the author and the voters"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Promote to prototyping"))

    def named_members(self):
        names = (self.others.data or "").replace("，", ",").replace("、", ",").split(",")
        return [name.strip().lstrip("@") for name in names if name.strip().lstrip("@")]


class AttendanceForm(FlaskForm):
    """One person's attendance on the roster: "yes" came, "no" did not."""

    attended = HiddenField(validators=[AnyOf(["yes", "no"])])


class UpdateForm(FlaskForm):
    body = TextAreaField(
        _l("Milestone update"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l("For example: workshop held, sample machine built, user test. Markdown is supported."),
        render_kw={"rows": 4},
    )
    images = MultipleFileField(_l("Photos"), render_kw={"accept": "image/png,image/jpeg,image/webp,image/gif"})
    submit = SubmitField(_l("Publish update"))


class EventForm(FlaskForm):
    title = StringField(_l("Event"), validators=[DataRequired(), Length(max=200)])
    starts = ZonedDateTimeField(_l("Starts"), validators=[DataRequired()])  # typed in the reader's zone
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    seats = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=10_000)])
    submit = SubmitField(_l("Create event"))


class ReleaseForm(FlaskForm):
    version = StringField(
        _l("Version"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("e.g. HyperOS 2.1.5 or Sample machine v2"),
    )
    released_on = DateField(_l("Release date"), validators=[DataRequired()])
    body = TextAreaField(
        _l("What is new"),
        validators=[Length(max=10_000)],
        description=_l("Markdown is supported."),
        render_kw={"rows": 6},
    )
    solutions = SelectMultipleField(
        _l("Fans' ideas it ships"),
        coerce=int,
        description=_l("They move to Prototyped, and everyone who voted for or follows them hears of it."),
        render_kw={"size": 8},
    )
    submit = SubmitField(_l("Publish release"))


# The largest id the id columns hold: a bigger number finds nothing, instead of failing the query.
ID_MAX = 2**31 - 1


class MergeForm(FlaskForm):
    """The solution to merge into: picked from the candidates (radio buttons the page draws for
    `choice`) or typed as its number; either one, or both naming the same solution."""

    choice = IntegerField(_l("Merge into"), validators=[Optional(), NumberRange(min=1, max=ID_MAX)])
    target = IntegerField(
        _l("Or type its number"),
        validators=[Optional(), NumberRange(min=1, max=ID_MAX)],
        description=_l("The number at the end of the other solution's address, e.g. 42 for /solutions/42."),
    )
    note = TextAreaField(_l("Note to the authors and the voters"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Merge duplicate"))

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        picked, typed = self.choice.data, self.target.data
        if picked is None and typed is None:
            self.target.errors = [_("Pick the solution to merge into, or type its number.")]
            return False
        if picked is not None and typed is not None and picked != typed:
            self.target.errors = [
                _("You picked solution %(picked)d and typed %(typed)d: keep one of them.", picked=picked, typed=typed)
            ]
            return False
        return True

    def target_id(self):
        return self.target.data if self.target.data is not None else self.choice.data
