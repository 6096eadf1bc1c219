"""Staff forms for answering ideas."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

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
