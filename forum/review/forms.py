"""Staff forms for answering ideas."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange

from forum.forms import choices
from forum.review.status import NOTE_MAX, allowed_statuses
from forum.solutions.models import STATUS_LABELS


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[DataRequired()])
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


SCORES = [(str(n), str(n)) for n in range(1, 6)]
CRITERIA_LABELS = {
    "feasibility": _l("Feasibility"),
    "impact": _l("Impact"),
    "novelty": _l("Novelty"),
    "cost": _l("Cost (5 = cheap)"),
}


class ReviewForm(FlaskForm):
    feasibility = SelectField(CRITERIA_LABELS["feasibility"], choices=choices(SCORES), coerce=int)
    impact = SelectField(CRITERIA_LABELS["impact"], choices=choices(SCORES), coerce=int)
    novelty = SelectField(CRITERIA_LABELS["novelty"], choices=choices(SCORES), coerce=int)
    cost = SelectField(CRITERIA_LABELS["cost"], choices=choices(SCORES), coerce=int)
    note = TextAreaField(_l("Review note"), validators=[Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save review"))

    def scores(self):
        return {name: getattr(self, name).data for name in CRITERIA_LABELS}


class AssignForm(FlaskForm):
    reviewer = SelectField(_l("Assign a reviewer"), coerce=int, validators=[DataRequired()])
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
    team = SelectMultipleField(_l("Expert team"), coerce=int, validators=[DataRequired()])
    note = TextAreaField(_l("Note to the author and the voters"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Promote to prototyping"))


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
    starts = DateTimeLocalField(
        _l("Starts (UTC)"), validators=[DataRequired()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    )
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


class MergeForm(FlaskForm):
    target = IntegerField(
        _l("Merge into solution number"),
        validators=[DataRequired(), NumberRange(min=1)],
        description=_l("The number at the end of the other solution's address, e.g. 42 for /solutions/42."),
    )
    note = TextAreaField(_l("Note to the authors and the voters"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Merge duplicate"))
